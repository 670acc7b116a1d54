"""The fast QR matrices of invitation tokens agree module for module with reportlab's encoder
(same version 2, level M and mask), so every scanner reads them as it reads reportlab's codes."""

from __future__ import annotations

import random

from reportlab.graphics.barcode import qrencoder

from dtks_desktop.documents import qrfast
from dtks_desktop.services.distribution.tokens import make_token


def reportlab_matrix(text: str) -> int:
    qr = qrencoder.QRCode(qrfast.VERSION, qrfast.LEVEL)
    qr.addData(text)
    qr.makeImpl(False, qrfast.MASK)
    return sum(1 << (r * qrfast.SIZE + c) for r in range(qrfast.SIZE) for c in range(qrfast.SIZE) if qr.modules[r][c])


def test_tokens_and_every_alphanumeric_length_match_reportlab():
    rnd = random.Random(7)
    secret = bytes(range(32))
    texts = [make_token(secret, rnd.randint(1, 10 ** rnd.randint(1, 6)), rnd.randint(1, 10 ** rnd.randint(1, 10)))
             for _ in range(150)]
    texts += ["".join(rnd.choice(qrfast._ALNUM) for _ in range(n)) for n in range(1, 39)]
    for text in texts:
        assert qrfast.fits(text)
        assert qrfast.matrix(text) == reportlab_matrix(text), text


def test_runs_cover_exactly_the_dark_modules_and_other_texts_fall_back():
    text = make_token(b"x" * 32, 3, 12345)
    n, runs = qrfast.runs(text)
    m = qrfast.matrix(text)
    dark = {(r, c) for r in range(n) for c in range(n) if m >> (r * n + c) & 1}
    assert {(r, c + k) for r, c, length in runs for k in range(length)} == dark
    assert not qrfast.fits("kpm kecil") and qrfast.runs("kpm kecil")[0] == 21  # reportlab's own choice
