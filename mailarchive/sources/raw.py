"""RawMessage: what every reader yields, and what the parser takes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mailarchive.model import Defect, SourceRef


@dataclass(frozen=True, slots=True)
class RawMessage:
    """One message's bytes as stored, with where they came from.

    ``data`` is an RFC 5322 message (mbox escaping already undone), or, when
    ``source.kind`` is ``text``, a whole pasted-text document (UTF-8 bytes
    or whatever the file held). ``received_at`` comes from the mbox From_
    line or the file's modification time, in UTC. ``defects`` are problems
    the reader saw (a bad From_ line, a Content-Length past the end, ...).
    """

    data: bytes
    source: SourceRef
    received_at: datetime | None = None
    defects: tuple[Defect, ...] = ()


_SET_DATA, _SET_SOURCE, _SET_RECEIVED_AT, _SET_DEFECTS = (
    getattr(RawMessage, name).__set__ for name in ("data", "source", "received_at", "defects")
)
_new = object.__new__


def new_raw(
    data: bytes, source: SourceRef, received_at: datetime | None, defects: tuple[Defect, ...]
) -> RawMessage:
    """``RawMessage(data, source, received_at, defects)``, without the frozen
    ``__init__``'s ``object.__setattr__`` per field (readers make one per message)."""
    raw: RawMessage = _new(RawMessage)
    _SET_DATA(raw, data)
    _SET_SOURCE(raw, source)
    _SET_RECEIVED_AT(raw, received_at)
    _SET_DEFECTS(raw, defects)
    return raw
