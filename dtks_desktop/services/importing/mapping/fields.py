"""The canonical fields (``NIK``, ``NO_KK``..., labels in :data:`FIELD_LABELS`), the header
synonyms per field and the normalised header key they are matched on, and the mapping errors."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from dtks_desktop.services.importing.readers import ImportFileError

if TYPE_CHECKING:
    from dtks_desktop.services.importing.mapping.presets import Preset


# ---- canonical fields --------------------------------------------------------------------
ID_DTKS = "id_dtks"
ID_ART = "id_art"
ID_KELUARGA = "id_keluarga"
PROVINSI = "provinsi"
KABUPATEN = "kabupaten"
KECAMATAN = "kecamatan"
DESA = "desa"
KODE_PROVINSI = "kode_provinsi"
KODE_KABUPATEN = "kode_kabupaten"
KODE_KECAMATAN = "kode_kecamatan"
KODE_DESA = "kode_desa"
ALAMAT = "alamat"
DUSUN = "dusun"
RT = "rt"
RW = "rw"
NO_KK = "no_kk"
NIK = "nik"
NAMA = "nama"
NAMA_KRT = "nama_krt"
TANGGAL_LAHIR = "tanggal_lahir"
TEMPAT_LAHIR = "tempat_lahir"
TEMPAT_TANGGAL_LAHIR = "tempat_tanggal_lahir"
JENIS_KELAMIN = "jenis_kelamin"
NAMA_IBU = "nama_ibu"
HUBUNGAN = "hubungan"  # status hubungan dalam keluarga (SHDK, STAT_HBKEL)
HUBUNGAN_KRT = "hubungan_krt"  # hubungan dengan kepala rumah tangga (ruta)
STATUS_KAWIN = "status_kawin"
PEKERJAAN = "pekerjaan"
DESIL = "desil"
PROGRAM = "program"
PERIODE = "periode"
STATUS = "status"
PADAN_DUKCAPIL = "padan_dukcapil"
KETERANGAN = "keterangan"

#: Indonesian label of every field, in the order fields are listed to the user.
FIELD_LABELS: dict[str, str] = {
    ID_DTKS: "ID DTKS",
    ID_ART: "ID ART",
    ID_KELUARGA: "ID keluarga",
    NIK: "NIK",
    NO_KK: "Nomor KK",
    NAMA: "Nama",
    NAMA_KRT: "Nama kepala keluarga",
    TEMPAT_LAHIR: "Tempat lahir",
    TANGGAL_LAHIR: "Tanggal lahir",
    TEMPAT_TANGGAL_LAHIR: "Tempat/tanggal lahir",
    JENIS_KELAMIN: "Jenis kelamin",
    NAMA_IBU: "Nama ibu kandung",
    HUBUNGAN: "Hubungan dengan kepala keluarga",
    HUBUNGAN_KRT: "Hubungan dengan kepala rumah tangga",
    STATUS_KAWIN: "Status perkawinan",
    PEKERJAAN: "Pekerjaan",
    ALAMAT: "Alamat",
    DUSUN: "Dusun",
    RT: "RT",
    RW: "RW",
    DESA: "Desa/Kelurahan",
    KECAMATAN: "Kecamatan",
    KABUPATEN: "Kabupaten/Kota",
    PROVINSI: "Provinsi",
    KODE_DESA: "Kode desa/kelurahan",
    KODE_KECAMATAN: "Kode kecamatan",
    KODE_KABUPATEN: "Kode kabupaten/kota",
    KODE_PROVINSI: "Kode provinsi",
    DESIL: "Desil",
    PROGRAM: "Program bantuan",
    PERIODE: "Periode",
    STATUS: "Status",
    PADAN_DUKCAPIL: "Status padan Dukcapil",
    KETERANGAN: "Keterangan",
}
FIELDS: tuple[str, ...] = tuple(FIELD_LABELS)

#: A header row must map at least one of these (besides having >= 3 known fields).
ANCHOR_FIELDS = frozenset({NIK, NO_KK, NAMA, ID_DTKS})
#: How many (non-blank) rows are scanned for the header.
HEADER_SCAN_ROWS = 30
_MIN_FIELDS = 3

#: Header texts per field, as written in real files (matched through :func:`header_key`).
SYNONYMS: dict[str, tuple[str, ...]] = {
    ID_DTKS: ("ID DTKS", "IDDTKS", "ID_DTKS", "NO ID DTKS", "NOMOR ID DTKS", "ID DT PPFM-OTM",
              "ID DT PPFM OTM", "ID DTSEN"),
    ID_ART: ("ID ART", "IDART", "ID_ART", "ID ANGGOTA", "ID ANGGOTA RUMAH TANGGA",
             "ID INDIVIDU", "ID ANGGOTA KELUARGA"),
    ID_KELUARGA: ("ID KELUARGA", "ID_KELUARGA", "ID KELUARGA P3KE", "ID KK"),
    PROVINSI: ("PROVINSI", "PROPINSI", "PROP_NAME", "NAMA PROVINSI", "NAMA PROPINSI", "NAMA PROP",
               "PROV", "NM PROV", "NAMA_PROP", "PROVINSI NAMA"),
    KABUPATEN: ("KABUPATEN/KOTA", "KABUPATEN", "KOTA", "KAB/KOTA", "KAB_NAME", "KAB KOTA",
                "NAMA KABUPATEN", "NAMA KABUPATEN/KOTA", "NAMA KAB", "NAMA KOTA", "KAB",
                "KABUPATENKOTA", "NAMA_KAB", "NM KAB"),
    KECAMATAN: ("KECAMATAN", "KEC_NAME", "NAMA KECAMATAN", "NAMA KEC", "KEC", "NAMA_KEC",
                "NM KEC"),
    DESA: ("DESA/KELURAHAN", "DESA", "KELURAHAN", "KEL_NAME", "NAMA DESA", "DESAKELURAHAN",
           "DESAKELUARAHAN", "DESA/KEL", "KEL/DESA", "KELURAHAN/DESA", "NAMA KELURAHAN",
           "NAMA DESA/KELURAHAN", "NAMA_KEL", "NAMA KEL", "NM DESA", "DESA KEL"),
    KODE_PROVINSI: ("KODE PROVINSI", "KODE PROV", "KODE PROPINSI", "KD PROV", "KDPROV",
                    "NO_PROP", "NO PROP", "KODE_PROVINSI"),
    KODE_KABUPATEN: ("KODE KABUPATEN", "KODE KABUPATEN/KOTA", "KODE KAB", "KODE KOTA", "KD KAB",
                     "KDKAB", "NO_KAB", "NO KAB", "KODE_KABUPATEN"),
    KODE_KECAMATAN: ("KODE KECAMATAN", "KODE KEC", "KD KEC", "KDKEC", "NO_KEC", "NO KEC",
                     "KODE_KECAMATAN"),
    KODE_DESA: ("KODE DESA", "KODE KELURAHAN", "KODE DESA/KELURAHAN", "KD DESA", "KDDESA",
                "KD KEL", "NO_KEL", "NO KEL", "KODE_DESA", "KODE KEMDAGRI", "KODE KEMENDAGRI",
                "KODE WILAYAH", "KODE WILAYAH DESA", "KODE_KEMDAGRI"),
    ALAMAT: ("ALAMAT", "ALAMAT LENGKAP", "ALAMAT RUMAH", "ALAMAT KRT", "ALAMAT TEMPAT TINGGAL",
             "ALAMAT DOMISILI", "ALAMAT KPM", "JALAN", "ALAMAT JALAN"),
    DUSUN: ("DUSUN", "NAMA DUSUN", "DUSUN/LINGKUNGAN", "LINGKUNGAN", "DUKUH", "BANJAR",
            "JORONG"),
    RT: ("RT", "NO_RT", "NO RT", "NOMOR RT", "RT."),
    RW: ("RW", "NO_RW", "NO RW", "NOMOR RW", "RW."),
    NO_KK: ("NOMOR KK", "NO KK", "NO_KK", "NOMOR KARTU KELUARGA", "NKK", "NOKK", "NO. KK", "KK",
            "NO KARTU KELUARGA", "NOMOR_KK", "NO. KARTU KELUARGA", "NOMOR KK ART"),
    NIK: ("NIK", "NOMOR NIK", "NO NIK", "No. NIK", "NIK ART", "NOMOR INDUK KEPENDUDUKAN", "NIK KTP",
          "NO KTP", "NOMOR KTP", "NIK ANGGOTA", "NIK PENERIMA", "NIK KPM", "NOMOR_NIK",
          "NIK_ART", "NO. KTP"),
    NAMA: ("NAMA", "NAMA LENGKAP", "NAMA_LGKP", "NAMA ART", "NAMA PENERIMA", "NAMA KPM",
           "NAMA ANGGOTA", "NAMA ANGGOTA KELUARGA", "NAMA PENDUDUK", "NAMA SESUAI KTP",
           "NAMA PENERIMA MANFAAT", "NAMA_ART", "NAMA PENERIMA BANTUAN"),
    NAMA_KRT: ("NAMA KRT", "NAMA KEPALA KELUARGA", "NAMA KEPALA RUMAH TANGGA", "KEPALA KELUARGA",
               "KEPALA RUMAH TANGGA", "NAMA KK", "NAMA_KRT", "NAMA PENGURUS"),
    TANGGAL_LAHIR: ("TGL_LHR", "TANGGAL LAHIR", "TGL LAHIR", "TGL. LAHIR", "TANGGAL_LAHIR",
                    "TGLLAHIR", "TANGGAL LHR", "TGL LHR", "TGL_LAHIR", "TANGGAL LAHIR ART"),
    TEMPAT_LAHIR: ("TMPT_LHR", "TEMPAT LAHIR", "TMP LAHIR", "TMPT LAHIR", "TEMPAT_LAHIR",
                   "TPT LAHIR", "TMP_LHR"),
    TEMPAT_TANGGAL_LAHIR: ("TEMPAT/TANGGAL LAHIR", "TEMPAT TANGGAL LAHIR", "TEMPAT/TGL LAHIR",
                           "TEMPAT, TANGGAL LAHIR", "TTL", "TEMPAT TGL LAHIR"),
    JENIS_KELAMIN: ("JENIS_KLMIN", "JENIS KELAMIN", "JK", "L/P", "KELAMIN", "SEX", "GENDER",
                    "JNS KELAMIN", "JENIS_KELAMIN", "JNS KLMN", "P/L", "L / P"),
    NAMA_IBU: ("NAMA_LGKP_IBU", "NAMA IBU KANDUNG", "NAMA IBU", "IBU KANDUNG",
               "NAMA_IBU_KANDUNG", "NAMA LENGKAP IBU", "NAMA_IBU"),
    HUBUNGAN: ("STAT_HBKEL", "HUBUNGAN KELUARGA", "HUBUNGAN DENGAN KEPALA KELUARGA", "SHDK",
               "HUB KEL", "HUBUNGAN", "HUBUNGAN DALAM KELUARGA", "STATUS HUBUNGAN DALAM KELUARGA",
               "STATUS HUBUNGAN", "HUB. KELUARGA", "HUBUNGAN DENGAN KK", "HUB DGN KK",
               "HUBUNGAN DGN KK", "HUBUNGAN_KELUARGA", "HUB KELUARGA", "STAT HBKEL"),
    HUBUNGAN_KRT: ("HUBUNGAN DENGAN KEPALA RUMAH TANGGA", "HUBUNGAN DENGAN KRT", "HUB KRT",
                   "HUBUNGAN KRT", "HUB DGN KRT", "HUBUNGAN DGN KRT", "HUBUNGAN RUTA"),
    STATUS_KAWIN: ("STATUS KAWIN", "STAT_KWN", "STATUS PERKAWINAN", "STATUS NIKAH",
                   "STATUS_KAWIN"),
    PEKERJAAN: ("PEKERJAAN", "JENIS_PKRJN", "JENIS PEKERJAAN", "PEKERJAAN UTAMA"),
    DESIL: ("DESIL", "DESIL KESEJAHTERAAN", "PERINGKAT DESIL", "DESIL_KESEJAHTERAAN",
            "PERINGKAT KESEJAHTERAAN", "KATEGORI DESIL", "DESIL NASIONAL", "STATUS DESIL"),
    PROGRAM: ("PROGRAM", "JENIS BANTUAN", "NAMA PROGRAM", "BANTUAN", "PROGRAM BANTUAN",
              "JENIS PROGRAM", "NAMA BANTUAN", "JENIS BANSOS"),
    PERIODE: ("PERIODE", "BULAN", "TAHAP", "PERIODE BANTUAN", "TAHAP PENYALURAN",
              "BULAN PENYALURAN", "PERIODE PENYALURAN", "ALOKASI", "ALOKASI BULAN"),
    STATUS: ("STATUS", "STATUS KEPESERTAAN", "STATUS KPM", "STATUS DTKS", "STATUS VERIFIKASI",
             "STATUS KEBERADAAN", "KEBERADAAN ART", "STATUS ART"),
    PADAN_DUKCAPIL: ("PADAN DUKCAPIL", "PADAN_DUKCAPIL", "STATUS PADAN", "PADAN",
                     "STATUS PADAN DUKCAPIL", "HASIL PADAN", "HASIL PEMADANAN", "KET PADAN"),
    KETERANGAN: ("KETERANGAN", "KET", "KET.", "CATATAN", "KETERANGAN LAIN", "KETERANGAN LAINNYA"),
}

_KEY_DROP_RE = re.compile(r"[^A-Z0-9]+")
_SPACES_RE = re.compile(r"[^A-Z0-9]+")
_PAREN_RE = re.compile(r"\s*[\(\[].*?[\)\]]\s*")
_INVISIBLE = str.maketrans("", "", "\u200b\u200c\u200d\u2060\ufeff\u00ad")


def _header_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def normalize_header(value: object) -> str:
    """Header for display comparison: accents folded, upper case, punctuation and underscores
    to one space. ``"No. NIK"`` -> ``"NO NIK"``, ``"NAMA_LGKP"`` -> ``"NAMA LGKP"``."""
    s = _header_text(value).translate(_INVISIBLE)
    if not s.isascii():
        s = "".join(
            c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c)
        )
    return _SPACES_RE.sub(" ", s.upper()).strip()


def header_key(value: object) -> str:
    """Matching key of a header: :func:`normalize_header` without spaces (``"NONIK"``)."""
    return normalize_header(value).replace(" ", "")


def _keys(value: object) -> list[str]:
    """Keys tried for one header cell: as written, then without a part in parentheses."""
    text = _header_text(value)
    keys = [header_key(text)]
    if "(" in text or "[" in text:
        stripped = header_key(_PAREN_RE.sub(" ", text))
        if stripped and stripped not in keys:
            keys.append(stripped)
    return [k for k in keys if k]


def _build_index(synonyms: Mapping[str, Iterable[str]]) -> dict[str, str]:
    index: dict[str, str] = {}
    for fld, texts in synonyms.items():
        for text in texts:
            key = header_key(text)
            other = index.get(key)
            if other is not None and other != fld:
                raise ValueError(f"header {text!r} maps to both {other} and {fld}")
            index[key] = fld
    return index


_GLOBAL_INDEX = _build_index(SYNONYMS)


def field_for_header(value: object, preset: Preset | None = None) -> str | None:
    """The field a header text maps to (preset synonyms first), or None."""
    index = preset._index if preset is not None else _GLOBAL_INDEX
    for key in _keys(value):
        fld = index.get(key)
        if fld is not None:
            return fld
    return None


# ---- errors -------------------------------------------------------------------------------


@dataclass(frozen=True)
class MappingProblem:
    """One problem of a mapping. ``code``: ``kolom_ganda``, ``kolom_wajib_tidak_ada``,
    ``judul_tidak_ditemukan``, ``pilihan_kolom_tidak_ada``, ``preset_tidak_valid``."""

    code: str
    message: str
    field: str | None = None
    columns: tuple[int, ...] = ()


class MappingError(ImportFileError):
    """The columns of a file cannot be mapped. ``problems`` lists every problem found;
    ``message`` joins their messages (one per line)."""

    def __init__(
        self,
        problems: Sequence[MappingProblem],
        *,
        path: str | Path | None = None,
        row: int | None = None,
    ) -> None:
        problems = tuple(problems)
        first_cols = next((p.columns for p in problems if p.columns), ())
        super().__init__(
            "\n".join(p.message for p in problems),
            code=problems[0].code if problems else "pemetaan",
            path=path,
            row=row,
            column=first_cols[0] if first_cols else None,
        )
        self.problems = problems


def _preset_error(detail: str) -> MappingError:
    return MappingError(
        [MappingProblem("preset_tidak_valid", f"Pengaturan kolom tidak sah: {detail}")]
    )
