"""Split an mbox stream into messages, one at a time.

Input: a binary stream of one mbox file (already decompressed). Output:
:class:`RawMessage` records, yielded as they are read; memory holds one
message, never the file.

The variants (see the qmail ``mbox(5)`` page and RFC 4155):

* **mboxo** and **mboxrd**: a message ends where the next From_ line starts
  (:mod:`mailarchive.sources.fromline` decides what is one). Lines matching
  ``^>+From `` lose one ``>`` (the mboxrd rule; for mboxo it restores the
  ``From `` lines the writer escaped, and only a literal ``>From `` written
  by the sender is changed by it). ``mbox_format`` is ``mboxrd`` once a
  ``>>From `` escape has been seen in the file, else ``mboxo``.
* **mboxcl** and **mboxcl2**: a ``Content-Length`` header gives the body
  size, so a ``From `` line inside the body does not split the message. The
  length is honoured only when the body ends exactly there and is followed
  by the end of the file, a From_ line, or a blank line and one of those;
  otherwise a ``bad-content-length`` defect is recorded and the message is
  split at From_ lines instead. ``mboxcl2`` (no escaping) unless the body
  holds ``>From `` escapes and no bare ``From `` line (then ``mboxcl``,
  unescaped).

A From_ line inside a multipart body before its close delimiter is kept as
body when the delimiter follows (an ``unescaped-from-line`` defect): writers
that do not escape leave ``git format-patch`` attachments that way.

Speed: the file is read in 1 MiB chunks and a body is found with
``bytes.find`` for ``\nFrom `` (each hit checked by the From_ rule), so
only header lines are looked at one by one. Memory holds the current
message (and at most :data:`LOOKAHEAD_CAP` bytes beyond it).

The blank line that separates a message from the next From_ line is not part
of the message. ``source.offset`` is the byte offset of the message's From_
line in the (decompressed) stream; ``source.length`` runs to the next From_
line or the end, so the records tile the file. Text before the first From_
line is kept as a record of its own with an ``mbox-leading-garbage`` defect.
"""

from __future__ import annotations

import mmap
import os
import re
from collections.abc import Callable, Generator, Iterator
from contextlib import suppress
from dataclasses import dataclass, replace
from datetime import datetime
from typing import IO, NamedTuple

from mailarchive.model import Defect, SourceKind, SourceRef, positional
from mailarchive.sources.compression import DECOMPRESSION_ERRORS
from mailarchive.sources.fromline import (
    FromLine,
    common_separator_at,
    parse_from_line,
    separator_date,
)
from mailarchive.sources.headerscan import scan_header_window
from mailarchive.sources.raw import RawMessage, new_raw

LINE_LIMIT = 64 * 1024  # longer lines are read in pieces; a piece never starts a message
CHUNK = 1 << 20
# How far past a From_ line found inside a Content-Length body (or an open
# multipart body) we keep reading before deciding the line is a separator
# after all (bounds memory on a hostile length or a truncated multipart).
LOOKAHEAD_CAP = 16 * 1024 * 1024

# After this many failed look-aheads of one kind in a file, stop looking
# ahead (Content-Length is then ignored, From_ lines in open multiparts split).
GIVE_UP = 8

HeaderFilter = Callable[[list[bytes]], list[bytes]]

_FROM = b"\nFrom "
UTF8_BOM = b"\xef\xbb\xbf"  # some Windows tools write it before the first line
# How many "From" words one From_ search looks at one by one (noting ">From"
# escapes on the way) before it looks only at line starts.
_FROM_WORDS = 64
# Escaped From lines, anchored on the newline before them (a "^" pattern
# would be tried at every byte; a literal newline lets the engine skip).
_ESCAPED = re.compile(rb"\n>(>*From )")
_RD_ESCAPE = re.compile(rb"\n>>+From ")
_BLANK = re.compile(rb"\n\r?\n")


# One SourceRef per message: built by the model's compiled constructor (the
# frozen __init__ goes through object.__setattr__ per field, three times the cost).
_new_ref = positional(SourceRef).new


class _Sep(NamedTuple):
    """A From_ line found in the stream (what the reader keeps of it: the
    :class:`FromLine` date and defects), and where the line after it starts."""

    received_at: datetime | None
    defects: tuple[Defect, ...]
    offset: int
    end: int


def _sep_of(info: FromLine, offset: int, end: int) -> _Sep:
    return _Sep(info.received_at, info.defects, offset, end)


_new_sep = tuple.__new__  # (_Sep, values): no Python-level __new__, one is made per message


def _is_blank(line: bytes) -> bool:
    return line in (b"\n", b"\r\n")


def _unescape(body: bytes) -> bytes:
    """Remove one ``>`` from every line matching ``^>+From `` (mboxrd)."""
    return _ESCAPED.sub(rb"\n\1", b"\n" + body)[1:]


def _strip_separator(body: bytes) -> bytes:
    """Drop the blank line that stands before the next From_ line."""
    if body.endswith(b"\r\n") and (len(body) == 2 or body[-3:-2] == b"\n"):
        return body[:-2]
    if body.endswith(b"\n") and (len(body) == 1 or body[-2:-1] == b"\n"):
        return body[:-1]
    return body


class _Buffer:
    """A window on a binary stream, addressed by absolute offsets.

    Data is kept from the current position (or an earlier mark) on, so a
    reader can look ahead with :meth:`find` and come back with :meth:`seek`.
    """

    def __init__(self, stream: IO[bytes], start: int = 0, mapped: mmap.mmap | None = None) -> None:
        """``start`` > 0: the stream stands at ``start - 1`` (the byte before
        ``start`` tells whether ``start`` is a line start) and reading begins
        at ``start``. ``mapped``: the whole stream, memory-mapped; then
        nothing is read from ``stream`` (everything is buffered from the
        start: no copies of chunks, and a search never has to read more)."""
        self._stream = stream
        self._buf: bytes | mmap.mmap = b""
        self._base = max(0, start - 1)  # absolute offset of _buf[0]
        self._pos = 0  # index of the read position in _buf
        self._eof = False
        self.mark: int | None = None  # absolute offset that must stay buffered
        self.error: str | None = None  # why the stream stopped early, if it did
        # Offsets of the ">From" words find_from passed (None: not known); see there.
        self.escape_words: list[int] | None = None
        if mapped is not None:
            self._buf, self._base, self._pos, self._eof = mapped, 0, start, True
        elif start > 0:
            self.fill()
            self.seek(start)

    @property
    def offset(self) -> int:
        return self._base + self._pos

    @property
    def end(self) -> int:
        """Absolute offset just past the buffered data."""
        return self._base + len(self._buf)

    def fill(self) -> bool:
        """Read about one more chunk; False at the end of the stream.

        Reads with ``read1`` where the stream has it, so that a damaged
        compressed stream loses only the last small piece before the damage.
        """
        if self._eof:
            return False
        read = getattr(self._stream, "read1", self._stream.read)
        pieces: list[bytes] = []
        size = 0
        while size < CHUNK:
            try:
                piece = read(CHUNK - size)
            except DECOMPRESSION_ERRORS as exc:
                self.error = f"{type(exc).__name__}: {exc}"
                self._eof = True
                break
            if not piece:
                self._eof = True
                break
            pieces.append(piece)
            size += len(piece)
        if not pieces:
            return False
        keep = self._pos if self.mark is None else min(self._pos, self.mark - self._base)
        keep = max(0, keep - 1)  # keep the byte before the position: is it a line start?
        self._buf = b"".join((self._buf[keep:], *pieces))
        self._base += keep
        self._pos -= keep
        return True

    def ensure(self, upto: int) -> bool:
        """Buffer up to absolute offset ``upto``; False if the stream ends before."""
        while self.end < upto:
            if not self.fill():
                return False
        return True

    def seek(self, offset: int) -> None:
        self._pos = offset - self._base

    def readline(self) -> bytes:
        """The next line (or a LINE_LIMIT piece of it); b"" at the end."""
        start = self._pos
        while True:
            newline = self._buf.find(b"\n", start, self._pos + LINE_LIMIT)
            if newline >= 0:
                line = self._buf[self._pos : newline + 1]
                break
            if len(self._buf) - self._pos >= LINE_LIMIT:
                line = self._buf[self._pos : self._pos + LINE_LIMIT]
                break
            start = len(self._buf)
            before = self._pos
            if not self.fill():
                line = self._buf[self._pos :]
                break
            start -= before - self._pos  # fill() may have moved the buffer
        self._pos += len(line)
        return line

    def line_at(self, offset: int) -> bytes:
        """The line starting at absolute ``offset`` (at most LINE_LIMIT bytes)."""
        at = offset - self._base
        newline = self._buf.find(b"\n", at, at + LINE_LIMIT)
        if newline >= 0:  # the whole line is buffered: what readline would give
            return self._buf[at : newline + 1]
        here = self.offset
        self.seek(offset)
        line = self.readline()
        self.seek(here)
        return line

    def slice(self, start: int, stop: int) -> bytes:
        return self._buf[start - self._base : stop - self._base]

    def holds(self, needle: bytes, start: int, stop: int) -> bool:
        """Whether ``needle`` stands wholly inside the buffered ``[start, stop)``."""
        return self._buf.find(needle, start - self._base, stop - self._base) >= 0

    def closes_before(self, needle: bytes, start: int, limit: int) -> bool:
        """Whether ``needle`` starts in ``[start, limit]``, as ``find(needle, start, limit)``.

        A close delimiter stands near the end of its body, so the buffered case
        searches backwards from ``limit``.
        """
        stop = limit + len(needle)
        if stop > self.end:
            return self.find(needle, start, limit) >= 0
        return self._buf.rfind(needle, start - self._base, stop - self._base) >= 0

    def matches(self, pattern: re.Pattern[bytes], start: int, stop: int) -> bool:
        """Whether ``pattern`` matches inside the buffered ``[start, stop)``."""
        return pattern.search(self._buf, start - self._base, stop - self._base) is not None

    def strip_separator(self, start: int, stop: int) -> int:
        """Where ``[start, stop)`` ends once the blank separator line is dropped.

        Only the last three bytes decide it (same rule as :func:`_strip_separator`).
        """
        data = self._buf
        size = stop - start
        end = stop - self._base
        if size >= 1 and data[end - 1] == 10:  # ends with "\n"
            if size >= 2 and data[end - 2] == 13 and (size == 2 or data[end - 3] == 10):
                return stop - 2  # "\r\n" alone on its line
            if size == 1 or data[end - 2] == 10:
                return stop - 1  # "\n" alone on its line
        return stop

    def find_from(self, start: int) -> int:
        """Absolute offset of ``\\nFrom `` at or after ``start`` in the buffered data, or -1.

        Looks for ``From`` and checks the bytes around it: ``bytes.find``
        skips faster on a needle that does not end in a common byte. Appends
        to :attr:`escape_words` (when not None) the offset of each ``From``
        passed on the way with a ``>`` before it, so that it holds every
        ``>From`` between ``start`` and the offset returned; sets it to None
        when that is not known (the search could not finish in the buffer, or
        gave up on text full of ``From``). The caller resets it.
        """
        data = self._buf
        find = data.find
        last = len(data) - 5  # "From" must be followed by one more byte
        at = start - self._base + 1  # where "From" may start
        budget = _FROM_WORDS
        while budget:
            at = find(b"From", at)
            if at < 0 or at > last:
                self.escape_words = None  # not known: the caller searches again
                return -1
            before = data[at - 1]
            if before == 10 and data[at + 4] == 32:  # "\n" before, " " after
                return at - 1 + self._base
            if before == 62:  # ">From": the body may hold an escape
                words = self.escape_words
                if words is not None:
                    words.append(at + self._base)
            at += 1
            budget -= 1
        # Text full of "From": look only at line starts from here on.
        self.escape_words = None
        at = find(_FROM, at - 1)
        return at if at < 0 else at + self._base

    def escaped_lines(self, words: list[int], start: int, stop: int) -> tuple[list[int], bool]:
        """The lines of ``[start, stop)`` matching ``^>+From `` (``start`` a line start),
        given every ``>From`` word in it (``words``, as :meth:`find_from` notes
        them): their offsets, and whether one starts ``>>``.

        Agrees with :data:`_ESCAPED` searched in ``[start - 1, stop)``: each
        word is checked on its own line, from the newline before it.
        """
        data = self._buf
        base = self._base
        floor = start - 1 - base  # the newline before the first line
        first = start - base + 1  # a word's ">" stands at or after start
        end = stop - base
        lines: list[int] = []
        deep = False
        for word in words:
            at = word - base
            if at < first or at + 5 > end or data[at + 4] != 32:
                continue
            newline = data.rfind(b"\n", floor, at)
            match = _ESCAPED.match(data, newline, at + 5) if newline >= 0 else None
            if match is not None and match.end() == at + 5:
                lines.append(newline + 1 + base)
                deep = deep or at - newline > 2  # two ">" or more: an mboxrd escape
        return lines, deep

    def find(self, needle: bytes, start: int, limit: int | None = None) -> int:
        """Absolute offset of ``needle`` at or after ``start`` (and not after ``limit``), or -1."""
        while True:
            stop = (
                len(self._buf)
                if limit is None
                else min(len(self._buf), limit - self._base + len(needle))
            )
            at = self._buf.find(needle, start - self._base, stop)
            if at >= 0:
                return self._base + at
            if limit is not None and self.end >= limit + len(needle):
                return -1
            start = max(start, self.end - len(needle) + 1)
            old_mark = self.mark
            self.mark = start if old_mark is None else min(old_mark, start)
            grown = self.fill()
            self.mark = old_mark
            if not grown:
                return -1

    def find_blank_line(self, start: int, limit: int | None) -> tuple[int, int]:
        """(start, end) of the first blank line beginning after ``start``, or (-1, -1).

        ``start`` must be a line start; the blank line must begin before
        ``limit`` (None: anywhere).
        """
        search = start - 1
        while True:
            stop = len(self._buf)
            if limit is not None:  # never negative: find and search would count from the end
                stop = max(0, min(stop, limit - self._base + 2))
            begin = max(0, search - self._base)
            # Two finds cost a third of the regex: with no "\r" before the first
            # "\n\n", no "\n\r\n" can start earlier, so that "\n\n" is the match.
            lf = self._buf.find(b"\n\n", begin, stop)
            if lf >= 0 and self._buf.find(b"\r", begin, lf) < 0:
                return self._base + lf + 1, self._base + lf + 2
            match = _BLANK.search(self._buf, begin, stop)
            if match is not None:
                return self._base + match.start() + 1, self._base + match.end()
            if limit is not None and self.end >= limit + 2:
                return -1, -1
            search = max(search, self.end - 2)
            old_mark = self.mark
            self.mark = search if old_mark is None else min(old_mark, search)
            grown = self.fill()
            self.mark = old_mark
            if not grown:
                return -1, -1


@dataclass(slots=True)
class MboxState:
    """What reading one message of a file leaves for the next ones."""

    saw_mboxrd_escape: bool = False
    # Look-ahead that found nothing (a Content-Length that did not fit, a
    # multipart never closed). After GIVE_UP of them the file is not
    # trusted for that any more, which bounds the extra work on hostile input.
    bad_lengths: int = 0
    unclosed_multiparts: int = 0
    # Defects found before a message that is not read yet (blank lines before
    # the first From_ line, when a range ends just before that line).
    carried: tuple[Defect, ...] = ()


class _MboxReader:
    def __init__(
        self,
        stream: IO[bytes],
        path: str | None,
        kind: SourceKind,
        compression: str | None,
        header_filter: HeaderFilter | None,
        start: int = 0,
        stop: int | None = None,
        state: MboxState | None = None,
        mapped: mmap.mmap | None = None,
    ) -> None:
        self.buf = _Buffer(stream, start, mapped)
        self.path = path
        self.kind = kind
        self.compression = compression
        self.header_filter = header_filter
        self.state = MboxState() if state is None else replace(state)
        self.stop = stop  # no message starting at or after this offset is read
        self.next_offset = -1  # after iterating: where the first message not read starts

    def _truncation(self) -> list[Defect]:
        if self.buf.error is None:
            return []
        return [Defect("truncated-source", f"the data ends early or is damaged ({self.buf.error})")]

    def __iter__(self) -> Iterator[RawMessage]:
        sep, leading = yield from self._leading()
        extra = [*self.state.carried, *leading]
        self.state.carried = ()
        buf = self.buf
        stop = self.stop
        while sep is not None and (stop is None or sep.offset < stop):
            # The message stays buffered from its first header on, so that its
            # bytes can be taken in one slice at the end.
            buf.mark = buf._base + buf._pos  # buf.offset, inline (a property costs a call)
            try:
                message, sep = self._read_message(sep, extra)
            finally:
                buf.mark = None
            extra = []
            yield message
        self.next_offset = sep.offset if sep is not None else self._end_of_stream()
        if sep is not None:
            self.state.carried = tuple(extra)

    def _separator_here(self, line: bytes, offset: int, lenient: bool = False) -> _Sep | None:
        """``line`` (just read, starting at ``offset``) as a From_ line, if it is one."""
        if not line.startswith(b"From "):
            return None
        if offset > 0 and self.buf.slice(offset - 1, offset) != b"\n":
            return None  # a piece of a long line, not a line start
        info = parse_from_line(line, lenient=lenient)
        return None if info is None else _sep_of(info, offset, offset + len(line))

    def _leading(self) -> Generator[RawMessage, None, tuple[_Sep | None, list[Defect]]]:
        """Skip to the first From_ line; yield what stands before it, if anything."""
        blank_lines = 0
        garbage: list[bytes] = []
        start = 0
        sep: _Sep | None = None
        bom = False
        while True:
            offset = self.buf.offset
            line = self.buf.readline()
            if not line:
                break
            if offset == 0 and line.startswith(UTF8_BOM):
                info = parse_from_line(line[len(UTF8_BOM) :], lenient=True)
                if info is not None:  # the From_ line starts after the mark
                    bom = True
                    sep = _sep_of(info, len(UTF8_BOM), len(line))
                    break
            if not garbage and not line.strip():
                blank_lines += 1
                continue
            sep = self._separator_here(line, offset, lenient=not garbage)
            if sep is not None:
                break
            if not garbage:
                start = offset
            garbage.append(line)
        defects: list[Defect] = []
        if bom:
            defects.append(
                Defect("utf8-bom", "a UTF-8 byte order mark before the first From_ line")
            )
        if blank_lines and sep is not None:
            defects.append(
                Defect(
                    "mbox-leading-blank-lines",
                    f"{blank_lines} blank lines before the first From_ line",
                )
            )
        if garbage:
            end = sep.offset if sep is not None else self.buf.offset
            if sep is None:
                detail = "no From_ line found; the whole content is kept as one message"
                kind = "mbox-no-from-line"
            else:
                detail = f"{end - start} bytes before the first From_ line, kept as a message"
                kind = "mbox-leading-garbage"
            yield RawMessage(
                data=_strip_separator(b"".join(garbage)),
                source=self._ref(start, end - start, None, None, ()),
                defects=(Defect(kind, detail), *(self._truncation() if sep is None else [])),
            )
        return sep, defects

    def _ref(
        self,
        offset: int,
        length: int,
        mbox_format: str | None,
        gm_thread_id: str | None,
        labels: tuple[str, ...],
    ) -> SourceRef:
        return _new_ref(
            self.kind,
            self.path,
            offset,
            length,
            mbox_format,
            gm_thread_id,
            labels,
            (),  # flags: none in an mbox
            self.compression,
        )

    def _next_separator(self, start: int, limit: int | None = None) -> _Sep | None:
        """The first From_ line starting after ``start`` - 1 (a line start), up to ``limit``."""
        search = start - 1
        if start == 0 or self.buf.slice(start - 1, start) != b"\n":
            search = start  # not at a line start: only whole lines after it count
        return self._separator_after(search, limit)

    def _separator_after(self, search: int, limit: int | None = None) -> _Sep | None:
        """The first From_ line whose newline is at or after ``search``, up to ``limit``."""
        buf = self.buf
        while True:
            at = buf.find_from(search) if limit is None else -1
            if at < 0:
                at = buf.find(_FROM, search, limit)
            if at < 0:
                return None
            # buf.line_at(at + 1), its usual case inline: the line is buffered whole.
            data = buf._buf
            begin = at + 1 - buf._base
            newline = data.find(b"\n", begin, begin + LINE_LIMIT)
            line = data[begin : newline + 1] if newline >= 0 else buf.line_at(at + 1)
            dated = separator_date(line)
            if dated is not None:
                received_at, defects = dated
                return _new_sep(_Sep, (received_at, defects, at + 1, at + 1 + len(line)))
            search = at + 1

    def _plain_body(
        self, boundary: bytes | None, hint: _Sep | None
    ) -> tuple[int, int, _Sep | None, bool]:
        """(start, end) of the body up to the next From_ line, that line, and
        whether a From_ line was kept as body.

        Inside a multipart body whose close delimiter has not been seen, a
        From_ line is only tentatively a separator: if the close delimiter
        follows (within :data:`LOOKAHEAD_CAP` bytes), the line was an
        unescaped part of an attachment (``git format-patch`` output, a
        forwarded mbox) and stays in the body; otherwise the message is split
        there after all, so a truncated multipart cannot swallow the messages
        after it. ``hint`` is the first From_ line after the headers, if known.
        """
        buf = self.buf
        start = buf.offset
        saved_mark = buf.mark
        buf.mark = start if saved_mark is None else min(saved_mark, start)
        guard = boundary and self.state.unclosed_multiparts < GIVE_UP
        close = b"\n--" + boundary + b"--" if boundary and guard else None
        close_from = start - 1 if start > 0 else 0
        kept = False
        search = start
        try:
            while True:
                if hint is not None and hint.offset >= search:
                    sep: _Sep | None = hint
                    hint = None
                else:
                    sep = self._next_separator(search)
                if sep is None or close is None:
                    break
                if buf.closes_before(close, close_from, sep.offset - 1):
                    close = None  # closed before this From_ line: it is a separator
                    break
                close_from = sep.offset - 1
                closed_at = buf.find(close, sep.offset, sep.offset + LOOKAHEAD_CAP)
                if closed_at < 0:
                    self.state.unclosed_multiparts += 1
                    break  # never closed: split here after all
                kept = True
                close = None
                search = closed_at + 1
            end = sep.offset if sep is not None else self._end_of_stream()
            body_end = buf.strip_separator(start, end)
            buf.seek(sep.end if sep is not None else end)
        finally:
            buf.mark = saved_mark
        return start, body_end, sep, kept

    def _end_of_stream(self) -> int:
        while self.buf.fill():
            pass
        return self.buf.end

    def _counted_body(self, length: int) -> tuple[int, int, _Sep | None] | None:
        """(start, end) of a body of exactly ``length`` bytes and the From_ line after it,
        if the mbox agrees; None (position kept) if not."""
        buf = self.buf
        start = buf.offset
        end = start + length
        saved_mark = buf.mark
        buf.mark = start if saved_mark is None else min(saved_mark, start)
        try:
            if length > LOOKAHEAD_CAP:
                # A huge length: before buffering it all, check that no From_
                # line stands more than LOOKAHEAD_CAP bytes before its end.
                early = self._next_separator(start, end - LOOKAHEAD_CAP)
                if early is not None:
                    return None
            if not buf.ensure(end):
                return None  # past the end of the stream
            buf.ensure(end + 2)
            next_sep: _Sep | None = None
            after = end
            if end < buf.end:
                buf.seek(end)
                line = buf.readline()
                if _is_blank(line):
                    after = buf.offset
                    line = buf.readline() if after < buf.end or buf.ensure(after + 1) else b""
                if line:
                    at_start = (
                        buf.slice(buf.offset - len(line) - 1, buf.offset - len(line)) == b"\n"
                    )
                    info = parse_from_line(line, lenient=True) if at_start else None
                    if info is None:
                        buf.seek(start)
                        return None
                    next_sep = _sep_of(info, buf.offset - len(line), buf.offset)
            buf.seek(next_sep.end if next_sep is not None else buf.end)
            if next_sep is None:
                buf.seek(self._end_of_stream())
            return start, end, next_sep
        finally:
            buf.mark = saved_mark

    def _read_message(self, sep: _Sep, extra: list[Defect]) -> tuple[RawMessage, _Sep | None]:
        # The _Buffer calls of the usual case are written out inline here
        # (buf._buf, buf._base, buf._pos): a method call costs more than its work.
        buf = self.buf
        defects = [*extra, *sep.defects] if extra or sep.defects else []
        # The header block runs to the first blank line, unless a From_ line
        # comes first (a message with no body).
        start = buf._base + buf._pos
        buf.escape_words = []
        # A From_ line ends with a newline (or the data ends after it), so
        # the message starts a line: search from that newline on.
        # self._separator_after(start - 1), its usual case inline: the first
        # candidate line is a From_ line, buffered whole.
        at = buf.find_from(start - 1)
        hint: _Sep | None = None
        if at < 0:
            # The search ran to the end of the buffer: look there again the
            # slow way (reads more of the stream, and notes no ">From").
            hint = self._separator_after(start - 1)
        else:
            window = buf._buf
            begin = at + 1 - buf._base
            common = common_separator_at(window, begin)  # the usual line, read in place
            if common is not None:
                hint = _new_sep(_Sep, (common[0], (), at + 1, buf._base + common[1]))
            else:
                newline = window.find(b"\n", begin, begin + LINE_LIMIT)
                if newline < 0:
                    hint = self._separator_after(at)  # takes that line again, the slow way
                else:
                    dated = separator_date(window[begin : newline + 1])
                    if dated is None:
                        hint = self._separator_after(at + 1)  # not one: search on
                    else:
                        received_at, flaws = dated
                        hint = _new_sep(_Sep, (received_at, flaws, at + 1, buf._base + newline + 1))
        # Every ">From" word between the message start and the hint (None: not
        # known); once the body is known not to end at the hint, None.
        words: list[int] | None = buf.escape_words
        # find_blank_line's first try, inline: LF LF in the buffer, no CR before it.
        window = buf._buf
        base = buf._base
        begin = start - 1 - base
        stop = len(window)
        if hint is not None and hint.offset - base + 2 < stop:
            stop = hint.offset - base + 2
        lf = window.find(b"\n\n", begin, stop) if begin >= 0 else -1
        if lf >= 0 and window.find(b"\r", begin, lf) < 0:
            blank_start = base + lf + 1
            blank_end = blank_start + 1
        else:
            blank_start, blank_end = buf.find_blank_line(
                start, hint.offset if hint is not None else None
            )
        blank = False
        next_sep: _Sep | None = None
        if blank_start >= 0:
            header_end = blank_start
            blank = True
            buf._pos = blank_end - buf._base
        elif hint is not None:
            header_end = hint.offset
            next_sep = hint
            buf._pos = hint.end - buf._base
        else:
            header_end = self._end_of_stream()
            buf.seek(header_end)
        scan = scan_header_window(buf._buf, start - buf._base, header_end - buf._base)
        # The body is [body_start, body_end) of the stream; its first byte
        # follows a newline (the blank line's), which the escape patterns use.
        body_start = body_end = header_end
        counted = False
        kept = False
        if blank:
            if scan.content_length is not None and self.state.bad_lengths < GIVE_UP:
                result = self._counted_body(scan.content_length)
                if result is not None:
                    body_start, body_end, next_sep = result
                    counted = True
                else:
                    self.state.bad_lengths += 1
                    defects.append(
                        Defect(
                            "bad-content-length",
                            f"Content-Length {scan.content_length} does not fit the mbox; "
                            "split at From_ lines instead",
                            "Content-Length",
                        )
                    )
            if not counted and scan.boundary is None and hint is not None:
                # What _plain_body gives without a multipart to guard: the
                # body runs to the From_ line already found.
                body_start = blank_end  # where buf stands
                window = buf._buf
                end = hint.offset - buf._base
                if (
                    hint.offset - body_start >= 2
                    and window[end - 1] == 10
                    and window[end - 2] == 10
                ):
                    body_end = hint.offset - 1  # strip_separator's usual case: LF LF
                else:
                    body_end = buf.strip_separator(body_start, hint.offset)
                next_sep = hint
                buf._pos = hint.end - buf._base
            elif not counted:
                body_start, body_end, next_sep, kept = self._plain_body(scan.boundary, hint)
                if next_sep is not hint or hint is None:
                    words = None  # the body runs past what the From_ search saw
            else:
                words = None
        else:
            words = None
        if kept:
            defects.append(
                Defect(
                    "unescaped-from-line",
                    "a From_ line inside the MIME body was not escaped; kept as body",
                )
            )
        # The escaped lines of the body: known from the words where the From_
        # search saw the whole body (no ">From" at all, usually), else searched.
        escape_lines: list[int] | None = None
        deep = False
        if words is None:
            escaped = buf.holds(b">From", body_start, body_end) and buf.matches(
                _ESCAPED, body_start - 1, body_end
            )
        elif words:
            escape_lines, deep = buf.escaped_lines(words, body_start, body_end)
            escaped = bool(escape_lines)
        else:
            escaped = False
        if counted:
            bare_from = buf.holds(_FROM, body_start - 1, body_end)
            mbox_format = "mboxcl" if escaped and not bare_from else "mboxcl2"
            unescape = mbox_format == "mboxcl"
        else:
            if escaped and (
                deep
                if escape_lines is not None
                else buf.holds(b">>From ", body_start, body_end)
                and buf.matches(_RD_ESCAPE, body_start - 1, body_end)
            ):
                self.state.saw_mboxrd_escape = True
            mbox_format = "mboxrd" if self.state.saw_mboxrd_escape else "mboxo"
            unescape = escaped
        if unescape and escape_lines is not None and self.header_filter is None:
            # One ">" less on each escaped line: the stored bytes around them.
            window = buf._buf
            base = buf._base
            pieces = []
            at = start
            for line in escape_lines:
                pieces.append(window[at - base : line - base])
                at = line + 1
            pieces.append(window[at - base : body_end - base])
            data = b"".join(pieces)
        elif unescape or self.header_filter is not None:
            headers = buf.slice(start, header_end).splitlines(keepends=True)
            if self.header_filter is not None:
                headers = self.header_filter(headers)
            separator = buf.slice(header_end, body_start)
            body = buf.slice(body_start, body_end)
            if unescape:
                body = _unescape(body)
            data = b"".join((*headers, separator, body))
        else:
            # headers, blank line and body as stored: buf.slice(start, body_end)
            data = buf._buf[start - buf._base : body_end - buf._base]
        if not data:
            defects.append(Defect("empty-message", "a From_ line with no message after it"))
        if next_sep is None:
            defects.extend(self._truncation())
        end = next_sep.offset if next_sep is not None else buf.offset
        ref = _new_ref(  # self._ref, inlined: once per message
            self.kind,
            self.path,
            sep.offset,
            end - sep.offset,
            mbox_format,
            scan.gm_thread_id,
            scan.labels,
            (),
            self.compression,
        )
        message = new_raw(data, ref, sep.received_at, tuple(defects))
        return message, next_sep


def iter_mbox(
    stream: IO[bytes],
    path: str | None,
    kind: SourceKind = SourceKind.MBOX,
    compression: str | None = None,
    header_filter: HeaderFilter | None = None,
) -> Iterator[RawMessage]:
    """Yield the messages of one mbox stream (see module doc).

    ``header_filter`` may rewrite each message's header lines (pipermail
    address de-obfuscation); offsets and lengths always refer to the stream.
    """
    yield from _MboxReader(stream, path, kind, compression, header_filter)


def next_from_line(data: bytes | mmap.mmap, at: int) -> int:
    """Offset of the first line at or after ``at`` (a line start, or 0) that the
    reader would take as a From_ line between messages, or -1."""
    if at == 0 and data[:5] == b"From " and parse_from_line(_line(data, 0)) is not None:
        return 0
    search = max(0, at - 1)
    while True:
        found = data.find(_FROM, search)
        if found < 0:
            return -1
        if parse_from_line(_line(data, found + 1)) is not None:
            return found + 1
        search = found + 1


def next_from_line_in_file(fd: int, at: int, size: int, window: int = 256 * 1024) -> int:
    """:func:`next_from_line` of the open file ``fd`` (``size`` bytes long), read
    with ``os.pread`` in windows from ``at`` on.

    Not through a memory map: the kernel may map a cached file in folios of
    up to 2 MiB at a time, so touching one spot per range of a 495 MB mbox
    raised the process's RSS to the file's size. A result counts only when
    every line looked at lies whole in the window (each is read up to
    LINE_LIMIT, as in the file), else the window grows.
    """
    start = max(0, at - 1)
    while True:
        data = os.pread(fd, window, start)
        last = start + len(data) >= size
        found = next_from_line(data, at - start)
        if last or (found >= 0 and found + LINE_LIMIT + 1 <= len(data)):
            return found if found < 0 else start + found
        window *= 2


def _line(data: bytes | mmap.mmap, start: int) -> bytes:
    end = data.find(b"\n", start, start + LINE_LIMIT)
    return data[start : end + 1 if end >= 0 else start + LINE_LIMIT]


def iter_mbox_range(
    stream: IO[bytes],
    path: str | None,
    start: int,
    stop: int | None,
    state: MboxState,
    kind: SourceKind = SourceKind.MBOX,
) -> Generator[RawMessage, None, tuple[int, MboxState]]:
    """The messages of an uncompressed, seekable mbox whose From_ line starts in
    ``[start, stop)`` (``stop`` None: to the end), read as :func:`iter_mbox`
    reads the whole file when it reaches ``start`` in ``state`` (``start``
    must be 0 or the offset of a From_ line).

    Returns where the next message starts (the file size at the end) and the
    state after the last message read: a reader of the next range agrees with
    the whole-file reading only if it starts there in that state
    (``mailarchive.api`` checks that, and reads a range again if not).
    """

    mapped = _mapped(stream)
    if mapped is None:
        stream.seek(max(0, start - 1))
    reader = _MboxReader(stream, path, kind, None, None, start, stop, state, mapped)
    try:
        yield from reader
    finally:
        if mapped is not None:
            reader.buf = _Buffer(stream)  # drop the reader's hold on the mapping
            with suppress(BufferError):  # a view still held elsewhere: freed with it
                mapped.close()
    return reader.next_offset, replace(reader.state)


def _mapped(stream: IO[bytes]) -> mmap.mmap | None:
    """``stream``'s file memory-mapped for reading, or None (not a file, empty, ...).

    Reading a range from the mapping copies each message once, where reading
    it in chunks copied every chunk twice (read, then joined to the rest).
    """
    try:
        return mmap.mmap(stream.fileno(), 0, access=mmap.ACCESS_READ)
    except (OSError, ValueError, AttributeError):
        return None
