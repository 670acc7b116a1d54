"""Contracts shared by every service: progress reporting and cancellation."""

from __future__ import annotations

from typing import Callable, Protocol


class Progress(Protocol):
    def __call__(self, done: int, total: int, text: str = "") -> None: ...


CancelFlag = Callable[[], bool]


class Cancelled(Exception):
    """The user cancelled; the service rolled back and nothing was written."""

    def __init__(self, message: str = "Dibatalkan oleh pengguna; tidak ada data yang diubah.") -> None:
        super().__init__(message)
        self.message = message


def no_progress(done: int, total: int, text: str = "") -> None:
    return None


def never_cancel() -> bool:
    return False


def check_cancel(cancel: CancelFlag | None) -> None:
    if cancel is not None and cancel():
        raise Cancelled()
