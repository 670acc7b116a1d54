"""Match statuses and decisions are enums (``domain/workflow/matching.py``), never bare strings.

A status written as ``"usulan_koreksi"`` in a service is a second vocabulary waiting to drift from
the first; the services say ``MatchStatus.USULAN_KOREKSI`` (a StrEnum: the stored value is the same).
Docstrings and comments may name them; string literals that are exactly a status may not.
"""

from __future__ import annotations

import io
import tokenize
from pathlib import Path

from dtks_desktop.domain.workflow.matching import Decision, MatchStatus

PACKAGE = Path(__file__).resolve().parents[1] / "dtks_desktop"
SCANNED = [*sorted((PACKAGE / "services").rglob("*.py")), PACKAGE / "demo" / "tuning.py", PACKAGE / "cli" / "matching.py"]
WORDS = {str(s) for s in MatchStatus} | {str(d) for d in Decision}


def bare_literals(path: Path) -> list[str]:
    out = []
    for tok in tokenize.generate_tokens(io.StringIO(path.read_text(encoding="utf-8")).readline):
        if tok.type == tokenize.STRING and tok.string[:1] in "\"'" and tok.string[1:-1] in WORDS \
                and tok.string[0] == tok.string[-1]:
            out.append(f"{path.relative_to(PACKAGE.parent)}:{tok.start[0]}: {tok.string}")
    return out


def test_the_scan_finds_a_bare_status():
    probe = PACKAGE.parent / "tests" / "_probe_literal.py"
    try:
        probe.write_text('STATUS = "usulan_koreksi"  # "ganda" in a comment is fine\n', encoding="utf-8")
        assert bare_literals(probe) == ['tests/_probe_literal.py:1: "usulan_koreksi"']
    finally:
        probe.unlink(missing_ok=True)


def test_no_bare_match_status_or_decision_in_services():
    assert len(SCANNED) > 30
    found = [hit for path in SCANNED for hit in bare_literals(path)]
    assert found == [], "use MatchStatus / Decision from domain/workflow/matching.py:\n" + "\n".join(found)
