"""The demo generator writes names the way villages and clerks do (issue 10, part 4), and names
people the way their region does (Aceh, Batak, Papua, Chinese-Indonesian cities)."""

from __future__ import annotations

import random
import re
from collections import Counter

import pytest

from dtks_desktop.demo import generator as demo
from dtks_desktop.demo import name_variants as nv
from dtks_desktop.demo import names_regions

N = 5000
KINDS = nv.KINDS


@pytest.fixture(scope="module")
def klaten() -> demo.DemoDataset:
    return demo.generate(demo.DemoConfig(people=N, seed=21, kab="33.10"))


@pytest.fixture(scope="module")
def aceh() -> demo.DemoDataset:
    return demo.generate(demo.DemoConfig(people=N, seed=22, kab="11.06"))


@pytest.fixture(scope="module")
def batak() -> demo.DemoDataset:
    return demo.generate(demo.DemoConfig(people=N, seed=23, kab="12.02"))


def _variant_rows(ds, kind):
    return [r for r in ds.registry_rows if kind in r.corruptions]


# --------------------------------------------------------------------------- the new kinds


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_each_kind_occurs_at_its_rate(seed):
    ds = demo.generate(demo.DemoConfig(people=N, seed=seed))
    n = len(ds.registry_rows)
    counts = ds.corruption_counts()
    for kind in KINDS:
        lo, hi = demo._NAME_VARIANT_RATES[kind]
        assert lo <= ds.rates[kind] <= hi
        expected = ds.rates[kind] * n
        assert 0.8 * expected <= counts.get(kind, 0) <= 1.3 * expected + 2, (kind, counts.get(kind), expected)
        assert demo.CORRUPTIONS[kind].stage == "match"
    # a few per thousand each: the exception, not the rule
    assert sum(counts[k] for k in KINDS) < 0.04 * n


def _plain(s: str) -> str:
    return s.replace(" ", "")


def _shape_ok(kind: str, a: str, b: str) -> bool:
    """``a`` and ``b`` (the two ways a name is written) are related as the kind says."""
    wa, wb = a.split(), b.split()
    if kind == "nama_gabung_pisah":
        def fold(x: str) -> str:
            return re.sub(r"ABDU(SY|R|S|Z|N|T|D)\1", r"ABDUL\1", _plain(x))
        return len(wa) != len(wb) and fold(a) == fold(b)
    if kind == "nama_inisial":
        if len(wa) != len(wb):
            return False
        diff = [(x, y) for x, y in zip(wa, wb) if x != y]
        return bool(diff) and all(
            (x.rstrip(".") == y[0] and len(x.rstrip(".")) == 1) or (y.rstrip(".") == x[0] and len(y.rstrip(".")) == 1)
            for x, y in diff)
    short, long_ = (wa, wb) if len(wa) < len(wb) else (wb, wa)
    if kind == "nama_sebagian":
        return len(short) < len(long_) and set(short) <= set(long_)
    # nama_sebagian_typo: a part left off or added, and one word with a typo
    return len(short) < len(long_) and len(set(short) - set(long_)) <= 1


def test_ground_truth_stays_right(klaten, aceh, batak):
    for ds in (klaten, aceh, batak):
        civil_name = {c.nik: c.name for c in ds.civil}
        seen = Counter()
        for r in ds.registry_rows:
            kinds = [k for k in KINDS if k in r.corruptions]
            if not kinds:
                continue
            assert len(kinds) == 1, r.corruptions           # one variant kind per row
            p = r.person
            # the person is the same: the truth still names their own NIK and KK
            assert r.true_nik == (None if p.status == "not_in_dukcapil" else p.nik)
            assert r.true_no_kk == p.no_kk
            if p.in_dukcapil and not p.shared_nik:
                assert civil_name[p.nik] == p.name               # truth = the civil spelling
            assert r.nama.strip() and r.nama != p.name
            if not set(r.corruptions) & {"name_title", "name_old_spelling", "name_muhammad", "name_case",
                                         "name_spaces", "name_dot", "name_typo"}:
                assert _shape_ok(kinds[0], r.nama, p.name), (kinds[0], r.nama, p.name)
                seen[kinds[0]] += 1
        assert all(seen[k] for k in KINDS), seen


def test_both_sides_carry_variants(klaten):
    """Mostly the SIKS-NG export has the variant, sometimes the civil registry has it (the
    person's true name is then the short one and the export shows the full name)."""
    registry_side = civil_side = 0
    for r in klaten.registry_rows:
        if not set(r.corruptions) & set(KINDS) or "name_typo" in r.corruptions:
            continue
        if r.person.name in r.nama.split(" ") or len(_plain(r.person.name)) < len(_plain(r.nama)):
            civil_side += 1
        else:
            registry_side += 1
    assert civil_side >= 4 and registry_side > civil_side


def test_variants_stay_recognisable(klaten, aceh, batak):
    common = nv.COMMON_WORDS
    fam = nv.family_words()
    total = weak = 0
    for ds in (klaten, aceh, batak):
        for r in ds.registry_rows:
            if not set(r.corruptions) & {"nama_sebagian", "nama_inisial"}:
                continue
            for side in (r.nama, r.person.name):
                full = [w for w in side.upper().split() if len(w.rstrip(".")) >= 3 and not w.endswith(".")]
                assert full, side                            # never only initials or nothing
            shorter = min((r.nama, r.person.name), key=len)
            words = [w for w in shorter.upper().split() if len(w) >= 3 and not w.endswith(".")]
            total += 1
            weak += all(w in common or w in fam for w in words)
    assert total > 100
    assert weak <= 0.12 * total                               # SRI from SRI WAHYUNI: real, but rare


def test_variant_functions_examples():
    r = random.Random(3)
    seen = {nv.join_split("ABDUL RAHMAN", r) for _ in range(5)}
    assert seen == {"ABDURRAHMAN"}
    assert nv.join_split("ABDURRAHMAN", r) == "ABDUL RAHMAN"
    assert nv.join_split("NURHAYATI", r) == "NUR HAYATI"
    assert {nv.partial("SULAIMAN BIN AHMAD", r) for _ in range(20)} >= {"SULAIMAN"}
    assert "BR. SIREGAR" not in {nv.partial("ROSMAULI BR. SIREGAR", r) for _ in range(50)}
    assert {nv.partial("DEWI", r, "WAWAN") for _ in range(5)} == {"DEWI WAWAN"}
    inis = {nv.initial("ZAINAL SYAIFUL", r) for _ in range(40)}
    assert {"Z. SYAIFUL", "ZAINAL S."} <= inis
    assert nv.initial("PAINEM", r) is None and nv.partial("PAINEM", r) is None
    assert nv.units("T. RIZAL BIN AHMAD YUSUF") == ["T. RIZAL", "BIN AHMAD YUSUF"]


# --------------------------------------------------------------------------- naming regions


def test_region_mix():
    assert names_regions.region_mix("33.10") is None                 # Java: the generator's own pools
    assert names_regions.region_mix("11.06")[names_regions.ACEH] > 0.8
    assert names_regions.region_mix("12.02")[names_regions.BATAK] > 0.9
    assert names_regions.region_mix("93.01")[names_regions.PAPUA] > 0.4
    assert names_regions.region_mix("61.72")[names_regions.TIONGHOA] > 0.3
    assert names_regions.region_mix("12.71")[names_regions.TIONGHOA] > 0.05


def test_aceh_names_have_bin_binti_with_the_real_father(aceh):
    persons = list(aceh.persons)
    with_bin = [p for p in persons if " BIN " in p.name or " BINTI " in p.name]
    assert len(with_bin) > 0.08 * len(persons)
    assert any(p.name.startswith(("T. ", "TEUKU ")) for p in persons)
    assert any(p.name.startswith("CUT ") for p in persons)
    assert not any(" BINTI " in p.name and p.sex == "L" or " BIN " in p.name and p.sex == "P" for p in persons)
    checked = agree = 0
    for f in aceh.families:
        head = f.members[0]
        if head.sex != "L":
            continue
        for m in f.members:
            if m.relation == 3 and (" BIN " in m.name or " BINTI " in m.name):
                checked += 1
                father = m.name.split(" BINTI " if m.sex == "P" else " BIN ", 1)[1]
                agree += father == names_regions.given_part(head.name)
    assert checked > 30
    assert agree >= 0.95 * checked      # (a civil-side name variant of the father may differ)


def test_batak_names_carry_a_marga_from_the_father(batak):
    marga = set(names_regions.pools()["BATAK_MARGA"])
    persons = list(batak.persons)
    with_marga = [p for p in persons if p.name.split()[-1] in marga]
    assert len(with_marga) > 0.8 * len(persons)
    assert any(" BR. " in p.name for p in persons if p.sex == "P")
    checked = agree = 0
    for f in batak.families:
        head = f.members[0]
        if head.sex != "L" or head.name.split()[-1] not in marga:
            continue
        for m in f.members:
            if m.relation == 3 and m.name.split()[-1] in marga:
                checked += 1
                agree += m.name.split()[-1] == head.name.split()[-1]
    assert checked > 100 and agree >= 0.97 * checked
    # and the mothers' names follow the region too
    assert sum(p.mother_name.split()[-1] in marga for p in persons) > 0.7 * len(persons)


@pytest.mark.parametrize("kab, pool", [("95.01", ("PAPUA_CLAN_H",)), ("93.01", ("PAPUA_CLAN_S", "PAPUA_CLAN_N")),
                                       ("61.72", ("CN_SURNAME", "CN_INDO_SUR"))])
def test_papua_and_chinese_indonesian_names(kab, pool):
    ds = demo.generate(demo.DemoConfig(people=1500, seed=4, kab=kab))
    words = set().union(*(names_regions.pools()[k] for k in pool))
    persons = list(ds.persons)
    share = sum(bool(set(p.name.split()) & words) for p in persons) / len(persons)
    assert share > 0.2, share
    assert all(p.name and p.name == p.name.upper() for p in persons)


def test_javanese_region_keeps_javanese_names(klaten):
    marga = set(names_regions.pools()["BATAK_MARGA"]) | set(names_regions.pools()["PAPUA_CLAN_H"])
    assert not any(p.name.split()[-1] in marga for p in klaten.persons)


def test_regions_and_variants_are_deterministic_per_seed():
    a = demo.generate(demo.DemoConfig(people=800, seed=7, kab="11.06"))
    b = demo.generate(demo.DemoConfig(people=800, seed=7, kab="11.06"))
    c = demo.generate(demo.DemoConfig(people=800, seed=8, kab="11.06"))
    key = lambda ds: [(r.nama, r.person.name, r.person.mother_name, r.corruptions) for r in ds.registry_rows]  # noqa: E731
    assert key(a) == key(b)
    assert key(a) != key(c)
    assert [x.name for x in a.civil] == [x.name for x in b.civil]
