"""What the parts of matching share: the statuses and filters of the review, the decision the
machine writes for its own restorations, who may decide, and :class:`MatchingError`."""

from __future__ import annotations

from dtks_desktop.domain.workflow.matching import REVIEW_STATUSES, RESTORED_STATUS, Decision  # noqa: F401

#: Statuses in the review queue by default: :data:`domain.workflow.matching.REVIEW_STATUSES`.
ACTIONS = ("terima", "tolak", "pilih")
#: ``decision`` of a spreadsheet-damaged NIK the machine restored itself (``MatchParams.pulih_otomatis``).
AUTO = Decision.OTOMATIS
#: Decisions that accept the link (a clerk's or the machine's restoration), for SQL ``IN``.
ACCEPTED = (Decision.DITERIMA, Decision.OTOMATIS)
#: Review filter listing the machine's restorations (``review_queue(status=AUTO_FILTER)``).
AUTO_FILTER = str(Decision.OTOMATIS)
AUTO_LABEL = "Dipulihkan otomatis"
#: Review filter listing the results a clerk decided (``review_queue(status=DECIDED_FILTER)``): "Buka kembali".
DECIDED_FILTER = "diputuskan"
DECIDED_LABEL = "Sudah diputuskan petugas"
#: Key in a restored result's ``reasons`` JSON: the NIK and its flags before the restoration.
RESTORATION_KEY = str(Decision.OTOMATIS)
#: Key in ``match_runs.counts_json``: results restored by the machine and not yet decided by a clerk.
AUTO_COUNT_KEY = "dipulihkan_otomatis"


class MatchingError(Exception):
    """A problem the user must fix (Indonesian ``message``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
