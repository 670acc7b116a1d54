"""``python -m dtks_desktop``: start the desktop application."""

import sys

from dtks_desktop.app import main

sys.exit(main())
