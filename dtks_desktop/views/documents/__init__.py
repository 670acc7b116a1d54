"""Kantor & Dokumen: the office profile, signatories and village officials; the letter register
(Agenda Surat) and the authenticity check of printed documents (issue 11)."""
