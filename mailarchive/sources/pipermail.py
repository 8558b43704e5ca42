"""Mailman pipermail monthly archives (``2001-November.txt``, ``.txt.gz``).

Input: a pipermail archive stream. Output: :class:`RawMessage` records with
``source.kind`` = ``pipermail``.

A pipermail archive is an mbox whose From_ lines and address headers hide
addresses as ``jdoe at example.com``. The mbox reader splits it; this module
turns ``user at host.domain`` back into ``user@host.domain`` in the From,
To, Cc and Reply-To header lines (and their folded continuations) of each
message, and nowhere else: bodies are left as written. A host must contain a
dot, so a display name such as ``(John at Home)`` is left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import IO

from mailarchive.model import SourceKind
from mailarchive.sources.mbox import iter_mbox
from mailarchive.sources.raw import RawMessage

_ADDRESS_HEADERS = frozenset({b"from", b"to", b"cc", b"reply-to"})
# The lookbehind makes a match start only at the beginning of a run of
# local-part characters, so each run is scanned once: linear time. The
# domain labels cannot contain dots, so the repeated group cannot overlap.
_OBFUSCATED = re.compile(
    rb"(?<![A-Za-z0-9._%+=!#$&'*/?^`{|}~-])"
    rb"([A-Za-z0-9._%+=!#$&'*/?^`{|}~-]+) at ([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"
)


def deobfuscate(value: bytes) -> bytes:
    """``jdoe at example.com`` -> ``jdoe@example.com`` inside one header line."""
    return _OBFUSCATED.sub(rb"\1@\2", value)


def fix_address_headers(lines: list[bytes]) -> list[bytes]:
    """De-obfuscate the From/To/Cc/Reply-To lines of one header block."""
    out: list[bytes] = []
    in_address = False
    for line in lines:
        if line[:1] in (b" ", b"\t"):
            out.append(deobfuscate(line) if in_address else line)
            continue
        name, colon, _ = line.partition(b":")
        in_address = bool(colon) and name.strip().lower() in _ADDRESS_HEADERS
        out.append(deobfuscate(line) if in_address else line)
    return out


def iter_pipermail(
    stream: IO[bytes], path: str | None, compression: str | None = None
) -> Iterator[RawMessage]:
    """Yield the messages of one pipermail archive (see module doc)."""
    return iter_mbox(stream, path, SourceKind.PIPERMAIL, compression, fix_address_headers)
