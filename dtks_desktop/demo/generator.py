"""Synthetic demo data for a whole kabupaten/kota, with an exact ground truth.

What it makes (see ``docs/demo-data.md`` for every column and corruption code):

* a civil-registry extract (Disdukcapil) for the whole population,
* a SIKS-NG DTKS export (individual rows) as ``.xlsx`` and ``.csv``, damaged the way real files
  are damaged (spreadsheet-mangled NIKs, typos, name variants, mixed dates, title rows, blank
  rows, duplicates, people who died or moved, rows an importer must reject),
* programme recipient lists (PKH, BPNT, ...),
* ground-truth files telling, row by row, what the true values are and which damage was done.

Everything is synthetic (fiktif) and deterministic for a seed. The generator is plain Python and
numpy: no Qt, no database. Design for speed: the population is generated into flat columns
(``array``/numpy), Python objects are only built for the registry part, and the civil-registry
file is written straight from the columns.

The module deliberately does not use ``dtks_desktop.domain`` parsers to build its values: it is
the independent oracle those parsers are tested against.

Beside it: ``demo.pools`` (the regions and the name/place pools people are drawn from),
``demo.name_variants`` and ``demo.names_regions`` (how names are written), ``demo.writers``
(the files; ``write_files``, ``generate_files`` and ``file_names`` are re-exported here).
"""

from __future__ import annotations

import gc
import logging
import random
import re
from array import array
from bisect import bisect_right
from contextlib import contextmanager
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import lru_cache
from itertools import accumulate

import numpy as np

from dtks_desktop.demo import name_variants, names_regions
from dtks_desktop.demo.pools import (_Desa, _Names, _Region, _all_region_names, _cohort, _fold,
                                     _load_region, _pools)
from dtks_desktop.services.core.common import Cancelled

__all__ = [
    "REFERENCE_DATE",
    "PERIOD",
    "CORRUPTIONS",
    "PROGRAMME_CORRUPTIONS",
    "PERSON_STATUSES",
    "CorruptionInfo",
    "DemoCancelled",
    "DemoConfig",
    "Person",
    "Family",
    "RegistryRow",
    "ExportLayout",
    "CivilPerson",
    "CivilRegistry",
    "ProgrammeRow",
    "DemoDataset",
    "generate",
    "write_files",
    "generate_files",
    "file_names",
]

log = logging.getLogger(__name__)

# "Today" inside the demo world. Fixed so that a seed always gives the same files.
REFERENCE_DATE = date(2026, 10, 1)
PERIOD = "2026-10"
_REF = REFERENCE_DATE.toordinal()
_REF_YEAR = REFERENCE_DATE.year
_EPOCH = date(1970, 1, 1).toordinal()
_EXCEL_EPOCH = date(1899, 12, 30).toordinal()
_KK_ERA = date(2004, 1, 1).toordinal()

ProgressFn = Callable[[int, int], None]
CancelFn = Callable[[], bool]


class DemoCancelled(Cancelled):
    """Generating or writing demo data was cancelled; no file was left behind."""

    def __init__(self) -> None:
        super().__init__("Pembuatan data contoh dibatalkan; tidak ada berkas yang ditulis.")


# =============================================================================================
# Public data classes
# =============================================================================================


@dataclass(frozen=True)
class DemoConfig:
    people: int = 2000              # persons in the DTKS registry (exact)
    seed: int = 1
    kab: str = "33.10"              # Kemendagri kabupaten/kota code; "3310" is accepted too
    dukcapil_ratio: float = 2.0     # civil-registry records per registry person (>= 1.0)
    programmes: tuple[str, ...] = ("PKH", "BPNT")
    # None: a file has every NIK damaged by a spreadsheet in 15 % of seeds (as offices send them);
    # True/False forces it (benchmarks of spreadsheet-rounded files).
    all_nik_damaged: bool | None = None


# Person status (truth about a registry person against the civil registry).
PERSON_STATUSES = (
    "ok",               # in the civil registry, same data
    "moved_desa",       # whole family moved to another desa of the same kecamatan (new KK)
    "moved_kec",        # whole family moved to another kecamatan of the kab (new KK)
    "moved_out",        # whole family moved out of the kab: absent from the extract
    "new_kk",           # person split off into a new KK (pecah KK / divorce)
    "died_flagged",     # died; in the extract with TGL_MATI filled in
    "died_removed",     # died; record removed, absent from the extract
    "died_unreported",  # died; death never reported, extract shows the person alive
    "not_in_dukcapil",  # never registered: the NIK in DTKS exists nowhere in Dukcapil
)
_ABSENT = {"moved_out", "died_removed", "not_in_dukcapil"}


@dataclass(slots=True)
class Person:
    """A registry person with the true values (as in the civil registry)."""

    nik: str                    # true 16-digit NIK (for not_in_dukcapil: the NIK they claim)
    no_kk: str                  # No KK as known to the registry (family's card)
    name: str                   # canonical name, upper case, as in the civil registry
    birth_place: str
    birth_date: date
    sex: str                    # "L" / "P"
    mother_name: str
    relation: int               # 1..8, DOMAIN hubungan_kepkel
    desa_code: str              # registry address
    alamat: str
    dusun: str
    rt: str                     # "003"
    rw: str                     # "001"
    hubungan: str               # STAT_HBKEL text at registry time ("KEPALA KELUARGA", ...)
    first_kec_code: str         # kecamatan of first registration = NIK digits 1-6, dotted
    status: str = "ok"          # one of PERSON_STATUSES
    in_dukcapil: bool = True    # present in the dukcapil file
    alive: bool = True
    death_date: date | None = None
    moved: bool = False
    current_no_kk: str | None = None      # KK in the civil registry (None when absent)
    current_desa_code: str | None = None  # desa in the civil registry (None when absent)
    current_alamat: str | None = None
    current_dusun: str | None = None
    current_rt: str | None = None
    current_rw: str | None = None
    current_hubungan: str | None = None
    shared_nik: bool = False    # another civil-registry record carries the same NIK
    index: int = -1             # internal person index

    @property
    def absent(self) -> bool:
        return not self.in_dukcapil


@dataclass(slots=True)
class Family:
    no_kk: str
    desa_code: str
    alamat: str
    dusun: str
    rt: str
    rw: str
    members: list[Person]
    desil: int | None
    moved: str | None = None            # None, "moved_desa", "moved_kec", "moved_out"
    current_no_kk: str | None = None
    current_desa_code: str | None = None

    @property
    def head(self) -> Person:
        return self.members[0]


# Export columns: key -> canonical SIKS-NG header (DOMAIN 1.2) and synonyms seen in the field.
EXPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "no": ("NO", "NO.", "NO URUT"),
    "id_dtks": ("ID DTKS", "IDDTKS", "ID_DTKS"),
    "provinsi": ("PROVINSI", "PROPINSI"),
    "kabupaten": ("KABUPATEN/KOTA", "KABUPATEN", "KAB/KOTA"),
    "kecamatan": ("KECAMATAN",),
    "desa": ("DESA/KELURAHAN", "DESA", "KELURAHAN/DESA"),
    "alamat": ("ALAMAT",),
    "dusun": ("DUSUN", "DUSUN/LINGKUNGAN"),
    "rt": ("RT",),
    "rw": ("RW",),
    "no_kk": ("NOMOR KK", "NO KK", "NO. KK", "NOKK"),
    "nik": ("NOMOR NIK", "NIK"),
    "nama": ("NAMA", "NAMA LENGKAP"),
    "tanggal_lahir": ("TANGGAL LAHIR", "TGL LAHIR", "TGL. LAHIR"),
    "tempat_lahir": ("TEMPAT LAHIR", "TMPT LAHIR"),
    "jenis_kelamin": ("JENIS KELAMIN", "JK", "L/P"),
    "nama_ibu": ("NAMA IBU KANDUNG", "NAMA IBU", "IBU KANDUNG"),
    "hubungan": ("HUBUNGAN KELUARGA", "HUB. KELUARGA", "HUBUNGAN DENGAN KEPALA KELUARGA"),
    "desil": ("DESIL", "DESIL KESEJAHTERAAN", "PERINGKAT DESIL"),
    "keterangan": ("KETERANGAN", "KET"),
}
_REQUIRED_COLUMNS = (
    "id_dtks", "provinsi", "kabupaten", "kecamatan", "desa", "alamat", "dusun", "rt", "rw",
    "no_kk", "nik", "nama", "tanggal_lahir", "tempat_lahir", "jenis_kelamin", "nama_ibu", "hubungan",
)


@dataclass(slots=True)
class RegistryRow:
    """One data row of the SIKS-NG export plus its truth.

    Cell values are ``str`` exactly as they appear, or ``int`` where a spreadsheet numeric cell
    is simulated (damaged NIK/KK, Excel date serial, RT/RW without zeros, DESIL). How a numeric
    NIK/KK shows up in the CSV is given by :attr:`csv_num_style` (see :meth:`csv_text`).
    """

    id_dtks: str
    provinsi: str
    kabupaten: str
    kecamatan: str
    desa: str
    alamat: str
    dusun: str
    rt: str | int
    rw: str | int
    no_kk: str | int
    nik: str | int
    nama: str
    tanggal_lahir: str | int
    tempat_lahir: str
    jenis_kelamin: str
    nama_ibu: str
    hubungan: str
    desil: int | str
    keterangan: str
    # --- truth
    true_nik: str | None                 # None when the person is not in the civil registry
    true_no_kk: str
    corruptions: tuple[str, ...] = ()
    duplicate_of: str | None = None      # id_dtks of the row this one duplicates
    expect: str = "import"               # "import" / "reject"
    reject_reason: str | None = None     # a corruption code of stage "reject"
    person: Person | None = field(default=None, repr=False)
    csv_num_style: str = "plain"         # "plain" | "dot0" | "sci" for numeric NIK/KK cells
    file_row: int = 0                    # 1-based spreadsheet row (title rows + header counted)
    csv_line: int = 0                    # 1-based line in the CSV file
    no: int = 0                          # value of the optional "NO" column

    def value(self, key: str) -> str | int:
        return getattr(self, key)

    def csv_text(self, key: str, decimal_comma: bool = False) -> str:
        """The text of a cell as it appears in the CSV export."""
        v = getattr(self, key)
        if isinstance(v, str):
            return v
        if key in ("nik", "no_kk") and v >= 10**9:
            return _num_text(v, self.csv_num_style, decimal_comma)
        return str(v)


@dataclass
class ExportLayout:
    """File-level shape of the SIKS-NG export (same for the xlsx and the csv)."""

    columns: list[str]                   # column keys in order
    headers: list[str]                   # header texts in order
    title_rows: list[str]                # texts of the title rows above the header
    blank_after_title: bool              # an empty row between titles and header
    header_row: int                      # 1-based row of the header
    blank_rows: list[int]                # 1-based rows that are blank (middle and end)
    total_rows: int                      # rows in the sheet / lines in the csv
    sheet_name: str
    delimiter: str
    decimal_comma: bool
    bom: bool
    blank_style: str                     # "delims" (",,,,") or "empty" lines in the csv
    date_format: str                     # base date format: "dd-mm-yyyy" | "yyyy-mm-dd" | "dd/mm/yyyy"
    all_nik_damaged: bool
    spreadsheet: str                     # "excel" (truncate 16th digit) | "libreoffice" (round) | "mixed"
    csv_number_style: str                # "plain" | "dot0" | "sci" | "mixed"
    rt_rw_all_unpadded: bool


@dataclass(slots=True)
class CivilPerson:
    """One record of the civil-registry extract (current data)."""

    nik: str
    no_kk: str
    name: str
    birth_place: str
    birth_date: date
    sex: str
    mother_name: str
    hubungan: str
    alamat: str
    rt: str
    rw: str
    dusun: str
    desa_code: str
    death_date: date | None
    in_registry: bool
    line: int                         # 1-based line in the dukcapil csv (header = line 1)


@dataclass(slots=True)
class ProgrammeRow:
    nik: str
    no_kk: str
    nama: str
    program: str
    periode: str
    true_nik: str | None
    true_no_kk: str
    id_dtks: str | None                 # registry row of the recipient (None if not in registry)
    in_registry: bool
    corruptions: tuple[str, ...] = ()
    line: int = 0


@dataclass(frozen=True)
class CorruptionInfo:
    code: str
    stage: str          # "import": visible in the file; "reject": the importer must reject the row;
    #                     "match": found by comparing with Dukcapil; "none": not detectable
    description: str


_C = CorruptionInfo
CORRUPTIONS: dict[str, CorruptionInfo] = {c.code: c for c in (
    _C("nik_excel", "import", "NIK went through a spreadsheet: numeric cell holding 15 significant "
       "digits (16th digit truncated to 0 by Excel or rounded by LibreOffice); in the CSV shown as "
       "the damaged digits, with '.0', or as '3.31022E+15'"),
    _C("kk_excel", "import", "No KK damaged the same way as nik_excel"),
    _C("nik_typo_digit", "match", "one NIK digit replaced by another"),
    _C("nik_typo_swap", "match", "two adjacent different NIK digits swapped"),
    _C("nik_missing", "import", "NIK empty, '-' or '0' (the ID DTKS is present)"),
    _C("nik_other_person", "match", "the NIK of another person (often the family head's)"),
    _C("name_title", "match", "title added: H., Hj., Drs., Ir., S.Pd., S.E. ..."),
    _C("name_old_spelling", "match", "old (pre-1972) spelling: oe for u, dj for j, tj for c, j for y, "
       "nj for ny, ch for kh"),
    _C("name_muhammad", "match", "another way of writing Muhammad: M., Moh., Muh., Moch., Muhamad ..."),
    _C("name_case", "match", "name not upper case (Title Case or lower case)"),
    _C("name_spaces", "import", "double spaces or leading/trailing spaces in the name"),
    _C("name_dot", "import", "trailing dot(s) after the name"),
    _C("name_typo", "match", "one letter dropped, doubled, swapped or changed"),
    _C("nama_inisial", "match", "a word of the name written as its initial: 'Z. SYAIFUL', 'SITI A.', "
       "'R. A. KARTINI' (sometimes the civil registry has the short form)"),
    _C("nama_sebagian", "match", "a part of the name left off (given, family or BIN/BINTI part) or a "
       "husband's/father's name added: 'UMI' / 'UMI SUHARTI', 'DEWI WAWAN' (either side)"),
    _C("nama_gabung_pisah", "match", "words joined or split: 'ABDURRAHMAN' / 'ABDUL RAHMAN', "
       "'NURHAYATI' / 'NUR HAYATI', 'MUHAMMADRIZKI' (either side)"),
    _C("nama_sebagian_typo", "match", "a part of the name left off or added, and a typo inside a word"),
    _C("mother_missing", "import", "NAMA IBU KANDUNG empty or '-'"),
    _C("dob_wrong", "match", "date of birth differs from Dukcapil (day/month swapped, year off, "
       "placeholder 01-01 / 01-07 / 31-12)"),
    _C("date_alt_format", "import", "date in another format than the file's usual one"),
    _C("date_text", "import", "date written with an Indonesian month name: '17 Agustus 1970'"),
    _C("date_serial", "import", "date as an Excel serial number (numeric cell in the xlsx)"),
    _C("rt_rw_unpadded", "import", "RT/RW without leading zeros (numeric cells in the xlsx)"),
    _C("duplicate_row", "import", "the same person a second time under another ID DTKS; "
       "duplicate_of names the first row"),
    _C("no_ids", "reject", "neither NIK nor ID DTKS"),
    _C("date_invalid", "reject", "unreadable date of birth such as '31-13-1980'"),
    _C("desa_unknown", "reject", "desa/kelurahan name that exists nowhere in Indonesia"),
    _C("moved_desa", "match", "family moved to another desa of the same kecamatan; Dukcapil has "
       "the new address and a new No KK"),
    _C("moved_kec", "match", "family moved to another kecamatan of the kab; new address and No KK"),
    _C("moved_out", "match", "family moved out of the kab: not in the dukcapil file"),
    _C("new_kk", "match", "person split off into a new KK; Dukcapil has another No KK"),
    _C("died_flagged", "match", "person died; in the dukcapil file with TGL_MATI"),
    _C("died_removed", "match", "person died; removed from the dukcapil file"),
    _C("died_unreported", "none", "person died but Dukcapil still shows them alive"),
    _C("not_in_dukcapil", "match", "person is not in the civil registry at all (true_nik empty)"),
    _C("dukcapil_shared_nik", "match", "in Dukcapil another person carries the same NIK"),
)}

PROGRAMME_CORRUPTIONS: dict[str, CorruptionInfo] = {c.code: c for c in (
    _C("prog_nik_missing", "import", "NIK empty: recipient identified by No KK only"),
    _C("prog_nik_excel", "import", "NIK damaged by a spreadsheet (15 digits + 0, or 3.31022E+15)"),
    _C("prog_kk_excel", "import", "No KK damaged by a spreadsheet"),
    _C("prog_name_variant", "match", "name in another case / with a title / extra spaces"),
    _C("prog_not_in_registry", "match", "recipient is not in the DTKS registry"),
    _C("prog_duplicate", "import", "the same recipient listed twice"),
)}
del _C



# =============================================================================================
# Small helpers
# =============================================================================================

_BULAN = ("", "Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus",
          "September", "Oktober", "November", "Desember")
STAT_HBKEL = ("KEPALA KELUARGA", "ISTRI", "ANAK", "MENANTU", "CUCU", "ORANG TUA", "MERTUA",
              "FAMILI LAIN", "PEMBANTU", "LAINNYA")
_HUB_TO_REL = (1, 2, 3, 4, 5, 6, 6, 8, 7, 8)
_REL_LABEL = {1: "Kepala Keluarga", 2: "Istri/Suami", 3: "Anak", 4: "Menantu", 5: "Cucu",
              6: "Orang Tua/Mertua", 7: "Pembantu Rumah Tangga", 8: "Lainnya"}
_H_HEAD, _H_ISTRI, _H_ANAK, _H_MENANTU, _H_CUCU, _H_ORTU, _H_MERTUA, _H_FAMILI, _H_PEMBANTU, _H_LAIN = range(10)


@lru_cache(maxsize=65536)
def _date(ordinal: int) -> date:
    return date.fromordinal(ordinal)


def _fmt_date(d: date, fmt: str) -> str:
    if fmt == "yyyy-mm-dd":
        return f"{d.year:04d}-{d.month:02d}-{d.day:02d}"
    if fmt == "dd/mm/yyyy":
        return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"
    return f"{d.day:02d}-{d.month:02d}-{d.year:04d}"


def _num_text(v: int, style: str, decimal_comma: bool) -> str:
    """How a numeric 16-digit cell is written into a CSV by a spreadsheet."""
    if style == "sci":
        s = f"{v:.5E}"
    elif style == "dot0":
        s = f"{v}.0"
    else:
        return str(v)
    return s.replace(".", ",") if decimal_comma else s


def _damage(v: int, how: str) -> int:
    """16-digit number to 15 significant digits: Excel truncates, LibreOffice rounds."""
    if how == "round":
        return (v + 5) // 10 * 10
    return v // 10 * 10


def _csv_field(s: str) -> str:
    if "," in s or '"' in s or "\n" in s:
        return '"' + s.replace('"', '""') + '"'
    return s


def _title_case(s: str) -> str:
    return " ".join(w[:1].upper() + w[1:].lower() for w in s.split(" "))


def _count(rate: float, eligible: int, minimum: int = 2) -> int:
    if eligible <= 0:
        return 0
    k = int(round(rate * eligible))
    floor = minimum if eligible >= 200 else (1 if eligible >= 20 else 0)
    return min(eligible, max(k, floor))


@contextmanager
def _gc_paused():
    """Millions of small objects: the cyclic GC would rescan them again and again for nothing."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            # Re-enabling would make the next young-generation collection walk every object
            # made meanwhile (about 4 s at a million people). Move them straight to the oldest
            # generation instead: nothing is lost, cycles are still found by a full collection.
            if gc.get_freeze_count() == 0:
                gc.freeze()
                gc.unfreeze()
            gc.enable()


def _check(cancel: CancelFn | None) -> None:
    if cancel is not None and cancel():
        raise DemoCancelled()


# =============================================================================================
# Population builder (columnar)
# =============================================================================================


class _Population:
    """Everybody (registry families first, then the rest of the population) in flat columns."""

    def __init__(self, cfg: DemoConfig, region: _Region, seed_key: str) -> None:
        self.cfg = cfg
        self.region = region
        self.seed_key = seed_key
        self.r = random.Random(f"{seed_key}/population")
        self.rnd = self.r.random
        self.g_names = np.random.default_rng([cfg.seed & 0xFFFFFFFF, 0x4E414D45])
        self.names = _Names(self.g_names)
        self.bin_rate = 0.003 + self.rnd() * 0.015
        self.pools = _pools()
        # person columns
        self.p_unit = array("i")
        self.p_hub = array("b")
        self.p_sex = array("b")          # 0 = L, 1 = P
        self.p_bd = array("i")           # birth date ordinal
        self.p_mref = array("i")         # mother: person index, or -2 - k for mother_pool[k]
        self.p_fref = array("i")         # father for "BIN"/"BINTI" names: person index or -1
        self.p_name: list[str] = []      # filled by name_pass()
        self.p_mother: list[str] = []    # filled by name_pass()
        self.p_kec: np.ndarray = np.zeros(0, dtype=np.int64)     # NIK kecamatan, see origins()
        self.p_place: np.ndarray = np.zeros(0, dtype=np.int32)   # index into self.places
        self.places: list[str] = []
        # unit (KK) columns
        self.u_desa = array("i")
        self.u_alamat: list[str] = []
        self.u_dusun: list[str] = []
        self.u_rt = array("h")
        self.u_rw = array("h")
        self.u_kkkec = array("q")
        self.u_kkdate = array("i")
        self.u_first = array("i")
        self.u_n = array("h")
        self.u_christian = array("b")
        # desa sampler
        w = [d.weight for d in region.desas]
        tot = sum(w)
        table: list[int] = []
        for i, x in enumerate(w):
            table.extend([i] * max(1, round(x / tot * 8192)))
        self.desa_table = table
        # religion: a few kecamatan with many Christians, a low base rate elsewhere
        nk = len(region.kec_codes)
        base = 0.01 + self.rnd() * 0.04
        self.christian = [base] * nk
        for ki in self.r.sample(range(nk), min(nk, self.r.randint(0, 3))):
            self.christian[ki] = 0.15 + self.rnd() * 0.2
        # NIK origin mix (per seed a little different): here / other kec of kab / province / elsewhere
        here = 0.72 + self.rnd() * 0.12
        self.origin_adult = (here, here + 0.12, 0.97)
        self.origin_child = (0.93, 0.98, 0.995)

    # ---------------------------------------------------------------- addresses
    def _alamat(self, desa: _Desa, dusun: str, rt: int, rw: int) -> str:
        rnd = self.rnd
        st = desa.alamat_style
        if desa.kelurahan:
            if st <= 1 or rnd() < 0.3:
                street = self.pools["STREET"][int(rnd() * len(self.pools["STREET"]))]
                return f"JL. {street} NO. {1 + int(rnd() * 120)}"
            if st == 2:
                return f"KP. {dusun}"
            return f"{dusun} RT {rt:03d} RW {rw:03d}"
        if st == 0:
            return f"DK. {dusun}"
        if st == 1:
            return dusun
        if st == 2:
            return f"DUKUH {dusun}"
        return f"{dusun} RT {rt:03d}/RW {rw:03d}"

    def new_unit(self, di: int, kk_kec6: int, kk_date: int, first: int = -1) -> int:
        desa = self.region.desas[di]
        dusun, rw, rt = desa.slots[int(self.rnd() * len(desa.slots))]
        self.u_desa.append(di)
        self.u_alamat.append(self._alamat(desa, dusun, rt, rw))
        self.u_dusun.append(dusun)
        self.u_rt.append(rt)
        self.u_rw.append(rw)
        self.u_kkkec.append(kk_kec6)
        self.u_kkdate.append(kk_date)
        self.u_first.append(first)
        self.u_n.append(0)
        self.u_christian.append(0)
        return len(self.u_desa) - 1

    def copy_unit(self, u: int, kk_date: int, di: int | None = None) -> int:
        """A new KK at the same address (di None) or at a random place in desa di."""
        if di is not None:
            return self.new_unit(di, self.region.desas[di].kec6, kk_date)
        self.u_desa.append(self.u_desa[u])
        self.u_alamat.append(self.u_alamat[u])
        self.u_dusun.append(self.u_dusun[u])
        self.u_rt.append(self.u_rt[u])
        self.u_rw.append(self.u_rw[u])
        self.u_kkkec.append(self.u_kkkec[u])
        self.u_kkdate.append(kk_date)
        self.u_first.append(-1)
        self.u_n.append(0)
        self.u_christian.append(self.u_christian[u])
        return len(self.u_desa) - 1

    # ---------------------------------------------------------------- families
    def family(self, size: int) -> int:
        """Append one family of at most ``size`` persons; returns how many were added.

        Only the structure is made here (relations, sexes, ages, who is whose mother/father);
        names come later from :meth:`name_pass`, vectorised.
        """
        rnd = self.rnd
        r = self.r
        pool = _Names.POOL
        di = self.desa_table[int(rnd() * len(self.desa_table))]
        desa = self.region.desas[di]
        start = len(self.p_hub)
        u = self.new_unit(di, desa.kec6, 0, start)
        if rnd() < self.christian[desa.kec]:
            self.u_christian[u] = 1
        p_hub, p_mref = self.p_hub, self.p_mref
        a_unit, a_hub, a_sex, a_bd = self.p_unit.append, p_hub.append, self.p_sex.append, self.p_bd.append
        a_mref, a_fref = p_mref.append, self.p_fref.append

        def add(hub: int, female: int, age: float, mref: int, fref: int = -1) -> int:
            a_unit(u)
            a_hub(hub)
            a_sex(female)
            a_bd(_REF - 1 - int(age * 365.2425))
            a_mref(mref)
            a_fref(fref)
            return len(p_hub) - 1

        def pool_mother(age: float) -> int:
            """A mother (not in the family) for someone of this age: an entry of the pool."""
            return -2 - (_cohort(_REF_YEAR - int(age) - 25) * pool + int(rnd() * pool))

        # --- head
        if size == 1:
            old = rnd() < 0.62
            head_age = 55 + rnd() * 37 if old else 19 + rnd() * 36
            head_f = 1 if rnd() < (0.62 if old else 0.3) else 0
        else:
            head_age = r.triangular(22, 84, 40)
            head_f = 1 if rnd() < 0.11 else 0
        slots = size - 1
        # spouse
        has_spouse = not head_f and slots > 0 and rnd() < 0.93
        spouse_age = 0.0
        if has_spouse:
            spouse_age = min(max(17.0, head_age - r.gauss(4, 4)), head_age + 8)
            slots -= 1
        # a parent living with them (added last, but decided now)
        parent = None
        if slots >= 2 and head_age <= 62 and rnd() < 0.12:
            mertua = has_spouse and rnd() < 0.4
            p_age = min(98.0, (spouse_age if mertua else head_age) + 20 + rnd() * 15)
            parent = (_H_MERTUA if mertua else _H_ORTU, 1 if rnd() < 0.75 else 0, p_age)
            slots -= 1
        head = add(_H_HEAD, head_f, head_age, pool_mother(head_age))
        spouse = -1
        if has_spouse:
            spouse = add(_H_ISTRI, 1, spouse_age, pool_mother(spouse_age))
            kid_mother, mother_age = spouse, spouse_age
        elif head_f:
            kid_mother, mother_age = head, head_age
        else:   # widower or divorced father: the children's mother is not in the family
            kid_mother, mother_age = pool_mother(head_age - 27), head_age - 3
        kid_father = -1 if head_f else head
        # --- children (some places kept for a married child and grandchildren)
        reserve = 0
        if slots >= 3 and head_age >= 46 and rnd() < 0.35:
            reserve = min(slots - 1, 1 + int(rnd() * 3))
        kids = slots - reserve
        a = mother_age - (19 + rnd() * 9)
        adult_kid = None
        while kids > 0 and a >= 0:
            if a <= 42:
                f = 1 if rnd() < 0.5 else 0
                k = add(_H_ANAK, f, a, kid_mother, kid_father)
                kids -= 1
                if a >= 19 and adult_kid is None:
                    adult_kid = (f, a, k)
            a -= 1.3 + rnd() * 5
        slots = kids + reserve
        # --- married child's spouse and grandchildren
        if reserve and adult_kid is not None and slots > 0:
            cf, ca, child = adult_kid
            m_f = 1 - cf
            m_age = max(17.0, ca + (r.gauss(-3, 3) if m_f else r.gauss(3, 3)))
            menantu = add(_H_MENANTU, m_f, m_age, pool_mother(m_age))
            slots -= 1
            g_mother, g_father, g_mage = (child, menantu, ca) if cf else (menantu, child, m_age)
            a = g_mage - (19 + rnd() * 7)
            while slots > 0 and a >= 0:
                add(_H_CUCU, 1 if rnd() < 0.5 else 0, a, g_mother, g_father)
                slots -= 1
                a -= 1.5 + rnd() * 4
        if parent is not None:
            hub, p_f, p_age = parent
            par = add(hub, p_f, p_age, pool_mother(p_age))
            if p_f and hub == _H_ORTU:
                p_mref[head] = par
            elif p_f and hub == _H_MERTUA and spouse >= 0:
                p_mref[spouse] = par
        if slots > 0 and rnd() < 0.15:
            slots -= 1
            age = 3 + rnd() * 60
            add(_H_FAMILI if rnd() < 0.8 else _H_LAIN, 1 if rnd() < 0.5 else 0, age, pool_mother(age))
        if slots > 0 and size >= 3 and rnd() < 0.004:
            age = 18 + rnd() * 37
            add(_H_PEMBANTU, 1 if rnd() < 0.85 else 0, age, pool_mother(age))
        n = len(p_hub) - start
        # KK issue date: after the head turned 17, mostly in the SIAK era
        lo = max(_REF - int(head_age * 365.2425) + 17 * 365, _KK_ERA)
        hi = _REF - 20
        self.u_kkdate[u] = hi if lo >= hi else lo + int(rnd() * (hi - lo))
        self.u_n[u] = n
        return n

    def families(self, people: int, size_weights: Sequence[float], cancel: CancelFn | None,
                 tick: Callable[[int], None] | None) -> tuple[int, int]:
        """Add families until exactly ``people`` persons were added. Returns (first unit, end unit)."""
        cum = list(accumulate(size_weights))
        cum = [c / cum[-1] for c in cum]
        rnd = self.rnd
        family = self.family
        u0 = len(self.u_desa)
        done = 0
        next_check = 0
        while done < people:
            size = 1 + bisect_right(cum, rnd())
            if size > people - done:
                size = people - done
            done += family(size)
            if done >= next_check:
                _check(cancel)
                if tick is not None:
                    tick(done)
                next_check = done + 8192
        return u0, len(self.u_desa)

    # ---------------------------------------------------------------- names
    def name_pass(self) -> None:
        """Everybody's name and mother's name, vectorised per sex and cohort.

        Christian families give baptismal first names; some children carry "BIN"/"BINTI" and
        their father's first name; a mother's name is the name of the mother in the family,
        or a pool name shared by the siblings.
        """
        g = self.g_names
        n = len(self.p_hub)
        sex = np.frombuffer(self.p_sex, dtype=np.int8)
        year = _ymd(np.frombuffer(self.p_bd, dtype=np.int32))[0]
        cohort = np.where(year < 1955, 0, np.where(year < 1980, 1, np.where(year < 2000, 2, 3)))
        names: list[str] = [""] * n
        for female in (0, 1):
            for c in range(4):
                idx = np.nonzero((sex == female) & (cohort == c))[0]
                if len(idx):
                    for i, nm in zip(idx.tolist(), self.names.make(female, c, len(idx))):
                        names[i] = nm
        unit = np.frombuffer(self.p_unit, dtype=np.int32)
        hub = np.frombuffer(self.p_hub, dtype=np.int8)
        christian = np.frombuffer(self.u_christian, dtype=np.int8)[unit].astype(bool) & (hub != _H_PEMBANTU)
        idx = np.nonzero(christian)[0]
        if len(idx):
            fem = sex[idx].astype(bool)
            bap_f = self.names.c_f[g.integers(0, len(self.names.c_f), len(idx))].tolist()
            bap_m = self.names.c_m[g.integers(0, len(self.names.c_m), len(idx))].tolist()
            for j, i in enumerate(idx.tolist()):
                parts = [w for w in names[i].split(" ")[:2] if not w.startswith(("MUH", "MOH", "MOC"))]
                names[i] = " ".join([bap_f[j] if fem[j] else bap_m[j]] + parts)
        fref = np.frombuffer(self.p_fref, dtype=np.int32)
        cand = np.nonzero((fref >= 0) & ~christian & (g.random(n) < self.bin_rate))[0]
        for i in cand.tolist():
            if names[i].count(" ") <= 1:
                father_first = names[fref[i]].split(" ", 1)[0]
                names[i] = f"{names[i]} {'BINTI' if sex[i] else 'BIN'} {father_first}"
        pool = self.names.mother_pool
        mix = names_regions.region_mix(self.region.kab_code)
        styled_mothers: dict[int, str] = {}
        if mix is not None:
            styled_mothers = self._regional_names(names, sex, cohort, mix)
        self.p_name = names
        if styled_mothers:
            get = styled_mothers.get
            self.p_mother = [names[m] if m >= 0 else get(i) or pool[-2 - m] for i, m in enumerate(self.p_mref)]
        else:
            self.p_mother = [names[m] if m >= 0 else pool[-2 - m] for m in self.p_mref]

    def _regional_names(self, names: list[str], sex: np.ndarray, cohort: np.ndarray,
                        mix: dict[int, float]) -> dict[int, str]:
        """Rename the families of a non-Javanese naming style (``names_regions``), in place.

        The style is drawn per family; a person carries the family key (marga, clan, surname,
        uleebalang title) of the father when he is in the family, ``BIN``/``BINTI`` names the
        real father. Returns the mothers' names (person index -> name) of styled persons whose
        mother is not in the family, shared by siblings. Javanese regions never come here, so
        their output is unchanged.
        """
        rr = random.Random(f"{self.seed_key}/regional-names")
        maker = names_regions.RegionalNames(self.region.kab_code, rr)
        styles = list(mix)
        cum = np.cumsum([mix[s] for s in styles])
        gs = np.random.default_rng([self.cfg.seed & 0xFFFFFFFF, 0x52454749])
        ustyle = np.asarray(styles, dtype=np.int8)[
            np.minimum(np.searchsorted(cum / cum[-1], gs.random(len(self.u_desa)), side="right"), len(styles) - 1)]
        unit = np.frombuffer(self.p_unit, dtype=np.int32)
        pstyle = ustyle[unit]
        idx = np.nonzero(pstyle != names_regions.JAWA)[0].tolist()
        if not idx:
            return {}
        hub, fref, mref = self.p_hub, self.p_fref, self.p_mref
        u_first = self.u_first
        sex_l, coh_l, st_l, unit_l = sex.tolist(), cohort.tolist(), pstyle.tolist(), unit.tolist()
        keys: dict[int, tuple] = {}
        absent_father: dict[int, tuple] = {}     # unit -> key of children whose father is not there
        mothers: dict[int, str] = {}
        pool_mother: dict[int, str] = {}
        make, new_key = maker.make, maker.new_key
        for p in idx:
            st, u, h, f = st_l[p], unit_l[p], hub[p], fref[p]
            female = sex_l[p]
            father_name = None
            spouse_key = None
            if f >= 0 and f in keys and not sex_l[f]:
                key, father_name = keys[f], names[f]
            elif h in (_H_ANAK, _H_CUCU):
                key = absent_father.get(u)
                if key is None:
                    key = absent_father[u] = new_key(st)
            elif h == _H_ORTU and not female and u_first[u] in keys:
                key = keys[u_first[u]]               # the head's father carries the head's key
            else:
                key = new_key(st)
                if h == _H_ISTRI and u_first[u] in keys:
                    spouse_key = keys[u_first[u]]
            keys[p] = key
            names[p] = make(st, female, coh_l[p], key, father_name, spouse_key)
            m = mref[p]
            if m < 0:
                nm = pool_mother.get(m * 8 - st)
                if nm is None:
                    mc = max(0, coh_l[p] - 1)
                    nm = pool_mother[m * 8 - st] = make(st, 1, mc, new_key(st), None)
                mothers[p] = nm
        return mothers

    # ---------------------------------------------------------------- NIK origin, birth place
    def origins(self, g: np.random.Generator) -> None:
        """Kecamatan of first registration (NIK digits 1-6) and place of birth, vectorised.

        Children and grandchildren were mostly registered where the family lives; adults more
        often elsewhere in the kab, the province or the country.
        """
        region = self.region
        n = len(self.p_hub)
        hub = np.frombuffer(self.p_hub, dtype=np.int8)
        unit = np.frombuffer(self.p_unit, dtype=np.int32)
        desa_kec6 = np.array([d.kec6 for d in region.desas], dtype=np.int64)
        here = desa_kec6[np.frombuffer(self.u_desa, dtype=np.int32)[unit]]
        child = (hub == _H_ANAK) | (hub == _H_CUCU)
        oa, ca = self.origin_adult, self.origin_child
        t0 = np.where(child, ca[0], oa[0])
        t1 = np.where(child, ca[1], oa[1])
        t2 = np.where(child, ca[2], oa[2])
        x = g.random(n)
        kab = np.array(region.kec6, dtype=np.int64)
        prov = np.array(region.prov_outside_kec6, dtype=np.int64)
        other = np.array(region.other_kec6, dtype=np.int64)
        kec = np.where(x < t0, here,
                       np.where(x < t1, kab[g.integers(0, len(kab), n)],
                                np.where(x < t2, prov[g.integers(0, len(prov), n)],
                                         other[g.integers(0, len(other), n)])))
        # places: 0 = the kab itself, then every kecamatan's place name, then cities
        codes = np.array(sorted(region.kec6_place), dtype=np.int64)
        self.places = [region.kab_short.upper().replace(",", "")]
        self.places += [region.kec6_place[int(c)] for c in codes]
        cities = self.pools["CITY"]
        city0 = len(self.places)
        self.places += cities
        place_of_kec = np.searchsorted(codes, kec) + 1
        y = g.random(n)
        in_kab = np.isin(kec, kab)
        place = np.where(y < 0.04, city0 + g.integers(0, len(cities), n),
                         np.where(in_kab & (y < 0.72), 0, place_of_kec))
        self.p_kec = kec
        self.p_place = place.astype(np.int32)


# =============================================================================================
# Civil registry (columnar, lazily materialised)
# =============================================================================================


class CivilRegistry(Sequence):
    """The civil-registry extract, in file order. Items are :class:`CivilPerson`."""

    def __init__(self, ds: "_Built") -> None:
        self._b = ds

    def __len__(self) -> int:
        return len(self._b.civil_order)

    def __getitem__(self, i):  # type: ignore[override]
        if isinstance(i, slice):
            return [self[j] for j in range(*i.indices(len(self)))]
        b = self._b
        if i < 0:
            i += len(self)
        p = int(b.civil_order[i])
        u = int(b.c_unit[p])
        d = b.region.desas[b.pop.u_desa[u]]
        death = int(b.death[p])
        return CivilPerson(
            nik=str(int(b.nik[p])), no_kk=str(int(b.kk[u])), name=b.pop.p_name[p],
            birth_place=b.pop.places[b.pop.p_place[p]], birth_date=_date(b.pop.p_bd[p]),
            sex="P" if b.pop.p_sex[p] else "L", mother_name=b.pop.p_mother[p],
            hubungan=STAT_HBKEL[int(b.c_hub[p])], alamat=b.pop.u_alamat[u],
            rt=f"{b.pop.u_rt[u]:03d}", rw=f"{b.pop.u_rw[u]:03d}", dusun=b.pop.u_dusun[u],
            desa_code=d.code, death_date=_date(death) if b.mati[p] else None,
            in_registry=p < b.n_registry, line=i + 2,
        )

    def __iter__(self) -> Iterator[CivilPerson]:
        for i in range(len(self)):
            yield self[i]


class _Built:
    """Internal arrays shared by the dataset, the civil registry view and the writers."""

    pop: _Population
    region: _Region
    n_registry: int
    nik: np.ndarray
    kk: np.ndarray
    c_unit: np.ndarray
    c_hub: np.ndarray
    death: np.ndarray            # death date ordinal (0 = alive)
    mati: np.ndarray             # death recorded in the extract (TGL_MATI filled in)
    status: np.ndarray           # per registry person, index into PERSON_STATUSES
    civil_order: np.ndarray      # person indices in dukcapil file order

    def status_of(self, p: int) -> str:
        return PERSON_STATUSES[int(self.status[p])] if p < self.n_registry else "ok"


@dataclass
class DemoDataset:
    config: DemoConfig
    kab_code: str
    kab_name: str
    prov_code: str
    prov_name: str
    families: list[Family]
    registry_rows: list[RegistryRow]
    layout: ExportLayout
    civil: CivilRegistry
    programme_rows: dict[str, list[ProgrammeRow]]
    dukcapil_duplicates: list[dict]         # shared-NIK groups: nik, lines, names, id_dtks
    rates: dict[str, float]                 # the proportions drawn for this seed
    print_stamp: str
    _built: _Built = field(repr=False, default=None)  # type: ignore[assignment]

    @property
    def persons(self) -> Iterator[Person]:
        for f in self.families:
            yield from f.members

    @property
    def kab_digits(self) -> str:
        return self.kab_code.replace(".", "")

    def corruption_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for row in self.registry_rows:
            for c in row.corruptions:
                out[c] = out.get(c, 0) + 1
        return dict(sorted(out.items()))

    def programme_corruption_counts(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for rows in self.programme_rows.values():
            for row in rows:
                for c in row.corruptions:
                    out[c] = out.get(c, 0) + 1
        return dict(sorted(out.items()))

    def summary(self) -> dict:
        n_reject = sum(1 for r in self.registry_rows if r.expect == "reject")
        return {
            "kab_code": self.kab_code, "kab_name": self.kab_name, "seed": self.config.seed,
            "registry_people": sum(len(f.members) for f in self.families),
            "registry_families": len(self.families), "export_rows": len(self.registry_rows),
            "expected_import": len(self.registry_rows) - n_reject, "expected_reject": n_reject,
            "dukcapil_records": len(self.civil),
            "programme_rows": {k: len(v) for k, v in self.programme_rows.items()},
            "corruptions": self.corruption_counts(),
        }


# =============================================================================================
# generate()
# =============================================================================================

_REG_SIZE_WEIGHTS = (7, 14, 20, 24, 16, 10, 6, 3)       # registry families: 1..8 persons
_POP_SIZE_WEIGHTS = (10, 17, 23, 25, 14, 7, 3, 1)


def _validate(config: DemoConfig) -> None:
    if not isinstance(config.people, int) or config.people < 1:
        raise ValueError("Jumlah orang harus bilangan bulat minimal 1.")
    if config.people > 5_000_000:
        raise ValueError("Jumlah orang paling banyak 5.000.000.")
    if not config.dukcapil_ratio >= 1.0:
        raise ValueError("Rasio Dukcapil harus minimal 1,0 (penduduk Dukcapil per orang DTKS).")
    if config.dukcapil_ratio * config.people > 20_000_000:
        raise ValueError("Data Dukcapil terlalu besar (lebih dari 20 juta orang).")
    for p in config.programmes:
        if not re.fullmatch(r"[A-Za-z0-9_-]{1,20}", str(p)):
            raise ValueError(f"Nama program tidak valid: {p!r} (huruf, angka, _ atau -).")


def generate(config: DemoConfig, progress: ProgressFn | None = None,
             cancel: CancelFn | None = None) -> DemoDataset:
    """Build the whole demo dataset in memory (no files). Deterministic for ``config``."""
    _validate(config)
    with _gc_paused():
        return _generate(config, progress, cancel)


def _generate(config: DemoConfig, progress: ProgressFn | None, cancel: CancelFn | None) -> DemoDataset:
    seed_key = f"dtks-demo/{config.seed}"
    rr = random.Random(f"{seed_key}/region")
    region = _load_region(config.kab, rr)
    people = config.people
    total_civil = max(people, int(round(config.dukcapil_ratio * people)))
    total_units = people + total_civil + people

    def tick_base(base: int) -> Callable[[int], None]:
        def tick(n: int) -> None:
            if progress is not None:
                progress(min(total_units, base + n), total_units)
        return tick

    _check(cancel)
    pop = _Population(config, region, seed_key)
    g = np.random.default_rng([config.seed & 0xFFFFFFFF, 0x44544B53])
    rs = random.Random(f"{seed_key}/status")

    # ---- registry families
    reg_u0, reg_u1 = pop.families(people, _REG_SIZE_WEIGHTS, cancel, tick_base(0))
    n_reg = people
    n_reg_units = reg_u1 - reg_u0
    desil = _draw_desil(rs, n_reg_units)

    # ---- statuses (family moves, deaths, split KKs, never registered)
    status, death, c_unit_reg, c_hub_reg, rates = _assign_statuses(pop, rs, g, n_reg, reg_u0, reg_u1)
    present = int(sum(1 for s in status if PERSON_STATUSES[s] not in _ABSENT))

    # ---- the rest of the population
    rest = max(0, total_civil - present)
    pop.families(rest, _POP_SIZE_WEIGHTS, cancel, tick_base(people))
    n_all = len(pop.p_hub)

    # ---- names, NIK kecamatan and place of birth for everybody
    pop.name_pass()
    pop.origins(g)

    # ---- shared NIKs in Dukcapil (two persons, one NIK)
    shared_pairs = _pick_shared_nik(pop, rs, status, n_reg, n_all, total_civil, rates)

    # ---- how villages write names: rates, and the variants on the civil-registry side
    rv = random.Random(f"{seed_key}/name-variants")
    rates.update({k: lo + rv.random() * (hi - lo) for k, (lo, hi) in _NAME_VARIANT_RATES.items()})
    civil_variants = _civil_name_variants(pop, rv, rates, status, shared_pairs, n_reg)

    # ---- numbering: NIK and No KK
    _check(cancel)
    nik = _number_nik(pop, g)
    kk = _number_kk(pop, g)
    for a, b in shared_pairs:
        nik[b] = nik[a]

    b = _Built()
    b.pop, b.region, b.n_registry = pop, region, n_reg
    b.nik, b.kk = nik, kk
    c_unit = np.frombuffer(pop.p_unit, dtype=np.int32).copy()
    c_unit[:n_reg] = c_unit_reg
    c_hub = np.frombuffer(pop.p_hub, dtype=np.int8).copy()
    c_hub[:n_reg] = c_hub_reg
    b.c_unit, b.c_hub = c_unit, c_hub
    b.death = np.zeros(n_all, dtype=np.int32)
    b.death[:n_reg] = death
    b.status = np.asarray(status, dtype=np.int8)
    # TGL_MATI in the extract: registry persons "died_flagged", plus some of the rest of the
    # population (Dukcapil extracts keep recorded deaths), so the flag alone says nothing.
    b.mati = np.zeros(n_all, dtype=bool)
    b.mati[:n_reg] = b.status == PERSON_STATUSES.index("died_flagged")
    if n_all > n_reg:
        bd_rest = np.frombuffer(pop.p_bd, dtype=np.int32)[n_reg:]
        old = np.nonzero(_REF - bd_rest > 60 * 365)[0] + n_reg
        old = old[~np.isin(old, [bb for _, bb in shared_pairs])]
        k = min(len(old), int(round((n_all - n_reg) * (0.002 + 0.004 * g.random()))))
        if k:
            dead = np.sort(g.choice(old, k, replace=False))
            lo = np.maximum(bd_rest[dead - n_reg] + 1, _REF - 1100)
            b.death[dead] = lo + (g.random(k) * (_REF - 10 - lo)).astype(np.int32)
            b.mati[dead] = True
    # civil file order: by desa, KK, relation, age
    in_civil = np.ones(n_all, dtype=bool)
    absent_codes = [PERSON_STATUSES.index(s) for s in _ABSENT]
    in_civil[:n_reg] = ~np.isin(b.status, absent_codes)
    idx = np.nonzero(in_civil)[0]
    u_desa = np.frombuffer(pop.u_desa, dtype=np.int32)
    cu = c_unit[idx]
    bd = np.frombuffer(pop.p_bd, dtype=np.int32)[idx]
    order = np.lexsort((bd, c_hub[idx], kk[cu], u_desa[cu]))
    b.civil_order = idx[order]
    line_of = np.zeros(n_all, dtype=np.int64)
    line_of[b.civil_order] = np.arange(2, len(b.civil_order) + 2)
    _check(cancel)

    # ---- registry objects
    families = _make_families(b, reg_u0, reg_u1, desil, shared_pairs, cancel)
    persons = [m for f in families for m in f.members]

    # ---- the export rows
    rx = random.Random(f"{seed_key}/export")
    rows, layout, print_stamp = _make_export(b, families, persons, rx, rates, cancel,
                                             tick_base(people + total_civil), rv, civil_variants,
                                             all_nik_damaged=config.all_nik_damaged)

    # ---- programmes
    rp = random.Random(f"{seed_key}/programmes")
    first_row = {}
    for row in rows:
        if row.person is not None and row.duplicate_of is None and row.person.index not in first_row:
            first_row[row.person.index] = row
    programme_rows = {
        p: _make_programme(b, p, families, first_row, rp, rates, reg_u1) for p in config.programmes
    }

    dups = []
    for a, bb in shared_pairs:
        a_row = first_row.get(a) if a < n_reg else None
        dups.append({
            "nik": str(int(nik[a])), "line_a": int(line_of[a]), "line_b": int(line_of[bb]),
            "name_a": pop.p_name[a], "name_b": pop.p_name[bb],
            "id_dtks_a": a_row.id_dtks if a_row is not None else "",
        })
    civil = CivilRegistry(b)
    if progress is not None:
        progress(total_units, total_units)
    return DemoDataset(
        config=config, kab_code=region.kab_code, kab_name=region.kab_name,
        prov_code=region.prov_code, prov_name=region.prov_name, families=families,
        registry_rows=rows, layout=layout, civil=civil, programme_rows=programme_rows,
        dukcapil_duplicates=dups, rates=rates, print_stamp=print_stamp, _built=b,
    )


def _draw_desil(r: random.Random, n: int) -> list[int | None]:
    weights = [22, 18, 15, 12, 10, 8, 6, 4, 3, 2]
    cum = list(accumulate(weights))
    none_rate = 0.02 + r.random() * 0.06
    out: list[int | None] = []
    for _ in range(n):
        if r.random() < none_rate:
            out.append(None)
        else:
            out.append(1 + bisect_right(cum, r.random() * cum[-1]))
    return out


def _assign_statuses(pop: _Population, r: random.Random, g: np.random.Generator, n_reg: int,
                     u0: int, u1: int):
    """Pick moved families and died / split / unregistered persons. Returns columns for the
    registry persons: status codes, death ordinals, civil unit and civil relation."""
    rates = {
        "moved_families": 0.01 + r.random() * 0.03,
        "died": 0.008 + r.random() * 0.017,
        "new_kk": 0.01 + r.random() * 0.03,
        "not_in_dukcapil": 0.005 + r.random() * 0.015,
    }
    st = np.zeros(n_reg, dtype=np.int8)
    death = np.zeros(n_reg, dtype=np.int32)
    c_unit = np.frombuffer(pop.p_unit, dtype=np.int32)[:n_reg].copy()
    c_hub = np.frombuffer(pop.p_hub, dtype=np.int8)[:n_reg].copy()
    S = PERSON_STATUSES.index
    region = pop.region
    n_fam = u1 - u0
    # --- whole families that moved
    k = _count(rates["moved_families"], n_fam, 6)
    moved = r.sample(range(u0, u1), k)
    kinds = ["moved_desa", "moved_kec", "moved_out"]
    w = [0.4 + r.random() * 0.2, 0.25 + r.random() * 0.2, 0.15 + r.random() * 0.15]
    for i, u in enumerate(moved):
        kind = kinds[i] if i < 3 else r.choices(kinds, w)[0]
        di = pop.u_desa[u]
        kec = region.desas[di].kec
        same = [d for d in region.kec_desas[kec] if d != di]
        others = [d for ki, ds in enumerate(region.kec_desas) if ki != kec for d in ds]
        if kind == "moved_desa" and not same:
            kind = "moved_kec" if others else "moved_out"
        if kind == "moved_kec" and not others:
            kind = "moved_desa" if same else "moved_out"
        first, n = pop.u_first[u], pop.u_n[u]
        st[first:first + n] = S(kind)
        if kind == "moved_out":
            continue
        target = r.choice(same if kind == "moved_desa" else others)
        nu = pop.copy_unit(u, _REF - 30 - r.randrange(1100), target)
        c_unit[first:first + n] = nu
    # --- persons
    bd = np.frombuffer(pop.p_bd, dtype=np.int32)[:n_reg]
    age = (_REF - bd) / 365.2425
    free = st == 0
    hub = c_hub

    def pick(mask: np.ndarray, k: int) -> np.ndarray:
        cand = np.nonzero(mask & free)[0]
        if len(cand) == 0 or k <= 0:
            return cand[:0]
        return np.sort(g.choice(cand, size=min(k, len(cand)), replace=False))

    k = _count(rates["died"], n_reg, 6)
    old = pick(age >= 55, int(k * 0.85))
    died = np.concatenate([old, pick(np.ones(n_reg, bool) & ~np.isin(np.arange(n_reg), old), k - len(old))])
    died = died.astype(np.int64)
    g.shuffle(died)
    died_kinds = ["died_flagged", "died_removed", "died_unreported"]
    dw = [0.35 + r.random() * 0.25, 0.2 + r.random() * 0.15, 0.15 + r.random() * 0.2]
    for i, p in enumerate(died.tolist()):
        kind = died_kinds[i] if i < 3 else r.choices(died_kinds, dw)[0]
        st[p] = S(kind)
        lo = max(int(bd[p]) + 1, _REF - 1100)
        death[p] = lo + r.randrange(max(1, _REF - 10 - lo))
    free = st == 0
    k = _count(rates["new_kk"], n_reg)
    split = pick((age >= 19) & (hub != _H_HEAD) & (hub != _H_PEMBANTU), k)
    for p in split.tolist():
        st[p] = S("new_kk")
        nu = pop.copy_unit(int(pop.p_unit[p]), _REF - 20 - r.randrange(900))
        c_unit[p] = nu
        c_hub[p] = _H_HEAD
    free = st == 0
    k = _count(rates["not_in_dukcapil"], n_reg)
    young_old = (age < 6) | (age >= 70)
    nr = pick(young_old, int(k * 0.7))
    mask_rest = np.ones(n_reg, bool)
    mask_rest[nr] = False
    nr2 = pick(mask_rest, k - len(nr))
    for p in np.concatenate([nr, nr2]).tolist():
        st[p] = S("not_in_dukcapil")
    return st.tolist(), death, c_unit, c_hub, rates


def _pick_shared_nik(pop: _Population, r: random.Random, status: list[int], n_reg: int, n_all: int,
                     total_civil: int, rates: dict) -> list[tuple[int, int]]:
    """Pairs (a, b): b (a person of the rest of the population) gets a's NIK."""
    if n_all - n_reg < 20:
        return []
    rate = 0.00005 + r.random() * 0.00015
    rates["dukcapil_shared_nik"] = rate
    n_pairs = max(3 if total_civil >= 1000 else 1, int(round(total_civil * rate)))
    ok_status = {PERSON_STATUSES.index(s) for s in ("ok", "moved_desa", "moved_kec", "new_kk",
                                                   "died_flagged", "died_unreported")}
    pairs: list[tuple[int, int]] = []
    used: set[int] = set()
    tries = 0
    while len(pairs) < n_pairs and tries < n_pairs * 400:
        tries += 1
        if len(pairs) % 2 == 0:
            a = r.randrange(n_reg)
            if status[a] not in ok_status:
                continue
        else:
            a = r.randrange(n_reg, n_all)
        b = r.randrange(n_reg, n_all)
        if a == b or a in used or b in used:
            continue
        if pop.p_sex[a] != pop.p_sex[b] or pop.p_hub[b] not in (_H_HEAD, _H_ISTRI):
            continue
        if abs(pop.p_bd[a] - pop.p_bd[b]) > 3 * 365 or _REF - pop.p_bd[b] < 25 * 365:
            continue
        pop.p_bd[b] = pop.p_bd[a]
        pop.p_kec[b] = pop.p_kec[a]
        used.update((a, b))
        pairs.append((a, b))
    return pairs


def _ymd(ordinals: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    dt = (ordinals.astype(np.int64) - _EPOCH).astype("datetime64[D]")
    y = dt.astype("datetime64[Y]").astype(np.int64) + 1970
    m = dt.astype("datetime64[M]").astype(np.int64) % 12 + 1
    d = (dt - dt.astype("datetime64[M]")).astype(np.int64) + 1
    return y, m, d


def _serials(prefix: np.ndarray, g: np.random.Generator) -> np.ndarray:
    """1-based serial per equal prefix, in random order within a prefix."""
    n = len(prefix)
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    order = np.lexsort((g.random(n), prefix))
    sp = prefix[order]
    new = np.empty(n, dtype=bool)
    new[0] = True
    new[1:] = sp[1:] != sp[:-1]
    pos = np.arange(n)
    start = np.maximum.accumulate(np.where(new, pos, 0))
    serial = np.empty(n, dtype=np.int64)
    serial[order] = pos - start + 1
    if serial.max() > 9999:
        raise ValueError("Terlalu banyak orang dengan tanggal lahir dan kecamatan yang sama.")
    return serial


def _number_nik(pop: _Population, g: np.random.Generator) -> np.ndarray:
    bd = np.frombuffer(pop.p_bd, dtype=np.int32)
    y, m, d = _ymd(bd)
    sex = np.frombuffer(pop.p_sex, dtype=np.int8).astype(np.int64)
    prefix = pop.p_kec * 1_000_000 + (d + 40 * sex) * 10_000 + m * 100 + y % 100
    return prefix * 10_000 + _serials(prefix, g)


def _number_kk(pop: _Population, g: np.random.Generator) -> np.ndarray:
    kd = np.frombuffer(pop.u_kkdate, dtype=np.int32)
    y, m, d = _ymd(kd)
    kec = np.frombuffer(pop.u_kkkec, dtype=np.int64)
    prefix = kec * 1_000_000 + d * 10_000 + m * 100 + y % 100
    return prefix * 10_000 + _serials(prefix, g)


def _dotted_kec(k6: int) -> str:
    s = f"{k6:06d}"
    return f"{s[:2]}.{s[2:4]}.{s[4:]}"


def _make_families(b: _Built, u0: int, u1: int, desil: list[int | None],
                   shared_pairs: list[tuple[int, int]], cancel: CancelFn | None = None) -> list[Family]:
    pop, region = b.pop, b.region
    shared = {a for a, _ in shared_pairs}
    nik_l = b.nik[: b.n_registry].tolist()
    kk_l = b.kk.tolist()
    c_unit = b.c_unit.tolist()
    c_hub = b.c_hub.tolist()
    death = b.death.tolist()
    status = b.status.tolist()
    place_l = pop.p_place.tolist()
    kec_l = pop.p_kec[: b.n_registry].tolist()
    places = pop.places
    names, mothers, sexes, hubs, bds = pop.p_name, pop.p_mother, pop.p_sex, pop.p_hub, pop.p_bd
    u_desa, u_alamat, u_dusun, u_rt, u_rw = pop.u_desa, pop.u_alamat, pop.u_dusun, pop.u_rt, pop.u_rw
    desas = region.desas
    rtcache = [f"{i:03d}" for i in range(1000)]
    kec_cache: dict[int, str] = {}
    absent = {PERSON_STATUSES.index(x) for x in _ABSENT}
    families: list[Family] = []
    sex_txt = ("L", "P")
    for j, u in enumerate(range(u0, u1)):
        if not j & 0x3FFF:
            _check(cancel)
        code = desas[u_desa[u]].code
        kk = str(kk_l[u])
        alamat, dusun = u_alamat[u], u_dusun[u]
        rt, rw = rtcache[u_rt[u]], rtcache[u_rw[u]]
        first, n = pop.u_first[u], pop.u_n[u]
        members: list[Person] = []
        for p in range(first, first + n):
            st = status[p]
            hub = hubs[p]
            k6 = kec_l[p]
            kec = kec_cache.get(k6)
            if kec is None:
                kec = kec_cache[k6] = _dotted_kec(k6)
            dd = death[p]
            dd_date = _date(dd) if dd else None
            if st in absent:
                cur = (None, None, None, None, None, None, None)
                present = False
            else:
                cu = c_unit[p]
                present = True
                if cu == u and c_hub[p] == hub:
                    cur = (kk, code, alamat, dusun, rt, rw, STAT_HBKEL[hub])
                else:
                    cur = (str(kk_l[cu]), desas[u_desa[cu]].code, u_alamat[cu], u_dusun[cu],
                           rtcache[u_rt[cu]], rtcache[u_rw[cu]], STAT_HBKEL[c_hub[p]])
            sname = PERSON_STATUSES[st]
            members.append(Person(
                str(nik_l[p]), kk, names[p], places[place_l[p]], _date(bds[p]), sex_txt[sexes[p]],
                mothers[p], _HUB_TO_REL[hub], code, alamat, dusun, rt, rw, STAT_HBKEL[hub], kec,
                sname, present, not dd, dd_date, sname.startswith("moved"), *cur,
                p in shared, p,
            ))
        fm = members[0].status if members[0].status.startswith("moved") else None
        families.append(Family(
            kk, code, alamat, dusun, rt, rw, members, desil[j], fm,
            members[0].current_no_kk, members[0].current_desa_code,
        ))
    return families


# =============================================================================================
# The SIKS-NG export with its damage
# =============================================================================================

_NAME_TITLES_PRE_M = ("H.", "H.", "H.", "DRS.", "IR.", "DR.", "KH.")
_NAME_TITLES_PRE_F = ("HJ.", "HJ.", "HJ.", "DRA.", "NY.")
_NAME_TITLES_POST = (", S.PD.", ", S.PD", " S.PD", ", S.AG", ", S.E.", ", S.KOM", ", A.MD", ", S.H.",
                     ", S.SOS", ", S.PD.I")
_MUH_FORMS = ("MUHAMMAD", "MUHAMAD", "MOHAMMAD", "MOCHAMMAD", "MOCHAMAD", "MOHAMAD", "MOH.", "MUH.",
              "M.", "MOCH.", "MUHAMMAT", "MUCHAMAD")
_OLD_SPELLING = (("KH", "CH"), ("NY", "NJ"), ("J", "DJ"), ("Y", "J"), ("C", "TJ"), ("U", "OE"))


def _old_spelling(name: str, r: random.Random) -> str | None:
    rules = [(a, b) for a, b in _OLD_SPELLING if a in name]
    if not rules:
        return None
    # Classic forms first: SU -> SOE, J -> DJ, C -> TJ.
    r.shuffle(rules)
    out = name
    for a, b in rules[: 1 + (r.random() < 0.4)]:
        if a == "J":
            out = re.sub(r"(?<!D)J", "DJ", out)
        elif a == "Y":
            out = re.sub(r"(?<!N)Y", "J", out)
        elif a == "U":
            out = out.replace("U", "OE") if r.random() < 0.5 else re.sub(r"\bSU", "SOE", out)
        else:
            out = out.replace(a, b)
    return out if out != name else None


def _muhammad(name: str, r: random.Random) -> str | None:
    first, _, rest = name.partition(" ")
    if first not in _MUH_FORMS or not rest:
        return None
    other = r.choice([f for f in _MUH_FORMS if f != first])
    return f"{other} {rest}"


def _typo(name: str, r: random.Random) -> str:
    letters = [i for i, c in enumerate(name) if c.isalpha()]
    if len(letters) < 4:
        return name + name[-1]
    i = r.choice(letters[1:])
    x = r.random()
    if x < 0.3:
        return name[:i] + name[i + 1:]
    if x < 0.55:
        return name[:i] + name[i] + name[i:]
    if x < 0.75 and i + 1 < len(name) and name[i + 1].isalpha() and name[i + 1] != name[i]:
        return name[:i] + name[i + 1] + name[i] + name[i + 2:]
    swaps = {"A": "E", "E": "A", "I": "Y", "Y": "I", "U": "O", "O": "U", "K": "Q", "F": "P", "P": "F",
             "D": "T", "T": "D", "S": "Z", "Z": "S", "H": "", "M": "N", "N": "M"}
    rep = swaps.get(name[i], "A" if name[i] != "A" else "E")
    return name[:i] + rep + name[i + 1:]


# How villages and clerks write names (name_variants): nominal rate range per seed, in rows.
_NAME_VARIANT_RATES = {
    "nama_inisial": (0.003, 0.010),
    "nama_sebagian": (0.004, 0.012),
    "nama_gabung_pisah": (0.002, 0.008),
    "nama_sebagian_typo": (0.001, 0.004),
}
# Share of each kind written the other way round: the civil registry has the variant, the
# SIKS-NG export the full name.
_CIVIL_SIDE_SHARE = 0.25
_VARIANT_CODES = frozenset(_NAME_VARIANT_RATES)


def _variant_extra(pop: _Population, p: int, r: random.Random) -> str | None:
    """A name part a clerk may add for person ``p``: a wife's husband (his given name, or his
    marga for a Batak husband), or a child's father ("BIN AHMAD", or his given name)."""
    names = pop.p_name
    hub = pop.p_hub[p]
    if hub == _H_ISTRI:
        head = pop.u_first[pop.p_unit[p]]
        if head >= 0 and not pop.p_sex[head]:
            last = names[head].rsplit(" ", 1)[-1]
            if last in _batak_marga():
                return last
            return _given_word(names[head])
        return None
    f = pop.p_fref[p]
    if f >= 0 and not pop.p_sex[f] and r.random() < 0.7:
        # (not for people named with a marga, clan or surname: their father is in that name)
        if names[p].rsplit(" ", 1)[-1] in name_variants.family_words():
            return None
        father = _given_word(names[f])
        if not father:
            return None
        return f"{'BINTI' if pop.p_sex[p] else 'BIN'} {father}" if r.random() < 0.6 else father
    return None


def _given_word(name: str) -> str | None:
    """The word a person is called by: the first given word that is not a form of Muhammad."""
    words = names_regions.given_part(name, 3).split()
    for w in words:
        if w not in _MUH_FORMS:
            return w
    return words[0] if words else None


@lru_cache(maxsize=1)
def _batak_marga() -> frozenset[str]:
    return frozenset(names_regions.pools()["BATAK_MARGA"])


def _civil_name_variants(pop: _Population, r: random.Random, rates: dict, status: list[int],
                         shared_pairs: list[tuple[int, int]], n_reg: int) -> dict[int, tuple[str, str]]:
    """Registry persons whose civil-registry name is the variant (the other way round).

    Changes ``pop.p_name`` (the civil spelling, which is the person's true name) and returns
    person -> (the full name the SIKS-NG export shows, corruption code).
    """
    absent = {PERSON_STATUSES.index(x) for x in _ABSENT}
    shared = {a for a, _ in shared_pairs} | {bb for _, bb in shared_pairs}
    out: dict[int, tuple[str, str]] = {}
    if n_reg < 2:
        return out
    names = pop.p_name
    for kind in name_variants.KINDS:
        need = _count(rates[kind] * _CIVIL_SIDE_SHARE, n_reg, minimum=1)
        tries = 0
        while need and tries < 6 * need + 50:
            tries += 1
            p = r.randrange(n_reg)
            if p in out or p in shared or status[p] in absent:
                continue
            new = name_variants.variant(kind, names[p], r, _variant_extra(pop, p, r))
            if new and new != names[p]:
                out[p] = (names[p], kind)
                names[p] = new
                need -= 1
                # the civil registry names a mother the same way on her children's records
                u = pop.p_unit[p]
                first = pop.u_first[u]
                for c in range(first, first + pop.u_n[u]):
                    if pop.p_mref[c] == p:
                        pop.p_mother[c] = new
    return out


def _make_export(b: _Built, families: list[Family], persons: list[Person], r: random.Random,
                 rates: dict, cancel: CancelFn | None, tick: Callable[[int], None],
                 rv: random.Random | None = None, civil_variants: dict[int, tuple[str, str]] | None = None,
                 all_nik_damaged: bool | None = None):
    region = b.region
    rnd = r.random
    n_people = len(persons)

    # ---------------- file-level choices for this seed
    all_damaged = rnd() < 0.15
    if all_nik_damaged is not None:
        all_damaged = all_nik_damaged
    spreadsheet = r.choices(("excel", "libreoffice", "mixed"), (50, 30, 20))[0]
    num_style = r.choices(("plain", "sci", "dot0", "mixed"), (35, 25, 15, 25))[0]
    rt_all = rnd() < 0.25
    date_fmt = r.choices(("dd-mm-yyyy", "yyyy-mm-dd", "dd/mm/yyyy"), (50, 30, 20))[0]
    delimiter = "," if rnd() < 0.7 else ";"
    decimal_comma = delimiter == ";"
    header_upper = rnd() < 0.8
    canonical_headers = rnd() < 0.5
    cols = list(_REQUIRED_COLUMNS)
    if rnd() < 0.3:
        cols.insert(0, "no")
    if rnd() < 0.75:
        cols.append("desil")
    if rnd() < 0.6:
        cols.append("keterangan")
    headers = []
    for c in cols:
        syn = EXPORT_COLUMNS[c]
        h = syn[0] if canonical_headers or rnd() < 0.5 else r.choice(syn)
        headers.append(h if header_upper else _title_case(h))
    print_day = _REF - 1 - r.randrange(20)
    print_stamp = (f"{_fmt_date(_date(print_day), 'dd-mm-yyyy')} "
                   f"{r.randrange(7, 17):02d}:{r.randrange(60):02d}:{r.randrange(60):02d}")
    titles: list[str] = []
    if rnd() < 0.7:
        titles.append("DATA TERPADU KESEJAHTERAAN SOSIAL")
        if rnd() < 0.8:
            titles.append(region.kab_name.upper())
        if rnd() < 0.7:
            titles.append(f"Dicetak dari SIKS-NG pada tanggal {print_stamp}")
    blank_after_title = bool(titles) and rnd() < 0.6
    jk = r.choices((("Laki-laki", "Perempuan"), ("LAKI-LAKI", "PEREMPUAN"), ("L", "P")), (45, 35, 20))[0]
    hub_upper = rnd() < 0.35
    place_title = rnd() < 0.2
    reg_mix = rnd() * 0.3

    rates.update({
        "nik_excel": 1.0 if all_damaged else 0.01 + rnd() * 0.07,
        "kk_excel": 1.0 if all_damaged else 0.02 + rnd() * 0.08,
        "nik_typo_digit": 0.004 + rnd() * 0.016,
        "nik_typo_swap": 0.002 + rnd() * 0.01,
        "nik_missing": 0.005 + rnd() * 0.025,
        "nik_other_person": 0.002 + rnd() * 0.008,
        "name_title": 0.005 + rnd() * 0.025,
        "name_old_spelling": 0.01 + rnd() * 0.04,
        "name_muhammad": 0.15 + rnd() * 0.35,
        "name_case": 0.01 + rnd() * 0.05,
        "name_spaces": 0.005 + rnd() * 0.025,
        "name_dot": 0.003 + rnd() * 0.017,
        "name_typo": 0.005 + rnd() * 0.02,
        "mother_missing": 0.01 + rnd() * 0.07,
        "dob_wrong": 0.005 + rnd() * 0.015,
        "date_alt_format": 0.01 + rnd() * 0.07,
        "date_text": 0.003 + rnd() * 0.017,
        "date_serial": 0.003 + rnd() * 0.017,
        "rt_rw_unpadded": 1.0 if rt_all else 0.02 + rnd() * 0.13,
        "duplicate_row": 0.003 + rnd() * 0.012,
        "no_ids": 0.0002 + rnd() * 0.0008,
        "date_invalid": 0.0002 + rnd() * 0.0008,
        "desa_unknown": 0.0002 + rnd() * 0.0008,
        "region_style_mix": reg_mix,
    })

    # ---------------- region name styles
    kab_title = region.kab_short
    if region.is_kota:
        kab_styles = [f"KOTA {kab_title.upper()}", f"Kota {kab_title}", kab_title.upper(), f"KOTA {kab_title.upper()}"]
    else:
        kab_styles = [kab_title.upper(), kab_title, f"KAB. {kab_title.upper()}", f"KABUPATEN {kab_title.upper()}",
                      f"Kab. {kab_title}"]
    pn = region.prov_name
    prov_styles = [pn.upper(), pn, f"PROV. {pn.upper()}", f"PROVINSI {pn.upper()}"]
    kec_styles = [[k.upper(), k, f"KEC. {k.upper()}", f"Kec. {k}", f"KECAMATAN {k.upper()}"]
                  for k in region.kec_names]

    def desa_variants(d: _Desa) -> list[str]:
        n = d.name
        if n.lower().startswith("desa "):
            return [n.upper(), n, n.upper(), n, n.upper()]
        pre_s, pre_l = ("Kel.", "KELURAHAN") if d.kelurahan else ("Ds.", "DESA")
        return [n.upper(), n, f"{pre_s} {n}", f"{pre_l} {n.upper()}", f"{pre_s.upper()} {n.upper()}"]

    desa_styles = [desa_variants(d) for d in region.desas]
    dom_kab, dom_prov = r.randrange(len(kab_styles)), r.randrange(len(prov_styles))
    dom_kec, dom_desa = r.randrange(5), r.randrange(5)
    desa_index = {d.code: i for i, d in enumerate(region.desas)}

    # ---------------- base rows in registry order (by kecamatan, desa, family)
    gx = np.random.default_rng([r.getrandbits(32), 0x4944])
    fam_desa = np.fromiter((desa_index[f.desa_code] for f in families), dtype=np.int32, count=len(families))
    fam_order = np.lexsort((gx.random(len(families)), fam_desa)).tolist()
    kab4 = region.kab_code.replace(".", "")
    n_ids = n_people + _count(rates["duplicate_row"], n_people) + 16
    ids = (gx.choice(9 * 10**8, n_ids, replace=False) + 10**8).tolist()
    id_iter = iter(ids)
    date_cache: dict[int, str] = {}
    rows: list[RegistryRow] = []
    civil_variants = civil_variants or {}
    rel_label = {k: (v.upper() if hub_upper else v) for k, v in _REL_LABEL.items()}
    ket_notes = ("USULAN BARU", "PERBAIKAN DATA", "HASIL VERIVALI 2025", "MUSDES 2025", "Perlu dicek",
                 "PINDAH ALAMAT?", "PENGGANTI KPM")
    base_style = "plain" if num_style == "mixed" else num_style
    n_ket = len(ket_notes)
    n_kab = len(kab_styles)
    sex_jk = {"L": jk[0], "P": jk[1]}
    place_cache: dict[str, str] = {}
    append = rows.append
    for j in fam_order:
        f = families[j]
        di = desa_index[f.desa_code]
        kecs = kec_styles[region.desas[di].kec]
        desas_ = desa_styles[di]
        desil = f.desil if f.desil is not None else ""
        dom = (prov_styles[dom_prov], kab_styles[dom_kab], kecs[dom_kec], desas_[dom_desa])
        f_alamat, f_dusun, f_rt, f_rw, f_kk = f.alamat, f.dusun, f.rt, f.rw, f.no_kk
        for p in f.members:
            o = p.birth_date.toordinal()
            ds = date_cache.get(o)
            if ds is None:
                ds = date_cache[o] = _fmt_date(p.birth_date, date_fmt)
            if rnd() < reg_mix:
                prov_s, kab_s = prov_styles[int(rnd() * 4)], kab_styles[int(rnd() * n_kab)]
                kec_s, desa_s = kecs[int(rnd() * 5)], desas_[int(rnd() * 5)]
            else:
                prov_s, kab_s, kec_s, desa_s = dom
            ket = ket_notes[int(rnd() * n_ket)] if rnd() < 0.1 else ""
            place = p.birth_place
            if place_title:
                pt = place_cache.get(place)
                if pt is None:
                    pt = place_cache[place] = _title_case(place)
                place = pt
            append(RegistryRow(
                f"{kab4}{next(id_iter)}", prov_s, kab_s, kec_s, desa_s, f_alamat, f_dusun, f_rt, f_rw,
                f_kk, p.nik, p.name if p.index not in civil_variants else civil_variants[p.index][0], ds,
                place, sex_jk[p.sex], p.mother_name, rel_label[p.relation],
                desil, ket, None if p.status == "not_in_dukcapil" else p.nik, f_kk, (), None, "import",
                None, p, base_style,
            ))
    _check(cancel)
    tick(len(rows) // 4)

    corr: list[list[str]] = [[] for _ in rows]

    # ---------------- duplicate rows (inserted at random places)
    k = _count(rates["duplicate_row"], len(rows))
    sources = r.sample(range(len(rows)), k)
    dup_rows = []
    for s in sources:
        o = rows[s]
        dup = replace(o, id_dtks=f"{kab4}{next(id_iter)}", duplicate_of=o.id_dtks)
        if rnd() < 0.3:
            dup.keterangan = ""
        dup_rows.append(dup)
    if dup_rows:
        positions = sorted(r.randrange(len(rows) + 1) for _ in dup_rows)
        merged: list[RegistryRow] = []
        mc: list[list[str]] = []
        it = 0
        for i, row in enumerate(rows):
            while it < len(positions) and positions[it] == i:
                merged.append(dup_rows[it])
                mc.append(["duplicate_row"])
                it += 1
            merged.append(row)
            mc.append(corr[i])
        while it < len(dup_rows):
            merged.append(dup_rows[it])
            mc.append(["duplicate_row"])
            it += 1
        rows, corr = merged, mc
    n = len(rows)
    if civil_variants:
        for i, row in enumerate(rows):
            cv = civil_variants.get(row.person.index)
            if cv is not None:
                corr[i].append(cv[1])
    # duplicates and the rows they copy stay importable
    src_ids = {d.duplicate_of for d in dup_rows}
    protected = [row.duplicate_of is not None or row.id_dtks in src_ids for row in rows]

    _check(cancel)
    # ---------------- rows that must be rejected
    free = [i for i in range(n) if not protected[i]]
    k1 = _count(rates["no_ids"], n)
    k2 = _count(rates["date_invalid"], n)
    k3 = _count(rates["desa_unknown"], n)
    chosen = r.sample(free, min(len(free), k1 + k2 + k3))
    no_ids, bad_date, bad_desa = chosen[:k1], chosen[k1:k1 + k2], chosen[k1 + k2:]
    for i in no_ids:
        row = rows[i]
        row.id_dtks = ""
        row.nik = r.choice(("", "", "-", "0"))
        row.expect, row.reject_reason = "reject", "no_ids"
        corr[i].append("no_ids")
    for i in bad_date:
        rows[i].expect, rows[i].reject_reason = "reject", "date_invalid"
        corr[i].append("date_invalid")
    known = _all_region_names()
    pools = _pools()
    for i in bad_desa:
        while True:
            nm = r.choice(pools["DUSUN_PRE"]) + r.choice(pools["DUSUN_SUF"]) + " " + r.choice(pools["DIR"])
            if _fold(nm) not in known:
                break
        nm = _title_case(nm) if rnd() < 0.5 else nm
        rows[i].desa = r.choice((nm, f"DESA {nm.upper()}", f"Ds. {_title_case(nm)}"))
        rows[i].expect, rows[i].reject_reason = "reject", "desa_unknown"
        corr[i].append("desa_unknown")

    # ---------------- NIK value damage (exclusive kinds)
    nik_sorted = np.sort(b.nik)

    def exists(v: int) -> bool:
        j = int(np.searchsorted(nik_sorted, v))
        return j < len(nik_sorted) and int(nik_sorted[j]) == v

    eligible = [i for i in range(n) if rows[i].reject_reason != "no_ids"]
    ks = [(c, _count(rates[c], n)) for c in ("nik_missing", "nik_typo_digit", "nik_typo_swap", "nik_other_person")]
    pick = r.sample(eligible, min(len(eligible), sum(k for _, k in ks)))
    pos = 0
    for code, k in ks:
        for i in pick[pos:pos + k]:
            row = rows[i]
            s = row.nik
            if code == "nik_missing":
                row.nik = r.choice(("", "", "", "-", "0"))
            elif code == "nik_typo_digit":
                for _ in range(20):
                    j = r.randrange(16)
                    t = s[:j] + r.choice([c for c in "0123456789" if c != s[j]]) + s[j + 1:]
                    if t[0] != "0" and not exists(int(t)):
                        break
                row.nik = t
            elif code == "nik_typo_swap":
                cand = [j for j in range(15) if s[j] != s[j + 1] and not (j == 0 and s[1] == "0")]
                t = s
                for _ in range(20):
                    j = r.choice(cand)
                    t = s[:j] + s[j + 1] + s[j] + s[j + 2:]
                    if not exists(int(t)):
                        break
                row.nik = t
            else:
                p = row.person
                fam_members = [m for m in families[b.pop.p_unit[p.index]].members if m is not p]
                if fam_members and rnd() < 0.6:
                    other = fam_members[0] if p.relation != 1 else r.choice(fam_members)
                    row.nik = other.nik
                else:
                    q = r.randrange(len(b.civil_order))
                    row.nik = str(int(b.nik[int(b.civil_order[q])]))
                if row.nik == s:
                    row.nik = str(int(b.nik[int(b.civil_order[r.randrange(len(b.civil_order))])]))
            corr[i].append(code)
        pos += k

    # ---------------- spreadsheet damage of NIK / No KK
    how_of = (lambda: "round" if rnd() < 0.5 else "trunc") if spreadsheet == "mixed" else \
        ((lambda: "round") if spreadsheet == "libreoffice" else (lambda: "trunc"))
    has_nik = [i for i in range(n) if isinstance(rows[i].nik, str) and len(rows[i].nik) == 16]
    if all_damaged:
        nik_dmg = has_nik
        kk_dmg = list(range(n))
    else:
        nik_dmg = r.sample(has_nik, _count(rates["nik_excel"], len(has_nik)))
        kk_dmg = list(set(r.sample(nik_dmg, int(len(nik_dmg) * 0.7))) |
                      set(r.sample(range(n), _count(rates["kk_excel"], n))))
        kk_dmg.sort()
    if num_style == "mixed":
        styles = ("plain", "sci", "dot0")
        for row in rows:
            row.csv_num_style = styles[int(rnd() * 3)]
    for i in nik_dmg:
        rows[i].nik = _damage(int(rows[i].nik), how_of())
        corr[i].append("nik_excel")
    for i in kk_dmg:
        rows[i].no_kk = _damage(int(rows[i].no_kk), how_of())
        corr[i].append("kk_excel")
    _check(cancel)
    tick(len(rows) // 2)

    # ---------------- names
    def sample(code: str, pool: Sequence[int]) -> list[int]:
        return r.sample(pool, _count(rates[code], len(pool)))

    all_idx = range(n)
    # How villages write names (before the other name damage, which may come on top). Each kind
    # at its rate; rows of a person whose civil name is already the variant are left alone.
    if rv is not None:
        pop = b.pop
        todo = [(k, _count(rates[k] * (1 - _CIVIL_SIDE_SHARE), n)) for k in name_variants.KINDS]
        cand = rv.sample(range(n), min(n, 4 * sum(k for _, k in todo) + 50))
        ci = 0
        for kind, need in todo:
            while need and ci < len(cand):
                i = cand[ci]
                ci += 1
                row = rows[i]
                if row.person.index in civil_variants or corr[i] and corr[i][-1] in _VARIANT_CODES:
                    continue
                new = name_variants.variant(kind, row.nama, rv, _variant_extra(pop, row.person.index, rv))
                if new and new != row.nama:
                    row.nama = new
                    corr[i].append(kind)
                    need -= 1
    muh_first = frozenset(_MUH_FORMS)
    muh = [i for i, row in enumerate(rows) if row.nama[:1] == "M" and row.nama.split(" ", 1)[0] in muh_first]
    for i in sample("name_muhammad", muh):
        new = _muhammad(rows[i].nama, r)
        if new:
            rows[i].nama = new
            corr[i].append("name_muhammad")
    for i in sample("name_old_spelling", all_idx):
        new = _old_spelling(rows[i].nama, r)
        if new:
            rows[i].nama = new
            corr[i].append("name_old_spelling")
    for i in sample("name_typo", all_idx):
        rows[i].nama = _typo(rows[i].nama, r)
        corr[i].append("name_typo")
    for i in sample("name_title", all_idx):
        nm = rows[i].nama
        female = rows[i].person is not None and rows[i].person.sex == "P"
        if rnd() < 0.7:
            t = r.choice(_NAME_TITLES_PRE_F if female else _NAME_TITLES_PRE_M)
            rows[i].nama = f"{t} {nm}" if rnd() < 0.8 else f"{t}{nm}"
        else:
            rows[i].nama = nm + r.choice(_NAME_TITLES_POST)
        corr[i].append("name_title")
    for i in sample("name_case", all_idx):
        rows[i].nama = _title_case(rows[i].nama) if rnd() < 0.8 else rows[i].nama.lower()
        corr[i].append("name_case")
    for i in sample("name_dot", all_idx):
        rows[i].nama = rows[i].nama + ("." if rnd() < 0.7 else "..")
        corr[i].append("name_dot")
    for i in sample("name_spaces", all_idx):
        nm = rows[i].nama
        x = rnd()
        if " " in nm and x < 0.6:
            j = nm.index(" ")
            rows[i].nama = nm[:j] + "  " + nm[j + 1:]
        elif x < 0.8:
            rows[i].nama = nm + " "
        else:
            rows[i].nama = " " + nm
        corr[i].append("name_spaces")
    for i in sample("mother_missing", all_idx):
        rows[i].nama_ibu = r.choice(("", "", "-"))
        corr[i].append("mother_missing")

    _check(cancel)
    # ---------------- dates
    bad_date_set = set(bad_date)
    ok_dates = [i for i in all_idx if i not in bad_date_set]
    wrong: set[int] = set()
    for i in sample("dob_wrong", ok_dates):
        bd = rows[i].person.birth_date if rows[i].person else None
        if bd is None:
            continue
        x = rnd()
        if x < 0.35 and bd.day <= 12 and bd.day != bd.month:
            nd = date(bd.year, bd.day, bd.month)
        elif x < 0.65:
            try:
                nd = bd.replace(year=bd.year + r.choice((-2, -1, 1, 2)))
            except ValueError:
                nd = bd.replace(year=bd.year + 1, day=28)
        else:
            nd = date(bd.year, *r.choice(((1, 1), (7, 1), (12, 31))))
            if nd == bd:
                nd = date(bd.year, 6, 15) if (bd.month, bd.day) != (6, 15) else date(bd.year, 1, 1)
        if nd > REFERENCE_DATE:
            nd = bd - timedelta(days=365)
        rows[i].tanggal_lahir = _fmt_date(nd, date_fmt)
        corr[i].append("dob_wrong")
        wrong.add(i)
    k_alt, k_txt, k_ser = (_count(rates[c], len(ok_dates)) for c in ("date_alt_format", "date_text", "date_serial"))
    pick = r.sample(ok_dates, min(len(ok_dates), k_alt + k_txt + k_ser))
    alt_formats = [f for f in ("dd-mm-yyyy", "yyyy-mm-dd", "dd/mm/yyyy") if f != date_fmt]

    def shown_date(i: int) -> date:
        p = rows[i].person
        if i in wrong:
            return _parse_fmt(rows[i].tanggal_lahir, date_fmt)
        return p.birth_date

    for i in pick[:k_alt]:
        rows[i].tanggal_lahir = _fmt_date(shown_date(i), r.choice(alt_formats))
        corr[i].append("date_alt_format")
    for i in pick[k_alt:k_alt + k_txt]:
        d = shown_date(i)
        t = f"{d.day} {_BULAN[d.month]} {d.year}"
        rows[i].tanggal_lahir = t.upper() if rnd() < 0.3 else t
        corr[i].append("date_text")
    for i in pick[k_alt + k_txt:]:
        rows[i].tanggal_lahir = shown_date(i).toordinal() - _EXCEL_EPOCH
        corr[i].append("date_serial")
    for i in bad_date:
        # Invalid whichever way day and month are read (dd-mm or mm-dd), so no parser can rescue it.
        bd = rows[i].person.birth_date
        y = bd.year
        non_leap = y + 1 if (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) else y
        # ("00-00-0000" is not among them: SIKS-NG writes it for "unknown", and the importer
        # rightly keeps such a row without a birth date.)
        dd, mm, yy = r.choice(((31, 13, y), (30, 2, y), (31, 4, y), (32, bd.month, y), (29, 2, non_leap),
                               (31, 13, y)))
        if date_fmt == "yyyy-mm-dd":
            rows[i].tanggal_lahir = f"{yy:04d}-{mm:02d}-{dd:02d}"
        else:
            sep = "/" if date_fmt == "dd/mm/yyyy" else "-"
            rows[i].tanggal_lahir = f"{dd:02d}{sep}{mm:02d}{sep}{yy:04d}"

    _check(cancel)
    # ---------------- RT / RW without zeros
    rt_rows = all_idx if rt_all else sample("rt_rw_unpadded", all_idx)
    as_int = {f"{i:03d}": i for i in range(1000)}
    for i in rt_rows:
        row = rows[i]
        row.rt = as_int[row.rt]
        row.rw = as_int[row.rw]
        corr[i].append("rt_rw_unpadded")

    _check(cancel)
    # ---------------- person status codes
    rank = {c: j for j, c in enumerate(CORRUPTIONS)}
    interned: dict[tuple[str, ...], tuple[str, ...]] = {}   # few distinct combinations: share them
    for row, c in zip(rows, corr):
        p = row.person
        if p.status != "ok":
            c.append(p.status)
        if p.shared_nik:
            c.append("dukcapil_shared_nik")
        if c:
            t = tuple(c)
            shared = interned.get(t)
            if shared is None:
                shared = interned[t] = tuple(sorted(set(c), key=rank.__getitem__))
            row.corruptions = shared

    # ---------------- layout: titles, header, blank rows
    n_mid = r.choice((0, 1, 1, 2, 3, 5)) if n >= 10 else 0
    n_end = r.choice((0, 0, 1, 2, 3))
    mid_after = sorted(r.sample(range(1, n), min(n_mid, max(0, n - 1)))) if n > 1 else []
    row_no = 0
    line = len(titles) + (1 if blank_after_title else 0) + 1
    header_row = line
    blanks: list[int] = []
    mid_set = set(mid_after)
    for i, row in enumerate(rows):
        if i in mid_set:
            line += 1
            blanks.append(line)
        line += 1
        row_no += 1
        row.file_row = row.csv_line = line
        row.no = row_no
    for _ in range(n_end):
        line += 1
        blanks.append(line)
    layout = ExportLayout(
        columns=cols, headers=headers, title_rows=titles, blank_after_title=blank_after_title,
        header_row=header_row, blank_rows=blanks, total_rows=line,
        sheet_name=r.choice(("Sheet1", "DTKS", "Data DTKS", "Export")), delimiter=delimiter,
        decimal_comma=decimal_comma, bom=rnd() < 0.5, blank_style="delims" if rnd() < 0.7 else "empty",
        date_format=date_fmt, all_nik_damaged=all_damaged, spreadsheet=spreadsheet,
        csv_number_style=num_style, rt_rw_all_unpadded=rt_all,
    )
    tick(len(rows))
    return rows, layout, print_stamp


def _parse_fmt(s: str, fmt: str) -> date:
    if fmt == "yyyy-mm-dd":
        y, m, d = s.split("-")
    else:
        d, m, y = re.split(r"[-/]", s)
    return date(int(y), int(m), int(d))


# =============================================================================================
# Programme lists
# =============================================================================================


def _make_programme(b: _Built, programme: str, families: list[Family], first_row: dict[int, RegistryRow],
                    r: random.Random, rates: dict, rest_u0: int) -> list[ProgrammeRow]:
    pop = b.pop
    rnd = r.random
    pkh = programme.upper() == "PKH"
    max_desil = 4 if pkh else 5
    cover = 0.5 + rnd() * 0.3
    rows: list[ProgrammeRow] = []
    for f in families:
        if f.desil is None or f.desil > max_desil or not f.members:
            continue
        if pkh:
            ages = [(REFERENCE_DATE - m.birth_date).days / 365.2425 for m in f.members]
            if not any(a < 18 or a >= 60 for a in ages):
                continue
        if rnd() >= cover:
            continue
        rec = f.members[0]
        if pkh:
            wife = next((m for m in f.members if m.relation in (1, 2) and m.sex == "P"), None)
            rec = wife or rec
        rows.append(ProgrammeRow(
            nik=rec.nik, no_kk=f.no_kk, nama=rec.name, program=programme, periode=PERIOD,
            true_nik=None if rec.status == "not_in_dukcapil" else rec.nik, true_no_kk=f.no_kk,
            id_dtks=(first_row[rec.index].id_dtks or None) if rec.index in first_row else None,
            in_registry=True,
        ))
    corr: list[list[str]] = [[] for _ in rows]
    # recipients that are not in the registry: heads of families of the rest of the population
    n_units = len(pop.u_desa)
    k = _count(0.01 + rnd() * 0.03, max(len(rows), 1))
    extra: list[ProgrammeRow] = []
    tries = 0
    while len(extra) < k and tries < k * 50 and n_units > rest_u0:
        tries += 1
        u = r.randrange(rest_u0, n_units)
        first = pop.u_first[u]
        if first < 0:
            continue
        extra.append(ProgrammeRow(
            nik=str(int(b.nik[first])), no_kk=str(int(b.kk[u])), nama=pop.p_name[first], program=programme,
            periode=PERIOD, true_nik=str(int(b.nik[first])), true_no_kk=str(int(b.kk[u])), id_dtks=None,
            in_registry=False,
        ))
    for e in extra:
        j = r.randrange(len(rows) + 1)
        rows.insert(j, e)
        corr.insert(j, ["prog_not_in_registry"])
    n = len(rows)
    if n == 0:
        return rows
    # duplicates
    for i in r.sample(range(n), _count(0.002 + rnd() * 0.008, n, 1)):
        o = rows[i]
        rows.append(replace(o))
        corr.append(["prog_duplicate"])
    n = len(rows)
    idx = range(n)
    miss = set(r.sample(idx, _count(0.01 + rnd() * 0.04, n, 1)))
    for i in miss:
        rows[i].nik = ""
        corr[i].append("prog_nik_missing")
    sci = rnd() < 0.4
    for i in r.sample([i for i in idx if i not in miss], _count(0.01 + rnd() * 0.09, n - len(miss), 1)):
        v = _damage(int(rows[i].nik), "trunc" if rnd() < 0.7 else "round")
        rows[i].nik = f"{v:.5E}" if sci and rnd() < 0.7 else (str(v) if rnd() < 0.7 else f"{v}.0")
        corr[i].append("prog_nik_excel")
    for i in r.sample(idx, _count(0.01 + rnd() * 0.06, n, 1)):
        v = _damage(int(rows[i].no_kk), "trunc")
        rows[i].no_kk = f"{v:.5E}" if sci and rnd() < 0.7 else str(v)
        corr[i].append("prog_kk_excel")
    for i in r.sample(idx, _count(0.02 + rnd() * 0.06, n, 1)):
        nm = rows[i].nama
        x = rnd()
        rows[i].nama = _title_case(nm) if x < 0.5 else (nm.replace(" ", "  ", 1) if x < 0.7 and " " in nm else f"{nm} ")
        corr[i].append("prog_name_variant")
    rank = {c: j for j, c in enumerate(PROGRAMME_CORRUPTIONS)}
    for i, row in enumerate(rows):
        row.corruptions = tuple(sorted(set(corr[i]), key=rank.__getitem__))
        row.line = i + 2
    return rows


# The file writers live in demo/writers.py; imported last (they use the names above).
from dtks_desktop.demo.writers import file_names, generate_files, write_files  # noqa: E402
