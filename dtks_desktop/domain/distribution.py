"""Distribution (issue 14, DOMAIN.md §3.4): the words of a distribution period (tahap), what each
KPM receives, why PT Pos returns a record for completion, and why a handover failed.

Values are stored as written here; labels are Indonesian. No database, no Qt.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from dtks_desktop.domain.words import parse_labelled

__all__ = ["NATIONAL_PROGRAMMES", "PROGRAMME_SYNONYMS", "PROGRAMMES_KEY", "normalise_programme", "BenefitKind",
           "Benefit", "parse_goods", "parse_cash", "cash_benefit", "goods_benefit", "CleanStatus",
           "CLEAN_STATUS_LABELS", "CleanReason", "CLEAN_REASON_LABELS", "FailReason", "FAIL_REASON_LABELS",
           "parse_fail_reason", "PointKind", "POINT_KIND_LABELS", "SourceKind", "rupiah", "quantity"]

#: National programmes the app knows; others are added by the admin in the setting PROGRAMMES_KEY.
NATIONAL_PROGRAMMES: dict[str, str] = {
    "PKH": "Program Keluarga Harapan",
    "BPNT": "Bantuan Pangan Non Tunai (Sembako)",
    "BANPANGAN": "Bantuan Pangan (beras)",
    "BLT": "Bantuan Langsung Tunai",
    "PBI-JK": "Penerima Bantuan Iuran Jaminan Kesehatan",
}
PROGRAMME_SYNONYMS: dict[str, str] = {
    "SEMBAKO": "BPNT", "BANTUAN PANGAN": "BANPANGAN", "CBP": "BANPANGAN", "BANSOS BERAS": "BANPANGAN",
    "PBI": "PBI-JK", "PBIJK": "PBI-JK", "PBI JK": "PBI-JK", "BLT DD": "BLT", "BLT-DD": "BLT",
}
#: Office setting: JSON object {code: name} of the programmes the admin added.
PROGRAMMES_KEY = "distribution.programmes"

_SPACES = re.compile(r"\s+")


def normalise_programme(value: str | None) -> str:
    """Upper-case code with single spaces; known synonyms mapped (``sembako`` → ``BPNT``)."""
    code = _SPACES.sub(" ", str(value or "").strip()).upper().replace("_", " ")
    code = PROGRAMME_SYNONYMS.get(code, code)
    return code.replace(" ", "_") if code not in NATIONAL_PROGRAMMES else code


class BenefitKind(StrEnum):
    TUNAI = "tunai"  # cash, rupiah per KPM
    BARANG = "barang"  # goods, e.g. 10 kg of rice per KPM


@dataclass(frozen=True)
class Benefit:
    """What one KPM receives in the period."""

    kind: BenefitKind
    cash: int | None = None  # rupiah
    goods: str | None = None  # "beras"
    qty: Decimal | None = None  # 10
    unit: str | None = None  # "kg"

    def label(self) -> str:
        if self.kind == BenefitKind.TUNAI:
            return rupiah(self.cash or 0)
        return f"{self.goods} {quantity(self.qty or Decimal(0))} {self.unit}"

    def value_of(self, n: int) -> int | Decimal:
        """The total for ``n`` KPM: rupiah, or the quantity in the unit."""
        return (self.cash or 0) * n if self.kind == BenefitKind.TUNAI else (self.qty or Decimal(0)) * n


def cash_benefit(amount: int) -> Benefit:
    return Benefit(BenefitKind.TUNAI, cash=int(amount))


def goods_benefit(name: str, qty: Decimal, unit: str) -> Benefit:
    return Benefit(BenefitKind.BARANG, goods=name, qty=qty, unit=unit)


def parse_cash(value: object) -> int:
    """Rupiah per KPM from ``600000``, ``600.000``, ``Rp 600.000,00``. ValueError (Indonesian) otherwise."""
    text = str(value or "").strip().lower().replace("rp", "").replace(" ", "")
    if re.fullmatch(r"\d{1,3}(\.\d{3})+(,0+)?", text):
        text = text.split(",")[0].replace(".", "")
    elif re.fullmatch(r"\d+(,0+)?", text):
        text = text.split(",")[0]
    if text.isdigit() and int(text) == 0:
        raise ValueError("Nilai tunai per KPM harus lebih dari Rp 0.")
    if not text.isdigit():
        raise ValueError(f"Nilai tunai '{value}' tidak dikenal: tulis rupiah per KPM, mis. 600000 atau 600.000.")
    if int(text) > 100_000_000:
        raise ValueError(f"Nilai tunai {rupiah(int(text))} per KPM tidak wajar (lebih dari Rp 100 juta).")
    return int(text)


def parse_goods(value: object) -> Benefit:
    """``beras:10:kg`` (name, quantity with . or , as decimal mark, unit). ValueError (Indonesian) otherwise."""
    parts = [p.strip() for p in str(value or "").split(":")]
    if len(parts) != 3 or not all(parts):
        raise ValueError(f"Barang '{value}' tidak dikenal: tulis nama:jumlah:satuan, mis. beras:10:kg.")
    name, qty_text, unit = parts
    try:
        qty = Decimal(qty_text.replace(",", "."))
    except InvalidOperation:
        raise ValueError(f"Jumlah barang '{qty_text}' bukan angka (contoh: beras:10:kg).") from None
    if not qty.is_finite() or qty <= 0 or qty > 10_000:
        raise ValueError(f"Jumlah barang {qty_text} per KPM tidak wajar.")
    return goods_benefit(name.lower(), qty.normalize() if qty == qty.to_integral() else qty, unit.lower())


def rupiah(amount: int | Decimal) -> str:
    """``Rp 1.200.000``."""
    return "Rp " + f"{int(amount):,}".replace(",", ".")


def quantity(q: Decimal | int) -> str:
    """``10``, ``2,5`` (Indonesian decimal comma, thousands with dots)."""
    d = Decimal(q)
    if d == d.to_integral():
        return f"{int(d):,}".replace(",", ".")
    whole, frac = f"{d:f}".split(".")
    return f"{int(whole):,}".replace(",", ".") + "," + frac.rstrip("0")


class SourceKind(StrEnum):
    BATCH = "batch"  # the ditetapkan rows of a submission batch whose results came back
    FILE = "file"  # a KPM list from Kemensos/Bulog (.xlsx/.csv)


class CleanStatus(StrEnum):
    BELUM = "belum"  # not checked yet
    LENGKAP = "lengkap"  # complete and deliverable
    DIKEMBALIKAN = "dikembalikan"  # returned for completion


CLEAN_STATUS_LABELS: dict[CleanStatus, str] = {
    CleanStatus.BELUM: "Belum diperiksa",
    CleanStatus.LENGKAP: "Lengkap",
    CleanStatus.DIKEMBALIKAN: "Dikembalikan",
}


class CleanReason(StrEnum):
    """Why PT Pos cannot deliver to a KPM as listed (completeness and deliverability rules)."""

    NIK_TIDAK_VALID = "nik_tidak_valid"  # not 16 digits / impossible date or region
    NIK_TIDAK_PADAN = "nik_tidak_padan"  # not padan with the civil registry
    NAMA_KOSONG = "nama_kosong"
    ALAMAT_KOSONG = "alamat_kosong"
    RT_KOSONG = "rt_kosong"
    RW_KOSONG = "rw_kosong"
    DUSUN_KOSONG = "dusun_kosong"
    DESA_TIDAK_DIKENAL = "desa_tidak_dikenal"  # desa/kecamatan missing or not in the kabupaten
    KK_GANDA = "kk_ganda"  # another KPM of the same No KK in the period
    MENINGGAL = "meninggal"
    PINDAH = "pindah"
    TIDAK_TERDAFTAR = "tidak_terdaftar"  # not in the registry (listed, never silently added)
    ATURAN_TAMBAHAN = "aturan_tambahan"  # an extra rule configured by the office


CLEAN_REASON_LABELS: dict[CleanReason, str] = {
    CleanReason.NIK_TIDAK_VALID: "NIK tidak valid",
    CleanReason.NIK_TIDAK_PADAN: "NIK tidak padan dengan Dukcapil",
    CleanReason.NAMA_KOSONG: "Nama kosong",
    CleanReason.ALAMAT_KOSONG: "Alamat kosong",
    CleanReason.RT_KOSONG: "RT kosong",
    CleanReason.RW_KOSONG: "RW kosong",
    CleanReason.DUSUN_KOSONG: "Dusun/lingkungan kosong",
    CleanReason.DESA_TIDAK_DIKENAL: "Desa/kelurahan atau kecamatan tidak dikenal",
    CleanReason.KK_GANDA: "Lebih dari satu KPM dalam satu KK",
    CleanReason.MENINGGAL: "KPM meninggal dunia",
    CleanReason.PINDAH: "KPM pindah domisili",
    CleanReason.TIDAK_TERDAFTAR: "Tidak terdaftar di DTKS",
    CleanReason.ATURAN_TAMBAHAN: "Tidak memenuhi aturan tambahan kantor",
}


class FailReason(StrEnum):
    """Why aid could not be handed over (gagal salur)."""

    MENINGGAL = "meninggal"
    PINDAH = "pindah"
    TIDAK_DITEMUKAN = "tidak_ditemukan"
    MENOLAK = "menolak"
    TIDAK_HADIR = "tidak_hadir"
    DATA_TIDAK_SESUAI = "data_tidak_sesuai"
    LAINNYA = "lainnya"


FAIL_REASON_LABELS: dict[FailReason, str] = {
    FailReason.MENINGGAL: "Meninggal dunia",
    FailReason.PINDAH: "Pindah domisili",
    FailReason.TIDAK_DITEMUKAN: "Tidak ditemukan",
    FailReason.MENOLAK: "Menolak bantuan",
    FailReason.TIDAK_HADIR: "Tidak hadir sampai batas waktu",
    FailReason.DATA_TIDAK_SESUAI: "Data tidak sesuai identitas",
    FailReason.LAINNYA: "Lainnya",
}

_FAIL_WORDS: dict[str, FailReason] = {
    "mati": FailReason.MENINGGAL, "wafat": FailReason.MENINGGAL, "meninggal dunia": FailReason.MENINGGAL,
    "pindah domisili": FailReason.PINDAH, "pindah alamat": FailReason.PINDAH,
    "tidak ada": FailReason.TIDAK_DITEMUKAN, "tidak dikenal": FailReason.TIDAK_DITEMUKAN,
    "menolak bantuan": FailReason.MENOLAK, "mampu": FailReason.MENOLAK,
    "tidak datang": FailReason.TIDAK_HADIR, "tidak hadir": FailReason.TIDAK_HADIR,
    "identitas tidak sesuai": FailReason.DATA_TIDAK_SESUAI, "data salah": FailReason.DATA_TIDAK_SESUAI,
    "lain": FailReason.LAINNYA, "lain lain": FailReason.LAINNYA,
}


def parse_fail_reason(value: object) -> FailReason:
    """A reason from its value, its label or a common spelling. ValueError (Indonesian) otherwise."""
    try:
        r = parse_labelled(value, FailReason, FAIL_REASON_LABELS, _FAIL_WORDS)
    except ValueError:
        r = None
    if r is None:
        raise ValueError(f"Alasan gagal salur '{value}' tidak dikenal. Pilih salah satu: "
                         + ", ".join(r.value for r in FailReason) + ".")
    return r


class PointKind(StrEnum):
    KANTOR_POS = "kantor_pos"
    BALAI_DESA = "balai_desa"
    KANTOR_KECAMATAN = "kantor_kecamatan"
    LAINNYA = "lainnya"


POINT_KIND_LABELS: dict[PointKind, str] = {
    PointKind.KANTOR_POS: "Kantor Pos",
    PointKind.BALAI_DESA: "Balai Desa/Kelurahan",
    PointKind.KANTOR_KECAMATAN: "Kantor Kecamatan",
    PointKind.LAINNYA: "Lainnya",
}
