"""The invitation's QR token: which KPM of which period, signed with this database's secret.

``KPM-12-000345-7K3QX9AB2M``: period id, KPM id, and the first 10 base32 characters of
HMAC-SHA256(secret, "kpm:<period>:<kpm>") with the secret of the issued documents
(``services.documents.issued``). Only letters, digits and dashes, so a USB scanner typing it as a
keyboard (any keyboard layout, caps lock on or off) gives the same text. It cannot be made
without the secret: a forged or altered token is refused, and a token names its period, so an
invitation of another period is refused too.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re

from sqlalchemy.orm import Session

__all__ = ["make_token", "token_for", "read_token", "TokenError", "TOKEN_RE"]

TOKEN_RE = re.compile(r"KPM-(\d{1,9})-(\d{6,12})-([A-Z2-7]{10})")


class TokenError(ValueError):
    """A text that is not a genuine invitation token of this office (message Indonesian)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def _tag(secret: bytes, period_id: int, kpm_id: int) -> str:
    mac = hmac.new(secret, f"kpm:{period_id}:{kpm_id}".encode("ascii"), hashlib.sha256).digest()
    return base64.b32encode(mac).decode("ascii")[:10]


def make_token(secret: bytes, period_id: int, kpm_id: int) -> str:
    return f"KPM-{period_id}-{kpm_id:06d}-{_tag(secret, period_id, kpm_id)}"


def token_for(session: Session, period_id: int, kpm_id: int) -> str:
    """The token printed on the invitation of KPM ``kpm_id`` of period ``period_id``."""
    from dtks_desktop.services.documents.issued import _secret

    return make_token(_secret(session), period_id, kpm_id)


def read_token(session: Session, text: str) -> tuple[int, int]:
    """(period id, KPM id) of a genuine token; :class:`TokenError` otherwise. Whitespace, case and
    a scanner's stray prefix/suffix characters around the token are tolerated."""
    from dtks_desktop.services.documents.issued import _secret

    cleaned = re.sub(r"\s+", "", str(text or "")).upper()
    m = TOKEN_RE.search(cleaned)
    if not m:
        raise TokenError("Kode QR tidak dikenal: bukan kode undangan penyaluran. Cari KPM dengan NIK atau nama.")
    period_id, kpm_id, tag = int(m.group(1)), int(m.group(2)), m.group(3)
    if not hmac.compare_digest(_tag(_secret(session), period_id, kpm_id), tag):
        raise TokenError("Kode QR undangan tidak sah (dipalsukan atau dari kantor lain). Penerimaan tidak dicatat; "
                         "periksa identitas KPM dan cari dengan NIK.")
    return period_id, kpm_id
