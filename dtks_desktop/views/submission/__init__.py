"""Pengajuan: submission batches to Kemensos and the province, with four-eyes approval (issue 13)."""
