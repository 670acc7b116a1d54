"""Column mapping: which column of an imported file holds which field.

- Canonical fields (``NIK``, ``NO_KK``... constants below, labels in :data:`FIELD_LABELS`).
- Header synonyms per field, matched on a normalised header text: accents folded, upper case,
  everything but letters and digits removed (so ``"No. NIK"``, ``"NO_NIK"`` and ``"NONIK"``
  are the same key). A trailing part in parentheses is also tried without it
  (``"TANGGAL LAHIR (DD-MM-YYYY)"``).
- :class:`Preset`: a kind of file (SIKS-NG DTKS export, SIKS-NG desil export, Dukcapil extract,
  programme list) with its required and optional fields. Plain data, saved as JSON.
- :func:`detect_header` finds the header row among the first rows (title rows skipped,
  two-row headers with merged cells combined), :func:`guess_kind` guesses the preset and
  :func:`validate_mapping` reports duplicates and missing required columns as a
  :class:`MappingError` with Indonesian messages that name the file, row and columns.
"""

from __future__ import annotations

import json
import re
import unicodedata
from functools import cached_property
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from dtks_desktop.services.importing.readers import ImportFileError, column_letter

__all__ = [
    # fields
    "ID_DTKS", "ID_ART", "ID_KELUARGA", "PROVINSI", "KABUPATEN", "KECAMATAN", "DESA",
    "KODE_PROVINSI", "KODE_KABUPATEN", "KODE_KECAMATAN", "KODE_DESA", "ALAMAT", "DUSUN", "RT",
    "RW", "NO_KK", "NIK", "NAMA", "NAMA_KRT", "TANGGAL_LAHIR", "TEMPAT_LAHIR",
    "TEMPAT_TANGGAL_LAHIR", "JENIS_KELAMIN", "NAMA_IBU", "HUBUNGAN", "HUBUNGAN_KRT",
    "STATUS_KAWIN", "PEKERJAAN", "DESIL", "PROGRAM", "PERIODE", "STATUS", "PADAN_DUKCAPIL",
    "KETERANGAN",
    "FIELDS", "FIELD_LABELS", "SYNONYMS", "ANCHOR_FIELDS", "HEADER_SCAN_ROWS",
    # API
    "normalize_header", "header_key", "field_for_header",
    "Preset", "PRESETS", "get_preset",
    "HeaderMatch", "MappingProblem", "MappingError",
    "detect_header", "guess_kind", "validate_mapping", "mapping_problems",
]

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


# ---- presets ------------------------------------------------------------------------------

_KINDS = ("dtks", "dukcapil", "program")


@dataclass(frozen=True)
class Preset:
    """A kind of file and its columns. Plain data; see :meth:`to_json` / :meth:`from_json`.

    - ``required``: fields that must have a column; ``required_any``: groups of which at least
      one field must have a column (``(("nik", "no_kk"),)``: NIK and/or No KK).
    - ``optional``: other fields the importer of this kind uses.
    - ``synonyms``: extra header texts per field for this preset (tried before the global
      :data:`SYNONYMS`).
    - ``columns``: header texts chosen explicitly by the user, ``{field: header_text}``; they
      win over synonyms and settle duplicates.
    - ``signature_fields`` / ``signature_headers``: what makes a header look like this kind
      (used by :func:`guess_kind`).
    """

    name: str
    label: str
    kind: str
    required: tuple[str, ...] = ()
    optional: tuple[str, ...] = ()
    required_any: tuple[tuple[str, ...], ...] = ()
    synonyms: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    columns: Mapping[str, str] = field(default_factory=dict)
    signature_fields: tuple[str, ...] = ()
    signature_headers: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.kind not in _KINDS:
            raise _preset_error(
                f'jenis "{self.kind}" tidak dikenal (pilihan: {", ".join(_KINDS)})'
            )
        named = set(self.required) | set(self.optional) | set(self.synonyms) | set(self.columns)
        named |= {f for grp in self.required_any for f in grp} | set(self.signature_fields)
        unknown = sorted(f for f in named if f not in FIELD_LABELS)
        if unknown:
            raise _preset_error(f"kolom tidak dikenal: {', '.join(unknown)}")

    @property
    def fields(self) -> tuple[str, ...]:
        """All fields of this preset: required, required-any groups, optional (no repeats)."""
        seen: dict[str, None] = {}
        for f in self.required:
            seen[f] = None
        for grp in self.required_any:
            for f in grp:
                seen[f] = None
        for f in self.optional:
            seen[f] = None
        return tuple(seen)

    @cached_property
    def _index(self) -> dict[str, str]:
        index = dict(_GLOBAL_INDEX)
        for fld, texts in self.synonyms.items():
            for text in texts:
                index[header_key(text)] = fld
        for fld, text in self.columns.items():
            index[header_key(text)] = fld
        return index

    def with_columns(self, columns: Mapping[str, str], *, name: str | None = None,
                     label: str | None = None) -> Preset:
        """A copy with the user's explicit ``{field: header_text}`` choices added."""
        merged = dict(self.columns)
        merged.update(columns)
        return Preset(
            name=name or self.name, label=label or self.label, kind=self.kind,
            required=self.required, optional=self.optional, required_any=self.required_any,
            synonyms=dict(self.synonyms), columns=merged,
            signature_fields=self.signature_fields, signature_headers=self.signature_headers,
        )

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "label": self.label,
            "kind": self.kind,
            "required": list(self.required),
            "required_any": [list(g) for g in self.required_any],
            "optional": list(self.optional),
            "synonyms": {k: list(v) for k, v in self.synonyms.items()},
            "columns": dict(self.columns),
            "signature_fields": list(self.signature_fields),
            "signature_headers": list(self.signature_headers),
        }

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=2)

    @classmethod
    def from_json(cls, data: str | bytes | Mapping, *, base: Preset | str | None = None) -> Preset:
        """A preset from JSON text or a decoded mapping.

        Either the full form written by :meth:`to_json`, or the short form a user saves:
        ``{field: header_text}`` -- that one extends ``base`` (a preset or its name; default
        ``"siksng_dtks"``) with those explicit columns.
        """
        if isinstance(data, (str, bytes)):
            try:
                obj = json.loads(data)
            except ValueError as exc:
                raise _preset_error(f"bukan JSON yang sah ({exc})") from None
        else:
            obj = dict(data)
        if not isinstance(obj, dict):
            raise _preset_error("isinya harus berupa objek JSON {kolom: judul}")
        if "kind" in obj or "columns" in obj or "required" in obj:
            try:
                return cls(
                    name=str(obj.get("name") or "kustom"),
                    label=str(obj.get("label") or obj.get("name") or "Pengaturan kolom sendiri"),
                    kind=str(obj.get("kind") or "dtks"),
                    required=tuple(obj.get("required", ())),
                    optional=tuple(obj.get("optional", ())),
                    required_any=tuple(tuple(g) for g in obj.get("required_any", ())),
                    synonyms={str(k): tuple(v) for k, v in dict(obj.get("synonyms", {})).items()},
                    columns={str(k): str(v) for k, v in dict(obj.get("columns", {})).items()},
                    signature_fields=tuple(obj.get("signature_fields", ())),
                    signature_headers=tuple(obj.get("signature_headers", ())),
                )
            except (TypeError, ValueError) as exc:
                raise _preset_error(f"susunannya tidak sah ({exc})") from None
        bad = [k for k, v in obj.items() if not isinstance(v, str)]
        if bad:
            raise _preset_error(f"judul kolom untuk {', '.join(map(str, bad))} harus berupa teks")
        if isinstance(base, str):
            base_preset = get_preset(base)
        else:
            base_preset = base or PRESETS["siksng_dtks"]
        unknown = sorted(k for k in obj if k not in FIELD_LABELS)
        if unknown:
            raise _preset_error(f"kolom tidak dikenal: {', '.join(unknown)}")
        return base_preset.with_columns(obj, name=f"{base_preset.name}_kustom")


_REGION_FIELDS = (PROVINSI, KABUPATEN, KECAMATAN, DESA)
_ADDRESS_FIELDS = (ALAMAT, DUSUN, RT, RW)

#: Built-in presets, in the order they are offered.
PRESETS: dict[str, Preset] = {
    p.name: p
    for p in (
        Preset(
            name="siksng_dtks",
            label="Ekspor DTKS SIKS-NG (per individu)",
            kind="dtks",
            required=(ID_DTKS, NO_KK, NIK, NAMA),
            optional=(*_REGION_FIELDS, *_ADDRESS_FIELDS, TANGGAL_LAHIR, TEMPAT_LAHIR,
                      TEMPAT_TANGGAL_LAHIR, JENIS_KELAMIN, NAMA_IBU, HUBUNGAN, HUBUNGAN_KRT,
                      ID_ART, ID_KELUARGA, NAMA_KRT, KODE_DESA, KODE_KECAMATAN, KODE_KABUPATEN,
                      KODE_PROVINSI, DESIL, STATUS, PADAN_DUKCAPIL, PEKERJAAN, STATUS_KAWIN,
                      KETERANGAN),
            signature_fields=(ID_DTKS, ID_ART),
            signature_headers=("ID DTKS", "NOMOR NIK", "NOMOR KK", "DESA/KELURAHAN",
                               "DESAKELUARAHAN", "NAMA IBU KANDUNG", "HUBUNGAN KELUARGA",
                               "KABUPATEN/KOTA", "ID ART", "NIK ART", "NAMA ART"),
        ),
        Preset(
            name="siksng_desil",
            label="Ekspor Pemeringkatan Desil SIKS-NG",
            kind="dtks",
            required=(NO_KK, NIK, NAMA, DESIL),
            optional=(*_REGION_FIELDS, *_ADDRESS_FIELDS, ID_DTKS, ID_ART, ID_KELUARGA, NAMA_KRT,
                      TANGGAL_LAHIR, JENIS_KELAMIN, HUBUNGAN, KODE_DESA, KODE_KECAMATAN,
                      STATUS, KETERANGAN),
            signature_fields=(DESIL,),
            signature_headers=("DESIL", "PERINGKAT DESIL", "DESIL KESEJAHTERAAN",
                               "PERINGKAT KESEJAHTERAAN"),
        ),
        Preset(
            name="dukcapil",
            label="Data kependudukan Dukcapil (SIAK)",
            kind="dukcapil",
            required=(NIK, NO_KK, NAMA),
            optional=(TEMPAT_LAHIR, TANGGAL_LAHIR, JENIS_KELAMIN, NAMA_IBU, HUBUNGAN, ALAMAT, RT,
                      RW, DUSUN, *_REGION_FIELDS, KODE_PROVINSI, KODE_KABUPATEN, KODE_KECAMATAN,
                      KODE_DESA, STATUS_KAWIN, PEKERJAAN, KETERANGAN),
            signature_headers=("NAMA_LGKP", "TMPT_LHR", "TGL_LHR", "JENIS_KLMIN", "NAMA_LGKP_IBU",
                               "STAT_HBKEL", "KEL_NAME", "KEC_NAME", "KAB_NAME", "PROP_NAME",
                               "NO_KEL", "NO_KEC", "NO_KAB", "NO_PROP", "NO_RT", "NO_RW",
                               "STAT_KWN", "JENIS_PKRJN", "SHDK"),
        ),
        Preset(
            name="program",
            label="Daftar penerima program bantuan",
            kind="program",
            required=(NAMA,),
            required_any=((NIK, NO_KK),),
            optional=(PROGRAM, PERIODE, ID_DTKS, *_REGION_FIELDS, *_ADDRESS_FIELDS, NAMA_KRT,
                      TANGGAL_LAHIR, JENIS_KELAMIN, NAMA_IBU, DESIL, STATUS, KODE_DESA,
                      KETERANGAN),
            signature_fields=(PROGRAM, PERIODE),
            signature_headers=("NAMA KPM", "NAMA PENERIMA", "NIK KPM", "NIK PENERIMA",
                               "NAMA PENERIMA MANFAAT", "JENIS BANTUAN", "TAHAP", "ALAMAT KPM",
                               "NAMA PENGURUS"),
        ),
    )
}


def get_preset(name: str) -> Preset:
    """A built-in preset by name (``siksng_dtks``, ``siksng_desil``, ``dukcapil``, ``program``)."""
    try:
        return PRESETS[name]
    except KeyError:
        raise _preset_error(
            f'"{name}" tidak dikenal (pilihan: {", ".join(PRESETS)})'
        ) from None


# ---- header detection ---------------------------------------------------------------------


@dataclass
class HeaderMatch:
    """Where the header is and which column holds which field.

    - ``header_row``: row number of the header (the first of two rows for a two-row header);
      ``header_rows``: all header rows; ``data_start_row``: first row number of the data
      (a numbering row "1 2 3 ..." right below the header is skipped).
    - ``columns``: ``{field: column_index}`` (0-based, absolute) for every field with exactly
      one column. A field with several candidate columns is in ``duplicates`` instead and not
      in ``columns`` until the user chooses.
    - ``headers``: ``{column_index: header text as shown}`` for every non-empty header cell
      (a two-row header shows ``"ALAMAT / RT"``).
    - ``unmapped``: ``[(column_index, header text)]`` of headers that map to no field.
    - ``confidence``: share of the non-empty header cells that mapped to a field (0..1).
    - ``missing_choices``: ``{field: header_text}`` of explicit choices not found in the header.
    """

    header_row: int
    header_rows: tuple[int, ...]
    data_start_row: int
    columns: dict[str, int]
    headers: dict[int, str]
    unmapped: list[tuple[int, str]]
    duplicates: dict[str, list[int]]
    confidence: float
    preset: str | None = None
    file_name: str | None = None
    missing_choices: dict[str, str] = field(default_factory=dict)
    header_keys: dict[int, tuple[str, ...]] = field(default_factory=dict, repr=False)

    @property
    def fields(self) -> set[str]:
        return set(self.columns) | set(self.duplicates)

    def column_label(self, index: int) -> str:
        """``"C (NIK)"``: the column letter with its header text."""
        text = self.headers.get(index)
        return f"{column_letter(index)} ({text})" if text else column_letter(index)

    def record(self, values: Sequence[object]) -> dict[str, object]:
        """``{field: value}`` of one data row (None where the row is shorter)."""
        n = len(values)
        return {f: (values[i] if i < n else None) for f, i in self.columns.items()}


def _cell_text(v: object) -> str:
    if v is None:
        return ""
    if isinstance(v, str):
        return " ".join(v.split())
    return _header_text(v)


def _map_cells(texts: dict[int, list[str]], index: dict[str, str]) -> dict[int, tuple[str, str]]:
    """{col: (field, text used)} -- per column the first candidate text that maps."""
    out: dict[int, tuple[str, str]] = {}
    for col, candidates in texts.items():
        for text in candidates:
            for key in _keys(text):
                fld = index.get(key)
                if fld is not None:
                    out[col] = (fld, text)
                    break
            if col in out:
                break
    return out


def _score(mapped: dict[int, tuple[str, str]]) -> tuple[int, int]:
    """(mapped columns, distinct fields); (0, 0) when the row cannot be a header."""
    fields = {f for f, _ in mapped.values()}
    if len(fields) < _MIN_FIELDS or not (fields & ANCHOR_FIELDS):
        return (0, 0)
    return (len(mapped), len(fields))


def _single_row(values: Sequence[object]) -> tuple[dict[int, list[str]], dict[int, str]]:
    texts: dict[int, list[str]] = {}
    shown: dict[int, str] = {}
    for i, v in enumerate(values):
        t = _cell_text(v)
        if t:
            texts[i] = [t]
            shown[i] = t
    return texts, shown


def _two_rows(
    top: Sequence[object], bottom: Sequence[object]
) -> tuple[dict[int, list[str]], dict[int, str]]:
    """Candidates of a two-row header, in order of preference.

    A merged top cell ("ALAMAT" over "RT" and "RW") holds its text in its first column only,
    so an empty top cell takes the text to its left when there is a sub-header below it.
    The sub-header's own text wins ("NAMA" under "DESA" is a name, not "NAMA DESA"); the
    parent is combined with it only when the sub-header alone maps nothing ("TEMPAT" and
    "TANGGAL" under "LAHIR"); the top text alone counts only when nothing is below it (a cell
    merged over both rows). So a row of labels and values above the real header ("KECAMATAN
    | JOGONALAN | DESA | PRAWATAN") adds nothing and the single-row header wins."""
    texts: dict[int, list[str]] = {}
    shown: dict[int, str] = {}
    width = max(len(top), len(bottom))
    last_top = ""
    for i in range(width):
        t = _cell_text(top[i]) if i < len(top) else ""
        b = _cell_text(bottom[i]) if i < len(bottom) else ""
        if t:
            last_top = t
        elif not b:
            last_top = ""  # a gap in both rows ends a merged span
        parent = t or (last_top if b else "")
        cands = []
        if parent and b:
            cands += [b, f"{parent} {b}", f"{b} {parent}"]
            shown[i] = f"{parent} / {b}"
        elif b:
            cands.append(b)
            shown[i] = b
        elif t:
            cands.append(t)
            shown[i] = t
        if cands:
            texts[i] = cands
    return texts, shown


def _is_numbering_row(values: Sequence[object]) -> bool:
    """A row "1 2 3 ..." or "(1) (2) (3) ..." printed under a header."""
    nums = []
    for v in values:
        if v is None or (isinstance(v, str) and not v.strip()):
            continue
        if isinstance(v, (int, float)) and not isinstance(v, bool):
            if float(v) != int(v):
                return False
            nums.append(int(v))
            continue
        s = str(v).strip().strip("()[]").strip()
        if not s.isdigit():
            return False
        nums.append(int(s))
    return len(nums) >= 3 and all(b > a for a, b in zip(nums, nums[1:])) and nums[0] <= 2


def detect_header(
    rows: Sequence[tuple[int, Sequence[object]]],
    preset: Preset | str | None = None,
    *,
    file_name: str | Path | None = None,
    choices: Mapping[str, int | str | None] | None = None,
) -> HeaderMatch:
    """Find the header among the first :data:`HEADER_SCAN_ROWS` rows and map its columns.

    ``rows``: ``(row_number, values)`` pairs, e.g. ``table.head(30)``. The header is the row
    with the most columns that map to a field (at least 3 distinct fields, including NIK,
    No KK, nama or ID DTKS; the earliest row wins a tie); title rows ("DATA TERPADU
    KESEJAHTERAAN SOSIAL", "Dicetak dari SIKS-NG ...") never qualify. Two consecutive rows
    are combined when that maps more columns than either row alone (a merged "ALAMAT" over
    "RT"/"RW"; see :func:`_two_rows`). A numbering row "1 2 3 ..." under the header is skipped.

    ``choices``: the user's explicit choices ``{field: column_index | header_text | None}``
    (None: the file has no such column). They win over synonyms and settle duplicates, as do
    the ``columns`` of ``preset``.

    Raises :class:`MappingError` (``judul_tidak_ditemukan``) when no row qualifies.
    """
    if isinstance(preset, str):
        preset = get_preset(preset)
    index = preset._index if preset is not None else _GLOBAL_INDEX
    name = Path(file_name).name if file_name is not None else None
    scan = list(rows[:HEADER_SCAN_ROWS])

    best = None  # (score, i, two_rows, mapped, shown, texts)
    for i, (row_no, values) in enumerate(scan):
        texts, shown = _single_row(values)
        if not texts:
            continue
        mapped = _map_cells(texts, index)
        score = _score(mapped)
        if score > (0, 0) and (best is None or score > best[0]):
            best = (score, i, False, mapped, shown, texts)
        if i + 1 < len(scan) and scan[i + 1][0] == row_no + 1:
            texts2, shown2 = _two_rows(values, scan[i + 1][1])
            mapped2 = _map_cells(texts2, index)
            score2 = _score(mapped2)
            below = _score(_map_cells(_single_row(scan[i + 1][1])[0], index))
            if score2 > score and score2 > below and (best is None or score2 > best[0]):
                best = (score2, i, True, mapped2, shown2, texts2)

    if best is None:
        where = f'berkas "{name}"' if name else "berkas ini"
        raise MappingError(
            [
                MappingProblem(
                    "judul_tidak_ditemukan",
                    f"Baris judul kolom tidak ditemukan di {HEADER_SCAN_ROWS} baris pertama "
                    f"{where}. Pastikan ada satu baris berisi judul kolom seperti NIK, NAMA, "
                    "NOMOR KK, lalu impor lagi",
                )
            ],
            path=file_name,
        )

    _score_, i, two, mapped, shown, texts = best
    header_row = scan[i][0]
    header_rows = (header_row, scan[i + 1][0]) if two else (header_row,)
    last = i + 1 if two else i
    data_start = scan[last][0] + 1
    nxt = scan[last + 1] if last + 1 < len(scan) else None
    if nxt is not None and nxt[0] == data_start and _is_numbering_row(nxt[1]):
        data_start += 1

    by_field: dict[str, list[int]] = {}
    for col in sorted(mapped):
        by_field.setdefault(mapped[col][0], []).append(col)

    # Explicit choices: the preset's saved columns, then the caller's choices.
    explicit: dict[str, int | str | None] = {}
    if preset is not None:
        explicit.update(preset.columns)
    if choices:
        explicit.update(choices)
    missing_choices: dict[str, str] = {}
    shown_keys = {c: header_key(t) for c, t in shown.items()}
    raw_keys = {c: tuple(k for t in cands for k in _keys(t)) for c, cands in texts.items()}
    for fld, choice in explicit.items():
        if fld not in FIELD_LABELS:
            raise _preset_error(f"kolom tidak dikenal: {fld}")
        if choice is None:
            for col in by_field.pop(fld, []):
                mapped.pop(col, None)
            continue
        if isinstance(choice, int) and not isinstance(choice, bool):
            col = choice
        else:
            want = header_key(choice)
            col = next((c for c, k in shown_keys.items() if k == want), None)
            if col is None:
                col = next((c for c, ks in raw_keys.items() if want in ks), None)
            if col is None:
                missing_choices[fld] = str(choice)
                continue
        # The chosen column belongs to this field only; the field has only this column.
        for other in list(by_field):
            if col in by_field[other]:
                by_field[other].remove(col)
                if not by_field[other]:
                    del by_field[other]
        by_field[fld] = [col]
        mapped[col] = (fld, shown.get(col, ""))

    columns = {f: cols[0] for f, cols in by_field.items() if len(cols) == 1}
    duplicates = {f: cols for f, cols in by_field.items() if len(cols) > 1}
    mapped_cols = {c for cols in by_field.values() for c in cols}
    unmapped = [(c, t) for c, t in sorted(shown.items()) if c not in mapped_cols]
    nonempty = max(1, len(shown))
    confidence = round(min(1.0, len(mapped_cols) / nonempty), 3)
    return HeaderMatch(
        header_row=header_row,
        header_rows=header_rows,
        data_start_row=data_start,
        columns=columns,
        headers=dict(sorted(shown.items())),
        unmapped=unmapped,
        duplicates=duplicates,
        confidence=confidence,
        preset=preset.name if preset is not None else None,
        file_name=name,
        missing_choices=missing_choices,
        header_keys=raw_keys,
    )


# ---- kind guessing ------------------------------------------------------------------------


def _preset_score(preset: Preset, match: HeaderMatch) -> float:
    present = match.fields
    if not present:
        return 0.0
    req_total = len(preset.required) + len(preset.required_any)
    req_found = sum(f in present for f in preset.required)
    req_found += sum(any(f in present for f in grp) for grp in preset.required_any)
    req_frac = req_found / req_total if req_total else 1.0
    known = set(preset.fields)
    coverage = len(present & known) / len(present)
    header_keys = {k for ks in match.header_keys.values() for k in ks} | {
        header_key(t) for t in match.headers.values()
    }
    sig = sum(f in present for f in preset.signature_fields)
    sig += sum(header_key(h) in header_keys for h in preset.signature_headers)
    signature = min(1.0, sig / 3)
    return round(0.5 * req_frac + 0.2 * coverage + 0.3 * signature, 3)


def guess_kind(source, *, presets: Mapping[str, Preset] | None = None) -> tuple[str, str, float]:
    """Guess the kind of a file: ``(kind, preset_name, score)``, score 0..1.

    ``source`` is a :class:`HeaderMatch` or an opened table (anything with ``head()`` and
    ``path``; its header is detected first, which may raise :class:`MappingError`).

    Score = 0.5 x share of the preset's required columns present + 0.2 x share of the header's
    fields the preset uses + 0.3 x its signature (distinctive fields such as ID DTKS, desil,
    program, or header spellings such as Dukcapil's ``NAMA_LGKP``). A real SIKS-NG, desil,
    Dukcapil or programme file scores 0.9-1.0; a generic header (NIK, NAMA, ALAMAT) about 0.7.
    Below 0.8, let the user confirm the preset.
    """
    if isinstance(source, HeaderMatch):
        match = source
    else:
        rows = source.head(HEADER_SCAN_ROWS)
        match = detect_header(rows, file_name=getattr(source, "path", None))
    candidates = presets or PRESETS
    best_name, best_score = None, -1.0
    for name, preset in candidates.items():
        score = _preset_score(preset, match)
        if score > best_score:
            best_name, best_score = name, score
    assert best_name is not None
    return candidates[best_name].kind, best_name, best_score


# ---- validation ---------------------------------------------------------------------------


def _join_id(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " dan " + items[-1]


def mapping_problems(
    match: HeaderMatch, preset: Preset | str | None = None
) -> list[MappingProblem]:
    """Every problem of a mapping (empty list when it can be used). See :func:`validate_mapping`."""
    if isinstance(preset, str):
        preset = get_preset(preset)
    where = f'Berkas "{match.file_name}", baris {match.header_row}' if match.file_name else (
        f"Baris {match.header_row}"
    )
    problems: list[MappingProblem] = []
    for fld, text in match.missing_choices.items():
        problems.append(
            MappingProblem(
                "pilihan_kolom_tidak_ada",
                f'{where}: kolom "{text}" yang dipilih untuk {FIELD_LABELS[fld]} tidak ada '
                "di baris judul; perbarui pengaturan kolom",
                fld,
            )
        )
    for fld in FIELDS:
        cols = match.duplicates.get(fld)
        if not cols:
            continue
        labels = [match.column_label(c) for c in cols]
        labels[0] = "Kolom " + labels[0]
        problems.append(
            MappingProblem(
                "kolom_ganda",
                f"{where}: {_join_id(labels)} sama-sama cocok dengan {FIELD_LABELS[fld]}; pilih "
                "salah satu di pengaturan kolom",
                fld,
                tuple(cols),
            )
        )
    if preset is not None:
        present = match.fields
        for fld in preset.required:
            if fld not in present:
                problems.append(
                    MappingProblem(
                        "kolom_wajib_tidak_ada",
                        f"{where}: kolom wajib {FIELD_LABELS[fld]} tidak ditemukan di baris judul "
                        f'untuk jenis data "{preset.label}". Periksa judul kolomnya atau pilih '
                        "kolomnya di pengaturan kolom",
                        fld,
                    )
                )
        for grp in preset.required_any:
            if not any(f in present for f in grp):
                names = _join_id([FIELD_LABELS[f] for f in grp]).replace(" dan ", " atau ")
                problems.append(
                    MappingProblem(
                        "kolom_wajib_tidak_ada",
                        f"{where}: kolom {names} tidak ditemukan di baris judul untuk jenis data "
                        f'"{preset.label}"; minimal satu harus ada',
                        grp[0],
                    )
                )
    return problems


def validate_mapping(match: HeaderMatch, preset: Preset | str | None = None) -> HeaderMatch:
    """Return ``match`` when it can be used, else raise :class:`MappingError` listing every
    problem: two columns for one field (unless chosen explicitly), a required field without a
    column, an explicit choice that is not in the header."""
    problems = mapping_problems(match, preset)
    if problems:
        raise MappingError(problems, path=match.file_name, row=match.header_row)
    return match
