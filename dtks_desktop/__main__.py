"""``python -m dtks_desktop``: start the desktop application."""

import sys

from .app import main

sys.exit(main())
