"""What every page of the main window is given: the open database and the user."""

from __future__ import annotations

from dataclasses import dataclass

from dtks_desktop.services.core.database import Database
from dtks_desktop.services.core.users import Actor


@dataclass
class AppContext:
    db: Database
    actor: Actor
