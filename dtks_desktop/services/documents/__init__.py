"""Documents shared by every stage: the office profile (letterhead, paper, signatories), village
officials, the letter register (agenda surat keluar) and issued documents (stored, reprinted,
verified). No Qt."""
