"""What every page of the main window is given: the open database, the user and the events."""

from __future__ import annotations

from dataclasses import dataclass, field

from dtks_desktop.services.core.database import Database
from dtks_desktop.services.core.users import Actor
from dtks_desktop.views.common.events import AppEvents


@dataclass
class AppContext:
    db: Database
    actor: Actor
    events: AppEvents = field(default_factory=AppEvents)
