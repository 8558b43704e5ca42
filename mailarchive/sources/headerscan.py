"""A cheap scan of a message's header block, without parsing the message.

Input: the header lines of one message (bytes, line endings kept). Output:
the few values the readers need: ``Content-Length`` (mboxcl/mboxcl2), and
Google Takeout's ``X-GM-THRID`` and ``X-Gmail-Labels``. Folded lines
(RFC 5322 section 2.2.3) are unfolded; nothing else is interpreted.
"""

from __future__ import annotations

import mmap
import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.header import decode_header, make_header

from mailarchive.model import positional


@dataclass(frozen=True, slots=True)
class HeaderScan:
    """The values found in one header block (first occurrence of each)."""

    content_length: int | None = None
    content_length_raw: str | None = None  # present but not a number
    gm_thread_id: str | None = None
    labels: tuple[str, ...] = ()
    boundary: bytes | None = None  # multipart boundary of the top-level body


_NOTHING = HeaderScan()
# Made by position through the model's compiled constructor (the frozen
# __init__ with keywords costs four times as much); same arguments, in order.
_new_scan = positional(HeaderScan).new
# X-Gmail-Labels values repeat across a Takeout export: each is split once.
_LABELS: dict[bytes, tuple[str, ...]] = {}
_LABELS_KEPT = 4096

# The field name, and the rest of its line (taken by the regex: one call
# less per field than finding the line end and slicing). Names are matched
# without regard to case, the first letter by a class: the match tried at
# each newline fails there at once on most lines (a fifth cheaper).
_WANTED_FIELD = re.compile(
    rb"\n([Cc](?i:ontent-(?:length|type))|[Xx](?i:-gm(?:-thrid|ail-labels)))[ \t]*:([^\n]*)"
)


def _fields(header_block: bytes) -> dict[bytes, bytes]:
    """First occurrence of each wanted field, unfolded."""
    block = b"\n" + header_block
    found: dict[bytes, bytes] = {}
    for match in _WANTED_FIELD.finditer(block):
        name, value = match.groups()
        key = name.lower()
        if key in found:
            continue
        end = match.end()  # the line's newline, or the end of the block
        value = value.strip()
        # RFC 5322 section 2.2.3: continuation lines start with white space.
        while end >= 0 and block[end + 1 : end + 2] in (b" ", b"\t"):
            next_end = block.find(b"\n", end + 1)
            value += b" " + block[end + 1 : next_end if next_end >= 0 else len(block)].strip()
            end = next_end
        found[key] = value
    return found


def _decode_words(text: str) -> str:
    """Decode RFC 2047 encoded words; keep the text as is when they are broken."""
    if "=?" not in text:
        return text
    try:
        return str(make_header(decode_header(text)))
    except (ValueError, LookupError, UnicodeError):
        return text


def split_labels(value: str) -> tuple[str, ...]:
    """Split an X-Gmail-Labels value on commas outside double quotes.

    Takeout quotes labels that hold a comma (``"Work, old"``); quotes are
    removed and backslash escapes inside them honoured.
    """
    if '"' not in value:  # nothing quoted: a plain split gives the same labels
        return tuple(_decode_words(label) for label in map(str.strip, value.split(",")) if label)
    labels: list[str] = []
    current: list[str] = []
    quoted = False
    escaped = False
    for char in value:
        if escaped:
            current.append(char)
            escaped = False
        elif quoted and char == "\\":
            escaped = True
        elif char == '"':
            quoted = not quoted
        elif char == "," and not quoted:
            labels.append("".join(current).strip())
            current = []
        else:
            current.append(char)
    labels.append("".join(current).strip())
    return tuple(_decode_words(label) for label in labels if label)


def multipart_boundary(content_type: bytes) -> bytes | None:
    """The ``boundary`` parameter of a multipart Content-Type (RFC 2046 section 5.1.1)."""
    low = content_type.lower()
    if not low.lstrip().startswith(b"multipart/"):
        return None
    at = low.find(b"boundary=")
    if at < 0:
        return None
    value = content_type[at + len(b"boundary=") :]
    if value.startswith(b'"'):
        value = value[1:].partition(b'"')[0]
    else:
        value = value.split(b";", 1)[0].strip()
    return value if 0 < len(value) <= 200 else None


def scan_headers(lines: Iterable[bytes]) -> HeaderScan:
    """Scan one message's header lines (see module doc)."""
    return scan_header_block(b"".join(lines))


def scan_header_block(block: bytes) -> HeaderScan:
    """Scan one message's header block, the header lines as one string (see module doc)."""
    # Most blocks hold none of the wanted names but Content-Type, and no
    # multipart type: then nothing can be found. One search over the lines
    # (see _MAYBE) costs half of lowering the block and three finds in it.
    # Pinned to the full scan by a property test.
    if _MAYBE.search(b"\n" + block) is None:
        return _NOTHING
    return _scan_fields(block)


# A line where _fields may find something (see _WANTED_FIELD): a wanted name
# at a line start, Content-Type only when the first byte of its value (blank
# space and line ends skipped, as unfolding and strip skip them) may start
# "multipart/". Names by a literal first letter, upper case first: re skips
# an alternative starting with a literal on one comparison. Linear: each
# line start is tried once, and "\s*" stops at the first other byte.
_MAYBE = re.compile(
    rb"\n(?:C(?i:ontent-(?:length|type[ \t]*:\s*m))|X(?i:-gm)"
    rb"|c(?i:ontent-(?:length|type[ \t]*:\s*m))|x(?i:-gm))"
)


def scan_header_window(data: bytes | mmap.mmap, start: int, end: int) -> HeaderScan:
    """:func:`scan_header_block` of ``data[start:end]``, where ``start`` is 0 or
    follows a line end (the mbox reader's buffer: the usual block is told
    there, without a copy of it)."""
    if start > 0 and data[start - 1] == 10:  # "\n": the search starts there
        if _MAYBE.search(data, start - 1, end) is None:
            return _NOTHING
        return _scan_fields(data[start:end])
    return scan_header_block(data[start:end])


def _scan_fields(block: bytes) -> HeaderScan:
    """:func:`scan_header_block` by the field regex (no shortcut)."""
    found = _fields(block)
    if not found:
        return _NOTHING
    if len(found) == 1 and b"content-type" in found:  # the usual case
        boundary = multipart_boundary(found[b"content-type"])
        return _NOTHING if boundary is None else _new_scan(None, None, None, (), boundary)
    content_length: int | None = None
    content_length_raw: str | None = None
    raw_length = found.get(b"content-length")
    if raw_length is not None:
        if raw_length.isdigit() and len(raw_length) <= 15:
            content_length = int(raw_length)
        else:
            content_length_raw = raw_length.decode("latin-1")
    content_type = found.get(b"content-type")
    thread = found.get(b"x-gm-thrid")
    labels = found.get(b"x-gmail-labels")
    return _new_scan(
        content_length,
        content_length_raw,
        thread.decode("utf-8", "replace") if thread else None,
        _labels(labels) if labels else (),
        multipart_boundary(content_type) if content_type else None,
    )


def _labels(value: bytes) -> tuple[str, ...]:
    """``split_labels`` of a raw X-Gmail-Labels value, remembered."""
    found = _LABELS.get(value)
    if found is None:
        if len(_LABELS) >= _LABELS_KEPT:
            _LABELS.clear()
        found = _LABELS[value] = split_labels(value.decode("utf-8", "replace"))
    return found
