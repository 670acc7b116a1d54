"""One data row in, one checked record (or a rejection) out.

The rules come from the domain layer (NIK, No KK, spreadsheet damage, names,
relationships, regions) and from :mod:`.dates`; this module only decides, per
kind of file, which problems reject a row (errors) and which import it with a
flag (warnings), and names the column of each problem.

Three checks concern the row as a whole:

- A cell that lost its value (an Excel error such as ``#REF!``, a formula without a cached
  value: :class:`~dtks_desktop.domain.spreadsheet.CellError` from the readers) is reported
  with its text (``sel_galat``) and read as "no value". It rejects the row only when the
  field is required (the NIK of a civil-registry row, the name, the only identifier of a
  registry row); an update never blanks a stored value (see ``run._store_dtks``).
- Every value is checked against the length of the database column it is stored in
  (:data:`FIELD_LIMITS`, derived from ``db.models``), so an over-long value rejects the row
  with its row and column on SQLite as on PostgreSQL (which would otherwise abort the whole
  import, while SQLite stored anything).
- A row equal to an earlier row of the file in every imported field (an extract appended to
  itself) is not stored twice (``baris_sama_persis``, counted in
  :attr:`RowProcessor.exact_repeats`); the same NIK or ID DTKS with other data stays a
  flagged problem.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from operator import attrgetter

from dtks_desktop.domain.family import parse_hubungan
from dtks_desktop.domain.issues import Issue, Severity, error, warning
from dtks_desktop.domain.names import display_name, has_digits, search_key
from dtks_desktop.domain.nik import NIK_RUSAK_EXCEL, normalize_sex, parse_nik
from dtks_desktop.domain.nokk import KK_RUSAK_EXCEL, parse_no_kk
from dtks_desktop.domain.regions import RegionCodes, repair_code
from dtks_desktop.domain.spreadsheet import CellError, clean_id, clean_rt_rw, clean_text
from dtks_desktop.services.core.regions import RegionNotFound, RegionResolver
from dtks_desktop.services.importing import mapping as M
from dtks_desktop.services.importing.dates import TANGGAL_BULAN_DULU, parse_date

# Problem codes that this module adds to the domain's.
TANPA_IDENTITAS = "tanpa_nik_dan_id_dtks"
TANPA_NIK = "nik_kosong_ada_id"
NIK_TIDAK_SAH = "nik_tidak_sah"
NAMA_KOSONG = "nama_kosong"
NAMA_ADA_ANGKA = "nama_ada_angka"
DESA_TIDAK_DITEMUKAN = "desa_tidak_ditemukan"
WILAYAH_LUAR_KABUPATEN = "wilayah_luar_kabupaten"
NIK_LUAR_KABUPATEN = "nik_luar_kabupaten"
JK_TIDAK_DIKENAL = "jenis_kelamin_tidak_dikenal"
HUBUNGAN_TIDAK_DIKENAL = "hubungan_tidak_dikenal"
DESIL_TIDAK_SAH = "desil_tidak_sah"
ID_DTKS_GANDA = "id_dtks_ganda_di_berkas"
NIK_GANDA_DI_BERKAS = "nik_ganda_di_berkas"
KK_TIDAK_SAH = "kk_tidak_sah"
PROGRAM_KOSONG = "program_kosong"
TANPA_NIK_DAN_KK = "tanpa_nik_dan_kk"
SEL_GALAT = "sel_galat"
TERLALU_PANJANG = "isi_terlalu_panjang"
BARIS_SAMA_PERSIS = "baris_sama_persis"


@dataclass(slots=True)
class Problem:
    field: str | None
    issue: Issue
    value: str | None = None


@dataclass(slots=True)
class PersonRecord:
    """A checked person row of any kind (registry, civil registry, programme list)."""

    source_row: int
    nama: str | None
    nama_key: str | None
    id_dtks: str | None = None
    nik: str | None = None
    nik_raw: str | None = None
    nik_flags: str | None = None
    no_kk: str | None = None
    no_kk_flags: str | None = None
    tempat_lahir: str | None = None
    tanggal_lahir: date | None = None
    jenis_kelamin: str | None = None
    nama_ibu: str | None = None
    hubungan: int | None = None
    alamat: str | None = None
    dusun: str | None = None
    rt: str | None = None
    rw: str | None = None
    desa_kode: str | None = None
    desil: int | None = None
    program: str | None = None
    periode: str | None = None
    keterangan: str | None = None
    # The No KK as written (digits) when it is not a valid No KK (e.g. serial 0000 after a
    # spreadsheet): not stored as the family's KK, but it still tells which rows are one family.
    kk_ditulis: str | None = None
    problems: list[Problem] = field(default_factory=list)

    @property
    def rejected(self) -> bool:
        return any(p.issue.severity is Severity.ERROR for p in self.problems)


def _column_limits() -> dict[str, int]:
    """Longest value each record field may hold: the shortest ``String(n)`` column it is stored
    in (members, households, civil-registry persons, programme recipients). One place, read
    from the models, so that the row checks and the schema cannot disagree."""
    from dtks_desktop.db.models import DukcapilPerson, Household, Member, ProgrammeRecipient

    names = set(PersonRecord.__dataclass_fields__)
    out: dict[str, int] = {}
    for model in (Member, Household, DukcapilPerson, ProgrammeRecipient):
        for col in model.__table__.columns:
            n = getattr(col.type, "length", None)
            if col.key in names and isinstance(n, int):
                out[col.key] = min(n, out.get(col.key, n))
    return out


#: record field -> maximum length (characters), from the database columns.
FIELD_LIMITS: dict[str, int] = _column_limits()
# Fields computed from another column: a problem is reported on the column they come from.
_LIMIT_COLUMN = {"nama_key": M.NAMA, "nik_raw": M.NIK, "nik_flags": M.NIK, "no_kk_flags": M.NO_KK}
# Over-long values of these fields reject the row; of the others, they are left out (warning).
_LIMIT_REJECTS = frozenset({"id_dtks", "nik", "nama", "nama_key", "no_kk", "program"})
_LIMITED = tuple(FIELD_LIMITS)
_get_limited = attrgetter(*_LIMITED)
# What makes two rows "the same": every imported field except where it was and how the
# identifiers were written (flags and the raw NIK text follow from the values).
_SAME_FIELDS = tuple(f for f in PersonRecord.__dataclass_fields__
                     if f not in ("source_row", "problems", "nik_raw", "nik_flags", "no_kk_flags"))
_get_same = attrgetter(*_SAME_FIELDS)


_NULL_TEXT = frozenset({"", "-", "--", "nan", "null", "#n/a", "NAN", "NULL", "#N/A", "Nan", "Null"})


def _text(v: object) -> str | None:
    if v is None:
        return None
    if v.__class__ is str and v.isascii() and v.isprintable():
        # Fast path for plain ASCII cells; anything unusual goes through the domain's clean_text.
        s = v.strip()
        if "  " not in s:
            return None if s in _NULL_TEXT else s
    if isinstance(v, float) and v.is_integer():
        v = int(v)
    return clean_text(v)


def _raw(v: object) -> str | None:
    if v is None:
        return None
    if isinstance(v, float):
        return repr(v)
    return str(v)


def _name_pair(v: object) -> tuple[str | None, str | None]:
    nama = display_name(_text(v))
    return (nama, search_key(nama)) if nama else (None, None)


def _sex(v: object) -> str | None:
    return normalize_sex(_text(v))


def _mother(v: object) -> str | None:
    return display_name(_text(v)) or None


class Memo(dict):
    """``memo[value]`` = fn(value), computed once: registry columns repeat a few thousand values."""

    __slots__ = ("fn",)

    def __init__(self, fn) -> None:
        super().__init__()
        self.fn = fn

    def __missing__(self, key):
        if len(self) > 300_000:
            self.clear()
        value = self[key] = self.fn(key)
        return value


class RegionContext:
    """What a row processor needs to resolve regions: the office kabupaten and its names."""

    def __init__(self, kab_kode: str, resolver: RegionResolver, codes: RegionCodes) -> None:
        self.kab_kode = kab_kode
        self.kab_digits = kab_kode.replace(".", "")
        self.resolver = resolver
        self.codes = codes


class RowProcessor:
    """Checks rows of one file of one kind. Keeps state to find duplicates within the file."""

    def __init__(self, kind: str, match: M.HeaderMatch, regions: RegionContext, *, program: str | None = None,
                 periode: str | None = None) -> None:
        self.kind = kind
        self.match = match
        self.cols = dict(match.columns)
        self.regions = regions
        self.program = program
        self.periode = periode
        self._seen_id_dtks: dict[str, PersonRecord] = {}
        self._seen_nik: dict[str, PersonRecord] = {}
        self._seen_program: dict[tuple, PersonRecord] = {}
        self._variants: dict[tuple, list[PersonRecord]] = {}
        #: rows rejected by :meth:`mark_duplicates` as exact repeats of an earlier row
        self.exact_repeats = 0
        self._region_cache: dict[tuple, tuple[str | None, Problem | None]] = {}
        # Every field gets an index; unmapped ones point at a trailing None (see process()).
        self.width = max(self.cols.values(), default=-1) + 1
        self.ix = {f: self.cols.get(f, self.width) for f in M.FIELDS}
        self.today = date.today()
        self._c_kk = Memo(self._check_kk)
        self._c_name = Memo(_name_pair)
        self._c_text = Memo(_text)
        self._c_sex = Memo(_sex)
        self._c_hub = Memo(parse_hubungan)
        self._c_rt = Memo(clean_rt_rw)
        self._c_mother = Memo(_mother)

    # -- helpers -------------------------------------------------------------------------------
    def column_label(self, fld: str | None) -> str | None:
        if fld is None or fld not in self.cols:
            return None
        return self.match.column_label(self.cols[fld])

    def _get(self, values: list, fld: str) -> object:
        i = self.cols.get(fld)
        if i is None or i >= len(values):
            return None
        v = values[i]
        if v.__class__ is str and not v.strip():
            return None
        return v

    # -- regions -------------------------------------------------------------------------------
    def _desa(self, values: list) -> tuple[str | None, Problem | None]:
        ix = self.ix
        key = (values[ix[M.KODE_DESA]], values[ix[M.KECAMATAN]], values[ix[M.DESA]], values[ix[M.KABUPATEN]])
        hit = self._region_cache.get(key)
        if hit is not None:
            return hit
        code_raw = key[0] if key[0] not in (None, "") else None
        result = self._resolve_desa(code_raw, _text(key[1]), _text(key[2]), _text(key[3]))
        self._region_cache[key] = result
        return result

    def _resolve_desa(self, code_raw, kec, desa, kab) -> tuple[str | None, Problem | None]:
        ctx = self.regions
        if code_raw is not None:
            code = repair_code(_text(code_raw))
            if code and code in ctx.codes and code.count(".") == 3:
                if not code.startswith(ctx.kab_kode + "."):
                    return None, Problem(M.KODE_DESA, error(
                        WILAYAH_LUAR_KABUPATEN,
                        f"Kode desa {code} ({ctx.codes.name(code)}) di luar {ctx.codes.name(ctx.kab_kode)}"), code)
                return code, None
        if kab and self.kind != "program":
            found = ctx.codes.find(kab, level=2)
            if found and ctx.kab_kode not in found:
                return None, Problem(M.KABUPATEN, error(
                    WILAYAH_LUAR_KABUPATEN,
                    f"Baris ini dari {kab}, bukan {ctx.codes.name(ctx.kab_kode)}; impor berkas kabupaten lain "
                    "di basis data kabupaten itu"), kab)
        if not desa:
            if self.kind == "program":
                return None, None
            return None, Problem(M.DESA, error(DESA_TIDAK_DITEMUKAN, "Desa/kelurahan kosong"), None)
        try:
            m = ctx.resolver.desa(desa, kec) if kec else ctx.resolver.desa(desa)
        except RegionNotFound as exc:
            fld = M.DESA
            if kec:
                try:
                    ctx.resolver.kecamatan(kec)
                except RegionNotFound as kexc:
                    return None, Problem(M.KECAMATAN, error(DESA_TIDAK_DITEMUKAN, kexc.message), kec)
            return None, Problem(fld, error(DESA_TIDAK_DITEMUKAN, exc.message), desa)
        if not m.exact:
            return m.kode, Problem(M.DESA, warning(
                "desa_ejaan_berbeda", f"Desa '{desa}' dibaca sebagai {m.nama} (ejaan berbeda)"), desa)
        return m.kode, None

    def mark_duplicates(self, rec: PersonRecord) -> None:
        """Flag a row whose ID DTKS or NIK appeared earlier in the same file, and reject a row
        that repeats an earlier one in every imported field (an extract appended to itself):
        storing it twice would make one person two.

        Called in file order after :meth:`process` (which may run in another process).
        """
        idd = rec.id_dtks
        nik = rec.nik
        # Rows equal in every field share the key: the ID DTKS, else the NIK, else (programme
        # lists) NIK + No KK. Compare with the first row of that key and with the rows of that
        # key that differed from it (few, kept only then).
        if idd:
            key, first = ("i", idd), self._seen_id_dtks.get(idd)
        elif self.kind != "program":
            key, first = ("n", nik), self._seen_nik.get(nik) if nik else None
        else:
            key, first = ("p", nik, rec.no_kk), self._seen_program.get((nik, rec.no_kk))
        if first is not None:
            same = _get_same(rec)
            for earlier in (first, *self._variants.get(key, ())):
                if _get_same(earlier) == same:
                    self.exact_repeats += 1
                    rec.problems.append(Problem(None, error(
                        BARIS_SAMA_PERSIS,
                        f"Baris ini sama persis dengan baris {earlier.source_row}; tidak disimpan dua kali"), None))
                    return
            self._variants.setdefault(key, []).append(rec)
        if idd:
            first = self._seen_id_dtks.get(idd)
            if first is not None:
                rec.problems.append(Problem(M.ID_DTKS, error(
                    ID_DTKS_GANDA, f"ID DTKS {idd} sudah ada di baris {first.source_row} dengan isi berbeda; "
                                   "baris ini dilewati"), idd))
            else:
                self._seen_id_dtks[idd] = rec
        if nik and self.kind != "program":
            first = self._seen_nik.get(nik)
            if first is not None:
                rec.problems.append(Problem(M.NIK, warning(
                    NIK_GANDA_DI_BERKAS, f"NIK sama dengan baris {first.source_row} dengan isi berbeda "
                                         "(kemungkinan data ganda)"), rec.nik_raw))
                rec.nik_flags = ",".join(filter(None, [rec.nik_flags, NIK_GANDA_DI_BERKAS]))
            else:
                self._seen_nik[nik] = rec
        elif self.kind == "program" and (nik or rec.no_kk):
            self._seen_program.setdefault((nik, rec.no_kk), rec)

    def _check_kk(self, kk_cell: object) -> tuple[str | None, str | None, tuple[Problem, ...], str | None]:
        """(No KK, flags, problems, the digits as written when the No KK is not valid)."""
        c = clean_id(kk_cell)
        if c.value is None:
            return None, None, (), None
        if c.excel_damaged and c.note and c.trusted_digits < 15 and c.value.isdigit():
            # Scientific notation ("3.31E+15"): the digits after the mantissa are Excel's zeros;
            # no family has that number and checks on them say nothing. The digits as written
            # still keep the family together at its address.
            return None, KK_RUSAK_EXCEL, (Problem(M.NO_KK, warning(
                KK_TIDAK_SAH, f"No KK tidak sah: {c.note}"), c.raw),), c.value
        kk = parse_no_kk(c.value, regions=self.regions.codes, excel_damaged=c.excel_damaged)
        flags = ",".join(i.code for i in kk.issues) or None
        if kk.ok:
            return kk.nk, flags, tuple(Problem(M.NO_KK, i, c.raw) for i in kk.warnings), None
        written = c.value if c.value.isdigit() and c.value.strip("0") else None
        return None, flags, (Problem(M.NO_KK, warning(
            KK_TIDAK_SAH, "No KK tidak sah: " + "; ".join(i.message for i in kk.errors)), c.raw),), written

    # -- the row -------------------------------------------------------------------------------
    def process(self, rownum: int, values: list) -> PersonRecord:
        ix = self.ix
        # Unmapped fields read the slot just after the last mapped column, which must be None:
        # cut longer rows (unmapped trailing columns such as TGL_MATI) and pad shorter ones.
        if len(values) > self.width:
            values = values[: self.width] + [None]
        else:
            values = values + [None] * (self.width + 1 - len(values))

        def g(vals, fld):
            v = vals[ix[fld]]
            return None if v == "" else v

        probs: list[Problem] = []
        if CellError in map(type, values):
            # Cells that lost their value: reported with their text, then read as "no value".
            values = list(values)
            for fld, i in self.cols.items():
                v = values[i] if i < len(values) else None
                if v.__class__ is CellError:
                    probs.append(Problem(fld, warning(SEL_GALAT, v.message + _GALAT_KEEP), v.text))
                    values[i] = None
        nama_raw = g(values, M.NAMA)
        nama, nkey = self._c_name[nama_raw] if nama_raw is not None else (None, None)
        rec = PersonRecord(source_row=rownum, nama=nama, nama_key=nkey, problems=probs)

        # Dates first: NIK checks compare with the recorded birth date.
        tgl_raw = g(values, M.TANGGAL_LAHIR)
        if tgl_raw is not None:
            d, issue = parse_date(tgl_raw, numeric_cell=not isinstance(tgl_raw, str))
            if issue is not None and issue.code == TANGGAL_BULAN_DULU:
                # Day-first is impossible; reading it month-first would be a guess on a person's
                # identity. Reject, so the village writes the date again.
                issue, d = error("tanggal_tidak_valid", f'Tanggal lahir "{_raw(tgl_raw)}" tidak valid sebagai '
                                 "hari-bulan-tahun; tulis ulang dengan urutan hari-bulan-tahun"), None
            rec.tanggal_lahir = d
            if issue is not None:
                probs.append(Problem(M.TANGGAL_LAHIR, issue, _raw(tgl_raw)))
        jk_raw = g(values, M.JENIS_KELAMIN)
        if jk_raw is not None:
            rec.jenis_kelamin = self._c_sex[jk_raw]
            if rec.jenis_kelamin is None:
                probs.append(Problem(M.JENIS_KELAMIN, warning(
                    JK_TIDAK_DIKENAL, f"Jenis kelamin '{_text(jk_raw)}' tidak dikenali (L/P)"), _raw(jk_raw)))

        # Identifiers.
        idd = _text(g(values, M.ID_DTKS))
        rec.id_dtks = idd
        nik_cell = g(values, M.NIK)
        if nik_cell is not None:
            c = clean_id(nik_cell)
            rec.nik_raw = c.raw or None
            if c.value is not None:
                info = parse_nik(c.value, regions=self.regions.codes, record_birth_date=rec.tanggal_lahir,
                                 record_sex=rec.jenis_kelamin, excel_damaged=c.excel_damaged, today=self.today)
                flags = [i.code for i in info.issues]
                if info.ok:
                    rec.nik = info.nik
                    for i in info.warnings:
                        probs.append(Problem(M.NIK, i, rec.nik_raw))
                    if self.kind != "dukcapil" and not rec.nik.startswith(self.regions.kab_digits) and not c.excel_damaged:
                        probs.append(Problem(M.NIK, warning(
                            NIK_LUAR_KABUPATEN,
                            f"NIK terdaftar pertama kali di luar {self.regions.codes.name(self.regions.kab_kode)} "
                            f"({self.regions.codes.name(info.kabupaten) or info.kabupaten})"), rec.nik_raw))
                        flags.append(NIK_LUAR_KABUPATEN)
                else:
                    msg = "; ".join(i.message for i in info.errors)
                    if c.excel_damaged and c.note and c.trusted_digits < 15:
                        # Scientific notation: the digits after the mantissa are Excel's zeros,
                        # so the structural errors above describe nothing the office wrote.
                        msg = c.note
                    sev = error if (self.kind == "dukcapil" or (not idd and self.kind == "dtks")) else warning
                    probs.append(Problem(M.NIK, sev(NIK_TIDAK_SAH, f"NIK tidak sah: {msg}"), rec.nik_raw))
                    flags = [NIK_TIDAK_SAH] + flags
                rec.nik_flags = ",".join(dict.fromkeys(flags)) or None
        if self.kind == "dtks":
            if not idd and rec.nik is None:
                # Neither identifier: an error cell in either column says why.
                if not _require(probs, M.NIK, M.ID_DTKS) and not any(p.field == M.NIK for p in probs):
                    probs.append(Problem(M.NIK, error(TANPA_IDENTITAS, "Baris tanpa NIK dan tanpa ID DTKS"),
                                         rec.nik_raw))
            elif rec.nik is None and not any(p.field == M.NIK for p in probs):
                probs.append(Problem(M.NIK, warning(TANPA_NIK, "NIK kosong; dicatat dengan ID DTKS saja"), None))
        elif self.kind == "dukcapil" and rec.nik is None:
            if not _require(probs, M.NIK) and not any(p.field == M.NIK for p in probs):
                probs.append(Problem(M.NIK, error("nik_kosong", "NIK kosong"), rec.nik_raw))

        kk_cell = g(values, M.NO_KK)
        if kk_cell is not None:
            # Members of one family share the same No KK cell: check it once.
            rec.no_kk, rec.no_kk_flags, kk_probs, rec.kk_ditulis = self._c_kk[kk_cell]
            if kk_probs:
                probs.extend(kk_probs)
        if self.kind == "program" and rec.nik is None and rec.no_kk is None and not any(
                p.issue.severity is Severity.ERROR for p in probs) and not _require(probs, M.NIK, M.NO_KK):
            probs.append(Problem(M.NIK, error(TANPA_NIK_DAN_KK, "Baris tanpa NIK dan tanpa No KK"), rec.nik_raw))

        # Name.
        if not nama:
            if self.kind != "program" or (rec.nik is None and rec.no_kk is None):
                if not _require(probs, M.NAMA):
                    probs.append(Problem(M.NAMA, error(NAMA_KOSONG, "Nama kosong"), None))
        elif has_digits(nama):
            probs.append(Problem(M.NAMA, warning(NAMA_ADA_ANGKA, f"Nama '{nama}' mengandung angka"), nama))

        # Other person fields.
        ct = self._c_text
        rec.tempat_lahir = ct[g(values, M.TEMPAT_LAHIR)]
        rec.nama_ibu = self._c_mother[g(values, M.NAMA_IBU)]
        hub_raw = g(values, M.HUBUNGAN)
        if hub_raw is not None:
            rec.hubungan = self._c_hub[hub_raw]
            if rec.hubungan is None:
                probs.append(Problem(M.HUBUNGAN, warning(
                    HUBUNGAN_TIDAK_DIKENAL, f"Hubungan keluarga '{_text(hub_raw)}' tidak dikenali"), _raw(hub_raw)))
        rec.keterangan = ct[g(values, M.KETERANGAN)]

        # Address and region.
        rec.alamat = ct[g(values, M.ALAMAT)]
        rec.dusun = ct[g(values, M.DUSUN)]
        rec.rt = self._c_rt[g(values, M.RT)]
        rec.rw = self._c_rt[g(values, M.RW)]
        if self.kind == "program" and M.DESA not in self.cols and M.KODE_DESA not in self.cols:
            pass
        else:
            rec.desa_kode, p = self._desa(values)
            if p is not None and p.value is None and any(
                    q.issue.code == SEL_GALAT and q.field in _REGION_FIELDS for q in probs):
                # "Desa kosong" because its cell lost its value: the error cell says it better.
                if p.issue.severity is Severity.ERROR and self.kind == "dtks":
                    _require(probs, *_REGION_FIELDS)
                p = None
            if p is not None:
                # An unknown desa in a civil-registry extract is still a person: keep, flag.
                if self.kind in ("dukcapil", "program") and p.issue.severity is Severity.ERROR:
                    p = Problem(p.field, warning(p.issue.code, p.issue.message), p.value)
                probs.append(p)

        desil_raw = g(values, M.DESIL)
        if desil_raw is not None:
            try:
                desil = int(float(str(desil_raw).strip().replace(",", ".")))
                if not 1 <= desil <= 10:
                    raise ValueError
                rec.desil = desil
            except ValueError:
                probs.append(Problem(M.DESIL, warning(DESIL_TIDAK_SAH, f"Desil '{_text(desil_raw)}' bukan angka 1-10"),
                                     _raw(desil_raw)))

        if self.kind == "program":
            rec.program = _text(g(values, M.PROGRAM)) or self.program
            rec.periode = _text(g(values, M.PERIODE)) or self.periode
            if not rec.program:
                probs.append(Problem(M.PROGRAM, error(PROGRAM_KOSONG,
                                                      "Nama program kosong; isi kolom PROGRAM atau pilih programnya"),
                                     None))
        self._check_lengths(rec)
        return rec

    def _check_lengths(self, rec: PersonRecord) -> None:
        """A value longer than its database column is never cut, and behaves the same on SQLite
        and PostgreSQL: the row is rejected when the value tells who the person is (name,
        identifiers, programme), otherwise the value is left out with a warning."""
        for fld, v in zip(_LIMITED, _get_limited(rec)):
            if v is not None and len(v) > FIELD_LIMITS[fld]:
                col = _LIMIT_COLUMN.get(fld, fld)
                if fld == "desa_kode":
                    col = M.KODE_DESA if M.KODE_DESA in self.cols else M.DESA
                head = f"Isi terlalu panjang: {len(v)} huruf, paling banyak {FIELD_LIMITS[fld]}"
                if fld in _LIMIT_REJECTS:
                    issue = error(TERLALU_PANJANG, head + "; baris ditolak. Periksa apakah isi sel bergeser atau "
                                                          "beberapa sel tergabung")
                else:
                    issue = warning(TERLALU_PANJANG, head + "; isi kolom ini tidak disimpan (data yang sudah "
                                                            "tersimpan tidak diubah)")
                    setattr(rec, fld, None)
                rec.problems.append(Problem(col, issue, v[:300]))


_REGION_FIELDS = (M.DESA, M.KODE_DESA, M.KECAMATAN, M.KABUPATEN)
_GALAT_KEEP = "; sel ini tidak dipakai dan tidak mengubah data yang sudah tersimpan"
_GALAT_REQUIRED = "; kolom ini wajib diisi, baris ditolak"


def _require(probs: list[Problem], *fields: str) -> bool:
    """A required field is missing: its error cells (if any) now reject the row. True if any."""
    hit = False
    for k, p in enumerate(probs):
        if p.field in fields and p.issue.code == SEL_GALAT and p.issue.severity is not Severity.ERROR:
            msg = p.issue.message.removesuffix(_GALAT_KEEP) + _GALAT_REQUIRED
            probs[k] = Problem(p.field, error(SEL_GALAT, msg), p.value)
            hit = True
    return hit


# --- a compact form for sending records between processes (pickling dataclasses is slow) ------

_FIELDS = tuple(f for f in PersonRecord.__dataclass_fields__ if f != "problems")
_N = len(_FIELDS)


def to_wire(rec: PersonRecord) -> tuple:
    t = tuple(getattr(rec, f) for f in _FIELDS)
    if rec.problems:
        return t + (tuple((p.field, p.issue.code, p.issue.severity is Severity.ERROR, p.issue.message, p.value)
                          for p in rec.problems),)
    return t + (None,)


def from_wire(t: tuple) -> PersonRecord:
    rec = PersonRecord(*t[:_N], problems=[])
    if t[_N]:
        rec.problems = [Problem(f, error(code, msg) if is_err else warning(code, msg), value)
                        for f, code, is_err, msg, value in t[_N]]
    return rec


__all__ = ["Problem", "PersonRecord", "RegionContext", "RowProcessor", "NIK_RUSAK_EXCEL"]
