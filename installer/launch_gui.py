"""Entry script of the frozen GUI ("DTKS Desktop.exe"), for PyInstaller.

PyInstaller runs its entry script as ``__main__``, outside any package, so a package module
(dtks_desktop/__main__.py, app.py) cannot be the entry: its relative imports fail at start
("attempted relative import with no known parent package"). This script only imports the
stable entry point.

``freeze_support()`` comes first: the importer's worker processes are started with "spawn",
which in a frozen build runs this executable again; in such a worker it runs the worker's task
and exits instead of starting a second GUI.
"""

import multiprocessing

if __name__ == "__main__":
    multiprocessing.freeze_support()

    import sys

    from dtks_desktop.app import main

    sys.exit(main())
