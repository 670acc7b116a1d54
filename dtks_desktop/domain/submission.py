"""Submission batches (issue 13): where the proposals of the village meetings go, and why a
decision is left out of a batch.

A batch carries the final Musdes decisions of one kind (``usulan_baru``, ``hapus``,
``perbaikan``) for one programme to one target: Pusdatin Kesos Kemensos (national programmes)
or Dinas Sosial Provinsi (provincial programmes, configured per office in the setting
``submission.programmes.provinsi``).
"""

from __future__ import annotations

from enum import StrEnum

from dtks_desktop.domain.musdes import Decision


class Target(StrEnum):
    KEMENSOS = "kemensos"
    PROVINSI = "provinsi"


TARGET_LABELS: dict[Target, str] = {
    Target.KEMENSOS: "Pusdatin Kesos Kemensos RI",
    Target.PROVINSI: "Dinas Sosial Provinsi",
}

#: Who the Surat Pengantar is addressed to.
TARGET_ADDRESSEES: dict[Target, str] = {
    Target.KEMENSOS: "Kepala Pusat Data dan Informasi Kesejahteraan Sosial Kementerian Sosial RI",
    Target.PROVINSI: "Kepala Dinas Sosial Provinsi",
}


class Kind(StrEnum):
    USULAN_BARU = "usulan_baru"
    HAPUS = "hapus"
    PERBAIKAN = "perbaikan"


KIND_LABELS: dict[Kind, str] = {
    Kind.USULAN_BARU: "Usulan baru",
    Kind.HAPUS: "Usulan hapus",
    Kind.PERBAIKAN: "Perbaikan data",
}

#: The Musdes decision a batch of each kind carries.
KIND_DECISION: dict[Kind, Decision] = {
    Kind.USULAN_BARU: Decision.USULAN_BARU,
    Kind.HAPUS: Decision.HAPUS,
    Kind.PERBAIKAN: Decision.PERBAIKAN_DATA,
}

#: National programmes proposals go to Kemensos for (upper-case codes as on the programme lists).
KEMENSOS_PROGRAMMES: dict[str, str] = {
    "PKH": "Program Keluarga Harapan",
    "BPNT": "Bantuan Pangan Non Tunai (Sembako)",
    "PBI-JK": "Penerima Bantuan Iuran Jaminan Kesehatan",
}
#: Spellings of the same programmes.
PROGRAMME_SYNONYMS: dict[str, str] = {"SEMBAKO": "BPNT", "PBI": "PBI-JK", "PBIJK": "PBI-JK", "PBI JK": "PBI-JK"}

#: Office setting: JSON list of the provincial programme codes.
PROVINSI_PROGRAMMES_KEY = "submission.programmes.provinsi"
DEFAULT_PROVINSI_PROGRAMMES = ("BANSOS_PROVINSI",)


class Exclusion(StrEnum):
    NIK_TIDAK_PADAN = "nik_tidak_padan"
    BA_BELUM_KEMBALI = "ba_belum_kembali"
    DI_BATCH_LAIN = "di_batch_lain"
    ATURAN_PROGRAM = "aturan_program"
    ALAMAT_TIDAK_LENGKAP = "alamat_tidak_lengkap"


EXCLUSION_LABELS: dict[Exclusion, str] = {
    Exclusion.NIK_TIDAK_PADAN: "NIK tidak padan dengan Dukcapil",
    Exclusion.BA_BELUM_KEMBALI: "Berita acara musyawarah belum kembali (belum final)",
    Exclusion.DI_BATCH_LAIN: "Sudah ada di batch lain yang masih terbuka untuk program yang sama",
    Exclusion.ATURAN_PROGRAM: "Sudah menerima program yang tidak boleh diterima bersamaan",
    Exclusion.ALAMAT_TIDAK_LENGKAP: "Alamat tidak lengkap (alamat, RT, RW)",
}


class Result(StrEnum):
    DITETAPKAN = "ditetapkan"
    DITOLAK = "ditolak"


RESULT_LABELS: dict[Result, str] = {Result.DITETAPKAN: "Ditetapkan", Result.DITOLAK: "Ditolak"}

_RESULT_WORDS = {"ditetapkan": Result.DITETAPKAN, "tetap": Result.DITETAPKAN, "diterima": Result.DITETAPKAN,
                 "disetujui": Result.DITETAPKAN, "ya": Result.DITETAPKAN, "ditolak": Result.DITOLAK,
                 "tolak": Result.DITOLAK, "tidak": Result.DITOLAK}


def parse_target(value: str) -> Target:
    v = (value or "").strip().lower()
    try:
        return Target(v)
    except ValueError:
        raise ValueError(f"Tujuan pengajuan harus kemensos atau provinsi, bukan '{value}'.") from None


def parse_kind(value: str) -> Kind:
    v = (value or "").strip().lower().replace(" ", "_")
    if v == "perbaikan_data":
        v = Kind.PERBAIKAN.value
    try:
        return Kind(v)
    except ValueError:
        raise ValueError(f"Jenis batch harus usulan_baru, hapus atau perbaikan, bukan '{value}'.") from None


def normalise_programme(value: str) -> str:
    name = " ".join((value or "").split()).upper()
    return PROGRAMME_SYNONYMS.get(name, name)


def parse_result(value: str) -> Result | None:
    """``ditetapkan``/``ditolak`` (and their common spellings); None for anything else."""
    return _RESULT_WORDS.get(" ".join(str(value or "").split()).lower())
