"""Pages over the core data: Data Keluarga & Anggota, Log Audit, Pengguna, Pengaturan.
"""
