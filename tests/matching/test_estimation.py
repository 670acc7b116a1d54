"""Weights learned from the data (issue 10, part 2): estimation, storage with the run, reuse by an
incremental run, ``dtks match model``, and the review view showing the weights that were used."""

from __future__ import annotations

import json
from datetime import date, timedelta

import numpy as np
import pytest
from sqlalchemy import select, update

from dtks_desktop.cli import main
from dtks_desktop.db.models import Member, MatchResult, MatchRun
from dtks_desktop.services.matching import engine as E
from dtks_desktop.services.matching import review as match_review
from dtks_desktop.services.matching import run as match_run
from dtks_desktop.services.matching import settings as S
from dtks_desktop.services.matching.engine import estimation as EST

from ..conftest import ADMIN_PASSWORD
from .conftest import load_civil, load_registry
from .helpers import DESA, DESA2, DESA_OTHER_KEC, civil_row, member_row

SYL = ("SU", "KA", "RI", "MAN", "TO", "WI", "DJO", "LES", "NUR", "PRA", "BO", "GEN", "TAR", "YUS", "HAD", "ZEN",
       "QIM", "FAU", "XAV", "OKT")


def _name(rng) -> str:
    return " ".join("".join(rng.choice(SYL, size=3)) for _ in range(2))


def synthetic(n: int, seed: int = 7):
    """n people in the civil registry, each with a registry member on the same NIK (all certain
    pairs), known rates of differences, and for each person a non-matching neighbour the blocks
    find: half twins (same KK, birth date, mother, desa), half born the same day in the same desa
    (other KK and mother). Returns (members, civil, truth)."""
    rng = np.random.default_rng(seed)
    civ, mem, pairs = [], [], []
    base = date(1960, 1, 1)
    truth = {"ibu_beda": 0.2, "kk_beda": 0.3, "pindah_desa": 0.1, "pindah_kec": 0.05}
    for i in range(n):
        dob = base + timedelta(days=int(i * 3 % 20000))
        sex = "L" if i % 2 else "P"
        day = dob.day + (40 if sex == "P" else 0)
        nik = f"3310{i % 90 + 10:02d}{day:02d}{dob.month:02d}{dob.year % 100:02d}{i % 9000 + 1000:04d}"
        kk = f"3310{i:012d}"
        ibu = _name(rng)
        nama = _name(rng)
        civ.append(civil_row(2 * i + 1, nik, nama, dob, sex, kk=kk, ibu=ibu, desa=DESA))
        # the neighbour (never the member's person)
        twin = i % 2 == 0
        civ.append(civil_row(2 * i + 2, f"9{nik[1:]}", _name(rng), dob, "L" if rng.random() < 0.5 else "P",
                             kk=kk if twin else f"3311{i:012d}", ibu=ibu if twin else _name(rng), desa=DESA))
        r = rng.random(4)
        m_ibu = _name(rng) if r[0] < truth["ibu_beda"] else ibu
        m_kk = f"3312{i:012d}" if r[1] < truth["kk_beda"] else kk
        m_desa = DESA2 if r[2] < truth["pindah_desa"] else (DESA_OTHER_KEC if r[3] < truth["pindah_kec"] / 0.9 else DESA)
        mem.append(member_row(i + 1, nik, nama, dob, sex, kk=m_kk, ibu=m_ibu, desa=m_desa))
        # the neighbour pair as the blocks see it: found through desa + birth date, KK + birth date
        # or mother + birth date
        kk_same, ibu_same = twin and m_kk == kk, twin and m_ibu == ibu
        if m_desa == DESA or kk_same or ibu_same:
            pairs.append((kk_same, ibu_same))
    vocab = E.Vocab()
    cb = E.TableBuilder(vocab, "civil")
    cb.add(civ)
    civil = E.CivilIndex(cb.finish(), vocab)
    mb = E.TableBuilder(vocab, "member")
    mb.add(mem)
    truth["u_kk_sama"] = float(np.mean([p[0] for p in pairs]))
    truth["u_ibu_sama"] = float(np.mean([p[1] for p in pairs]))
    truth["non_match_pairs"] = len(pairs)
    return mb.finish(), civil, truth


def test_estimation_recovers_known_m_and_u():
    members, civil, truth = synthetic(3000)
    model = E.estimate_model(members, civil, m_pseudo=0, u_pseudo=0)
    f = model.fields
    assert model.estimated and model.certain_pairs == 3000
    assert model.non_match_pairs == pytest.approx(truth["non_match_pairs"], rel=0.02)
    # m from the certain pairs
    assert f["nama_ibu"]["beda"].m == pytest.approx(truth["ibu_beda"], abs=0.025)
    assert f["no_kk"]["beda"].m == pytest.approx(truth["kk_beda"], abs=0.03)
    assert f["no_kk"]["sama"].m == pytest.approx(1 - truth["kk_beda"], abs=0.03)
    assert f["desa"]["pindah_desa"].m == pytest.approx(truth["pindah_desa"], abs=0.02)
    assert f["desa"]["pindah_kec"].m == pytest.approx(truth["pindah_kec"], abs=0.015)
    assert f["nama"]["sama"].m == pytest.approx(1.0, abs=0.01) and f["nama"]["sama"].u is None  # TF stays
    # u among the blocked candidates that are not the member's person: half twins (same KK and
    # mother), all born the same day
    assert f["no_kk"]["sama"].u == pytest.approx(truth["u_kk_sama"], abs=0.02)
    assert f["nama_ibu"]["sama"].u == pytest.approx(truth["u_ibu_sama"], abs=0.02)
    assert f["tanggal_lahir"]["sama"].u == pytest.approx(0.999, abs=0.002)  # the ceiling
    assert f["nama"]["beda"].u > 0.9
    # what stays the prior: the NIK, the birth date's and sex's m
    for lvl, (m, u) in S.MU["nik"].items():
        assert (f["nik"][lvl].m, f["nik"][lvl].u, f["nik"][lvl].source) == (m, u, "prior")
    assert f["tanggal_lahir"]["sama"].m == S.MU["tanggal_lahir"]["sama"][0]
    assert f["no_kk"]["sama"].source == "data" and f["no_kk"]["sama"].n_m > 1500
    assert f["no_kk"]["sama"].weight == pytest.approx(np.log2(f["no_kk"]["sama"].m / f["no_kk"]["sama"].u), abs=1e-3)
    # every probability within the floors
    for lv in f.values():
        for x in lv.values():
            assert EST.FLOOR <= x.m <= EST.CEIL and (x.u is None or EST.FLOOR <= x.u <= EST.CEIL)


def test_prior_strength_blends_and_a_tiny_kabupaten_stays_at_the_priors():
    members, civil, _ = synthetic(3000)
    blended = E.estimate_model(members, civil)  # default: 1,000 pseudo-pairs for m
    n = blended.fields["no_kk"]["beda"].n_m
    prior = S.MU["no_kk"]["beda"][0]
    total = sum(x.n_m for x in blended.fields["no_kk"].values())
    assert blended.fields["no_kk"]["beda"].m == pytest.approx((n + 1000 * prior) / (total + 1000), abs=1e-5)

    small_m, small_c, _ = synthetic(12)
    tiny = E.estimate_model(small_m, small_c)
    priors = S.level_weights()
    got = tiny.level_weights()
    for f in S.FIELDS:
        assert got[f] == pytest.approx(priors[f], abs=0.25), f  # 12 pairs against 1,000-2,000 pseudo-pairs
    assert all(x.source == "prior" for lv in tiny.fields.values() for x in lv.values())
    assert tiny.certain_pairs == 12 and tiny.notes  # "hampir seluruhnya dari nilai bawaan"

    # no certain pair at all (every NIK went through a spreadsheet): exactly the priors
    members.nik_clean[:] = False
    none = E.estimate_model(members, civil)
    assert none.certain_pairs == 0
    assert all(none.level_weights()[f] == pytest.approx(priors[f], abs=1e-3) for f in S.FIELDS)


def test_model_json_round_trip_and_comparator_uses_it():
    members, civil, _ = synthetic(400)
    model = E.estimate_model(members, civil, m_pseudo=0, u_pseudo=0)
    back = E.Model.from_json(model.to_json())
    assert back.level_weights() == model.level_weights() and back.certain_pairs == model.certain_pairs
    for text in (None, "{kaput"):
        assert E.Model.from_json(text).level_weights() == S.level_weights()
    res = E.link(members, civil, model=model)
    j = list(S.FIELDS).index("no_kk")
    lw = model.level_weights()["no_kk"]
    assert all(res.weights[i, j] == pytest.approx(lw[res.levels[i, j]], abs=1e-4)
               for i in range(members.n) if res.levels[i, j] in (1, 3) and res.levels[i, list(S.FIELDS).index("desa")] <= 1)


def _stored(db, run_id: int) -> E.Model:
    with db.sessions() as s:
        return E.Model.from_json(s.get(MatchRun, run_id).model_json)


def test_run_stores_the_model_and_an_incremental_run_reuses_it(db, admin):
    load_civil(db)
    load_registry(db)
    first = match_run.run_matching(db, admin)
    m1 = _stored(db, first.run_id)
    assert m1.estimated and m1.certain_pairs >= 3 and m1.source_run is None
    # A distinctive stored model: an incremental run must score with it, not with the priors.
    m1.fields["desa"]["sama"].weight = 2.75
    with db.transaction() as s:
        s.execute(update(MatchRun).where(MatchRun.id == first.run_id).values(model_json=m1.to_json()))
        s.execute(update(Member).where(Member.id == 9).values(nama="JOKO HIDAYAT S"))
    second = match_run.run_matching(db, admin)
    assert second.members_matched == 1
    m2 = _stored(db, second.run_id)
    assert m2.source_run == first.run_id and m2.fields["desa"]["sama"].weight == 2.75
    with db.sessions() as s:
        item = match_review.review_item(s, 9)
    desa = next(fc for fc in item.candidates[0].fields if fc.field == "desa")
    assert desa.level == "sama" and desa.weight == 2.75
    # A full run learns again.
    third = match_run.run_matching(db, admin, full=True)
    m3 = _stored(db, third.run_id)
    assert m3.source_run is None and m3.fields["desa"]["sama"].weight != 2.75


def test_review_weights_are_the_stored_models(db, admin):
    load_civil(db)
    load_registry(db)
    summary = match_run.run_matching(db, admin)
    lw = _stored(db, summary.run_id).level_weights()
    checked = 0
    with db.sessions() as s:
        ids = s.execute(select(MatchResult.member_id)).scalars().all()
        for mid in ids:
            item = match_review.review_item(s, mid)
            for cand in item.candidates:
                by = {fc.field: fc for fc in cand.fields}
                for f in ("tanggal_lahir", "jenis_kelamin", "nama_ibu", "desa"):
                    fc = by[f]
                    assert fc.weight == pytest.approx(lw[f][S.FIELD_LEVELS[f].index(fc.level)], abs=0.006)
                    checked += 1
            reasons = json.loads(s.get(MatchResult, item.result_id).reasons)
            for b in reasons.get("bidang", []):
                if b["f"] in ("tanggal_lahir", "jenis_kelamin", "nama_ibu", "desa"):
                    assert b["w"] == pytest.approx(lw[b["f"]][S.FIELD_LEVELS[b["f"]].index(b["lvl"])], abs=0.006)
    assert checked > 20


def _cli(capsys, monkeypatch, *argv):
    monkeypatch.setenv("DTKS_PASSWORD", ADMIN_PASSWORD)
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_match_model(capsys, monkeypatch, db_url, db, admin):
    code, _, err = _cli(capsys, monkeypatch, "--db", db_url, "--user", "admin", "match", "model")
    assert code == 1 and "Belum ada pemadanan" in err and "Traceback" not in err
    load_civil(db)
    load_registry(db)
    summary = match_run.run_matching(db, admin)
    code, out, _ = _cli(capsys, monkeypatch, "--db", db_url, "--user", "admin", "match", "model", "--json")
    data = json.loads(out)
    assert code == 0
    assert {"run_id", "created_at", "estimated", "certain_pairs", "non_match_pairs", "fields"} <= set(data)
    assert data["run_id"] == summary.run_id and data["estimated"] is True
    assert set(data["fields"]) == set(S.FIELDS)
    assert set(data["fields"]["nama"]) == set(S.NAME_LEVELS[1:])
    assert set(data["fields"]["desa"]["sama"]) == {"m", "u", "weight", "n_m", "n_u", "source"}
    assert data["fields"]["nama"]["sama"]["u"] is None
    assert data["fields"]["desa"]["sama"]["weight"] == _stored(db, summary.run_id).fields["desa"]["sama"].weight
    code, out, _ = _cli(capsys, monkeypatch, "--db", db_url, "--user", "admin", "match", "model")
    assert code == 0 and "ditaksir dari data" in out and "Desa" in out and "bawaan" in out
    code, _, err = _cli(capsys, monkeypatch, "--db", db_url, "--user", "admin", "match", "model", "--run", "999")
    assert code == 1 and "#999 tidak ditemukan" in err
