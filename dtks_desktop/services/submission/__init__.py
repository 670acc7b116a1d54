"""Submission batches (issue 13): build from final Musdes decisions, four-eyes approval with frozen
content, outputs for Kemensos/Provinsi, results back. No Qt here."""
