"""Stage 4: village meetings (Musyawarah Desa / Musyawarah Kelurahan) and their Berita Acara.

``common`` (errors, the plain views, the kop setting), ``meetings`` (create, participants,
finalize), ``decisions`` (the list per desa, totals, decide), ``printing`` (Berita Acara with
lampiran and daftar hadir, a whole kecamatan, SPTJM). No Qt.
"""
