"""Village meetings (Musyawarah Desa / Musyawarah Kelurahan, DOMAIN.md §3.1–3.2): the words of a
decision per family and member, the reasons for a removal, the participants' elements, and the
rules that need no database (which decision a verification finding suggests, when a NIK counts
as padan). Labels are Indonesian; values are stored as written here.
"""

from __future__ import annotations

from enum import StrEnum

from dtks_desktop.domain.regions import village_kind, village_terms
from dtks_desktop.domain.words import parse_labelled
from dtks_desktop.domain.verification import Keberadaan, Kelayakan

__all__ = ["Decision", "DECISION_LABELS", "Reason", "REASON_LABELS", "Unsur", "UNSUR_LABELS", "MeetingKind",
           "KIND_LABELS", "parse_decision", "parse_reason", "parse_unsur", "meeting_kind", "reason_for_keberadaan",
           "REMOVING_KELAYAKAN", "PADAN_STATUSES", "is_padan", "COMMUNITY_UNSUR", "SOURCE_LABELS"]


class Decision(StrEnum):
    TETAP = "tetap"
    USULAN_BARU = "usulan_baru"
    HAPUS = "hapus"
    PERBAIKAN_DATA = "perbaikan_data"


DECISION_LABELS: dict[Decision, str] = {
    Decision.TETAP: "Tetap",
    Decision.USULAN_BARU: "Usulan baru",
    Decision.HAPUS: "Hapus",
    Decision.PERBAIKAN_DATA: "Perbaikan data",
}


class Reason(StrEnum):
    """Why a family or member leaves the registry."""

    MENINGGAL = "meninggal"
    PINDAH = "pindah"
    MAMPU = "mampu"  # graduasi mandiri
    GANDA = "ganda"
    TIDAK_DITEMUKAN = "tidak_ditemukan"


REASON_LABELS: dict[Reason, str] = {
    Reason.MENINGGAL: "Meninggal dunia",
    Reason.PINDAH: "Pindah domisili",
    Reason.MAMPU: "Mampu (graduasi mandiri)",
    Reason.GANDA: "Data ganda",
    Reason.TIDAK_DITEMUKAN: "Tidak ditemukan",
}


class Unsur(StrEnum):
    """The element a participant represents."""

    PERANGKAT_DESA = "perangkat_desa"
    BPD = "bpd"
    RT_RW = "rt_rw"
    TOKOH_MASYARAKAT = "tokoh_masyarakat"
    TOKOH_AGAMA = "tokoh_agama"
    PSM_TKSK = "psm_tksk"
    PENDAMPING_PKH = "pendamping_pkh"
    LAINNYA = "lainnya"


UNSUR_LABELS: dict[Unsur, str] = {
    Unsur.PERANGKAT_DESA: "Perangkat desa/kelurahan",
    Unsur.BPD: "BPD/LPM",
    Unsur.RT_RW: "Ketua RT/RW",
    Unsur.TOKOH_MASYARAKAT: "Tokoh masyarakat",
    Unsur.TOKOH_AGAMA: "Tokoh agama",
    Unsur.PSM_TKSK: "PSM/TKSK",
    Unsur.PENDAMPING_PKH: "Pendamping PKH",
    Unsur.LAINNYA: "Lainnya",
}

#: Extra words accepted for an element (a participant list typed by a village).
_UNSUR_WORDS: dict[str, Unsur] = {
    "perangkat": Unsur.PERANGKAT_DESA, "perangkat desa": Unsur.PERANGKAT_DESA,
    "perangkat kelurahan": Unsur.PERANGKAT_DESA, "pemerintah desa": Unsur.PERANGKAT_DESA,
    "kepala desa": Unsur.PERANGKAT_DESA, "lurah": Unsur.PERANGKAT_DESA, "sekdes": Unsur.PERANGKAT_DESA,
    "kadus": Unsur.PERANGKAT_DESA, "kepala dusun": Unsur.PERANGKAT_DESA,
    "bpd": Unsur.BPD, "lpm": Unsur.BPD, "lpmd": Unsur.BPD, "bpd lpm": Unsur.BPD,
    "badan permusyawaratan desa": Unsur.BPD,
    "rt": Unsur.RT_RW, "rw": Unsur.RT_RW, "rt rw": Unsur.RT_RW, "ketua rt": Unsur.RT_RW, "ketua rw": Unsur.RT_RW,
    "ketua rt rw": Unsur.RT_RW,
    "tokoh masyarakat": Unsur.TOKOH_MASYARAKAT, "tomas": Unsur.TOKOH_MASYARAKAT, "toma": Unsur.TOKOH_MASYARAKAT,
    "tokoh agama": Unsur.TOKOH_AGAMA, "toga": Unsur.TOKOH_AGAMA, "ulama": Unsur.TOKOH_AGAMA,
    "psm": Unsur.PSM_TKSK, "tksk": Unsur.PSM_TKSK, "psm tksk": Unsur.PSM_TKSK, "puskesos": Unsur.PSM_TKSK,
    "pendamping pkh": Unsur.PENDAMPING_PKH, "pkh": Unsur.PENDAMPING_PKH, "pendamping": Unsur.PENDAMPING_PKH,
    "lainnya": Unsur.LAINNYA, "lain lain": Unsur.LAINNYA, "lain": Unsur.LAINNYA, "pkk": Unsur.LAINNYA,
    "kpm": Unsur.LAINNYA, "warga": Unsur.LAINNYA, "babinsa": Unsur.LAINNYA, "bhabinkamtibmas": Unsur.LAINNYA,
}

#: Elements whose participants sign the Berita Acara as community representatives.
COMMUNITY_UNSUR = (Unsur.TOKOH_MASYARAKAT, Unsur.TOKOH_AGAMA)


class MeetingKind(StrEnum):
    MUSDES = "musdes"
    MUSKEL = "muskel"


KIND_LABELS: dict[MeetingKind, str] = {
    MeetingKind.MUSDES: "Musyawarah Desa",
    MeetingKind.MUSKEL: "Musyawarah Kelurahan",
}

SOURCE_LABELS = {"verifikasi": "Verifikasi lapangan", "pemadanan": "Pemadanan", "petugas": "Diubah petugas"}

def parse_decision(value: object) -> Decision:
    """``tetap``, ``usulan baru``, ``Hapus``, ``perbaikan_data`` …; ValueError with an Indonesian message."""
    try:
        d = parse_labelled(value, Decision, DECISION_LABELS, {"usul baru": Decision.USULAN_BARU, "baru": Decision.USULAN_BARU,
                                                      "perbaikan": Decision.PERBAIKAN_DATA,
                                                      "dihapus": Decision.HAPUS})
    except ValueError:
        d = None
    if d is None:
        raise ValueError(f"Keputusan '{value}' tidak dikenal. Pilih: {', '.join(x.value for x in Decision)}.")
    return d


def parse_reason(value: object) -> Reason | None:
    """A removal reason (None for an empty value); ValueError with an Indonesian message."""
    try:
        return parse_labelled(value, Reason, REASON_LABELS, {"mati": Reason.MENINGGAL, "wafat": Reason.MENINGGAL,
                                                     "graduasi": Reason.MAMPU, "graduasi mandiri": Reason.MAMPU,
                                                     "tidak layak": Reason.MAMPU, "double": Reason.GANDA})
    except ValueError:
        raise ValueError(f"Alasan hapus '{value}' tidak dikenal. Pilih: {', '.join(x.value for x in Reason)}.") \
            from None


def parse_unsur(value: object) -> Unsur | None:
    """A participant's element as typed (``Tokoh Agama``, ``toga``, ``RT/RW``…); None when empty;
    ValueError with an Indonesian message for another word."""
    try:
        return parse_labelled(value, Unsur, UNSUR_LABELS, _UNSUR_WORDS)
    except ValueError:
        raise ValueError(f"Unsur '{value}' tidak dikenal. Pilih: {', '.join(x.value for x in Unsur)}.") from None


def meeting_kind(desa_kode: str) -> MeetingKind:
    """Kelurahan codes (village part starting with 1) hold a Muskel; desa and desa adat a Musdes."""
    return MeetingKind.MUSKEL if village_kind(desa_kode) == "kelurahan" else MeetingKind.MUSDES


def terms(desa_kode: str):
    """The wording (unit, meeting, head) of a village code; see ``domain.regions.village_terms``."""
    return village_terms(desa_kode)


_KEBERADAAN_REASON: dict[Keberadaan, Reason] = {
    Keberadaan.MENINGGAL: Reason.MENINGGAL,
    Keberadaan.PINDAH_DALAM_NEGERI: Reason.PINDAH,
    Keberadaan.PINDAH_LUAR_NEGERI: Reason.PINDAH,
    Keberadaan.TIDAK_DITEMUKAN: Reason.TIDAK_DITEMUKAN,
    Keberadaan.GANDA: Reason.GANDA,
}

#: Family eligibility findings that propose removing the whole family (reason ``mampu``).
REMOVING_KELAYAKAN = frozenset({Kelayakan.MAMPU.value, Kelayakan.TIDAK_LAYAK.value})


def reason_for_keberadaan(keberadaan: str | None) -> Reason | None:
    """The removal reason a member's Keberadaan suggests (None: the member stays)."""
    if not keberadaan:
        return None
    try:
        return _KEBERADAAN_REASON.get(Keberadaan(keberadaan))
    except ValueError:
        return None


#: Match statuses under which a NIK counts as padan (the civil registry knows the person).
PADAN_STATUSES = frozenset({"padan", "padan_catatan"})


def is_padan(match_status: str | None, match_decision: str | None) -> bool:
    """Padan: the machine agreed (and no clerk rejected it), or a clerk accepted the result."""
    if match_decision in ("diterima", "otomatis"):
        return True
    return match_status in PADAN_STATUSES and match_decision != "ditolak"
