"""Read a pasted-text dump: one document, split later by the parse stage.

Input: a decompressed binary stream that holds neither an mbox nor an
RFC 5322 message. Output: one :class:`RawMessage` with ``source.kind`` =
``text`` whose ``data`` is the whole file as stored (no decoding, no
line-ending changes). The parse stage decodes it and finds the messages in
it (forward/reply header blocks, ``-----Original Message-----``, ...).
"""

from __future__ import annotations

from typing import IO

from mailarchive.model import SourceRef
from mailarchive.sources.eml import read_all
from mailarchive.sources.raw import RawMessage


def read_text(stream: IO[bytes], source: SourceRef) -> RawMessage | None:
    """The whole stream as one text document; None when it is blank."""
    data, defects = read_all(stream)
    if not data.strip():
        return None
    return RawMessage(data=data, source=source, defects=tuple(defects))
