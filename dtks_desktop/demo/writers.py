"""Writing the demo dataset to files: the Dukcapil extract (CSV), the SIKS-NG export (CSV and
Excel, with the damage a spreadsheet does), the programme lists, the ground truth and a README.

:func:`write_files` writes a :class:`~dtks_desktop.demo.generator.DemoDataset` that
:func:`~dtks_desktop.demo.generator.generate` made; :func:`generate_files` does both. The
generator re-exports these three names, so ``demo.write_files`` keeps working.
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import asdict
from datetime import date, datetime
from operator import attrgetter, itemgetter
from pathlib import Path

import numpy as np

from dtks_desktop.demo.generator import (CORRUPTIONS, PERIOD, PROGRAMME_CORRUPTIONS, REFERENCE_DATE, STAT_HBKEL,
                                         _REF, CancelFn, DemoConfig, DemoDataset, ProgrammeRow,
                                         ProgressFn, _check, _csv_field, _gc_paused, _num_text, generate, log)

XLSX_MAX_ROWS = 1_048_576  # rows of an Excel sheet; a larger export is written as CSV only


_DUKCAPIL_HEADER = ("NIK", "NO_KK", "NAMA_LGKP", "TMPT_LHR", "TGL_LHR", "JENIS_KLMIN", "NAMA_LGKP_IBU",
                    "STAT_HBKEL", "ALAMAT", "NO_RT", "NO_RW", "DUSUN", "KEL_NAME", "KEC_NAME", "KAB_NAME",
                    "PROP_NAME", "NO_KEL", "NO_KEC", "TGL_MATI")
_GT_HEADER = ("file_row", "csv_line", "id_dtks", "nik_in_file", "nik_in_csv", "true_nik", "kk_in_file",
              "kk_in_csv", "true_no_kk", "current_no_kk", "corruptions", "duplicate_of", "expect",
              "reject_reason", "person_status", "in_dukcapil", "true_name", "true_birth_date", "true_sex",
              "true_desa_code", "current_desa_code")
_GTP_HEADER = ("program", "line", "nik_in_file", "true_nik", "kk_in_file", "true_no_kk", "id_dtks",
               "in_registry", "corruptions")


def file_names(kab_code: str, programmes: Sequence[str]) -> dict[str, str]:
    k = kab_code.replace(".", "")
    out = {
        "dukcapil": f"dukcapil_{k}.csv",
        "dtks_xlsx": f"dtks_siksng_{k}.xlsx",
        "dtks_csv": f"dtks_siksng_{k}.csv",
    }
    for p in programmes:
        out[f"program_{p}"] = f"program_{p}.csv"
    out.update({
        "ground_truth": "ground_truth.csv",
        "ground_truth_programmes": "ground_truth_programmes.csv",
        "ground_truth_dukcapil": "ground_truth_dukcapil.csv",
        "ground_truth_meta": "ground_truth_meta.json",
        "readme": "README.txt",
    })
    return out


class _Writer:
    def __init__(self, total: int, progress: ProgressFn | None, cancel: CancelFn | None) -> None:
        self.total = max(1, total)
        self.done = 0
        self.progress = progress
        self.cancel = cancel

    def step(self, n: int) -> None:
        self.done += n
        _check(self.cancel)
        if self.progress is not None:
            self.progress(min(self.done, self.total), self.total)


def write_files(dataset: DemoDataset, outdir: Path | str, *, xlsx: bool = True, csv: bool = True,
                progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> dict[str, Path]:
    """Write the demo files into ``outdir``. Returns key -> path of each file written.

    Files are written under temporary names and renamed only when all are complete, so a
    cancelled or failed run leaves nothing behind. The xlsx is skipped (with a note in
    README.txt and ground_truth_meta.json) when the export has more rows than a sheet holds.
    """
    with _gc_paused():
        return _write_files(dataset, Path(outdir), xlsx, csv, progress, cancel)


def _write_files(dataset: DemoDataset, outdir: Path, xlsx: bool, csv: bool,
                 progress: ProgressFn | None, cancel: CancelFn | None) -> dict[str, Path]:
    created = not outdir.exists()
    outdir.mkdir(parents=True, exist_ok=True)
    names = file_names(dataset.kab_code, list(dataset.programme_rows))
    layout = dataset.layout
    xlsx_skipped = None
    if xlsx and layout.total_rows > XLSX_MAX_ROWS:
        xlsx_skipped = (f"Berkas xlsx tidak dibuat: {layout.total_rows:,} baris melebihi batas Excel "
                        f"{XLSX_MAX_ROWS:,} baris; gunakan berkas CSV.").replace(",", ".")
        log.warning("demo: %s", xlsx_skipped)
        xlsx = False
    n_rows = len(dataset.registry_rows)
    total = (len(dataset.civil) + n_rows * (int(xlsx) * 3 + int(csv) + 1)
             + sum(len(v) for v in dataset.programme_rows.values()))
    w = _Writer(total, progress, cancel)
    temps: list[tuple[Path, Path]] = []
    result: dict[str, Path] = {}

    def tmp_for(key: str) -> Path:
        final = outdir / names[key]
        tmp = outdir / f".{names[key]}.{os.getpid()}.part"
        temps.append((tmp, final))
        result[key] = final
        return tmp

    try:
        _check(cancel)
        _write_dukcapil(dataset, tmp_for("dukcapil"), w)
        if xlsx:
            _write_export_xlsx(dataset, tmp_for("dtks_xlsx"), w)
        if csv:
            _write_export_csv(dataset, tmp_for("dtks_csv"), w)
        for p, rows in dataset.programme_rows.items():
            _write_programme(rows, tmp_for(f"program_{p}"), w)
        _write_ground_truth(dataset, tmp_for("ground_truth"), w)
        _write_gt_programmes(dataset, tmp_for("ground_truth_programmes"))
        _write_gt_dukcapil(dataset, tmp_for("ground_truth_dukcapil"))
        _write_meta(dataset, tmp_for("ground_truth_meta"), xlsx_skipped, names)
        _write_readme(dataset, tmp_for("readme"), xlsx_skipped, names, xlsx, csv)
        _check(cancel)
        for tmp, final in temps:
            os.replace(tmp, final)
    except BaseException:
        for tmp, _ in temps:
            try:
                tmp.unlink()
            except FileNotFoundError:
                pass
        if created:
            try:
                outdir.rmdir()
            except OSError:
                pass
        raise
    if progress is not None:
        progress(w.total, w.total)
    return result


def generate_files(outdir: Path | str, config: DemoConfig, *, xlsx: bool = True, csv: bool = True,
                   progress: ProgressFn | None = None, cancel: CancelFn | None = None) -> dict[str, Path]:
    """generate() then write_files(); progress runs 0..1000 over both."""
    def part(base: int) -> ProgressFn | None:
        if progress is None:
            return None

        def f(done: int, total: int) -> None:
            progress(base + (500 * done) // max(1, total), 1000)
        return f

    ds = generate(config, progress=part(0), cancel=cancel)
    return write_files(ds, outdir, xlsx=xlsx, csv=csv, progress=part(500), cancel=cancel)


def _write_dukcapil(ds: DemoDataset, path: Path, w: _Writer) -> None:
    b = ds._built
    pop, region = b.pop, b.region
    kab_name = region.kab_short.upper() if not region.is_kota else f"KOTA {region.kab_short.upper()}"
    prop = region.prov_name.upper()
    # per desa: "KEL_NAME,KEC_NAME,KAB_NAME,PROP_NAME,NO_KEL,NO_KEC"
    desa_tail = []
    for d in region.desas:
        desa_tail.append(",".join((_csv_field(d.name.upper()), _csv_field(region.kec_names[d.kec].upper()),
                                   _csv_field(kab_name), _csv_field(prop), d.code, region.kec_codes[d.kec])))
    u_desa, u_alamat, u_dusun, u_rt, u_rw = pop.u_desa, pop.u_alamat, pop.u_dusun, pop.u_rt, pop.u_rw
    sex_txt = ("LAKI-LAKI", "PEREMPUAN")
    names, mothers, bds, sexes = pop.p_name, pop.p_mother, pop.p_bd, pop.p_sex
    places = [_csv_field(x) for x in pop.places]
    place_idx = pop.p_place
    order = b.civil_order
    c_unit, c_hub, nik, kk = b.c_unit, b.c_hub, b.nik, b.kk
    # dates as strings, indexed by ordinal - lo
    bd_np = np.frombuffer(bds, dtype=np.int32)
    lo = int(bd_np.min()) if len(bd_np) else _REF
    dates = [f"{d.day:02d}-{d.month:02d}-{d.year:04d}" for d in map(date.fromordinal, range(lo, _REF + 1))]
    mati = {p: dates[int(b.death[p]) - lo] for p in np.nonzero(b.mati)[0].tolist()}
    hub_txt = STAT_HBKEL

    n_units = len(u_desa)
    tails: list[str | None] = [None] * n_units

    def tail_of(u: int) -> str:
        t = tails[u]
        if t is None:
            t = tails[u] = (f"{_csv_field(u_alamat[u])},{u_rt[u]:03d},{u_rw[u]:03d},"
                            f"{_csv_field(u_dusun[u])},{desa_tail[u_desa[u]]}")
        return t

    bd_all = np.frombuffer(bds, dtype=np.int32)
    sex_all = np.frombuffer(sexes, dtype=np.int8)
    with open(path, "w", encoding="utf-8", newline="") as fh:
        fh.write(",".join(_DUKCAPIL_HEADER) + "\n")
        chunk = 100_000
        for s in range(0, len(order), chunk):
            sel = order[s:s + chunk]
            ps = sel.tolist()
            us = c_unit[sel].tolist()
            get_p = itemgetter(*ps) if len(ps) > 1 else (lambda seq, _p=ps[0]: (seq[_p],))
            cols = (
                map(str, nik[sel].tolist()),
                map(str, kk[c_unit[sel]].tolist()),
                get_p(names),
                itemgetter(*place_idx[sel].tolist())(places) if len(ps) > 1 else (places[place_idx[ps[0]]],),
                [dates[x] for x in (bd_all[sel] - lo).tolist()],
                [sex_txt[x] for x in sex_all[sel].tolist()],
                get_p(mothers),
                [hub_txt[x] for x in c_hub[sel].tolist()],
                [tails[u] or tail_of(u) for u in us],
                [mati.get(p, "") for p in ps] if mati else [""] * len(ps),
            )
            fh.write("\n".join(map(",".join, zip(*cols))))
            fh.write("\n")
            w.step(len(ps))


def _export_cells(ds: DemoDataset) -> Iterator[tuple[str, object]]:
    """(kind, payload) for each spreadsheet row in order: title, blank, header, data."""
    layout = ds.layout
    for t in layout.title_rows:
        yield "title", t
    if layout.blank_after_title:
        yield "blank", None
    yield "header", layout.headers
    blanks = iter(layout.blank_rows)
    nb = next(blanks, None)
    line = layout.header_row
    for row in ds.registry_rows:
        line += 1
        while nb is not None and nb == line:
            yield "blank", None
            nb = next(blanks, None)
            line += 1
        yield "data", row
    while nb is not None:
        yield "blank", None
        nb = next(blanks, None)


def _write_export_csv(ds: DemoDataset, path: Path, w: _Writer) -> None:
    layout = ds.layout
    cols = layout.columns
    ncol = len(cols)
    dc = layout.decimal_comma
    getter = attrgetter(*cols)
    big = [j for j, c in enumerate(cols) if c in ("nik", "no_kk")]
    empty_row = [""] * ncol
    with open(path, "w", encoding="utf-8-sig" if layout.bom else "utf-8", newline="") as fh:
        wr = csv.writer(fh, delimiter=layout.delimiter, lineterminator="\r\n")
        writerow = wr.writerow
        count = 0
        for kind, payload in _export_cells(ds):
            if kind == "data":
                vals = getter(payload)
                for j in big:
                    v = vals[j]
                    if not isinstance(v, str):
                        vals = list(vals)
                        vals[j] = _num_text(v, payload.csv_num_style, dc)
                writerow(vals)
                count += 1
                if count % 50_000 == 0:
                    w.step(50_000)
            elif kind == "header":
                writerow(payload)
            elif kind == "title":
                writerow([payload] + empty_row[1:])
            elif layout.blank_style == "empty":
                fh.write("\r\n")
            else:
                writerow(empty_row)
        w.step(count % 50_000)


def _write_export_xlsx(ds: DemoDataset, path: Path, w: _Writer) -> None:
    import xlsxwriter

    layout = ds.layout
    cols = layout.columns
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True, "strings_to_numbers": False,
                                         "strings_to_formulas": False, "strings_to_urls": False})
    try:
        # A fixed creation date keeps the file byte-identical for a seed.
        wb.set_properties({"title": "DATA TERPADU KESEJAHTERAAN SOSIAL", "author": "SIKS-NG",
                           "created": datetime(REFERENCE_DATE.year, REFERENCE_DATE.month, REFERENCE_DATE.day)})
        ws = wb.add_worksheet(layout.sheet_name)
        bold = wb.add_format({"bold": True})
        widths = {"nik": 20, "no_kk": 20, "nama": 28, "nama_ibu": 24, "alamat": 24, "id_dtks": 16,
                  "desa": 18, "kecamatan": 18, "tanggal_lahir": 14, "hubungan": 18}
        for j, c in enumerate(cols):
            ws.set_column(j, j, widths.get(c, 11))
        ws_string, ws_number = ws.write_string, ws.write_number
        r = 0
        count = 0
        for kind, payload in _export_cells(ds):
            if kind == "data":
                row = payload
                for j, c in enumerate(cols):
                    v = row.no if c == "no" else getattr(row, c)
                    if isinstance(v, str):
                        if v:
                            ws_string(r, j, v)
                    else:
                        ws_number(r, j, v)
                count += 1
                if count % 20_000 == 0:
                    w.step(60_000)
            elif kind == "header":
                for j, h in enumerate(payload):
                    ws_string(r, j, h, bold)
            elif kind == "title":
                ws_string(r, 0, payload, bold)
            r += 1
        w.step(3 * (count % 20_000))
    finally:
        wb.close()


def _write_programme(rows: list[ProgrammeRow], path: Path, w: _Writer) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(("NIK", "NO_KK", "NAMA", "PROGRAM", "PERIODE"))
        for r in rows:
            wr.writerow((r.nik, r.no_kk, r.nama, r.program, r.periode))
    w.step(len(rows))


def _write_ground_truth(ds: DemoDataset, path: Path, w: _Writer) -> None:
    dc = ds.layout.decimal_comma
    with open(path, "w", encoding="utf-8", newline="") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(_GT_HEADER)
        batch = []
        append = batch.append
        for row in ds.registry_rows:
            p = row.person
            nik, kk = row.nik, row.no_kk
            nik_s, kk_s = (nik, kk) if isinstance(nik, str) and isinstance(kk, str) else (str(nik), str(kk))
            append((
                row.file_row, row.csv_line, row.id_dtks, nik_s,
                nik if isinstance(nik, str) else row.csv_text("nik", dc),
                row.true_nik or "", kk_s, kk if isinstance(kk, str) else row.csv_text("no_kk", dc),
                row.true_no_kk, p.current_no_kk or "", ";".join(row.corruptions), row.duplicate_of or "",
                row.expect, row.reject_reason or "", p.status, "1" if p.in_dukcapil else "0", p.name,
                p.birth_date.isoformat(), p.sex, p.desa_code, p.current_desa_code or "",
            ))
            if len(batch) >= 50_000:
                wr.writerows(batch)
                w.step(len(batch))
                batch.clear()
        wr.writerows(batch)
        w.step(len(batch))


def _write_gt_programmes(ds: DemoDataset, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(_GTP_HEADER)
        for prog, rows in ds.programme_rows.items():
            for r in rows:
                wr.writerow((prog, r.line, r.nik, r.true_nik or "", r.no_kk, r.true_no_kk, r.id_dtks or "",
                             "1" if r.in_registry else "0", ";".join(r.corruptions)))


def _write_gt_dukcapil(ds: DemoDataset, path: Path) -> None:
    with open(path, "w", encoding="utf-8", newline="") as fh:
        wr = csv.writer(fh, lineterminator="\n")
        wr.writerow(("nik", "line_a", "line_b", "name_a", "name_b", "id_dtks_a"))
        for d in ds.dukcapil_duplicates:
            wr.writerow((d["nik"], d["line_a"], d["line_b"], d["name_a"], d["name_b"], d["id_dtks_a"]))


def _write_meta(ds: DemoDataset, path: Path, xlsx_skipped: str | None, names: dict[str, str]) -> None:
    meta = {
        "generator": "dtks_desktop.demo.generator",
        "config": {**asdict(ds.config), "programmes": list(ds.config.programmes)},
        "reference_date": REFERENCE_DATE.isoformat(),
        "period": PERIOD,
        "kab_code": ds.kab_code, "kab_name": ds.kab_name, "prov_name": ds.prov_name,
        "files": names,
        "xlsx_skipped": xlsx_skipped,
        "export_layout": asdict(ds.layout),
        "rates": {k: round(v, 6) for k, v in ds.rates.items()},
        "summary": ds.summary(),
        "programme_corruptions": ds.programme_corruption_counts(),
        "corruption_codes": {c.code: {"stage": c.stage, "description": c.description}
                             for c in list(CORRUPTIONS.values()) + list(PROGRAMME_CORRUPTIONS.values())},
    }
    path.write_text(json.dumps(meta, indent=2, ensure_ascii=False), encoding="utf-8")


def _write_readme(ds: DemoDataset, path: Path, xlsx_skipped: str | None, names: dict[str, str],
                  xlsx: bool, csv_: bool) -> None:
    s = ds.summary()
    L = ds.layout

    def num(x: int) -> str:
        return f"{x:,}".replace(",", ".")

    lines = [
        "DATA CONTOH (SINTETIS) DTKS DESKTOP",
        "=" * 36,
        "",
        "Semua data di folder ini FIKTIF, dibuat otomatis untuk latihan dan pengujian.",
        "Nama, NIK, Nomor KK dan alamat tidak menunjuk orang yang sebenarnya.",
        "",
        f"Wilayah      : {ds.kab_name} ({ds.kab_code}), {ds.prov_name}",
        f"Seed         : {ds.config.seed}",
        f"Tanggal acuan: {REFERENCE_DATE:%d-%m-%Y}, periode {PERIOD}",
        f"Orang DTKS   : {num(s['registry_people'])} dalam {num(s['registry_families'])} keluarga",
        f"Baris ekspor : {num(s['export_rows'])} (diharapkan diimpor {num(s['expected_import'])}, "
        f"ditolak {num(s['expected_reject'])})",
        f"Data Dukcapil: {num(s['dukcapil_records'])} orang",
        "",
        "BERKAS",
        "------",
        f"{names['dukcapil']}",
        "    Ekstrak data kependudukan (Disdukcapil), CSV UTF-8 dengan koma. Berisi seluruh penduduk",
        "    kabupaten/kota dengan data TERKINI (alamat dan KK baru bagi yang pindah atau pecah KK).",
        "    Kolom: " + ", ".join(_DUKCAPIL_HEADER) + ".",
        "    TGL_MATI terisi bila kematian sudah dicatat. Ada beberapa NIK ganda (dua orang, satu NIK).",
    ]
    if xlsx:
        lines += [f"{names['dtks_xlsx']}",
                  "    Ekspor DTKS dari SIKS-NG (per orang) dalam format Excel."]
    if xlsx_skipped:
        lines += [f"{names['dtks_xlsx']}: TIDAK DIBUAT. {xlsx_skipped}"]
    if csv_:
        sep = "titik koma (;)" if L.delimiter == ";" else "koma (,)"
        lines += [f"{names['dtks_csv']}",
                  f"    Baris yang sama dalam CSV (pemisah {sep}"
                  + (", angka desimal memakai koma" if L.decimal_comma else "") + ")."]
    lines += [
        f"    Kolom: {', '.join(L.headers)}.",
        f"    Baris judul di atas header: {len(L.title_rows)}; header di baris {L.header_row}.",
        "    Data sengaja mengandung kerusakan yang biasa ditemui: NIK/No KK rusak oleh Excel",
        "    (3.31022E+15, digit ke-16 menjadi 0), salah ketik NIK, NIK kosong, NIK orang lain,",
        "    variasi penulisan nama (gelar, ejaan lama, M./Moh./Muh.), format tanggal campur,",
        "    RT/RW tanpa nol di depan, baris ganda, baris kosong, orang yang sudah meninggal atau",
        "    pindah, orang yang tidak ada di Dukcapil, dan beberapa baris yang harus ditolak.",
    ]
    for p in ds.programme_rows:
        lines += [f"{names['program_' + p]}",
                  f"    Daftar penerima program {p} periode {PERIOD}: NIK, NO_KK, NAMA, PROGRAM, PERIODE."]
    lines += [
        "ground_truth.csv, ground_truth_programmes.csv, ground_truth_dukcapil.csv, ground_truth_meta.json",
        "    Kunci jawaban untuk pengujian: nilai yang benar dan jenis kerusakan setiap baris.",
        "    Jangan diimpor ke aplikasi.",
        "",
        "Penjelasan lengkap (bahasa Inggris): docs/demo-data.md di kode sumber DTKS Desktop.",
        "",
    ]
    path.write_text("\r\n".join(lines), encoding="utf-8")
