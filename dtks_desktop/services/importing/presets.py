"""Column presets: the four built-in ones plus those a clerk saved from the mapping editor.

Saved presets live in the settings table (``import.preset.<name>``) so that every PC of
an office sees them.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from dtks_desktop.db.models import Setting
from dtks_desktop.services.core import settings
from dtks_desktop.services.core.permissions import Capability
from dtks_desktop.services.core.users import Actor
from dtks_desktop.services.importing import mapping as M
from dtks_desktop.services.importing.readers import ImportFileError

PREFIX = "import.preset."


def list_presets(session: Session) -> dict[str, M.Preset]:
    """Built-in presets first, then saved ones by name."""
    out: dict[str, M.Preset] = dict(M.PRESETS)
    rows = session.execute(select(Setting.key, Setting.value).where(Setting.key.startswith(PREFIX))).all()
    for key, value in sorted(rows):
        if value:
            try:
                out[key[len(PREFIX):]] = M.Preset.from_json(value)
            except M.MappingError:
                continue  # a preset saved by a newer version with unknown fields: skip it
    return out


def get(session: Session, name: str) -> M.Preset:
    presets = list_presets(session)
    if name not in presets:
        raise ImportFileError(f'Preset kolom "{name}" tidak ada', code="preset_tidak_ada")
    return presets[name]


def save_preset(session: Session, actor: Actor, preset: M.Preset) -> None:
    name = (preset.name or "").strip()
    if not name or name in M.PRESETS:
        raise ValueError("Beri nama baru untuk preset ini (nama preset bawaan tidak boleh ditimpa).")
    settings.put(session, actor, PREFIX + name, preset.to_json(), capability=Capability.IMPORT_RUN)


def delete_preset(session: Session, actor: Actor, name: str) -> None:
    if name in M.PRESETS:
        raise ValueError("Preset bawaan tidak dapat dihapus.")
    settings.put(session, actor, PREFIX + name, None, capability=Capability.IMPORT_RUN)
