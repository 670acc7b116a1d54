"""Entry script of the frozen command line (dtks.exe), for PyInstaller.

See launch_gui.py: a package module cannot be PyInstaller's entry script, and
``freeze_support()`` must run before anything else so that the import workers, which re-run
this executable, do their task instead of starting the command line again.
"""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()

    import sys

    from dtks_desktop.cli import main

    sys.exit(main())
