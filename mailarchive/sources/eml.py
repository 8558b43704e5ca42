"""Read one file (or stream) that holds a single message.

Input: a decompressed binary stream. Output: one :class:`RawMessage` whose
``data`` is the whole content (nothing for a zero-byte file). Used for
``.eml`` files, Maildir and MH message files, and single raw messages on
stdin. A leading From_ line (some
tools keep the mbox envelope line in message files) is dropped and its date
becomes ``received_at``.
"""

from __future__ import annotations

from datetime import datetime
from typing import IO

from mailarchive.model import Defect, SourceRef
from mailarchive.sources.compression import DECOMPRESSION_ERRORS
from mailarchive.sources.fromline import parse_from_line
from mailarchive.sources.mbox import UTF8_BOM
from mailarchive.sources.raw import RawMessage


def read_all(stream: IO[bytes]) -> tuple[bytes, list[Defect]]:
    """The whole stream, and a defect if it ended in damaged compressed data."""
    chunks: list[bytes] = []
    defects: list[Defect] = []
    while True:
        try:
            chunk = stream.read(1 << 16)
        except DECOMPRESSION_ERRORS as exc:
            defects.append(
                Defect(
                    "truncated-source",
                    f"the data ends early or is damaged ({type(exc).__name__}: {exc})",
                )
            )
            break
        if not chunk:
            break
        chunks.append(chunk)
    return b"".join(chunks), defects


def read_message(
    stream: IO[bytes], source: SourceRef, received_at: datetime | None = None
) -> RawMessage | None:
    """One message from ``stream``; None when it holds no bytes at all.

    A file of nothing but white space is still a file the caller named as a
    message (or a Maildir/MH entry): it gives a record with an
    ``empty-message`` defect, so messages in == records out.
    """
    data, defects = read_all(stream)
    if not data:
        return None
    if not data.strip():
        defects.append(Defect("empty-message", "the file holds only white space"))
    if data.startswith(UTF8_BOM):
        data = data[len(UTF8_BOM) :]
        defects.append(Defect("utf8-bom", "a UTF-8 byte order mark before the headers, removed"))
    if data.startswith(b"From "):
        line, newline, rest = data.partition(b"\n")
        info = parse_from_line(line + newline, lenient=True)
        if info is not None and rest.strip():
            data = rest
            received_at = info.received_at or received_at
    return RawMessage(data=data, source=source, received_at=received_at, defects=tuple(defects))
