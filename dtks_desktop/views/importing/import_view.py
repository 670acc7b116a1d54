"""The import page: choose a registry file, check its columns, import it, see what went wrong.

Two tabs:

* **Impor berkas** -- a drop zone with "Pilih berkas…"; then the preview (what the file is,
  which kind of data the app thinks it holds, the column mapping and the first 20 rows as
  they will be read); then, after "Impor", the result (counts, notes and the problem rows).
* **Riwayat impor** -- every import batch; selecting one shows its problem rows and lets the
  clerk save its report again.

Everything that touches a file or many rows runs as a :class:`~dtks_desktop.jobs.Job`:
opening a file for the preview (a 200,000-row workbook takes seconds to open), the import
itself (with the shared progress dialog and "Batal"), writing a report and every page of
the problem table (``list_problems`` sorts a batch's problems, which can be hundreds of
thousands of rows), and so do the small reads (saved presets, the list of batches).

The page is put together from the package's parts: ``common`` (labels, colours, table set-up,
the preview state), ``editor`` (the preview table and the column-mapping editor), ``problems``
(the paged problem list and its panel), ``pages`` (drop zone, result page, history).

The view never builds SQL and never reads a file itself: it calls
``services.importing`` (``preview``, ``run_import``, ``history``, ``list_problems``,
``write_report``, ``list_presets``/``save_preset``) and shows what they return.
"""

from __future__ import annotations

import logging
from pathlib import Path

from PySide6.QtCore import (
    QStandardPaths,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QGroupBox,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QLineEdit,
    QPushButton,
    QSplitter,
    QStackedWidget,
    QStyle,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from dtks_desktop.domain.masking import MaskPolicy
from dtks_desktop.domain.permissions import sees_full_nik
from dtks_desktop.jobs import Job
from dtks_desktop.services.core import settings as settings_service
from dtks_desktop.services.importing import mapping as M
from dtks_desktop.services.importing.mapping import MappingProblem, Preset
from dtks_desktop.services.importing.presets import list_presets, save_preset
from dtks_desktop.services.importing.readers import ImportFileError
from dtks_desktop.services.importing.run import (
    DEFAULT_PRESET,
    KINDS,
    ImportResult,
    Preview,
    preview,
    run_import,
)
from dtks_desktop.views.common.context import AppContext
from dtks_desktop.views.common.latest import LatestJob
from dtks_desktop.views.common.widgets import ask_yes_no, fmt_int, show_error, show_exception, show_message, start_job
from dtks_desktop.views.importing.common import (
    AMBER,
    DELIMITER_LABELS,
    elide_middle,
    ENCODING_LABELS,
    FILE_FILTER,
    GREEN,
    PREVIEW_ROWS,
    PreviewState,
    RED,
    row_height,
    setup_table,
    TABLE_KIND_LABELS,
)
from dtks_desktop.views.importing.pages import DropZone, HistoryPage, ResultPage
from dtks_desktop.views.importing.editor import MappingEditor, PreviewTableModel


log = logging.getLogger(__name__)


def _load_preview(path: Path, kind: str | None, preset: Preset | None,
                  choices: dict[str, int | None]) -> tuple[Preview, Preset, list[MappingProblem]]:
    """Worker: open the file, map the first rows, list the mapping's problems; close the file."""
    pv = preview(path, kind=kind, preset=preset, choices=choices or None, rows=PREVIEW_ROWS)
    pv.table.close()  # the metadata stays; the loaded sheet is freed
    p = preset if preset is not None and preset.name == pv.preset else M.get_preset(pv.preset)
    return pv, p, M.mapping_problems(pv.match, p)


def _import_worker(db, actor, path: Path, rows_total: int, outcome: list, *, progress, cancel,
                   **kwargs) -> ImportResult:
    """Worker: run_import with its progress (percent) turned into rows for the shared dialog.

    ``outcome`` receives the result as soon as run_import returns: a "Batal" pressed after the
    import committed (the Job then reports "cancelled") must not be told as "nothing changed".
    """
    total = max(rows_total, 1)
    name = Path(path).name

    def rows_progress(done: int, of: int, text: str = "") -> None:
        progress(int(done * total / max(of, 1)), total, f"Mengimpor {name}\n{text}" if text else "")

    result = run_import(db, actor, path, progress=rows_progress, cancel=cancel, **kwargs)
    outcome.append(result)
    return result


def _page_info(s) -> tuple:
    """Worker (through ``Database.read``): the office's mask policy and the saved presets."""
    return settings_service.mask_policy(s), list_presets(s)


def _save_preset(s, actor, preset: Preset) -> dict[str, Preset]:
    """Worker (through ``Database.write``): save ``preset``; the presets as they are now."""
    save_preset(s, actor, preset)
    return list_presets(s)


class ImportView(QWidget):
    """The "Impor Data" page. Emits :attr:`imported` with the batch id after a successful import."""

    imported = Signal(int)

    PAGE_EMPTY, PAGE_PREVIEW, PAGE_RESULT = range(3)

    def __init__(self, ctx: AppContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.setAcceptDrops(True)
        self.state: PreviewState | None = None  # the preview on screen
        self.path: Path | None = None  # the file being previewed (or loading)
        self.preview_handle = None
        self.import_handle = None
        self.last_result: ImportResult | None = None
        self._preview_gen = 0
        self._busy_preview = False
        self._busy_import = False
        self._wanted: tuple | None = None  # (kind, preset, choices) of the preview loading now
        self._busy_preset = False
        self._presets: dict[str, Preset] = dict(M.PRESETS)  # the saved ones come in a job
        # Masked with the default policy until the office's is read (in a job, below).
        self._mask: MaskPolicy | None = None if sees_full_nik(ctx.actor) else MaskPolicy()
        self._page_reads = LatestJob(self)  # the office's mask policy and the saved presets
        self._preset_reads = LatestJob(self)  # the saved presets again (a file is opened)
        self.preset_handle = None

        # --- the import tab
        self.drop_zone = DropZone()
        self.drop_zone.choose_button.clicked.connect(self.choose_file)
        self._build_preview_page()
        self.result_page = ResultPage(ctx, self._mask)
        self.result_page.another_requested.connect(self.choose_file)
        self.stack = QStackedWidget()
        self.stack.addWidget(self.drop_zone)
        self.stack.addWidget(self.preview_page)
        self.stack.addWidget(self.result_page)

        import_tab = QWidget()
        il = QVBoxLayout(import_tab)
        il.setContentsMargins(8, 8, 8, 8)
        il.addWidget(self.stack, 1)

        # --- the history tab
        self.history_page = HistoryPage(ctx, self._mask)
        history_tab = QWidget()
        hl = QVBoxLayout(history_tab)
        hl.setContentsMargins(8, 8, 8, 8)
        hl.addWidget(self.history_page)

        self.tabs = QTabWidget()
        self.tabs.setObjectName("importTabs")
        self.tabs.addTab(import_tab, "Impor berkas")
        self.tabs.addTab(history_tab, "Riwayat impor")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.tabs)

        self._update_import_button()
        self._page_reads.start(ctx.db.read, _page_info, on_done=self._page_info_loaded,
                               on_error=lambda exc: log.warning("Reading the import page's settings failed: %s", exc))
        self.history_page.reload()

    def _page_info_loaded(self, info: tuple) -> None:
        policy, presets = info
        self._presets = presets
        if self._mask is not None and policy != self._mask:
            self._mask = policy
            for model in (self.result_page.problems.model, self.history_page.problems.model, self.preview_model):
                model.set_mask(policy)
        if self.state is not None and not self._busy_preview:
            self._show_state()

    def reads_busy(self) -> bool:
        """A read of the page (settings, presets, history) has not answered yet."""
        return self._page_reads.is_busy() or self._preset_reads.is_busy() or self.history_page.reads.is_busy()

    # ------------------------------------------------------------------ building
    def _build_preview_page(self) -> None:
        self.preview_page = QWidget()
        self.file_label = QLabel()
        self.file_label.setObjectName("fileLabel")
        ff = self.file_label.font()
        ff.setBold(True)
        ff.setPointSizeF(ff.pointSizeF() * 1.15)
        self.file_label.setFont(ff)
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.info_label = QLabel()
        self.info_label.setObjectName("fileInfo")
        self.info_label.setWordWrap(True)
        self.info_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.change_file_button = QPushButton("Pilih berkas lain…")
        self.change_file_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_DialogOpenButton))
        self.change_file_button.clicked.connect(self.choose_file)
        head = QHBoxLayout()
        head.setContentsMargins(0, 0, 0, 0)
        head_text = QVBoxLayout()
        head_text.setSpacing(2)
        head_text.addWidget(self.file_label)
        head_text.addWidget(self.info_label)
        head.addLayout(head_text, 1)
        head.addWidget(self.change_file_button, 0, Qt.AlignmentFlag.AlignTop)

        # kind, preset, programme
        self.kind_combo = QComboBox()
        self.kind_combo.setObjectName("kindCombo")
        for k, label in KINDS.items():
            self.kind_combo.addItem(label, k)
        self.preset_combo = QComboBox()
        self.preset_combo.setObjectName("presetCombo")
        self.preset_combo.setMinimumContentsLength(30)
        self.preset_combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.program_label = QLabel("Program:")
        self.program_edit = QLineEdit()
        self.program_edit.setObjectName("programEdit")
        self.program_edit.setMaximumWidth(150)
        self.periode_label = QLabel("Periode:")
        self.periode_edit = QLineEdit()
        self.periode_edit.setObjectName("periodeEdit")
        self.periode_edit.setMaximumWidth(130)
        settings_row = QHBoxLayout()
        settings_row.setContentsMargins(0, 0, 0, 0)
        settings_row.addWidget(QLabel("Jenis data:"))
        settings_row.addWidget(self.kind_combo)
        settings_row.addSpacing(10)
        settings_row.addWidget(QLabel("Susunan kolom:"))
        settings_row.addWidget(self.preset_combo)
        settings_row.addSpacing(10)
        settings_row.addWidget(self.program_label)
        settings_row.addWidget(self.program_edit)
        settings_row.addWidget(self.periode_label)
        settings_row.addWidget(self.periode_edit)
        settings_row.addStretch(1)
        self.guess_label = QLabel()
        self.guess_label.setObjectName("guessLabel")
        self.guess_label.setWordWrap(True)

        self.problem_label = QLabel()
        self.problem_label.setObjectName("mappingProblems")
        self.problem_label.setWordWrap(True)
        self.problem_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        # mapping editor | preview rows
        self.mapping = MappingEditor()
        self.mapping.choiceChanged.connect(self._on_choice)
        self.save_preset_button = QPushButton("Simpan sebagai preset…")
        self.save_preset_button.setObjectName("savePresetButton")
        self.save_preset_button.setToolTip("Simpan pilihan kolom ini agar berkas serupa langsung terbaca lain kali")
        self.save_preset_button.clicked.connect(self.save_as_preset)
        map_box = QGroupBox("Pengaturan kolom")
        mb = QVBoxLayout(map_box)
        mb.setContentsMargins(6, 6, 6, 6)
        mb.addWidget(self.mapping, 1)
        mb.addWidget(self.save_preset_button, 0, Qt.AlignmentFlag.AlignLeft)

        self.preview_model = PreviewTableModel(self)
        self.preview_table = QTableView()
        self.preview_table.setObjectName("previewTable")
        self.preview_table.setModel(self.preview_model)
        setup_table(self.preview_table, row_height(self))
        self.preview_table.horizontalHeader().setDefaultSectionSize(120)
        rows_box = QGroupBox(f"Contoh {PREVIEW_ROWS} baris pertama, seperti yang akan dibaca")
        rb = QVBoxLayout(rows_box)
        rb.setContentsMargins(6, 6, 6, 6)
        rb.addWidget(self.preview_table)

        self.preview_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.preview_splitter.addWidget(map_box)
        self.preview_splitter.addWidget(rows_box)
        self.preview_splitter.setStretchFactor(0, 0)
        self.preview_splitter.setStretchFactor(1, 1)
        self.preview_splitter.setCollapsible(0, False)
        self.preview_splitter.setCollapsible(1, False)
        self.preview_splitter.setSizes([400, 700])

        self.block_label = QLabel()
        self.block_label.setObjectName("blockLabel")
        self.block_label.setWordWrap(True)
        self.block_label.setStyleSheet(f"color: {RED};")
        self.import_button = QPushButton("Impor")
        self.import_button.setObjectName("importButton")
        self.import_button.setMinimumWidth(140)
        bf = self.import_button.font()
        bf.setBold(True)
        self.import_button.setFont(bf)
        self.import_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton))
        self.import_button.clicked.connect(self.start_import)
        bottom = QHBoxLayout()
        bottom.setContentsMargins(0, 0, 0, 0)
        bottom.addWidget(self.block_label, 1)
        bottom.addWidget(self.import_button)

        layout = QVBoxLayout(self.preview_page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(head)
        layout.addLayout(settings_row)
        layout.addWidget(self.guess_label)
        layout.addWidget(self.problem_label)
        layout.addWidget(self.preview_splitter, 1)
        layout.addLayout(bottom)

        self.kind_combo.currentIndexChanged.connect(self._on_kind)
        self.preset_combo.currentIndexChanged.connect(self._on_preset)
        self.program_edit.textChanged.connect(lambda _t: self._update_import_button())
        self.periode_edit.textChanged.connect(lambda _t: self._update_import_button())

    def _load_presets(self) -> None:
        """Read the saved presets again in a job (another PC of the office may have saved one)."""

        def loaded(presets: dict[str, Preset]) -> None:
            self._presets = presets
            if self.state is not None and not self._busy_preview:
                self._show_state()  # the preset combo offers them

        self._preset_reads.start(self.ctx.db.read, list_presets, on_done=loaded,
                                 on_error=lambda exc: log.warning("Loading the saved presets failed: %s", exc))

    # ------------------------------------------------------------------ choosing a file
    def choose_file(self) -> None:
        """"Pilih berkas…": ask for a file, then preview it."""
        start = str(self.path.parent) if self.path else QStandardPaths.writableLocation(
            QStandardPaths.StandardLocation.DocumentsLocation)
        path, _filter = QFileDialog.getOpenFileName(self, "Pilih berkas untuk diimpor", start, FILE_FILTER)
        if path:
            self.open_file(path)

    def open_file(self, path: str | Path) -> None:
        """Preview ``path``: the app guesses its kind and column preset (the clerk can change them)."""
        self.tabs.setCurrentIndex(0)
        self.path = Path(path)
        self._load_presets()  # another PC of the office may have saved one meanwhile
        self._request_preview(None, None, {}, chosen_by_user=False)

    def dragEnterEvent(self, event) -> None:  # noqa: N802 - Qt API
        if self._busy_import or self._busy_preview:
            event.ignore()
            return
        urls = event.mimeData().urls() if event.mimeData().hasUrls() else []
        if any(u.isLocalFile() for u in urls):
            event.acceptProposedAction()
            self.drop_zone.set_active(True)
        else:
            event.ignore()

    def dragLeaveEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.drop_zone.set_active(False)
        super().dragLeaveEvent(event)

    def dropEvent(self, event) -> None:  # noqa: N802 - Qt API
        self.drop_zone.set_active(False)
        files = [u.toLocalFile() for u in event.mimeData().urls() if u.isLocalFile()]
        if not files:
            event.ignore()
            return
        event.acceptProposedAction()
        if len(files) > 1:
            show_error(self, "Seret satu berkas saja.", "Berkas diimpor satu per satu; mulai dengan berkas pertama.",
                       title="Terlalu banyak berkas")
            return
        self.open_file(files[0])

    # ------------------------------------------------------------------ preview
    @property
    def busy(self) -> bool:
        return self._busy_preview or self._busy_import or self._busy_preset

    def _request_preview(self, kind: str | None, preset: Preset | None, choices: dict[str, int | None], *,
                         chosen_by_user: bool) -> None:
        if self.path is None:
            return
        self._preview_gen += 1
        gen = self._preview_gen
        self._busy_preview = True
        self._wanted = (kind, preset, dict(choices))
        self._update_import_button()
        path = self.path
        job = Job(_load_preview, path, kind, preset, dict(choices), with_progress=False)
        self.preview_handle = start_job(
            self, job, f"Membaca berkas {path.name}",
            lambda res: self._preview_done(gen, path, res, dict(choices), chosen_by_user),
            on_error=lambda exc: self._preview_failed(gen, path, exc),
            on_cancel=lambda: self._preview_cancelled(gen),
            show_after_ms=250,
        )

    def _preview_done(self, gen: int, path: Path, res: tuple, choices: dict, chosen_by_user: bool) -> None:
        if gen != self._preview_gen:
            return
        self._busy_preview = False
        pv, preset, problems = res
        self.state = PreviewState(path, pv, preset, problems, choices, chosen_by_user)
        self._show_state()
        self.stack.setCurrentIndex(self.PAGE_PREVIEW)

    def _preview_failed(self, gen: int, path: Path, exc: BaseException) -> None:
        if gen != self._preview_gen:
            return
        self._busy_preview = False
        message = getattr(exc, "message", None)
        if self.state is not None and self.state.path == path:
            # A changed kind/preset/column could not be read: keep the last good preview.
            self._show_state()
        else:
            self.state = None
            self.stack.setCurrentIndex(self.PAGE_EMPTY)
            self.drop_zone.error.setText(message or "Berkas tidak dapat dibaca.")
            self.drop_zone.error.show()
        if isinstance(exc, ImportFileError):
            show_error(self, exc.message, "Pilih berkas lain, atau perbaiki berkas ini lalu pilih lagi.",
                       title="Berkas tidak dapat dibaca")
        else:
            show_exception(self, exc, "Berkas tidak dapat dibaca")

    def _preview_cancelled(self, gen: int) -> None:
        if gen != self._preview_gen:
            return
        self._busy_preview = False
        # The page on screen never changed while the file was loading: keep it as it is.
        if self.state is not None:
            self.path = self.state.path  # a cancelled new file must not replace the one on screen
            self._show_state()
        self._update_import_button()

    def _show_state(self) -> None:
        st = self.state
        if st is None:
            return
        self.drop_zone.error.hide()
        pv, match, table = st.preview, st.match, st.preview.table
        self.file_label.setText(elide_middle(st.path.name, 90))
        self.file_label.setToolTip(str(st.path))
        parts = [TABLE_KIND_LABELS.get(table.kind, table.kind)]
        if table.sheet_name:
            sheet = f"lembar “{table.sheet_name}”"
            if len(table.sheet_names) > 1:
                sheet += f" (dari {len(table.sheet_names)} lembar)"
            parts.append(sheet)
        if table.kind == "csv":
            parts.append(f"pengodean {ENCODING_LABELS.get(table.encoding or '', table.encoding or '-')}")
            parts.append("pemisah " + DELIMITER_LABELS.get(table.delimiter, "tidak ada (satu kolom)")
                         if table.delimiter is not None else "satu kolom (tanpa pemisah)")
        if len(match.header_rows) > 1:
            parts.append(f"judul kolom di baris {match.header_rows[0]}–{match.header_rows[-1]}")
        else:
            parts.append(f"judul kolom di baris {match.header_row}")
        parts.append(f"± {fmt_int(st.data_rows_estimate)} baris data")
        self.info_label.setText(" · ".join(parts))

        # kind and preset combos (no signals: these show the state, they do not change it)
        for combo in (self.kind_combo, self.preset_combo):
            combo.blockSignals(True)
        self.kind_combo.setCurrentIndex(max(self.kind_combo.findData(st.kind), 0))
        self.preset_combo.clear()
        for name, p in self._presets.items():
            if p.kind == st.kind:
                self.preset_combo.addItem(p.label, name)
                self.preset_combo.setItemData(self.preset_combo.count() - 1,
                                              p.label if name in M.PRESETS else f"Disimpan: {name}",
                                              Qt.ItemDataRole.ToolTipRole)
        if self.preset_combo.findData(st.preset.name) < 0:
            self.preset_combo.addItem(st.preset.label, st.preset.name)
        self.preset_combo.setCurrentIndex(self.preset_combo.findData(st.preset.name))
        for combo in (self.kind_combo, self.preset_combo):
            combo.blockSignals(False)

        if st.chosen_by_user:
            self.guess_label.setText("Jenis data dan susunan kolom dipilih sendiri.")
            self.guess_label.setStyleSheet("color: #555;")
        elif pv.score >= 0.8:
            self.guess_label.setText(f"Jenis data dikenali dari judul kolomnya (keyakinan {round(pv.score * 100)}%). "
                                     "Bila keliru, ganti pilihan di atas.")
            self.guess_label.setStyleSheet("color: #555;")
        else:
            self.guess_label.setText(f"Jenis data ini hanya tebakan (keyakinan {round(pv.score * 100)}%): periksa "
                                     "Jenis data dan Susunan kolom di atas sebelum mengimpor.")
            self.guess_label.setStyleSheet(f"color: {AMBER}; font-weight: bold;")

        # programme fields
        is_program = st.kind == "program"
        for w in (self.program_label, self.program_edit, self.periode_label, self.periode_edit):
            w.setVisible(is_program)
        if is_program:
            self._setup_programme_edit(self.program_edit, self.program_label, M.PROGRAM, "Program", "mis. PKH")
            self._setup_programme_edit(self.periode_edit, self.periode_label, M.PERIODE, "Periode", "mis. 2026-10")

        # problems, mapping editor, rows
        if st.problems:
            self.problem_label.setText("Kolom belum sesuai; perbaiki di Pengaturan kolom (yang bertanda merah):\n"
                                       + "\n".join(f"• {p.message}" for p in st.problems))
            self.problem_label.setStyleSheet(f"color: {RED};")
        else:
            self.problem_label.setText("Semua kolom wajib ditemukan. Periksa contoh baris di kanan, lalu tekan Impor.")
            self.problem_label.setStyleSheet(f"color: {GREEN};")
        self.mapping.set_mapping(st.preset, match, st.problems)
        self.preview_model.set_preview(match, pv.rows, self._mask)
        fm = self.preview_table.fontMetrics()
        wide = {M.NIK: "3310011712840001", M.NO_KK: "3310011712840001", M.ID_DTKS: "3310550807822X",
                M.NAMA: "MUHAMMAD ATHALLAH PUTRA", M.NAMA_IBU: "SITI AMINAH RAHAYU", M.ALAMAT: "DK. KRAJAN RT 01"}
        self.preview_table.setColumnWidth(0, 52)
        for i, f in enumerate(self.preview_model.fields, start=1):
            sample = wide.get(f)
            self.preview_table.setColumnWidth(i, fm.horizontalAdvance(sample) + 18 if sample else 110)
        self._update_import_button()

    def _setup_programme_edit(self, edit: QLineEdit, label: QLabel, fld: str, name: str, example: str) -> None:
        st = self.state
        in_file = st is not None and fld in st.match.columns
        if in_file:
            label.setText(f"{name}:")
            edit.setPlaceholderText("dari berkas")
            edit.setToolTip(f"Diambil dari kolom {st.match.column_label(st.match.columns[fld])}; isi di sini hanya "
                            "untuk baris yang kolomnya kosong.")
        else:
            label.setText(f"{name} *:")
            edit.setPlaceholderText(example)
            edit.setToolTip(f"Berkas ini tidak punya kolom {name}: isi {name.lower()} untuk semua baris ({example}).")

    def _missing_programme_fields(self) -> list[str]:
        st = self.state
        if st is None or st.kind != "program":
            return []
        out = []
        if M.PROGRAM not in st.match.columns and not self.program_edit.text().strip():
            out.append("Program")
        if M.PERIODE not in st.match.columns and not self.periode_edit.text().strip():
            out.append("Periode")
        return out

    def import_blockers(self) -> list[str]:
        """Why "Impor" is disabled now (empty when it can run)."""
        if self._busy_import:
            return ["Impor sedang berjalan."]
        if self._busy_preview:
            return ["Berkas sedang dibaca…"]
        st = self.state
        if st is None:
            return ["Pilih berkas terlebih dahulu."]
        out = []
        if st.problems:
            out.append("Perbaiki pengaturan kolom yang bertanda merah.")
        missing = self._missing_programme_fields()
        if missing:
            what = " dan ".join(missing)
            out.append(f"Berkas ini tidak punya kolom {what}: isi {what} di atas.")
        return out

    def _update_import_button(self) -> None:
        blockers = self.import_blockers()
        self.import_button.setEnabled(not blockers)
        self.save_preset_button.setEnabled(self.state is not None and not self.busy)
        self.block_label.setText(" ".join(blockers) if self.state is not None and not self.busy else "")
        self.import_button.setToolTip("\n".join(blockers) or "Impor berkas ini ke basis data")

    def _on_kind(self, _index: int) -> None:
        kind = self.kind_combo.currentData()
        st = self.state
        if st is None or kind is None or kind == st.kind:
            return
        preset = self._presets.get(DEFAULT_PRESET[kind]) or M.get_preset(DEFAULT_PRESET[kind])
        self._request_preview(kind, preset, {}, chosen_by_user=True)

    def _on_preset(self, _index: int) -> None:
        name = self.preset_combo.currentData()
        st = self.state
        if st is None or name is None or name == st.preset.name or name not in self._presets:
            return
        self._request_preview(st.kind, self._presets[name], {}, chosen_by_user=True)

    def _on_choice(self, fld: str, column: int | None) -> None:
        st = self.state
        if st is None:
            return
        # While a preview is loading, build on what was asked for last, not on the screen.
        kind, preset, choices = self._wanted if self._busy_preview and self._wanted else (
            st.kind, st.preset, st.choices)
        choices = dict(choices)
        choices[fld] = column
        self._request_preview(kind, preset, choices, chosen_by_user=st.chosen_by_user)

    def choose_column(self, fld: str, column: int | None) -> None:
        """Pick the column of ``fld`` in the mapping editor (what choosing in its combo does)."""
        combo = self.mapping.combo(fld)
        if combo is None:
            raise KeyError(fld)
        combo.setCurrentIndex(combo.findData(column))

    def save_as_preset(self) -> None:
        """Save the current mapping as a named preset (for files of the same layout)."""
        st = self.state
        if st is None:
            return
        name, ok = QInputDialog.getText(
            self, "Simpan sebagai preset",
            "Nama untuk susunan kolom ini (mis. “Ekspor Desa Karanganom”).\n"
            "Berkas dengan judul kolom yang sama akan langsung terbaca dengan susunan ini.",
            QLineEdit.EchoMode.Normal, "")
        name = (name or "").strip()
        if not ok or not name:
            return
        if name in M.PRESETS:
            show_error(self, f"“{name}” adalah nama susunan bawaan.", "Beri nama lain.",
                       title="Nama tidak dapat dipakai")
            return
        if name in self._presets and not ask_yes_no(
                self, "Timpa preset?", f"Susunan kolom “{name}” sudah ada. Ganti dengan susunan ini?", yes="Ganti"):
            return
        columns = {f: st.match.headers[c] for f, c in st.match.columns.items() if c in st.match.headers}
        preset = st.preset.with_columns(columns, name=name, label=name)
        self._preset_reads.supersede()  # the save brings the list back itself
        self._busy_preset = True
        self._update_import_button()

        def saved(presets: dict[str, Preset]) -> None:
            self._busy_preset = False
            self._presets = presets
            if self.state is st:
                st.preset = self._presets.get(name, preset)
                self._show_state()
                self.guess_label.setText(f"Susunan kolom disimpan sebagai “{name}”.")
                self.guess_label.setStyleSheet(f"color: {GREEN};")
            self._update_import_button()

        def failed(exc: BaseException) -> None:
            self._busy_preset = False
            self._update_import_button()
            if isinstance(exc, ValueError):
                show_error(self, str(exc), title="Preset tidak tersimpan")
            else:
                log.error("Saving a preset failed: %r", exc)
                show_exception(self, exc, "Preset tidak tersimpan")

        self.preset_handle = start_job(self, Job(self.ctx.db.write, _save_preset, self.ctx.actor, preset,
                                                 with_progress=False),
                                       "Menyimpan susunan kolom", saved, on_error=failed, cancellable=False)

    # ------------------------------------------------------------------ import
    def start_import(self) -> None:
        """"Impor": run the import in a job with the progress dialog."""
        if self.import_blockers():
            return
        st = self.state
        assert st is not None
        self._busy_import = True
        self._update_import_button()
        outcome: list[ImportResult] = []
        program = self.program_edit.text().strip() or None if st.kind == "program" else None
        periode = self.periode_edit.text().strip() or None if st.kind == "program" else None
        job = Job(_import_worker, self.ctx.db, self.ctx.actor, st.path, st.data_rows_estimate, outcome,
                  kind=st.kind, preset=st.preset, choices=dict(st.choices) or None, program=program, periode=periode)
        self.import_handle = start_job(
            self, job, f"Mengimpor {st.path.name}", self._import_done,
            on_error=self._import_failed, on_cancel=lambda: self._import_cancelled(outcome), show_after_ms=100,
        )

    def _import_done(self, result: ImportResult, extra_note: str | None = None) -> None:
        self._busy_import = False
        self.last_result = result
        self.state = None
        self.program_edit.clear()
        self.periode_edit.clear()
        self.result_page.show_result(result, extra_note)
        self.stack.setCurrentIndex(self.PAGE_RESULT)
        self._update_import_button()
        self.history_page.reload(select=result.batch_id)
        self.ctx.events.changed(result.changes, source=self)
        self.imported.emit(result.batch_id)

    def _import_failed(self, exc: BaseException) -> None:
        self._busy_import = False
        self._update_import_button()
        if isinstance(exc, ImportFileError):  # also AlreadyImported and MappingError
            show_error(self, exc.message, "Tidak ada data yang diubah.", title="Impor tidak dilakukan")
        else:
            show_exception(self, exc, "Impor gagal")

    def _import_cancelled(self, outcome: list) -> None:
        if outcome:  # "Batal" came after the import was stored (while the report was written)
            self._import_done(outcome[0], "Tombol Batal ditekan setelah data selesai disimpan; impor ini tetap masuk.")
            return
        self._busy_import = False
        self._update_import_button()
        show_message(self, "Impor dibatalkan", "Impor dibatalkan; tidak ada data yang diubah.")

    # ------------------------------------------------------------------ misc
    def show_history(self, batch_id: int | None = None) -> None:
        self.tabs.setCurrentIndex(1)
        self.history_page.reload(select=batch_id)

    def wait_idle(self, timeout_ms: int = 30000) -> bool:
        """Process events until no job of this page runs (tests, screenshots)."""
        import time

        from PySide6.QtWidgets import QApplication

        deadline = time.monotonic() + timeout_ms / 1000
        models = (self.result_page.problems.model, self.history_page.problems.model)
        while time.monotonic() < deadline:
            QApplication.processEvents()
            if not self.busy and not self.reads_busy() and not any(m.is_loading() for m in models):
                QApplication.processEvents()
                return True
            time.sleep(0.005)
        return False


__all__ = ["ImportView"]
