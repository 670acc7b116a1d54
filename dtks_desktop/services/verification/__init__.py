"""Stage 3: field verification by Petugas Pendata / PSM / TKSK (DOMAIN.md §3.1, §4.2).

- :mod:`.common`: the verification round (``verify.putaran``), petugas, errors, family keys;
- :mod:`.assign`: families of a desa (or one RW) to a petugas;
- :mod:`.worksheets`: what a worksheet shows, and the .xlsx to fill in (the PDF is
  ``documents/types/lembar_kerja_verifikasi.py``);
- :mod:`.findings`: the entry page's reads and :func:`~.findings.save_family` (one family's
  findings, corrections applied to the registry, audited);
- :mod:`.sheet_import`: a filled-in worksheet back in, all or nothing;
- :mod:`.proposals`: new families proposed in the field (usulan baru), NIK checked against the
  civil-registry snapshot;
- :mod:`.progress`: families done / left per desa and petugas.

No Qt. Every entry point that changes data or prints a worksheet calls ``require`` first
(``verify.assign`` / ``verify.enter``).
"""
