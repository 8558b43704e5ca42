"""Exceptions: raised only when the caller cannot go on.

Anything wrong *inside* a message is a :class:`~mailarchive.model.Defect`
recorded on the record, never an exception (unless strict mode asks for one).

::

    MailarchiveError                 base of everything raised on purpose
    ├── SourceError                  a source cannot be read at all
    │   ├── SourceNotFoundError      the path does not exist
    │   └── UnknownFormatError       the content is no format we read
    ├── DefectError                  strict mode: the first defect found
    └── StoreError                   an archive database cannot be used
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mailarchive.model import Defect


class MailarchiveError(Exception):
    """Base class of every error mailarchive raises on purpose."""


class SourceError(MailarchiveError):
    """A source cannot be read at all."""


class SourceNotFoundError(SourceError):
    """The path given does not exist."""


class UnknownFormatError(SourceError):
    """The content is in no format mailarchive reads."""


class DefectError(MailarchiveError):
    """Strict mode: a defect was found. ``defect`` holds it."""

    def __init__(self, defect: Defect, where: str | None = None) -> None:
        self.defect = defect
        self.where = where
        at = f" in {where}" if where else ""
        super().__init__(f"{defect.kind}{at}: {defect.detail}")


class WorkerError(MailarchiveError):
    """A worker process died (killed, out of memory): the run cannot finish."""


class StoreError(MailarchiveError):
    """An archive database cannot be opened or used."""
