"""Tests of the synthetic demo-data generator (dtks_desktop.demo.generator).

Plain Python: no database, no Qt. A few thousand people keep the suite fast.
"""

from __future__ import annotations

import csv
import hashlib
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from dtks_desktop.demo import generator as demo
from dtks_desktop.demo import writers
from dtks_desktop.services.core.common import Cancelled

N = 5000


@pytest.fixture(scope="module")
def ds() -> demo.DemoDataset:
    return demo.generate(demo.DemoConfig(people=N, seed=11))


@pytest.fixture(scope="module")
def files(ds, tmp_path_factory) -> dict[str, Path]:
    return demo.write_files(ds, tmp_path_factory.mktemp("demo"))


def _read_csv(path: Path, delimiter: str = ",") -> list[list[str]]:
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.reader(fh, delimiter=delimiter))


def _gt(files) -> list[dict[str, str]]:
    with open(files["ground_truth"], encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def _is_blank(cells) -> bool:
    return all(c is None or str(c).strip() == "" for c in cells)


def _dukcapil_by_nik(files) -> dict[str, list[dict[str, str]]]:
    out: dict[str, list[dict[str, str]]] = {}
    with open(files["dukcapil"], encoding="utf-8", newline="") as fh:
        for rec in csv.DictReader(fh):
            out.setdefault(rec["NIK"], []).append(rec)
    return out


# --------------------------------------------------------------------------- config and API


def test_unknown_kab_raises_in_indonesian():
    for bad in ("99.99", "33.99", "33", "33.10.01", "abc", ""):
        with pytest.raises(ValueError, match="tidak dikenal"):
            demo.generate(demo.DemoConfig(people=10, kab=bad))


def test_invalid_config_raises():
    with pytest.raises(ValueError, match="Rasio Dukcapil"):
        demo.generate(demo.DemoConfig(people=10, dukcapil_ratio=0.5))
    with pytest.raises(ValueError, match="minimal 1"):
        demo.generate(demo.DemoConfig(people=0))


def test_kab_code_without_dots_is_accepted():
    a = demo.generate(demo.DemoConfig(people=50, kab="3310", seed=3))
    assert a.kab_code == "33.10" and a.kab_name == "Kabupaten Klaten"


@pytest.mark.parametrize("kab", ["33.72", "31.01", "94.01", "11.01"])
def test_other_regions_work(kab):
    d = demo.generate(demo.DemoConfig(people=300, kab=kab, seed=2))
    assert sum(len(f.members) for f in d.families) == 300
    assert all(f.desa_code.startswith(kab + ".") for f in d.families)
    if kab == "33.72":     # Kota Surakarta: kelurahan only
        assert all(f.desa_code[9] == "1" for f in d.families)


def test_exact_people_and_ratio(ds):
    assert sum(len(f.members) for f in ds.families) == N
    assert len(ds.civil) == 2 * N
    assert ds.kab_name == "Kabupaten Klaten" and ds.prov_name == "Jawa Tengah"


# --------------------------------------------------------------------------- determinism


def test_deterministic_per_seed(tmp_path):
    cfg = demo.DemoConfig(people=1500, seed=42)
    a = demo.generate_files(tmp_path / "a", cfg)
    b = demo.generate_files(tmp_path / "b", cfg)
    assert a.keys() == b.keys()
    for key in a:
        assert hashlib.sha256(a[key].read_bytes()).digest() == hashlib.sha256(b[key].read_bytes()).digest(), key


def test_different_seeds_differ():
    a = demo.generate(demo.DemoConfig(people=1500, seed=1))
    b = demo.generate(demo.DemoConfig(people=1500, seed=2))
    assert [p.nik for p in a.persons] != [p.nik for p in b.persons]
    assert [p.name for p in a.persons][:50] != [p.name for p in b.persons][:50]
    assert a.rates != b.rates
    assert [r.corruptions for r in a.registry_rows] != [r.corruptions for r in b.registry_rows]


def test_file_shape_varies_with_seed():
    layouts = [demo.generate(demo.DemoConfig(people=200, seed=s)).layout for s in range(1, 25)]
    assert len({tuple(lay.headers) for lay in layouts}) > 3
    assert len({len(lay.title_rows) for lay in layouts}) > 1
    assert len({lay.date_format for lay in layouts}) > 1
    assert len({lay.delimiter for lay in layouts}) == 2
    assert any("desil" in lay.columns for lay in layouts) and any("desil" not in lay.columns for lay in layouts)


# --------------------------------------------------------------------------- corruption coverage


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_corruption_kind_appears(seed):
    d = demo.generate(demo.DemoConfig(people=N, seed=seed))
    seen = Counter(c for r in d.registry_rows for c in r.corruptions)
    missing = set(demo.CORRUPTIONS) - set(seen)
    assert not missing, missing
    prog = Counter(c for rows in d.programme_rows.values() for r in rows for c in r.corruptions)
    assert not set(demo.PROGRAMME_CORRUPTIONS) - set(prog)
    assert set(seen) <= set(demo.CORRUPTIONS)
    # realistic proportions: damage is the exception unless a whole column went through Excel
    for code in ("nik_typo_digit", "nik_typo_swap", "nik_missing", "name_title", "duplicate_row"):
        assert seen[code] < 0.06 * len(d.registry_rows), code
    for code in ("no_ids", "date_invalid", "desa_unknown"):
        assert 1 <= seen[code] < 0.01 * len(d.registry_rows)


def test_some_seed_damages_every_nik():
    for seed in range(1, 60):
        lay = demo.generate(demo.DemoConfig(people=100, seed=seed)).layout
        if lay.all_nik_damaged:
            d = demo.generate(demo.DemoConfig(people=100, seed=seed))
            with_nik = [r for r in d.registry_rows if r.nik not in ("", "-", "0")]
            assert with_nik and all(isinstance(r.nik, int) for r in with_nik)
            return
    pytest.fail("no seed in 1..59 damages every NIK")


def test_corruption_values_match_their_codes(ds):
    for r in ds.registry_rows:
        p = r.person
        c = set(r.corruptions)
        if "nik_excel" in c:
            assert isinstance(r.nik, int) and r.nik % 10 == 0
        elif "no_ids" in c or "nik_missing" in c:
            assert r.nik in ("", "-", "0")
        elif c & {"nik_typo_digit", "nik_typo_swap", "nik_other_person"}:
            assert isinstance(r.nik, str) and len(r.nik) == 16 and r.nik != p.nik
        else:
            assert r.nik == p.nik
        if "nik_excel" in c and not c & {"nik_typo_digit", "nik_typo_swap", "nik_other_person"}:
            # at most the 16th digit is lost (Excel) or the 15th is rounded (LibreOffice)
            assert abs(r.nik - int(p.nik)) <= 10
        if "kk_excel" in c:
            assert isinstance(r.no_kk, int) and abs(r.no_kk - int(r.true_no_kk)) <= 10
        else:
            assert r.no_kk == r.true_no_kk
        if "rt_rw_unpadded" in c:
            assert isinstance(r.rt, int) and isinstance(r.rw, int)
        else:
            assert len(r.rt) == 3 and len(r.rw) == 3
        if "date_serial" in c:
            assert isinstance(r.tanggal_lahir, int)
            if "dob_wrong" not in c:
                assert date.fromordinal(r.tanggal_lahir + date(1899, 12, 30).toordinal()) == p.birth_date
        if not c & {"name_title", "name_old_spelling", "name_muhammad", "name_case", "name_spaces",
                    "name_dot", "name_typo", "nama_inisial", "nama_sebagian", "nama_gabung_pisah",
                    "nama_sebagian_typo"}:
            assert r.nama == p.name
        if "nik_typo_swap" in c and "nik_excel" not in c:
            diff = [i for i in range(16) if r.nik[i] != p.nik[i]]
            assert len(diff) == 2 and diff[1] == diff[0] + 1
        if "nik_typo_digit" in c and "nik_excel" not in c:
            assert sum(a != b for a, b in zip(r.nik, p.nik)) == 1


def test_duplicates_point_to_an_earlier_or_later_row_of_the_same_person(ds):
    by_id = {r.id_dtks: r for r in ds.registry_rows if r.id_dtks}
    dups = [r for r in ds.registry_rows if r.duplicate_of]
    assert dups
    for r in dups:
        assert "duplicate_row" in r.corruptions and r.expect == "import"
        assert r.id_dtks and r.id_dtks != r.duplicate_of
        assert by_id[r.duplicate_of].person is r.person
    ids = [r.id_dtks for r in ds.registry_rows if r.id_dtks]
    assert len(ids) == len(set(ids))


def test_expectations_add_up(ds):
    rows = ds.registry_rows
    imported = sum(r.expect == "import" for r in rows)
    rejected = sum(r.expect == "reject" for r in rows)
    assert imported + rejected == len(rows)
    for r in rows:
        if r.expect == "reject":
            assert r.reject_reason in r.corruptions
            assert demo.CORRUPTIONS[r.reject_reason].stage == "reject"
        else:
            assert r.reject_reason is None
            assert not any(demo.CORRUPTIONS[c].stage == "reject" for c in r.corruptions)
    for r in rows:
        if r.reject_reason == "no_ids":
            assert r.id_dtks == "" and r.nik in ("", "-", "0")


# --------------------------------------------------------------------------- true values


def test_true_niks_are_valid_and_match_birth_date_and_sex(ds):
    seen = set()
    for p in ds.persons:
        n = p.nik
        assert len(n) == 16 and n.isdigit()
        assert n[:6] == p.first_kec_code.replace(".", "")
        day = int(n[6:8])
        if p.sex == "P":
            day -= 40
        assert (day, int(n[8:10]), int(n[10:12])) == (p.birth_date.day, p.birth_date.month, p.birth_date.year % 100)
        assert n[12:] != "0000"
        assert len(p.no_kk) == 16 and p.no_kk.isdigit()
        if not p.shared_nik:
            assert n not in seen
        seen.add(n)
    # NIKs mostly registered in the kab, some elsewhere
    outside = sum(not p.first_kec_code.startswith("33.10.") for p in ds.persons)
    assert 0.02 * N < outside < 0.3 * N


def test_families_are_plausible(ds):
    for f in ds.families:
        assert 1 <= len(f.members) <= 8
        head = f.members[0]
        assert head.relation == 1 and sum(m.relation == 1 for m in f.members) == 1
        assert all(m.no_kk == f.no_kk and m.desa_code == f.desa_code for m in f.members)
        wives = [m for m in f.members if m.relation == 2]
        assert len(wives) <= 1
        if wives:
            assert head.sex == "L" and wives[0].sex == "P"
            mother = wives[0]
        elif head.sex == "P":
            mother = head
        else:
            mother = None
        for m in f.members:
            assert m.birth_date < demo.REFERENCE_DATE
            if m.relation == 3 and mother is not None:
                assert m.mother_name == mother.name
                assert (m.birth_date - mother.birth_date).days > 15 * 365
        if f.desil is not None:
            assert 1 <= f.desil <= 10
    desil = Counter(f.desil for f in ds.families if f.desil)
    assert desil[1] > desil[5] > desil[10]


def test_names_are_varied(ds):
    names = Counter(p.name for p in ds.persons)
    assert len(names) > 2000
    assert sum(1 for v in names.values() if v == 1) > 1000       # rare names
    assert names.most_common(1)[0][1] >= 10                       # and common ones
    assert any(" BIN " in n or " BINTI " in n for n in names)
    assert any(" " not in n for n in names)
    assert any(n.startswith(("MUHAMMAD ", "MOH", "MUH")) for n in names)


# --------------------------------------------------------------------------- the files


def test_written_files_and_names(files):
    assert set(files) >= {"dukcapil", "dtks_xlsx", "dtks_csv", "program_PKH", "program_BPNT",
                          "ground_truth", "ground_truth_programmes", "ground_truth_dukcapil",
                          "ground_truth_meta", "readme"}
    assert files["dukcapil"].name == "dukcapil_3310.csv"
    assert files["dtks_xlsx"].name == "dtks_siksng_3310.xlsx"
    assert files["dtks_csv"].name == "dtks_siksng_3310.csv"
    assert files["program_PKH"].name == "program_PKH.csv"
    for p in files.values():
        assert p.exists() and p.stat().st_size > 0
    outdir = files["dukcapil"].parent
    assert not [p for p in outdir.iterdir() if p.name.startswith(".")]
    readme = files["readme"].read_text(encoding="utf-8")
    assert "FIKTIF" in readme and "Kabupaten Klaten" in readme


def test_ground_truth_matches_csv_rows(ds, files):
    lay = ds.layout
    gt = _gt(files)
    assert len(gt) == len(ds.registry_rows)
    lines = _read_csv(files["dtks_csv"], lay.delimiter)
    assert len(lines) == lay.total_rows
    header = lines[lay.header_row - 1]
    assert header == lay.headers
    data = [i + 1 for i, cells in enumerate(lines) if i + 1 > lay.header_row and not _is_blank(cells)]
    assert len(data) == len(gt)
    assert [int(g["csv_line"]) for g in gt] == data
    for i, cells in enumerate(lines[: lay.header_row - 1]):
        assert i + 1 > len(lay.title_rows) or cells[0] == lay.title_rows[i]
    nik_col = lay.columns.index("nik")
    id_col = lay.columns.index("id_dtks")
    for g in gt:
        cells = lines[int(g["csv_line"]) - 1]
        assert cells[id_col] == g["id_dtks"]
        assert cells[nik_col] == g["nik_in_csv"]
    # imported + rejected = data rows; every corruption listed in the ground truth
    assert sum(g["expect"] == "import" for g in gt) + sum(g["expect"] == "reject" for g in gt) == len(data)
    assert {c for g in gt for c in g["corruptions"].split(";") if c} == set(demo.CORRUPTIONS)


def test_csv_shows_spreadsheet_damage(ds, files):
    for r in ds.registry_rows:
        if "nik_excel" in r.corruptions:
            text = r.csv_text("nik", ds.layout.decimal_comma)
            if r.csv_num_style == "sci":
                assert "E+15" in text
            elif r.csv_num_style == "dot0":
                assert text.endswith((".0", ",0"))
            else:
                assert text.isdigit() and text.endswith("0")


def test_ground_truth_matches_xlsx(ds, files):
    openpyxl = pytest.importorskip("openpyxl")
    lay = ds.layout
    wb = openpyxl.load_workbook(files["dtks_xlsx"], read_only=True)
    ws = wb[lay.sheet_name]
    rows = list(ws.iter_rows(values_only=True))
    wb.close()
    gt = _gt(files)
    assert list(rows[lay.header_row - 1][: len(lay.headers)]) == lay.headers
    data = [i + 1 for i, cells in enumerate(rows) if i + 1 > lay.header_row and not _is_blank(cells)]
    assert [int(g["file_row"]) for g in gt] == data
    nik_col = lay.columns.index("nik")
    kk_col = lay.columns.index("no_kk")
    date_col = lay.columns.index("tanggal_lahir")
    by_row = {r.file_row: r for r in ds.registry_rows}
    for fr in data:
        cells = rows[fr - 1]
        r = by_row[fr]
        nik = cells[nik_col]
        if "nik_excel" in r.corruptions:
            assert isinstance(nik, (int, float)) and not isinstance(nik, bool)
            assert int(nik) == r.nik
        else:
            assert nik is None or isinstance(nik, str)
            assert (nik or "") == r.nik
        assert isinstance(cells[kk_col], (int, float)) == ("kk_excel" in r.corruptions)
        assert isinstance(cells[date_col], (int, float)) == ("date_serial" in r.corruptions)


def test_xlsx_reads_with_calamine(ds, files):
    calamine = pytest.importorskip("python_calamine")
    wb = calamine.CalamineWorkbook.from_path(str(files["dtks_xlsx"]))
    rows = wb.get_sheet_by_name(ds.layout.sheet_name).to_python(skip_empty_area=False)
    data = [r for i, r in enumerate(rows) if i + 1 > ds.layout.header_row and not _is_blank(r)]
    assert len(data) == len(ds.registry_rows)
    nik_col = ds.layout.columns.index("nik")
    damaged = [r for r in ds.registry_rows if "nik_excel" in r.corruptions]
    numeric = [row for row in data if isinstance(row[nik_col], float)]
    assert len(numeric) == len(damaged)


def test_dukcapil_file(ds, files):
    by_nik = _dukcapil_by_nik(files)
    with open(files["dukcapil"], encoding="utf-8", newline="") as fh:
        header = next(csv.reader(fh))
    assert header[:18] == ["NIK", "NO_KK", "NAMA_LGKP", "TMPT_LHR", "TGL_LHR", "JENIS_KLMIN",
                           "NAMA_LGKP_IBU", "STAT_HBKEL", "ALAMAT", "NO_RT", "NO_RW", "DUSUN", "KEL_NAME",
                           "KEC_NAME", "KAB_NAME", "PROP_NAME", "NO_KEL", "NO_KEC"]
    assert sum(len(v) for v in by_nik.values()) == len(ds.civil) == 2 * N
    statuses = Counter()
    for p in ds.persons:
        statuses[p.status] += 1
        recs = by_nik.get(p.nik, [])
        if p.in_dukcapil:
            mine = [r for r in recs if r["NAMA_LGKP"] == p.name]
            assert len(mine) == 1, (p.nik, p.name)
            rec = mine[0]
            assert rec["NO_KK"] == p.current_no_kk
            assert rec["NO_KEL"] == p.current_desa_code
            assert rec["TGL_LHR"] == p.birth_date.strftime("%d-%m-%Y")
            assert rec["JENIS_KLMIN"] == ("PEREMPUAN" if p.sex == "P" else "LAKI-LAKI")
            assert rec["NAMA_LGKP_IBU"] == p.mother_name
            assert bool(rec["TGL_MATI"]) == (p.status == "died_flagged")
            if p.status in ("moved_desa", "moved_kec", "new_kk"):
                assert rec["NO_KK"] != p.no_kk
            if p.status == "moved_desa":
                assert rec["NO_KEL"] != p.desa_code and rec["NO_KEC"] == p.desa_code[:8]
            if p.status == "moved_kec":
                assert rec["NO_KEC"] != p.desa_code[:8]
            if p.status == "ok":
                assert rec["NO_KK"] == p.no_kk and rec["NO_KEL"] == p.desa_code
        else:
            assert not [r for r in recs if r["NAMA_LGKP"] == p.name]
    assert all(statuses[s] > 0 for s in demo.PERSON_STATUSES)
    registry_niks = {p.nik for p in ds.persons}
    dead_others = [r for recs in by_nik.values() for r in recs if r["TGL_MATI"] and r["NIK"] not in registry_niks]
    assert dead_others     # deaths are recorded for non-registry people too


def test_dukcapil_shared_niks(ds, files):
    by_nik = _dukcapil_by_nik(files)
    dup_niks = {n for n, recs in by_nik.items() if len(recs) > 1}
    gt_rows = _read_csv(files["ground_truth_dukcapil"])
    assert gt_rows[0] == ["nik", "line_a", "line_b", "name_a", "name_b", "id_dtks_a"]
    assert {r[0] for r in gt_rows[1:]} == dup_niks and dup_niks
    lines = files["dukcapil"].read_text(encoding="utf-8").split("\n")
    for nik, la, lb, na, nb, _ in gt_rows[1:]:
        assert lines[int(la) - 1].startswith(nik + ",") and f",{na}," in lines[int(la) - 1]
        assert lines[int(lb) - 1].startswith(nik + ",") and f",{nb}," in lines[int(lb) - 1]
    assert any(p.shared_nik for p in ds.persons)


def test_programmes(ds, files):
    by_id = {r.id_dtks: r for r in ds.registry_rows if r.id_dtks}
    gt = list(csv.DictReader(open(files["ground_truth_programmes"], encoding="utf-8", newline="")))
    for prog, rows in ds.programme_rows.items():
        lines = _read_csv(files[f"program_{prog}"])
        assert lines[0] == ["NIK", "NO_KK", "NAMA", "PROGRAM", "PERIODE"]
        assert len(lines) - 1 == len(rows) == sum(g["program"] == prog for g in gt)
        for r in rows:
            assert lines[r.line - 1] == [r.nik, r.no_kk, r.nama, prog, demo.PERIOD]
            if "prog_nik_missing" in r.corruptions:
                assert r.nik == "" and r.no_kk
            if r.in_registry and r.id_dtks:
                assert by_id[r.id_dtks].person.nik == r.true_nik or by_id[r.id_dtks].true_nik is None
            if not r.in_registry:
                assert r.id_dtks is None and "prog_not_in_registry" in r.corruptions
    pkh_desil = {by_id[r.id_dtks].desil for r in ds.programme_rows["PKH"] if r.id_dtks}
    assert pkh_desil <= {1, 2, 3, 4}


def test_meta_json(ds, files):
    meta = json.loads(files["ground_truth_meta"].read_text(encoding="utf-8"))
    assert meta["export_layout"]["header_row"] == ds.layout.header_row
    assert meta["summary"]["export_rows"] == len(ds.registry_rows)
    assert set(meta["corruption_codes"]) == set(demo.CORRUPTIONS) | set(demo.PROGRAMME_CORRUPTIONS)


def test_civil_sequence_view(ds):
    civ = ds.civil
    first = civ[0]
    assert isinstance(first, demo.CivilPerson) and first.line == 2
    assert civ[-1].line == len(civ) + 1
    assert len(list(civ[:10])) == 10
    assert sum(1 for c in civ if c.in_registry) == sum(p.in_dukcapil for p in ds.persons)


# --------------------------------------------------------------------------- cancel, progress


def test_cancel_during_generate_leaves_no_files(tmp_path):
    out = tmp_path / "out"
    calls = {"n": 0}

    def cancel() -> bool:
        calls["n"] += 1
        return calls["n"] > 3

    with pytest.raises(demo.DemoCancelled):
        demo.generate_files(out, demo.DemoConfig(people=20000, seed=1), cancel=cancel)
    assert not out.exists() or not any(out.iterdir())


def test_cancel_during_write_leaves_no_files(ds, tmp_path):
    checks = {"n": 0}

    def count() -> bool:
        checks["n"] += 1
        return False

    demo.write_files(ds, tmp_path / "dry", cancel=count)
    total = checks["n"]
    assert total >= 3
    for stop_at in sorted({1, total // 2, total}):
        out = tmp_path / f"out{stop_at}"
        out.mkdir()
        (out / "keep.txt").write_text("punya pengguna")
        calls = {"n": 0}

        def cancel() -> bool:
            calls["n"] += 1
            return calls["n"] >= stop_at

        with pytest.raises(Cancelled):
            demo.write_files(ds, out, cancel=cancel)
        assert [p.name for p in out.iterdir()] == ["keep.txt"], stop_at


def test_progress_is_reported(tmp_path):
    seen: list[tuple[int, int]] = []
    demo.generate_files(tmp_path, demo.DemoConfig(people=300, seed=5), xlsx=False,
                        progress=lambda d, t: seen.append((d, t)))
    assert seen and seen[-1][0] == seen[-1][1]
    assert all(0 <= d <= t for d, t in seen)


def test_csv_only_and_xlsx_only(tmp_path):
    d = demo.generate(demo.DemoConfig(people=200, seed=8))
    a = demo.write_files(d, tmp_path / "a", xlsx=False)
    assert "dtks_xlsx" not in a and a["dtks_csv"].exists()
    b = demo.write_files(d, tmp_path / "b", csv=False)
    assert "dtks_csv" not in b and b["dtks_xlsx"].exists()


def test_xlsx_skipped_when_too_many_rows(tmp_path, monkeypatch):
    d = demo.generate(demo.DemoConfig(people=300, seed=4))
    monkeypatch.setattr(writers, "XLSX_MAX_ROWS", 100)
    out = demo.write_files(d, tmp_path)
    assert "dtks_xlsx" not in out and out["dtks_csv"].exists()
    assert not (tmp_path / "dtks_siksng_3310.xlsx").exists()
    assert "TIDAK DIBUAT" in out["readme"].read_text(encoding="utf-8")
    meta = json.loads(out["ground_truth_meta"].read_text(encoding="utf-8"))
    assert meta["xlsx_skipped"]


def test_unknown_desa_names_exist_nowhere(ds):
    from dtks_desktop.demo.generator import _all_region_names, _fold

    known = _all_region_names()
    bad = [r for r in ds.registry_rows if "desa_unknown" in r.corruptions]
    assert bad
    for r in bad:
        name = r.desa
        for prefix in ("DESA ", "Ds. "):
            name = name.removeprefix(prefix)
        assert _fold(name) not in known


def test_invalid_dates_are_invalid_in_any_day_month_order(ds):
    from datetime import datetime

    bad = [r for r in ds.registry_rows if "date_invalid" in r.corruptions]
    assert bad
    for r in bad:
        for fmt in ("%d-%m-%Y", "%m-%d-%Y", "%d/%m/%Y", "%m/%d/%Y", "%Y-%m-%d", "%Y-%d-%m"):
            with pytest.raises(ValueError):
                datetime.strptime(r.tanggal_lahir, fmt)
