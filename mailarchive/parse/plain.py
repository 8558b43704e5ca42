"""Plain single-part messages read without the standard library's line-by-line parser.

Input: the raw bytes of one message. Output: the compat32
:class:`~email.message.Message` that ``email.message_from_bytes(data,
policy=compat32)`` builds, or ``None`` when the message is not plain enough
to be built here with certainty (the caller then runs the feedparser).

Why: on plain-text list mail the feedparser (a Python loop over every line
of the message, body included) costs more than everything else
``parse_message`` does. For a message that is not multipart/* or message/*
the feedparser's result is simple: every header as
``Compat32.header_source_parse`` stores it, and the text after the blank
line as the payload. Here the header block is checked with two searches,
split with one ``findall``, and the body is one slice.

Plain means: the first line is a header; every later line of the block is a
``Name: value`` line (``email.feedparser.headerRE`` less the empty name) or
a continuation; no bare CR in the block (the feedparser ends a line there);
and the content type is neither multipart/* nor message/*. Everything else
(a leading ``From `` line, a line that ends the headers without a blank
line, MIME structure) goes to the feedparser, with the defects it records.
"""

from __future__ import annotations

import re
from email.message import Message
from email.policy import compat32

# compat32's feedparser reads a line as a header when it matches
# email.feedparser.headerRE (minus the empty name, which it drops with a
# defect) or starts with blank space (a continuation). The first line must be
# a header (a name of printable characters but ':', then ':').
_FIRST_LINE = re.compile(r"[\041-\071\073-\176]+:")
# A line of the block that is neither a header nor a continuation. The
# lookahead reads at most one line: linear in the block.
_BAD_LINE = re.compile(r"\n(?![ \t]|[\041-\071\073-\176]+:)(?!\Z)")
# One header: its name, then its value with any continuation lines, less the
# blank space that opens it (compat32 strips it: ``value.lstrip(" \t")``).
# Each alternative starts on a line start, so the scan is linear.
_HEADER = re.compile(r"^([\041-\071\073-\176]+):[ \t]*([^\n]*(?:\n[ \t][^\n]*)*)", re.MULTILINE)


def is_plain_block(block: str) -> bool:
    """Whether compat32 reads every line of the header block ``block`` (up to,
    not including, its blank line) as a header or a continuation, with no bare
    CR (the feedparser ends a line there). ``parse.quick.header_lines`` checks
    the same in the pass that finds its wanted lines."""
    if _FIRST_LINE.match(block) is None or _BAD_LINE.search(block) is not None:
        return False
    cr = block.count("\r")
    return not cr or cr == block.count("\r\n")


def split_header_block(text: str) -> tuple[list[tuple[str, str]], int] | None:
    """(name, value) pairs of ``text``'s header block as compat32 stores them,
    and where the body starts; ``None`` when the block is not plain."""
    end = text.find("\n\n")
    limit = end + 2 if end >= 0 else len(text)
    # No CR before the limit, no CRLF blank line (a one-character find is cheap).
    crlf = text.find("\n\r\n", 0, limit) if text.find("\r", 0, limit) >= 0 else -1
    if crlf >= 0:
        block_end, body_start = crlf + 1, crlf + 3
    elif end >= 0:
        block_end, body_start = end + 1, end + 2
    else:
        block_end = body_start = len(text)
    block = text[:block_end]
    if not is_plain_block(block):
        return None
    items: list[tuple[str, str]] = _HEADER.findall(text, 0, block_end)
    if "\r" in block:  # a value ends before its line's "\n": only a "\r" is left to strip
        items = [(name, value.rstrip("\r\n")) for name, value in items]
    return items, body_start


def plain_message(data: bytes) -> Message | None:
    """The compat32 Message of ``data`` if it is plain (module docstring), else None."""
    text = data.decode("ascii", "surrogateescape")  # as email.message_from_bytes does
    split = split_header_block(text)
    if split is None:
        return None
    items, body_start = split
    msg = Message(policy=compat32)
    msg.__dict__["_headers"] = items  # what Message.set_raw appends to, one pair at a time
    if _structured(msg, items):
        return None
    msg.set_payload(text[body_start:])
    return msg


def _structured(msg: Message, items: list[tuple[str, str]]) -> bool:
    """Whether ``msg.get_content_maintype()`` is multipart or message.

    An ASCII Content-Type is read here as ``Message.get_content_type``
    reads it (the first one; an invalid type is text/plain); other values
    (8-bit bytes as surrogates) go to the stdlib.
    """
    for name, value in items:
        if name.lower() == "content-type":
            if not value.isascii():
                return msg.get_content_maintype() in ("multipart", "message")
            ctype = value.partition(";")[0].strip().lower()
            return ctype.count("/") == 1 and ctype.startswith(("multipart/", "message/"))
    return False  # no Content-Type: the default, text/plain


__all__ = ["is_plain_block", "plain_message", "split_header_block"]
