"""`python -m dtks_desktop.cli`: the same as the `dtks` command."""

import sys

from dtks_desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
