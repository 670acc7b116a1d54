import pytest

from dtks_desktop.services.core.regions import RegionNotFound, RegionResolver, children, kabupaten_list


@pytest.fixture
def klaten(db):
    with db.sessions() as s:
        return RegionResolver.from_db(s, "33.10")


@pytest.mark.parametrize(
    "written, code",
    [
        ("KEC. KLATEN UTARA", "33.10.24"),
        ("Klaten Utara", "33.10.24"),
        ("KECAMATAN  klaten utara", "33.10.24"),
        ("Prambanan", "33.10.01"),
        ("PRAMBANAN.", "33.10.01"),
        ("Klaten Utra", "33.10.24"),  # one letter missing: fuzzy, still unambiguous
    ],
)
def test_kecamatan_names_as_written_in_exports(klaten, written, code):
    assert klaten.kecamatan(written).kode == code


def test_desa_within_kecamatan_and_alone(klaten):
    assert klaten.desa("Ds. Pakahan", "KEC. JOGONALAN").kode == "33.10.08.2001"
    assert klaten.desa("Kel. Klaten", "Klaten Tengah").kode == "33.10.25.1003"
    assert klaten.desa("DESA SENGON", "Prambanan").kode == "33.10.01.2001"
    assert klaten.desa("Sengon").kode == "33.10.01.2001"


def test_unknown_desa_has_indonesian_message(klaten):
    with pytest.raises(RegionNotFound, match="tidak ditemukan"):
        klaten.desa("Desa Antah Berantah", "Prambanan")
    with pytest.raises(RegionNotFound, match="Kabupaten Klaten"):
        klaten.kecamatan("Kecamatan Tidak Ada")


def test_ambiguous_desa_name_needs_kecamatan(klaten):
    # Find a desa name used in two kecamatan of Klaten and check the resolver refuses to guess.
    dup = [k for k, codes in klaten._desa.items() if len(codes) > 1]
    if not dup:
        pytest.skip("no duplicate desa names in this kabupaten")
    with pytest.raises(RegionNotFound, match="lebih dari satu kecamatan"):
        klaten.desa(dup[0])


def test_kelurahan_vs_desa_and_lists(db):
    with db.sessions() as s:
        kabs = dict(kabupaten_list(s))
        assert kabs["33.10"] == "Kabupaten Klaten" and len(kabs) == 514
        kec = dict(children(s, "33.10"))
        assert kec["33.10.01"] == "Prambanan"
