"""Stage 3: field verification (Verifikasi Lapangan) page and the new-family form."""
