"""Official documents rendered with reportlab: shared building blocks.

``letterhead``: kop surat and the Kepala Dinas signature block; ``layout``: page numbers
("Halaman x dari y", restarting per section), running headers, long lists as one table per page,
atomic PDF writing. Document content lives with the service that owns the data (for example
``services.match_reports``); these modules read no database.
"""
