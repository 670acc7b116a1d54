"""Submission batches (issue 13): where the proposals of the village meetings go, and why a
decision is left out of a batch.

A batch carries the final Musdes decisions of one kind (``usulan_baru``, ``hapus``,
``perbaikan``) for one programme to one target: Pusdatin Kesos Kemensos (national programmes)
or Dinas Sosial Provinsi (provincial programmes, configured per office in the setting
``submission.programmes.provinsi``, edited by an administrator on the Kantor & Dokumen page or
with ``dtks batch programmes set``).
"""

from __future__ import annotations

import re
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
#: A provincial programme code: upper-case letters, digits, ``_`` and ``-`` (it names files and
#: the layout key ``batch.provinsi.<CODE>``).
PROGRAMME_CODE_RE = re.compile(r"^[A-Z0-9][A-Z0-9_-]{0,29}$")
MAX_PROVINSI_PROGRAMMES = 40


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


def split_programme_codes(text: str) -> list[str]:
    """``"BANSOS_PROVINSI, PKH_PLUS; RTLH"`` -> the codes as typed (commas, semicolons or new lines)."""
    return [x.strip() for x in re.split(r"[,;\n]+", text or "") if x.strip()]


def check_provinsi_programmes(codes: list[str]) -> tuple[list[str], list[str]]:
    """The provincial programme list from what an administrator typed: (codes, problems).

    Codes are normalised like every programme name (upper case, one space), deduplicated in
    order; a code with other characters than letters, digits, ``_`` and ``-``, or a national
    programme (PKH, BPNT, PBI-JK and their synonyms: they go to Kemensos) is a problem."""
    out: list[str] = []
    problems: list[str] = []
    for raw in codes:
        code = normalise_programme(raw)
        if not code:
            continue
        if code in KEMENSOS_PROGRAMMES:
            problems.append(f"{raw}: program nasional ({KEMENSOS_PROGRAMMES[code]}), diajukan ke Kemensos, "
                            "bukan ke provinsi.")
        elif not PROGRAMME_CODE_RE.match(code):
            problems.append(f"'{raw}': kode program hanya huruf, angka, _ dan - (paling panjang 30), "
                            f"mis. {re.sub(r'[^A-Z0-9_-]+', '_', code)[:30].strip('_') or 'BANSOS_PROVINSI'}.")
        elif code not in out:
            out.append(code)
    if not out and not problems:
        problems.append("Isi minimal satu program provinsi.")
    if len(out) > MAX_PROVINSI_PROGRAMMES:
        problems.append(f"Paling banyak {MAX_PROVINSI_PROGRAMMES} program provinsi.")
    return out, problems
