"""Open one file or stdin and hand it to the right reader.

Input: a path (or ``-``), the path to show in ``source.path``, and an
optional explicit format. Output: :class:`RawMessage` records, streamed.
The format is sniffed from the decompressed content
(:mod:`mailarchive.sources.detect`) unless the caller names one.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import IO

from mailarchive.errors import SourceError, SourceNotFoundError, UnknownFormatError
from mailarchive.model import SourceKind, SourceRef
from mailarchive.sources.compression import open_maybe_compressed
from mailarchive.sources.detect import sniff
from mailarchive.sources.eml import read_message
from mailarchive.sources.mbox import iter_mbox
from mailarchive.sources.pipermail import iter_pipermail
from mailarchive.sources.raw import RawMessage
from mailarchive.sources.text import read_text

STDIN = "-"
# Formats whose files each hold one message, and the record kind they give.
SINGLE_KINDS = {
    "eml": SourceKind.EML,
    "maildir": SourceKind.MAILDIR,
    "mh": SourceKind.MH,
}


def open_binary(path: str, shown: str) -> IO[bytes]:
    """Open ``path`` for reading bytes, mapping OS errors to one-line SourceErrors."""
    if path == STDIN:
        return sys.stdin.buffer
    try:
        return open(path, "rb")
    except FileNotFoundError:
        raise SourceNotFoundError(f"no such file or directory: {shown}") from None
    except PermissionError:
        raise SourceError(f"permission denied: {shown}") from None
    except IsADirectoryError:
        raise SourceError(f"is a directory: {shown}") from None
    except OSError as exc:
        raise SourceError(f"cannot read {shown}: {exc.strerror or exc}") from None


@contextmanager
def opened(path: str, shown: str) -> Iterator[tuple[IO[bytes], str | None, bytes]]:
    """The decompressed stream of ``path``, its compression and first bytes."""
    raw = open_binary(path, shown)
    try:
        try:
            stream, compression, prefix = open_maybe_compressed(raw)
        except UnknownFormatError as exc:
            raise UnknownFormatError(f"{shown}: {exc}") from None
        except OSError as exc:
            raise SourceError(f"cannot read {shown}: {exc.strerror or exc}") from None
        yield stream, compression, prefix
    finally:
        if path != STDIN:
            raw.close()


def content_format(prefix: bytes, shown: str) -> str:
    """The sniffed format of a stream (``shown``: its name); raises for binary data."""
    found = sniff(prefix, shown)
    if found == "binary":
        raise UnknownFormatError(f"{shown}: not a mail archive, a message or text (binary data)")
    return found


def read_file(
    path: str,
    shown: str,
    input_format: str | None = None,
    *,
    received_at: datetime | None = None,
    flags: tuple[str, ...] = (),
) -> Iterator[RawMessage]:
    """Yield the messages of one file (or stdin when ``path`` is ``-``).

    ``input_format`` overrides sniffing. For single-message formats
    (``eml``, ``maildir``, ``mh``) ``received_at`` and ``flags`` are put on
    the record.
    """
    with opened(path, shown) as (stream, compression, prefix):
        found = input_format or content_format(prefix, shown)
        if found == "empty":
            return
        if found == "mbox":
            yield from iter_mbox(stream, shown, SourceKind.MBOX, compression)
        elif found == "pipermail":
            yield from iter_pipermail(stream, shown, compression)
        elif found in SINGLE_KINDS:
            ref = SourceRef(
                kind=SINGLE_KINDS[found], path=shown, flags=flags, compression=compression
            )
            message = read_message(stream, ref, received_at)
            if message is not None:
                yield message
        elif found == "text":
            message = read_text(
                stream, SourceRef(kind=SourceKind.TEXT, path=shown, compression=compression)
            )
            if message is not None:
                yield message
        else:
            raise ValueError(f"unknown input format {found!r}")
