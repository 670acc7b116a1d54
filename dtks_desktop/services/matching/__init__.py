"""Matching (pemadanan) of registry members against the civil-registry snapshot.

- :mod:`.engine`: in-memory linkage (no database): blocking, comparison, weights, statuses.
- :mod:`.run`: ``run_matching`` (incremental re-runs, one transaction, the machine's restorations).
- :mod:`.review`: the review queue (listing, filters, counts) and ``review_item``.
- :mod:`.decisions`: ``decide``, ``undo_last``, ``reopen``, ``bulk_accept`` and its preview.
- :mod:`.export`: the CSV export and ``reason_lines``.
- :mod:`.common`: statuses, filters, ``AUTO``, ``MatchingError`` (who may decide: ``domain/permissions.py``);
  :mod:`.records`: bulk NIK-correction writes shared by the run and the decisions.
- :mod:`.settings`: the comparison model (m/u) and the thresholds (settings ``match.*``).
"""
