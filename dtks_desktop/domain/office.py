"""The office as its documents show it: letterhead, paper, signatories, village officials.

Plain data shared by the document engine (``dtks_desktop/documents``), the services that keep it
(``services/documents``) and the stages that print. No database, no Qt.
"""

from __future__ import annotations

from dataclasses import dataclass

#: The office setting keys (``dtks office set KEY=VALUE``); stored as ``office.<key>``.
OFFICE_KEYS = ("pemerintah", "dinas", "alamat", "telepon", "email", "website", "kode_pos", "tempat", "kertas",
               "logo")

#: Paper sizes in millimetres (portrait). F4/Folio is common in Indonesian offices.
PAPER_MM = {"A4": (210.0, 297.0), "F4": (215.0, 330.0)}


@dataclass(frozen=True)
class OfficeProfile:
    """What the letterhead and the date line need. Empty strings where the office set nothing."""

    pemerintah: str = ""  # "PEMERINTAH KABUPATEN KLATEN"
    dinas: str = "DINAS SOSIAL"
    alamat: str = ""  # "Jl. Pemuda No. 294"
    telepon: str = ""
    email: str = ""
    website: str = ""
    kode_pos: str = ""
    tempat: str = ""  # the place written before dates: "Klaten"
    kertas: str = "A4"  # "A4" or "F4"
    logo: bytes | None = None  # PNG or JPEG bytes, checked when set
    kab_kode: str = ""  # "33.10"

    @property
    def paper_mm(self) -> tuple[float, float]:
        return PAPER_MM.get(self.kertas, PAPER_MM["A4"])


@dataclass(frozen=True)
class Signer:
    """A signatory (penanda tangan): an official with an 18-digit NIP."""

    id: int
    nama: str
    nip: str  # 18 digits, or "" for a signatory without NIP (e.g. a Kepala Desa)
    pangkat: str  # "Pembina Tingkat I (IV/b)"
    jabatan: str  # "Kepala Dinas Sosial"
    aktif: bool = True


@dataclass(frozen=True)
class VillageOfficials:
    """The officials of one desa/kelurahan who sign its minutes."""

    desa_kode: str  # "33.10.01.2001"
    desa_nama: str
    sebutan: str  # "Desa" or "Kelurahan" (from the region code)
    kepala: str = ""  # Kepala Desa or Lurah
    ketua_bpd: str = ""  # Ketua BPD (desa) or Ketua LPM (kelurahan)
    sekretaris: str = ""

    @property
    def kepala_jabatan(self) -> str:
        return "Lurah" if self.sebutan == "Kelurahan" else "Kepala Desa"


@dataclass(frozen=True)
class DocumentType:
    """A kind of document the office issues: ONE list (:data:`DOCUMENT_TYPES`) for the letter
    register (numbering templates, labels) and the signatory choice (``docs.signer.<code>``)."""

    code: str
    label: str  # shown in the register, the signatory tab and the authenticity check
    default_template: str = ""  # the register's numbering template; "" for an unnumbered type
    numbered: bool = True  # issued documents of this type take a register number
    #: The type's signature block holds the office's signatory chosen per type. False: signed by
    #: others (the village head and the petugas: names from the village officials).
    office_signer: bool = True
    printed: bool = True  # False: only a number is taken (a letter written outside the app)


#: Every document type, in the order the GUI lists them.
DOCUMENT_TYPES: tuple[DocumentType, ...] = (
    DocumentType("surat_keluar", "Surat keluar (dibuat di luar aplikasi)", "460/{seq}/Dinsos/{year}",
                 office_signer=False, printed=False),
    DocumentType("surat_keterangan", "Surat keterangan terdaftar DTKS", "460/{seq}/Dinsos/{year}"),
    DocumentType("agenda_surat", "Agenda surat keluar (cetak)", numbered=False),
    DocumentType("rekap_pemadanan", "Rekapitulasi hasil pemadanan", "400.9.2/{seq}/Dinsos/{year}"),
    DocumentType("daftar_pemadanan_desa", "Daftar hasil pemadanan per desa", "400.9.2/{seq}/Dinsos/{year}",
                 office_signer=False),
    DocumentType("lembar_kerja_verifikasi", "Lembar kerja verifikasi lapangan", numbered=False,
                 office_signer=False),
    # stage 4: the Berita Acara is signed by the village; its "Mengetahui, Camat …" column is the
    # signatory chosen for this type.
    DocumentType("berita_acara_musdes", "Berita acara Musdes/Muskel", "400.9.2/{seq}/BA-Musdes/{year}"),
    DocumentType("lampiran_musdes", "Lampiran berita acara Musdes/Muskel", numbered=False, office_signer=False),
    DocumentType("daftar_hadir_musdes", "Daftar hadir Musdes/Muskel", numbered=False, office_signer=False),
    DocumentType("sptjm_musdes", "SPTJM desa/kelurahan tanpa musyawarah", numbered=False, office_signer=False),
    # stage 5: submission batches (the Surat Pengantar is signed by the signatory chosen for it)
    DocumentType("surat_pengantar_batch", "Surat pengantar batch pengajuan", "400.9.2/{seq}/Dinsos/{year}"),
    DocumentType("rekap_batch", "Rekapitulasi batch pengajuan per kecamatan/desa", numbered=False),
    DocumentType("surat_pengesahan_batch", "Draf surat pengesahan Bupati/Walikota", numbered=False,
                 office_signer=False),
    # stage 7: distribution (issue 14). The recap and the BAST are letters of the office (numbered,
    # signed by the signatory chosen for them); the nominatif list is signed by the office too.
    # Invitations carry no signature (the QR code and the authenticity code make them genuine);
    # receipt lists and returned lists are signed by PT Pos and the Kepala Desa/Lurah.
    DocumentType("daftar_nominatif", "Daftar nominatif KPM per desa", numbered=False),
    DocumentType("rekap_penyaluran", "Rekapitulasi penyaluran bantuan (Disperindag/Bulog/Dinsos)",
                 "400.9.2/{seq}/Dinsos/{year}"),
    DocumentType("surat_undangan", "Surat undangan KPM per desa", numbered=False, office_signer=False),
    DocumentType("daftar_tanda_terima", "Daftar tanda terima bantuan per desa", numbered=False, office_signer=False),
    DocumentType("bast_penyaluran", "Berita acara serah terima (BAST) penyaluran", "400.9.2/{seq}/BAST/{year}"),
    DocumentType("daftar_dikembalikan", "Daftar KPM dikembalikan (pembersihan PT Pos)", numbered=False,
                 office_signer=False),
    DocumentType("laporan_realisasi", "Laporan realisasi penyaluran bantuan", numbered=False),
)

#: The signatory choice for every type without its own (``docs.signer.default``).
DEFAULT_SIGNER_TYPE = "default"
DEFAULT_SIGNER_LABEL = "Bawaan (semua dokumen tanpa pilihan sendiri)"


def signer_doc_types() -> dict[str, str]:
    """``{code: label}`` of the signatory choices: the default, then every printed type whose
    signature block holds the office's signatory."""
    out = {DEFAULT_SIGNER_TYPE: DEFAULT_SIGNER_LABEL}
    out.update({t.code: t.label for t in DOCUMENT_TYPES if t.printed and t.office_signer})
    return out
