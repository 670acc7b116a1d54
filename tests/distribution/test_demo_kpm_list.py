"""The demo KPM list (demo/kpm_list.py, as Kemensos and Bulog send it, with its damage) loaded and
cleaned: every row's outcome agrees with the list's ground truth."""

from __future__ import annotations

import csv

import pytest
from sqlalchemy import select

from dtks_desktop.db.models import DistKpm
from dtks_desktop.demo.kpm_list import KpmListConfig, write_kpm_list
from dtks_desktop.demo.loader import load_demo
from dtks_desktop.services.distribution import cleaning as C
from dtks_desktop.services.distribution import periods as P


@pytest.fixture
def registry(db, admin, operator):
    load_demo(db, admin, people=1500, seed=5, kab="33.10")
    with db.transaction() as s:  # the demo registry is not matched: judge padan-ness apart (the truth's note)
        C.set_clean_rules(s, admin, {"padan_wajib": False})
    return db


@pytest.mark.parametrize("layout, seed, suffix", [("kemensos", 1, ".xlsx"), ("bulog", 2, ".csv"), ("kemensos", 3, ".csv"),
                                               ("bulog", 4, ".xlsx")])
def test_the_demo_list_agrees_with_its_ground_truth(registry, operator, tmp_path, layout, seed, suffix):
    with registry.sessions() as s:
        res = write_kpm_list(s, tmp_path / f"kpm{suffix}", KpmListConfig(seed=seed, layout=layout))
    with open(res.truth, encoding="utf-8") as fh:
        truth = list(csv.DictReader(fh))
    r = P.create_period(registry, operator, "BANPANGAN", f"Tahap {seed}", goods="beras:10:kg", from_file=res.path)
    C.clean(registry, operator, r.id)
    rejected = {p.row for p in r.problems if p.level == "error"}
    with registry.sessions() as s:
        kpm = {k.nik: k for k in s.execute(select(DistKpm).where(DistKpm.period_id == r.id)).scalars()}
    wrong = []
    for t in truth:
        row, expect = int(t["file_row"]), t["expect"]
        if expect.startswith("ditolak"):
            if row not in rejected:
                wrong.append((row, expect, "not rejected"))
            continue
        if row in rejected:
            wrong.append((row, expect, "rejected", " ".join(p.message for p in r.problems if p.row == row)))
            continue
        k = kpm.get(t["nik_in_file"])
        if k is None:
            wrong.append((row, expect, "missing"))
            continue
        got = set((k.clean_reasons or "").split(",")) - {""}
        if expect == "lengkap":
            ok = k.clean_status == "lengkap"
        elif expect == "tidak_terdaftar":
            ok = "tidak_terdaftar" in got and not k.in_registry
        else:
            ok = k.clean_status == "dikembalikan" and got == set(expect.split(":", 1)[1].split(","))
        if not ok:
            wrong.append((row, expect, k.clean_status, sorted(got), k.nik))
    assert wrong == [], wrong[:10]
    assert r.rejected == sum(1 for t in truth if t["expect"].startswith("ditolak"))
