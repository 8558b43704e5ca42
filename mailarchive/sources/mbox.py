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

The blank line that separates a message from the next From_ line is not part
of the message. ``source.offset`` is the byte offset of the message's From_
line in the (decompressed) stream; ``source.length`` runs to the next From_
line or the end, so the records tile the file. Text before the first From_
line is kept as a record of its own with an ``mbox-leading-garbage`` defect.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from typing import IO

from mailarchive.model import Defect, SourceKind, SourceRef
from mailarchive.sources.compression import DECOMPRESSION_ERRORS
from mailarchive.sources.fromline import FromLine, parse_from_line
from mailarchive.sources.headerscan import scan_headers
from mailarchive.sources.raw import RawMessage

LINE_LIMIT = 64 * 1024  # longer lines are read in pieces; a piece never starts a message
# How far past a From_ line found inside a Content-Length body (or an open
# multipart body) we keep reading before deciding the line is a separator
# after all (bounds memory on a hostile length or a truncated multipart).
LOOKAHEAD_CAP = 16 * 1024 * 1024

HeaderFilter = Callable[[list[bytes]], list[bytes]]
_Line = tuple[bytes, bool]  # a line (or piece of one) and whether it starts a line


@dataclass(frozen=True, slots=True)
class _Sep:
    """A From_ line found in the stream."""

    info: FromLine
    offset: int


def _is_blank(line: bytes) -> bool:
    return line in (b"\n", b"\r\n")


def _is_escaped_from(line: bytes) -> bool:
    return line.startswith(b">") and line.lstrip(b">").startswith(b"From ")


class _Lines:
    """Lines of a binary stream with their offsets, and a push-back queue."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._pending: deque[_Line] = deque()
        self._bol = True
        self.offset = 0  # offset of the next line to be read
        self.error: str | None = None  # why the stream stopped early, if it did

    def read(self) -> _Line:
        if self._pending:
            line, bol = self._pending.popleft()
        else:
            bol = self._bol
            line = b""
            if self.error is None:
                try:
                    line = self._stream.readline(LINE_LIMIT)
                except DECOMPRESSION_ERRORS as exc:
                    self.error = f"{type(exc).__name__}: {exc}"
            if line:
                self._bol = line.endswith(b"\n")
        self.offset += len(line)
        return line, bol

    def push_back(self, items: list[_Line]) -> None:
        for item in reversed(items):
            self._pending.appendleft(item)
            self.offset -= len(item[0])

    def separator(self, line: bytes, bol: bool, lenient: bool = False) -> FromLine | None:
        if not bol or not line.startswith(b"From "):
            return None
        return parse_from_line(line, lenient=lenient)


@dataclass(slots=True)
class _FileState:
    saw_mboxrd_escape: bool = False


class _MboxReader:
    def __init__(
        self,
        stream: IO[bytes],
        path: str | None,
        kind: SourceKind,
        compression: str | None,
        header_filter: HeaderFilter | None,
    ) -> None:
        self.lines = _Lines(stream)
        self.path = path
        self.kind = kind
        self.compression = compression
        self.header_filter = header_filter
        self.state = _FileState()

    def _truncation(self) -> list[Defect]:
        if self.lines.error is None:
            return []
        return [
            Defect("truncated-source", f"the data ends early or is damaged ({self.lines.error})")
        ]

    def __iter__(self) -> Iterator[RawMessage]:
        sep, leading = yield from self._leading()
        extra = leading
        while sep is not None:
            message, sep = self._message(sep, extra)
            extra = []
            yield message

    def _leading(self) -> Generator[RawMessage, None, tuple[_Sep | None, list[Defect]]]:
        """Skip to the first From_ line; yield what stands before it, if anything."""
        blank_lines = 0
        garbage: list[bytes] = []
        start = 0
        sep: _Sep | None = None
        while True:
            offset = self.lines.offset
            line, bol = self.lines.read()
            if not line:
                break
            if bol and not garbage and not line.strip():
                blank_lines += 1
                continue
            info = self.lines.separator(line, bol, lenient=not garbage)
            if info is not None:
                sep = _Sep(info, offset)
                break
            if not garbage:
                start = offset
            garbage.append(line)
        defects: list[Defect] = []
        if blank_lines and sep is not None:
            defects.append(
                Defect(
                    "mbox-leading-blank-lines",
                    f"{blank_lines} blank lines before the first From_ line",
                )
            )
        if garbage:
            end = sep.offset if sep is not None else self.lines.offset
            if sep is None:
                detail = "no From_ line found; the whole content is kept as one message"
                kind = "mbox-no-from-line"
            else:
                detail = f"{end - start} bytes before the first From_ line, kept as a message"
                kind = "mbox-leading-garbage"
            if garbage and _is_blank(garbage[-1]):
                garbage.pop()
            yield RawMessage(
                data=b"".join(garbage),
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
        return SourceRef(
            kind=self.kind,
            path=self.path,
            offset=offset,
            length=length,
            mbox_format=mbox_format,
            gm_thread_id=gm_thread_id,
            labels=labels,
            compression=self.compression,
        )

    def _plain_body(self, boundary: bytes | None) -> tuple[list[_Line], _Sep | None, bool]:
        """Body lines up to the next From_ line; also whether a From_ line was kept as body.

        Inside a multipart body whose close delimiter has not been seen, a
        From_ line is only tentatively a separator: if the close delimiter
        follows (within :data:`LOOKAHEAD_CAP` bytes), the line was an
        unescaped part of an attachment (``git format-patch`` output, a
        forwarded mbox) and stays in the body; otherwise the message is split
        there after all, so a truncated multipart cannot swallow the messages
        after it.
        """
        close = b"--" + boundary + b"--" if boundary else None
        items: list[_Line] = []
        count = 0
        tentative: tuple[int, int, _Sep] | None = None  # index, bytes before, separator
        kept = False
        while True:
            offset = self.lines.offset
            line, bol = self.lines.read()
            if not line:
                break
            if close is not None and bol and line.rstrip() == close:
                close = None
                kept = kept or tentative is not None
                tentative = None
            info = self.lines.separator(line, bol)
            if info is not None:
                if close is None:
                    return items, _Sep(info, offset), kept
                if tentative is None:
                    tentative = (len(items), count, _Sep(info, offset))
            items.append((line, bol))
            count += len(line)
            if tentative is not None and count - tentative[1] > LOOKAHEAD_CAP:
                break
        if tentative is None:
            return items, None, kept
        index, _, sep = tentative
        self.lines.push_back(items[index + 1 :])
        return items[:index], sep, kept

    def _counted_body(self, length: int) -> tuple[list[_Line], _Sep | None] | None:
        """Read a body of ``length`` bytes; None (everything pushed back) if it does not fit."""
        items: list[_Line] = []
        count = 0
        first_from: int | None = None
        while count < length:
            line, bol = self.lines.read()
            if not line:
                break
            if first_from is None and self.lines.separator(line, bol) is not None:
                first_from = count
            items.append((line, bol))
            count += len(line)
            if first_from is not None and count - first_from > LOOKAHEAD_CAP:
                break
        over = count - length
        ends_in_newline = bool(items) and items[-1][0].endswith(b"\n")
        if over == 0:
            trimmed = 0
        elif ends_in_newline and items[-1][0][-over:] in (b"\n", b"\r\n"):
            # The body has no final newline; the one read is the separator's.
            trimmed = over
        else:
            self.lines.push_back(items)
            return None
        peeked: list[_Line] = []
        next_sep: _Sep | None = None
        fits = False
        for _ in range(1 if trimmed else 2):
            offset = self.lines.offset
            line, bol = self.lines.read()
            if not line:
                fits = True
                break
            info = self.lines.separator(line, bol, lenient=True)
            if info is not None:
                next_sep = _Sep(info, offset)
                fits = True
                break
            peeked.append((line, bol))
            if not (bol and _is_blank(line)):
                break
        if not fits:
            self.lines.push_back(items + peeked)
            return None
        if trimmed:
            last, bol = items[-1]
            items[-1] = (last[:-trimmed], bol)
        return items, next_sep

    def _message(self, sep: _Sep, extra: list[Defect]) -> tuple[RawMessage, _Sep | None]:
        defects = [*extra, *sep.info.defects]
        headers: list[bytes] = []
        blank = b""
        next_sep: _Sep | None = None
        while True:
            offset = self.lines.offset
            line, bol = self.lines.read()
            if not line:
                break
            if bol and _is_blank(line):
                blank = line
                break
            info = self.lines.separator(line, bol)
            if info is not None:
                next_sep = _Sep(info, offset)
                break
            headers.append(line)
        scan = scan_headers(headers)
        body: list[_Line] = []
        counted = False
        if blank:
            if scan.content_length is not None:
                result = self._counted_body(scan.content_length)
                if result is not None:
                    body, next_sep = result
                    counted = True
                else:
                    defects.append(
                        Defect(
                            "bad-content-length",
                            f"Content-Length {scan.content_length} does not fit the mbox; "
                            "split at From_ lines instead",
                            "Content-Length",
                        )
                    )
            if not counted:
                body, next_sep, kept = self._plain_body(scan.boundary)
                if kept:
                    defects.append(
                        Defect(
                            "unescaped-from-line",
                            "a From_ line inside the MIME body was not escaped; kept as body",
                        )
                    )
                if body and body[-1][1] and _is_blank(body[-1][0]):
                    body.pop()  # the separator line before the next From_ line
        escaped = [i for i, (line, bol) in enumerate(body) if bol and _is_escaped_from(line)]
        if counted:
            bare = any(bol and line.startswith(b"From ") for line, bol in body)
            mbox_format = "mboxcl" if escaped and not bare else "mboxcl2"
            unescape = mbox_format == "mboxcl"
        else:
            if any(body[i][0].startswith(b">>") for i in escaped):
                self.state.saw_mboxrd_escape = True
            mbox_format = "mboxrd" if self.state.saw_mboxrd_escape else "mboxo"
            unescape = True
        if unescape:
            for i in escaped:
                body[i] = (body[i][0][1:], True)
        if self.header_filter is not None:
            headers = self.header_filter(headers)
        data = b"".join(headers) + blank + b"".join(line for line, _ in body)
        if not data:
            defects.append(Defect("empty-message", "a From_ line with no message after it"))
        if next_sep is None:
            defects.extend(self._truncation())
        end = next_sep.offset if next_sep is not None else self.lines.offset
        message = RawMessage(
            data=data,
            source=self._ref(
                sep.offset, end - sep.offset, mbox_format, scan.gm_thread_id, scan.labels
            ),
            received_at=sep.info.received_at,
            defects=tuple(defects),
        )
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
