"""Kantor & Dokumen: the office profile, signatories and village officials (issue 11)."""
