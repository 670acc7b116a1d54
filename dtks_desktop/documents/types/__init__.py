"""One module per document type. Each has ``CODE``, ``TITLE``, ``ORIENTATION`` and
``story(ctx, data) -> list[Flowable]`` (``data``: plain values gathered by the service).

``TYPES`` maps the code to the module; ``services/documents/issued.py`` issues them.
"""

from __future__ import annotations

from types import ModuleType

from dtks_desktop.documents.types import (agenda_surat, berita_acara, daftar_hadir, lampiran_musdes,
                                          lembar_kerja_verifikasi, rekap_batch, sptjm, surat_keterangan,
                                          surat_pengantar_batch, surat_pengesahan_batch)

TYPES: dict[str, ModuleType] = {m.CODE: m for m in (agenda_surat, surat_keterangan, lembar_kerja_verifikasi, berita_acara,
                                                   lampiran_musdes, daftar_hadir, sptjm, surat_pengantar_batch,
                                                   rekap_batch, surat_pengesahan_batch)}

# stage 7: distribution
from dtks_desktop.documents.types import laporan_realisasi  # noqa: E402

TYPES[laporan_realisasi.CODE] = laporan_realisasi


def register(module: ModuleType) -> None:
    """Add a document type module (a later stage's minutes, worksheets…)."""
    TYPES[module.CODE] = module


__all__ = ["TYPES", "register"]
