"""Tell what a stream holds from its first bytes.

Input: the first bytes (up to 64 KiB) of a decompressed stream. Output: one
of ``mbox``, ``pipermail``, ``eml``, ``text``, ``empty`` or ``binary``.

Order of the checks:

0. a UTF-8 byte order mark is skipped (the readers remove it, with a defect);
1. nothing but whitespace -> ``empty`` (readers yield nothing);
2. NUL bytes, many control characters, or mostly undecodable bytes ->
   ``binary`` (the caller raises :class:`UnknownFormatError`);
3. the first non-blank line is a From_ line -> ``mbox``, or ``pipermail``
   when its sender is written ``user at host``;
4. the content starts with an RFC 5322 header block -> ``eml``. A header
   block is at least two ``Name: value`` fields (continuations allowed) up
   to a blank line, none of them shaped otherwise, with one field only real
   messages carry (Received, Message-ID, MIME-Version, Return-Path, ...),
   or else a Date field in RFC 5322 form. So a pasted forward (``From: X``
   / ``Sent: Friday ...`` / ``Subject: ...``, or a whole header flattened
   on one line) is not taken for a message;
   A file named ``*.eml`` needs one well-formed field only;
5. a From_ line followed by a header block further down -> ``mbox`` (the
   text above it is kept as a record with a defect);
6. anything else readable -> ``text`` (one document for the parse stage).
"""

from __future__ import annotations

import email.utils
import re

from mailarchive.sources.fromline import parse_from_line
from mailarchive.sources.mbox import UTF8_BOM

# RFC 5322 section 3.6.8: printable US-ASCII except colon.
_FIELD_NAME = re.compile(rb"[!-9;-~]+")
# Fields that only real transported or composed messages carry.
_STRONG_FIELDS = frozenset(
    {
        b"received",
        b"x-received",
        b"message-id",
        b"return-path",
        b"mime-version",
        b"delivered-to",
        b"x-original-to",
        b"envelope-to",
        b"content-transfer-encoding",
        b"content-type",
        b"dkim-signature",
        b"arc-seal",
        b"authentication-results",
        b"newsgroups",
        b"in-reply-to",
        b"references",
        b"x-gm-thrid",
        b"x-gmail-labels",
        b"x-mailer",
        b"user-agent",
        b"list-id",
    }
)
_CONTROL = bytes(b for b in range(32) if b not in (9, 10, 12, 13, 27)) + b"\x7f"
_SAMPLE = 8192


def is_binary(prefix: bytes) -> bool:
    """True for data that is not text in any charset mail uses."""
    sample = prefix[:_SAMPLE]
    if b"\x00" in sample:
        return True
    controls = len(sample) - len(sample.translate(None, _CONTROL))
    if controls * 10 > len(sample):
        return True
    try:
        sample.decode("utf-8")
    except UnicodeDecodeError as exc:
        if exc.start < len(sample) - 4:  # not just a character cut at the end
            high = len(sample) - len(sample.translate(None, bytes(range(128, 256))))
            return high * 10 > len(sample) * 3
    return False


def looks_like_header_block(data: bytes, weak_fields: int = 0) -> bool:
    """True when ``data`` starts with an RFC 5322 header block (module doc, step 4).

    ``weak_fields`` > 0: that many well-formed fields are enough, whatever they are.
    """
    lines = data.split(b"\n")
    if not data.endswith(b"\n"):
        lines.pop()  # a line cut by the end of the sample says nothing
    names: list[bytes] = []
    date: bytes | None = None
    for raw in lines:
        line = raw.rstrip(b"\r")
        if not line:
            break
        if line[:1] in (b" ", b"\t"):
            if not names:
                return False
            continue
        name, colon, value = line.partition(b":")
        if not colon or not _FIELD_NAME.fullmatch(name):
            return False
        lowered = name.lower()
        names.append(lowered)
        if lowered == b"date" and date is None:
            date = value.strip()
    if weak_fields and len(names) >= weak_fields:
        return True
    if len(names) < 2:
        return False
    if any(name in _STRONG_FIELDS for name in names):
        return True
    if date is None:
        return False
    return email.utils.parsedate_tz(date.decode("latin-1")) is not None


def _first_line(prefix: bytes) -> tuple[bytes, bytes]:
    """The first non-blank line and what follows it."""
    stripped = prefix.lstrip(b"\r\n \t")
    line, _, rest = stripped.partition(b"\n")
    return line + b"\n", rest


def _from_line_further_down(prefix: bytes) -> bool:
    """A From_ line after a blank line, followed by a header block (bounded work)."""
    start = 0
    for _ in range(64):
        at = prefix.find(b"\nFrom ", start)
        if at < 0:
            return False
        line_start = at + 1
        before = prefix[max(0, at - 2) : at].rstrip(b"\r")
        end = prefix.find(b"\n", line_start)
        if end < 0:
            return False
        if before.endswith(b"\n") or at == 0:
            line = prefix[line_start:end]
            if parse_from_line(line) is not None and looks_like_header_block(
                prefix[end + 1 : end + 1 + 4096]
            ):
                return True
        start = end
    return False


def sniff(prefix: bytes, name: str | None = None) -> str:
    """What the stream whose first bytes are ``prefix`` holds (module doc).

    ``name``: the file's name, when there is one. A file named ``*.eml``
    whose content starts with a header block is a message even with only
    fields a pasted text could have (``From:``, ``Subject:``).
    """
    prefix = prefix.removeprefix(UTF8_BOM)
    if not prefix.strip():
        return "empty"
    if is_binary(prefix):
        return "binary"
    first, rest = _first_line(prefix)
    strict = parse_from_line(first)
    if strict is None and first.startswith(b"From ") and looks_like_header_block(rest):
        strict = parse_from_line(first, lenient=True)
    if strict is not None:
        return "pipermail" if strict.pipermail else "mbox"
    if looks_like_header_block(prefix.lstrip(b"\r\n")):
        return "eml"
    if name is not None and name.lower().endswith(".eml") and looks_like_header_block(prefix, 1):
        return "eml"
    if _from_line_further_down(prefix):
        return "mbox"
    return "text"
