"""The shared file layouts (services/core/layouts.py): built-in, configured, a programme's layout
falling back to its target's, validation messages, the audit, reading headers written
differently, and a scope of another owner (as PT Pos will register) on the same mechanism."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from dtks_desktop.db.models import AuditEvent, Setting
from dtks_desktop.domain.permissions import PermissionDenied
from dtks_desktop.services.core import layouts as L
from dtks_desktop.services.submission import batches, outputs

KEM = "batch.kemensos"
SHORT = [("NIK", "nik"), ("NAMA LENGKAP", "nama"), ("NO_KK", "no_kk")]


@pytest.fixture
def pos_scope(monkeypatch):
    """A scope with no children, as another owner (PT Pos lists) registers it."""
    scope = L.Scope(key="ptpos.uji", label="Berkas uji PT Pos",
                    fields={"nik": "NIK", "nama": "Nama penerima", "nominal": "Nominal", "status": "Status salur"},
                    default=(L.Column("NIK", "nik"), L.Column("NAMA", "nama"), L.Column("NOMINAL", "nominal")),
                    text_fields=frozenset({"nik"}), required=frozenset({"nik"}))
    monkeypatch.setitem(L._REGISTRY, scope.key, scope)
    return scope


def _events(db, action):
    with db.sessions() as s:
        return list(s.execute(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)).scalars())


def test_registered_scopes_and_their_children(db, admin):
    keys = [s.key for s in L.load_all()]
    assert "batch.kemensos" in keys and "batch.provinsi" in keys
    with db.sessions() as s:
        avail = [x.key for x in L.available(s)]
    assert avail[avail.index("batch.kemensos"):avail.index("batch.kemensos") + 4] == [
        "batch.kemensos", "batch.kemensos.PKH", "batch.kemensos.BPNT", "batch.kemensos.PBI-JK"]
    assert "batch.provinsi.BANSOS_PROVINSI" in avail and "batch.provinsi.RTLH" not in avail
    with db.transaction() as s:
        batches.set_provinsi_programmes(s, admin, ["BANSOS_PROVINSI", "rtlh"])
    with db.sessions() as s:
        assert "batch.provinsi.RTLH" in [x.key for x in L.available(s)]
        child = L.resolve(s, "batch.provinsi.rtlh")  # any case: the programme's own code
    assert child.key == "batch.provinsi.RTLH" and child.parent == "batch.provinsi"
    assert child.fields == outputs.FIELD_LABELS and child.required == frozenset({"nik", "nama"})


def test_default_layout(db):
    with db.sessions() as s:
        cols = L.layout(s, KEM)
        assert L.is_default(s, KEM) and L.is_default(s, "batch.kemensos.PKH")
        assert L.layout(s, "batch.kemensos.PKH") == cols
        assert L.configured_key(s, KEM) is None
    assert [(c.header, c.field) for c in cols] == outputs.DEFAULT_LAYOUTS["kemensos"]


def test_configured_layout_is_stored_as_json_and_audited(db, admin):
    with db.transaction() as s:
        cols = L.set_layout(s, admin, KEM, SHORT)
    assert [(c.header, c.field) for c in cols] == SHORT
    with db.sessions() as s:
        assert L.layout(s, KEM) == cols and not L.is_default(s, KEM)
        raw = s.get(Setting, "layout.batch.kemensos").value
    assert json.loads(raw) == [{"header": h, "field": f} for h, f in SHORT]
    ev, = _events(db, "layout.set")
    assert ev.username == "admin" and ev.entity_type == "layout" and "batch.kemensos" in ev.summary
    assert json.loads(ev.old_value) == {"key": KEM, "columns": None}
    assert json.loads(ev.new_value)["columns"][1] == {"header": "NAMA LENGKAP", "field": "nama"}

    with db.transaction() as s:  # the same again: nothing changes, nothing audited
        L.set_layout(s, admin, KEM, SHORT)
    with db.transaction() as s:
        L.set_layout(s, admin, KEM, SHORT[:2])
    evs = _events(db, "layout.set")
    assert len(evs) == 2 and json.loads(evs[1].old_value)["columns"] == json.loads(raw)


def test_a_programme_falls_back_to_its_target_then_to_the_default(db, admin):
    with db.transaction() as s:
        L.set_layout(s, admin, KEM, SHORT)
    with db.sessions() as s:
        assert [c.header for c in L.layout(s, "batch.kemensos.PKH")] == ["NIK", "NAMA LENGKAP", "NO_KK"]
        assert L.configured_key(s, "batch.kemensos.PKH") == KEM and not L.is_default(s, "batch.kemensos.PKH")
    with db.transaction() as s:
        L.set_layout(s, admin, "batch.kemensos.pkh", [("nik_penerima", "nik"), ("nama_penerima", "nama")])
    with db.sessions() as s:
        assert [c.header for c in L.layout(s, "batch.kemensos.PKH")] == ["nik_penerima", "nama_penerima"]
        assert [c.header for c in L.layout(s, "batch.kemensos.BPNT")] == ["NIK", "NAMA LENGKAP", "NO_KK"]
        assert s.get(Setting, "layout.batch.kemensos.PKH") is not None  # stored under the canonical key
        info = L.show(s, "batch.kemensos.PKH")
    assert info["own"] and info["configured"] == "batch.kemensos.PKH" and info["parent"] == KEM

    with db.transaction() as s:
        now = L.reset_layout(s, admin, "batch.kemensos.PKH")
    assert [c.header for c in now] == ["NIK", "NAMA LENGKAP", "NO_KK"]  # the target's again
    ev, = _events(db, "layout.reset")
    assert "dikembalikan ke format batch.kemensos" in ev.summary
    assert json.loads(ev.old_value)["columns"][0] == {"header": "nik_penerima", "field": "nik"}
    with db.transaction() as s:
        now = L.reset_layout(s, admin, KEM)
        L.reset_layout(s, admin, KEM)  # nothing stored: no second event
    assert [(c.header, c.field) for c in now] == outputs.DEFAULT_LAYOUTS["kemensos"]
    assert len(_events(db, "layout.reset")) == 2
    with db.sessions() as s:
        assert L.is_default(s, "batch.kemensos.PKH")


def test_unknown_keys_and_programmes(db, admin):
    with db.sessions() as s:
        with pytest.raises(L.LayoutError, match=r"'batch\.pos' tidak dikenal\. Yang ada: .*batch\.kemensos"):
            L.layout(s, "batch.pos")
        with pytest.raises(L.LayoutError, match=r"'XYZ' bukan program untuk .*Pilihan: batch\.kemensos\.PKH, "):
            L.show(s, "batch.kemensos.XYZ")
        # a provincial programme taken off the list: its old batches still export in the target's layout
        assert L.layout(s, "batch.provinsi.LAMA") == L.layout(s, "batch.provinsi")
    with db.transaction() as s, pytest.raises(L.LayoutError, match="bukan program"):
        L.set_layout(s, admin, "batch.provinsi.LAMA", SHORT)


@pytest.mark.parametrize("columns, expected", [
    ([], "format perlu minimal satu kolom"),
    ([("NIK", "nik"), ("NAMA", "nama"), ("UMUR", "umur")],
     "Kolom 3 ('UMUR'): isian 'umur' tidak dikenal. Isian yang ada: no (Nomor urut)"),
    ([("NIK", "nik"), ("  ", "nama")], "Kolom 2 (isian nama): judul kolom kosong."),
    ([("NIK", "nik"), ("Nama", "nama"), ("n.i.k", "no_kk")],
     "Kolom 1 dan 3: judul 'NIK' dan 'n.i.k' dianggap sama"),
    ([("NIK", "nik"), ("=HYPERLINK(\"x\")", "nama")], "tampak seperti rumus spreadsheet"),
    ([("NO_KK", "no_kk")], "Isian wajib belum ada: NIK (nik), Nama (nama)."),
    ([("NIK", "nik"), ("---", "nama")], "Kolom 2: judul '---' tidak berisi huruf atau angka."),
    ([("NIK", "nik"), ("NAMA",)], "Kolom 2: harus berisi judul dan isian."),
])
def test_validation_names_each_problem(db, admin, columns, expected):
    with db.transaction() as s, pytest.raises(L.LayoutError) as err:
        L.set_layout(s, admin, KEM, columns)
    assert expected in err.value.message
    assert err.value.message.startswith("Berkas unggah batch ke Kemensos (batch.kemensos): format")
    with db.sessions() as s:
        assert L.is_default(s, KEM)
    assert _events(db, "layout.set") == []


def test_several_problems_are_all_named(db, admin):
    with db.transaction() as s, pytest.raises(L.LayoutError) as err:
        L.set_layout(s, admin, KEM, [("", "nik"), ("X", "umur")])
    assert len(err.value.problems) == 3  # empty header, unknown field, nama missing


def test_only_an_administrator_sets_a_layout(db, admin, supervisor):
    with db.transaction() as s, pytest.raises(PermissionDenied):
        L.set_layout(s, supervisor, KEM, SHORT)
    with db.sessions() as s:
        assert L.is_default(s, KEM)
    ev, = _events(db, "permission.denied")
    assert ev.username == "supervisor1" and "office.settings" in ev.summary


def test_a_stored_layout_no_longer_valid_is_an_error_that_says_how_to_fix_it(db, admin):
    with db.transaction() as s:
        s.add(Setting(key="layout.batch.kemensos", value=json.dumps([{"header": "NIK", "field": "nik_lama"}])))
    with db.sessions() as s, pytest.raises(L.LayoutError) as err:
        L.layout(s, "batch.kemensos.PKH")
    assert "format yang tersimpan tidak sah lagi" in err.value.message
    assert "dtks layout reset batch.kemensos" in err.value.message
    with db.transaction() as s:
        s.get(Setting, "layout.batch.kemensos").value = "{rusak"
    with db.sessions() as s, pytest.raises(L.LayoutError, match="rusak"):
        L.layout(s, KEM)
    with db.transaction() as s:  # reset repairs it
        L.reset_layout(s, admin, KEM)
    with db.sessions() as s:
        assert L.is_default(s, KEM)


def test_header_map_reads_headers_written_differently(db, admin):
    with db.transaction() as s:
        L.set_layout(s, admin, KEM, SHORT + [("DESA", "desa")])
    headers = ["no. kk", "Nama_Lengkap", " n i k ", "Keterangan lain", "Desa/Kelurahan", "DESA", "hubungan keluarga"]
    with db.sessions() as s:
        found = L.header_map(s, "batch.kemensos.PKH", headers)
    # configured header, field label ("Hubungan keluarga"), field name; the first column wins
    assert found == {"no_kk": 0, "nama": 1, "nik": 2, "desa": 4, "hubungan": 6}


def test_header_map_names_missing_required_columns(db, admin):
    with db.transaction() as s:
        L.set_layout(s, admin, KEM, SHORT)
    with db.sessions() as s, pytest.raises(L.LayoutError) as err:
        L.header_map(s, KEM, ["No", "Nama", "Alamat", None], source="hasil_pkh.xlsx")
    msg = err.value.message
    assert msg.startswith("hasil_pkh.xlsx: kolom wajib tidak ditemukan: NIK (judul 'NIK').")
    assert "Judul kolom di berkas: 'No', 'Nama', 'Alamat'." in msg
    assert "Judul yang diharapkan (Berkas unggah batch ke Kemensos): NIK, NAMA LENGKAP, NO_KK." in msg
    with db.sessions() as s, pytest.raises(L.LayoutError, match=r"Alamat \(judul 'Alamat'\)"):
        L.header_map(s, KEM, ["NIK", "NAMA"], need=["alamat"])


def test_another_owner_uses_the_same_mechanism(db, admin, pos_scope):
    with db.sessions() as s:
        assert L.layout(s, "ptpos.uji") == pos_scope.default
        assert L.header_map(s, "ptpos.uji", ["Nominal", "NIK"]) == {"nominal": 0, "nik": 1}
        assert "ptpos.uji" in [x.key for x in L.available(s)]
    with db.transaction() as s:
        L.set_layout(s, admin, "ptpos.uji", [("NIK_KPM", "nik"), ("STATUS", "status")])
    with db.sessions() as s:
        assert L.header_map(s, "ptpos.uji", ["status", "nik kpm"]) == {"status": 0, "nik": 1}
        with pytest.raises(L.LayoutError, match="tidak dikenal"):
            L.layout(s, "ptpos.uji.PKH")  # no children


def test_register_refuses_an_inconsistent_scope(monkeypatch):
    monkeypatch.setattr(L, "_REGISTRY", dict(L._REGISTRY))
    base = dict(key="uji.a", label="Uji", fields={"nik": "NIK"}, default=(L.Column("NIK", "nik"),),
                text_fields=frozenset())
    L.register(L.Scope(**base))
    L.register(L.Scope(**base))  # idempotent
    for bad in ({"key": "Uji A"}, {"default": ()}, {"default": (L.Column("X", "nama"),)},
                {"required": frozenset({"nama"})}, {"text_fields": frozenset({"no_kk"})}):
        with pytest.raises(ValueError):
            L.register(L.Scope(**{**base, **bad}))
