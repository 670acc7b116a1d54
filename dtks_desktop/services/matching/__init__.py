"""Matching (pemadanan) of registry members against the civil-registry snapshot.

- :mod:`.engine`: in-memory linkage (no database): blocking, comparison, weights, statuses.
- :mod:`.service`: run, incremental re-runs, review queue, decisions, bulk accept, export.
- :mod:`.settings`: the comparison model (m/u) and the thresholds (settings ``match.*``).
"""
