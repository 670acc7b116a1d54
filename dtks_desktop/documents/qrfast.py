"""QR codes for thousands of invitations: the invitation token's QR matrix in about 20 µs.

reportlab's encoder (``layout.qr_modules``) tries the 8 mask patterns and scores each, about
6 ms a code: 100,000 invitations would spend 10 minutes on QR codes alone. An invitation token
(``KPM-12-000345-7K3QX9AB2M``, see ``services.distribution.tokens``) is short and uses only the
QR *alphanumeric* characters, so every token fits version 2 at error correction level M
(up to 38 characters) with one fixed mask pattern (any mask is valid for a reader; the choice
only tunes contrast).

With version, level and mask fixed, the matrix is an affine function over GF(2) of the 224
data bits: Reed-Solomon is linear in the data (GF(256) addition is XOR, multiplication by a
constant is linear over GF(2)), the mask is an XOR with a constant, and the function patterns
and format bits do not depend on the data. So the matrix of any data is the matrix of a
reference vector XOR the *basis matrices* of the bits where the data differs from it. The 224
basis matrices are made once per process with reportlab's own encoder (about 0.3 s), and
:func:`matrix` agrees with reportlab module for module (``tests/distribution/test_qrfast.py``).

Texts that do not fit (other characters, more than 38) fall back to reportlab's encoder.
"""

from __future__ import annotations

import functools
import re

from reportlab.graphics.barcode import qrencoder
from reportlab.lib import colors

__all__ = ["matrix", "runs", "draw", "draw_runs", "fits", "SIZE"]

VERSION = 2
LEVEL = qrencoder.QRErrorCorrectLevel.M
MASK = 0
SIZE = VERSION * 4 + 17  # 25 modules a side
DATA_BITS = 28 * 8  # version 2-M: one block of 28 data codewords (+ 16 error correction)
MAX_CHARS = 38
_ALNUM = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:"
_ALNUM_INDEX = {c: i for i, c in enumerate(_ALNUM)}
_FITS = re.compile(r"[-0-9A-Z $%*+./:]{1,38}")


def fits(text: str) -> bool:
    """Whether ``text`` is encoded by the fast path (alphanumeric, at most 38 characters)."""
    return bool(_FITS.fullmatch(text))


class _RawBits(qrencoder.QR):
    """A data segment that writes exactly the given data bits (no mode header): all 224 of them,
    so reportlab adds neither terminator nor padding."""

    def __init__(self, bits: int) -> None:
        self.data = bits

    def write(self, buffer, version) -> None:  # noqa: D401 (reportlab API)
        for i in range(DATA_BITS - 1, -1, -1):
            buffer.putBit(bool((self.data >> i) & 1))


def _reportlab_matrix(bits: int) -> int:
    qr = qrencoder.QRCode(VERSION, LEVEL)
    qr.addData(_RawBits(bits))
    qr.makeImpl(False, MASK)
    out = 0
    for r in range(SIZE):
        row = qr.modules[r]
        for c in range(SIZE):
            if row[c]:
                out |= 1 << (r * SIZE + c)
    return out


def _data_bits(text: str) -> int:
    """The 224 data bits of ``text`` in alphanumeric mode: mode, count, pairs of characters,
    terminator, zero bits to the byte, then the pad bytes 0xEC 0x11."""
    value, length = 0b0010, 4

    def put(v: int, n: int) -> None:
        nonlocal value, length
        value = (value << n) | v
        length += n

    put(len(text), 9)
    for i in range(0, len(text) - 1, 2):
        put(_ALNUM_INDEX[text[i]] * 45 + _ALNUM_INDEX[text[i + 1]], 11)
    if len(text) % 2:
        put(_ALNUM_INDEX[text[-1]], 6)
    put(0, min(4, DATA_BITS - length))
    if length % 8:
        put(0, 8 - length % 8)
    pad = (0xEC, 0x11)
    k = 0
    while length < DATA_BITS:
        put(pad[k % 2], 8)
        k += 1
    return value


@functools.lru_cache(maxsize=1)
def _basis() -> tuple[int, int, tuple[tuple[int, ...], ...]]:
    """(reference data bits, its matrix, and for each of the 28 data bytes the matrix change of
    every one of its 256 values XOR the reference byte)."""
    ref = _data_bits("KPM")
    base = _reportlab_matrix(ref)
    flips = [_reportlab_matrix(ref ^ (1 << i)) ^ base for i in range(DATA_BITS)]
    tables = []
    for k in range(DATA_BITS // 8):
        t = [0] * 256
        for v in range(1, 256):
            low = v & -v
            t[v] = t[v ^ low] ^ flips[8 * k + low.bit_length() - 1]
        tables.append(tuple(t))
    return ref, base, tuple(tables)


def matrix(text: str) -> int:
    """The QR matrix of ``text`` as an int: bit ``r * SIZE + c`` set for a dark module (row r,
    column c). Only for texts that :func:`fits`."""
    if not fits(text):
        raise ValueError("text does not fit the fast QR path")
    ref, m, tables = _basis()
    diff = (_data_bits(text) ^ ref).to_bytes(DATA_BITS // 8, "little")
    for k, b in enumerate(diff):
        if b:
            m ^= tables[k][b]
    return m


@functools.lru_cache(maxsize=64)
def _row_runs(line: str) -> tuple[tuple[int, int], ...]:
    """(first column, length) of the dark runs of one row ("0"/"1" text); rows repeat (finder
    and timing patterns), so they are cached."""
    out, c = [], 0
    for part in line.split("0"):
        if part:
            out.append((c, len(part)))
        c += len(part) + 1
    return tuple(out)


def runs(text: str) -> tuple[int, list[tuple[int, int, int]]]:
    """(modules a side, [(row, first column, length), …]) of the dark horizontal runs of the QR
    code of ``text``: one rectangle per run draws far faster than one per module."""
    if fits(text):
        bits = format(matrix(text), "0625b")[::-1]
        n = SIZE
        lines = [bits[r * n:(r + 1) * n] for r in range(n)]
    else:
        from dtks_desktop.documents.layout import qr_modules

        lines = ["".join("1" if d else "0" for d in row) for row in qr_modules(text)]
        n = len(lines)
    return n, [(r, c, length) for r, line in enumerate(lines) for c, length in _row_runs(line)]


def draw_runs(canvas, n: int, dark, x: float, y: float, size: float) -> None:
    """Dark runs ``dark`` [(row, column, length)] of an ``n``-module QR code as filled rectangles,
    lower-left corner at (x, y), ``size`` a side including a quiet zone of one module.

    The rectangles are written in module units under a scaling transform: integers only, so
    the content stream is short and quick to write (one ``re`` per dark run)."""
    cell = size / (n + 2)
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.transform(cell, 0, 0, cell, x, y)
    canvas.addLiteral(" ".join([f"{c + 1} {n - r} {length} 1 re" for r, c, length in dark]) + " f")
    canvas.restoreState()


def _mask_rows(text: str) -> tuple[int, str]:
    """(modules a side with the quiet zone, hex rows) of the QR code of ``text`` as a 1-bit image:
    one bit per module, 1 dark (``/Decode [1 0]`` paints it black), rows padded to whole bytes."""
    n = SIZE
    bits = format(matrix(text), "0625b")[::-1]
    side = n + 2
    width = (side + 7) // 8 * 8
    blank = "0" * (width * 2 // 8)
    pad = "0" * (width - side + 1)
    hexes = [blank]
    for r in range(n):
        hexes.append(format(int("0" + bits[r * n:(r + 1) * n] + pad, 2), f"0{width // 4}X"))
    hexes.append(blank)
    return side, "".join(hexes)


def draw(canvas, text: str, x: float, y: float, size: float) -> None:
    """The QR code of ``text``, lower-left corner at (x, y), ``size`` a side including a quiet
    zone of one module (the caller leaves white around it).

    A token's code is an inline 1-bit grey image, one pixel per module (about 220 characters of
    content, no interpolation: crisp when scaled, and readable back with pypdf); other texts are
    drawn as rectangles (:func:`draw_runs`)."""
    if not fits(text):
        n, dark = runs(text)
        draw_runs(canvas, n, dark, x, y, size)
        return
    side, data = _mask_rows(text)
    canvas.saveState()
    canvas.setFillColor(colors.black)
    canvas.transform(size, 0, 0, size, x, y)
    canvas.addLiteral(f"BI /W {side} /H {side} /CS /G /BPC 1 /D [1 0] /F /AHx ID {data}> EI")
    canvas.restoreState()
