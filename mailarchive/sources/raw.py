"""RawMessage: what every reader yields, and what the parser takes."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from mailarchive.model import Defect, SourceRef, positional


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


# Readers make one per message: the model's compiled constructor, not the
# frozen __init__ (object.__setattr__ per field). Same arguments as RawMessage.
new_raw = positional(RawMessage).new
