"""Laporan realisasi penyaluran: totals, per kecamatan and per desa/kelurahan, the reasons of the
failed handovers and their list (NIK masked), the progress over the distribution days as a chart,
signed by the signatory chosen for this type.

``data`` (gathered by ``services/distribution/report.report_data``): ``{"programme",
"programme_name", "period", "benefit", "status", "satuan", "dihitung", "total": {"target",
"diterima", "gagal", "sisa", "nilai_label", "nilai_target_label", "persen"}, "kecamatan":
[[kecamatan, target, diterima, gagal, sisa, nilai], …], "desa": [[kecamatan, desa, target,
diterima, gagal, sisa, nilai], …], "alasan": [[label, n], …], "gagal": [[desa, "RT/RW", nama,
nik, alasan, catatan], …], "progres": [["dd-mm HH:00", cumulative], …]}``.
"""

from __future__ import annotations

from reportlab.graphics.charts.lineplots import LinePlot
from reportlab.graphics.shapes import Drawing, String
from reportlab.lib import colors
from reportlab.lib.units import mm
from reportlab.platypus import Flowable, KeepTogether, Spacer

from dtks_desktop.documents.engine import DocContext, esc, paragraph, signatures, signer_signatory, title_block
from dtks_desktop.documents.layout import Column, TableSpec, long_table
from dtks_desktop.domain.formatting import angka

CODE = "laporan_realisasi"
TITLE = "LAPORAN REALISASI PENYALURAN BANTUAN SOSIAL"
ORIENTATION = "portrait"


def _pct(diterima: int, target: int) -> str:
    return f"{angka(100.0 * diterima / target, 1)}%" if target else "-"


def _chart(ctx: DocContext, points: list) -> Flowable | None:
    """Cumulative KPM received per hour (a line), when there are at least two hours of receipts."""
    if len(points) < 2:
        return None
    w, h = ctx.width, 55 * mm
    d = Drawing(w, h)
    lp = LinePlot()
    lp.x, lp.y, lp.width, lp.height = 18 * mm, 10 * mm, w - 24 * mm, h - 16 * mm
    lp.data = [[(i, int(n)) for i, (_, n) in enumerate(points)]]
    lp.lines[0].strokeColor = colors.HexColor("#2e7d32")
    lp.lines[0].strokeWidth = 1.5
    lp.xValueAxis.valueMin, lp.xValueAxis.valueMax = 0, len(points) - 1
    step = max(1, len(points) // 8)
    lp.xValueAxis.valueSteps = list(range(0, len(points), step))
    lp.xValueAxis.labelTextFormat = lambda v: points[int(v)][0] if 0 <= int(v) < len(points) else ""
    lp.xValueAxis.labels.fontSize = 6.5
    lp.yValueAxis.valueMin = 0
    lp.yValueAxis.labels.fontSize = 7
    lp.yValueAxis.labelTextFormat = lambda v: angka(int(v))
    d.add(lp)
    d.add(String(18 * mm, h - 4 * mm, "Jumlah KPM menerima (kumulatif) per jam", fontSize=8))
    return d


def story(ctx: DocContext, data: dict) -> list[Flowable]:
    t = data.get("total") or {}
    sub = f"{data.get('programme', '')} ({data.get('programme_name', '')}) — {data.get('period', '')}"
    out: list[Flowable] = [ctx.kop(), Spacer(1, 4 * mm)]
    out += title_block(TITLE, ctx.nomor, sub)
    out.append(Spacer(1, 4 * mm))
    out.append(paragraph(
        f"Bantuan per KPM: <b>{esc(data.get('benefit', ''))}</b>. Status tahap: {esc(data.get('status', ''))}. "
        f"Keadaan data: {esc(data.get('dihitung', ''))}. Target adalah KPM yang lengkap pada pembersihan data PT Pos; "
        "sisa = target − diterima − gagal salur."))
    out.append(Spacer(1, 3 * mm))
    w = ctx.width
    summary = TableSpec([Column("Uraian", w * 0.55), Column("Jumlah", w * 0.45, "RIGHT")], font_size=10,
                        head_font_size=10, zebra=False)
    out.append(long_table(summary, [
        ["Target (KPM lengkap)", angka(int(t.get("target", 0)))],
        ["Diterima", f"{angka(int(t.get('diterima', 0)))} KPM ({_pct(t.get('diterima', 0), t.get('target', 0))})"],
        ["Gagal salur", angka(int(t.get("gagal", 0)))],
        ["Sisa (belum menerima)", angka(int(t.get("sisa", 0)))],
        ["Nilai tersalur", esc(t.get("nilai_label", ""))],
        ["Nilai target", esc(t.get("nilai_target_label", ""))],
    ]))
    num = 17 * mm
    if data.get("kecamatan"):
        out += [Spacer(1, 5 * mm), paragraph("Rekapitulasi per kecamatan", "heading"), Spacer(1, 2 * mm)]
        spec = TableSpec([Column("No", 9 * mm, "CENTER"), Column("Kecamatan", w - 9 * mm - 4 * num - 32 * mm, wrap=True),
                          Column("Target", num, "RIGHT"), Column("Diterima", num, "RIGHT"),
                          Column("Gagal", num, "RIGHT"), Column("Sisa", num, "RIGHT"),
                          Column("Nilai", 32 * mm, "RIGHT", wrap=True)], font_size=8.5)
        rows = [[str(i), k, angka(int(a)), angka(int(b)), angka(int(c)), angka(int(e)), v]
                for i, (k, a, b, c, e, v) in enumerate(data["kecamatan"], 1)]
        rows.append(["", "JUMLAH", angka(int(t.get("target", 0))), angka(int(t.get("diterima", 0))),
                     angka(int(t.get("gagal", 0))), angka(int(t.get("sisa", 0))), t.get("nilai_label", "")])
        out.append(long_table(spec, rows))
    chart = _chart(ctx, data.get("progres") or [])
    if chart is not None:
        out += [Spacer(1, 5 * mm), KeepTogether([paragraph("Perkembangan penerimaan", "heading"), Spacer(1, 2 * mm),
                                                 chart])]
    if data.get("desa"):
        out += [Spacer(1, 5 * mm), paragraph("Rincian per desa/kelurahan", "heading"), Spacer(1, 2 * mm)]
        rest = w - 9 * mm - 4 * num - 30 * mm
        spec = TableSpec([Column("No", 9 * mm, "CENTER"), Column("Kecamatan", rest * 0.45, wrap=True),
                          Column("Desa/Kelurahan", rest * 0.55, wrap=True), Column("Target", num, "RIGHT"),
                          Column("Diterima", num, "RIGHT"), Column("Gagal", num, "RIGHT"),
                          Column("Sisa", num, "RIGHT"), Column("Nilai", 30 * mm, "RIGHT", wrap=True)], font_size=8)
        rows = [[str(i), k, d, angka(int(a)), angka(int(b)), angka(int(c)), angka(int(e)), v]
                for i, (k, d, a, b, c, e, v) in enumerate(data["desa"], 1)]
        rows.append(["", "JUMLAH", "", angka(int(t.get("target", 0))), angka(int(t.get("diterima", 0))),
                     angka(int(t.get("gagal", 0))), angka(int(t.get("sisa", 0))), t.get("nilai_label", "")])
        out.append(long_table(spec, rows))
    if data.get("alasan"):
        out += [Spacer(1, 5 * mm), paragraph("Alasan gagal salur", "heading"), Spacer(1, 2 * mm)]
        spec = TableSpec([Column("Alasan", w * 0.6), Column("KPM", w * 0.2, "RIGHT")], font_size=9)
        out.append(long_table(spec, [[a, angka(int(n))] for a, n in data["alasan"]]))
    if data.get("gagal"):
        out += [Spacer(1, 5 * mm), paragraph("Daftar KPM gagal salur (NIK disamarkan)", "heading"), Spacer(1, 2 * mm)]
        spec = TableSpec([Column("No", 9 * mm, "CENTER"), Column("Desa/Kel.", 30 * mm, wrap=True),
                          Column("RT/RW", 16 * mm, "CENTER"), Column("Nama", w - 9 * mm - 30 * mm - 16 * mm - 36 * mm - 55 * mm,
                                                                     wrap=True),
                          Column("NIK", 36 * mm), Column("Alasan / catatan", 55 * mm, wrap=True)], font_size=8)
        out.append(long_table(spec, [[str(i), d, rtrw, n, nik, a + (f" — {c}" if c else "")]
                                     for i, (d, rtrw, n, nik, a, c) in enumerate(data["gagal"], 1)]))
    out += [Spacer(1, 8 * mm),
            KeepTogether([signatures(ctx, [signer_signatory(ctx.signer, esc(ctx.place_date()))])])]
    return out
