"""What the parts of matching share: the statuses and filters of the review, the decision the
machine writes for its own restorations, who may decide, and :class:`MatchingError`."""

from __future__ import annotations


#: Statuses in the review queue by default (padan and padan_catatan are accepted by the machine).
REVIEW_STATUSES = ("usulan_koreksi", "nik_orang_lain", "ganda", "tidak_padan")
ACTIONS = ("terima", "tolak", "pilih")
#: ``decision`` of a spreadsheet-damaged NIK the machine restored itself (``MatchParams.pulih_otomatis``).
AUTO = "otomatis"
#: Decisions that accept the link (a clerk's or the machine's restoration).
ACCEPTED = ("diterima", AUTO)
#: Review filter listing the machine's restorations (``review_queue(status=AUTO_FILTER)``).
AUTO_FILTER = "otomatis"
AUTO_LABEL = "Dipulihkan otomatis"
#: Review filter listing the results a clerk decided (``review_queue(status=DECIDED_FILTER)``): "Buka kembali".
DECIDED_FILTER = "diputuskan"
DECIDED_LABEL = "Sudah diputuskan petugas"
#: Status of a restored result (the machine's own status before it was "usulan_koreksi").
RESTORED_STATUS = "padan_catatan"
#: Key in ``match_runs.counts_json``: results restored by the machine and not yet decided by a clerk.
AUTO_COUNT_KEY = "dipulihkan_otomatis"


class MatchingError(Exception):
    """A problem the user must fix (Indonesian ``message``)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
