"""Pasted text dumps: one document holding one or many emails.

Input: a :class:`~mailarchive.sources.raw.RawMessage` whose ``source.kind``
is ``text`` and whose ``data`` is the whole document. Output: Email records.

Design (the ``text-dump`` derivation kind):

* The document is cut into *parts* at separators (``patterns.DUMP_SEPARATORS``):
  a rule of ``=``, ``*``, ``#`` or ``~`` (five or more, optionally with a
  title such as ``=== Message 2 ===``), a numbered banner line ("Message 2
  of 5"), a form feed, or a header block preceded by two or more blank
  lines when the document itself starts with a header block.
  Outlook-style header blocks with one blank line (or a ``-----Original
  Message-----`` banner) above them are not separators: they are history
  embedded in the message above, and the segmenter splits them out.
* One part: the top record *is* that email. Its header fields come from a
  leading header block if there is one (a part without headers keeps them
  null); its body value is the text after that block.
* Several parts: the top record stands for the document (no headers, body
  value = the whole document, ``content.authored`` = the text before the
  first separator when that text has no header block), and each part
  becomes a record with ``derivation.kind`` = ``text-dump``, depth 1, its
  span in the document, and its own headers.
* Every body is then segmented like any other (forwards, quotes,
  signatures, sender inference across the whole dump).

The top record's id is ``email_id(path, offset, sha256 of the bytes)``.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from mailarchive.ids import content_hash, email_id
from mailarchive.model import (
    BodyPart,
    BodyValue,
    Content,
    Defect,
    DerivationKind,
    Email,
    SourceRef,
)
from mailarchive.parse.charsets import decode_bytes
from mailarchive.parse.segment import thresholds as th
from mailarchive.parse.segment.headers import HeaderBlock, is_convincing, read_header_block
from mailarchive.parse.segment.patterns import DUMP_SEPARATORS
from mailarchive.parse.segment.records import build_records, preview_of, read_fields
from mailarchive.parse.segment.segmenter import Node, Segment, segment_text
from mailarchive.sources.raw import RawMessage

# Separators between pasted emails (one line each).
_LINE_ENDS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


def decode_dump(data: bytes) -> tuple[str, tuple[Defect, ...], bool]:
    """The document's text: UTF-8 (with or without BOM), UTF-16 by BOM, else a fallback."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), (), False
        except UnicodeDecodeError:
            pass
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        decoded = decode_bytes(data, None)
        detail = f"text is not UTF-8; read as {decoded.charset}"
        return decoded.text, (Defect(decoded.problem or "undeclared-charset", detail),), True
    return text.removeprefix("\ufeff"), (), False


@dataclass(frozen=True, slots=True)
class _Part:
    start: int  # offsets in the document
    end: int
    header: HeaderBlock | None
    body_start: int
    preamble: bool = False  # text before the first separator, with no header block


def _lines(text: str) -> tuple[list[str], list[int]]:
    lines = text.splitlines(keepends=True)
    offsets = []
    pos = 0
    for ln in lines:
        offsets.append(pos)
        pos += len(ln)
    offsets.append(pos)
    return [ln.rstrip(_LINE_ENDS) for ln in lines], offsets


def _leading_header(bare: list[str], k: int) -> HeaderBlock | None:
    block = read_header_block(bare, k)
    if block is not None and is_convincing(block, after_banner=False):
        return block
    return None


def split_parts(text: str) -> list[_Part]:
    """Cut a document into pasted emails (see the module docstring)."""
    bare, offsets = _lines(text)
    n = len(bare)

    def first_nonblank(k: int) -> int:
        while k < n and not bare[k].strip():
            k += 1
        return k

    def is_separator(s: str) -> bool:
        if "\f" in s:
            return True
        st = s.strip()
        return len(st) <= 300 and any(sep.fullmatch(st) for sep in DUMP_SEPARATORS)

    # (first line of the part, first line of its content, opened by a separator)
    starts: list[tuple[int, int, bool]] = []
    k0 = first_nonblank(0)
    opened = k0 < n and is_separator(bare[k0])
    if opened:
        k0 = first_nonblank(k0 + 1)
    leading = k0 < n and _leading_header(bare, k0) is not None
    starts.append((0, k0, opened))
    blanks = 0
    for i in range(n):
        s = bare[i]
        if not s.strip():
            blanks += 1
            continue
        if i > k0 and is_separator(s):
            starts.append((i, first_nonblank(i + 1), True))
        elif (
            leading
            and blanks >= th.MIN_BLANKS_BEFORE_DUMP_PART
            and i > k0
            and _leading_header(bare, i) is not None
        ):
            starts.append((i, i, True))
        blanks = 0
    parts: list[_Part] = []
    for idx, (first, content_line, separated) in enumerate(starts):
        last = starts[idx + 1][0] if idx + 1 < len(starts) else n
        content = min(content_line, last)
        header = _leading_header(bare, content) if content < last else None
        body_line = first_nonblank(header.end) if header is not None else content
        body_line = min(body_line, last)
        preamble = not separated and header is None
        parts.append(_Part(offsets[first], offsets[last], header, offsets[body_line], preamble))
    # A separator with nothing after it is not a part.
    kept = [p for p in parts if text[p.body_start : p.end].strip() or p.header is not None]
    return kept or [_Part(0, len(text), None, 0)]


def parse_text_dump(raw: RawMessage, *, split: bool = True) -> tuple[Email, ...]:
    """Records of a pasted text document: the top record first, then the rest.

    ``split=False`` gives the top record alone with the whole text as its
    authored content (``--no-split``). Never raises on any input.
    """
    text, defects, problem = decode_dump(raw.data)
    eid = email_id(raw.source.path, raw.source.offset, content_hash(raw.data))
    source = raw.source
    if source.length is None:
        source = SourceRef(
            kind=source.kind,
            path=source.path,
            offset=source.offset,
            length=len(raw.data),
            compression=source.compression,
        )
    all_defects = raw.defects + defects
    whole = _record(
        eid,
        source=source,
        raw=raw,
        value=text,
        authored=text,
        problem=problem,
        defects=all_defects,
    )
    if not split:
        return (whole,)
    try:
        return _split_dump(raw, text, eid, source=source, problem=problem, all_defects=all_defects)
    except Exception as exc:  # a safety net: a defect, never a traceback
        defect = Defect("segment-failed", f"text kept whole: {type(exc).__name__}: {exc}"[:200])
        return (replace(whole, defects=(*whole.defects, defect)),)


def _split_dump(
    raw: RawMessage,
    text: str,
    eid: str,
    *,
    source: SourceRef,
    problem: bool,
    all_defects: tuple[Defect, ...],
) -> tuple[Email, ...]:
    parts = split_parts(text)
    if len(parts) == 1 and parts[0].preamble:
        parts = [_Part(0, len(text), None, 0)]
    if len(parts) == 1 and parts[0].header is not None:
        part = parts[0]
        header = parts[0].header
        body = text[part.body_start :]
        got = read_fields(header.fields, header.language)
        top = _record(
            eid,
            source=source,
            raw=raw,
            value=body,
            authored=body,
            problem=problem,
            defects=all_defects + tuple(got.defects),
        )
        top = replace(
            top,
            from_=got.people.get("from_"),
            sender=got.people.get("sender"),
            reply_to=got.people.get("reply_to"),
            to=got.people.get("to"),
            cc=got.people.get("cc"),
            bcc=got.people.get("bcc"),
            subject=got.subject,
            sent_at=got.sent_at,
            dates=got.dates,
            message_id=got.message_id,
            in_reply_to=got.in_reply_to,
        )
        return build_records(top, segment_text(body), "1")
    if len(parts) == 1:
        top = _record(
            eid,
            source=source,
            raw=raw,
            value=text,
            authored=text,
            problem=problem,
            defects=all_defects,
        )
        return build_records(top, segment_text(text), "1")
    # Several pasted emails: the document is the container; text before the
    # first separator without a header block of its own is its preamble.
    preamble = text[: parts[1].start].strip() if parts[0].preamble else ""
    if parts[0].preamble:
        parts = parts[1:]
    top = _record(
        eid, source=source, raw=raw, value=text, authored="", problem=problem, defects=all_defects
    )
    children = []
    for part in parts:
        body = text[part.body_start : part.end]
        h = part.header
        style = ("flattened" if h.flattened else "header-block") if h is not None else "none"
        children.append(
            Segment(
                DerivationKind.TEXT_DUMP,
                part.start,
                part.end,
                style,
                h.language if h is not None else None,
                th.CONFIDENCE_HEADER_BLOCK if h is not None else th.CONFIDENCE_QUOTE_ONLY,
                h.fields if h is not None else (),
                segment_text(body, depth=1),
            )
        )
    root = Node(text, preamble, None, tuple(children))
    return build_records(top, root, "1")


def _record(
    eid: str,
    *,
    source: SourceRef,
    raw: RawMessage,
    value: str,
    authored: str,
    problem: bool,
    defects: tuple[Defect, ...],
) -> Email:
    return Email(
        id=eid,
        source=source,
        received_at=raw.received_at,
        preview=preview_of(authored),
        text_body=(BodyPart(part_id="1", type="text/plain", size=len(value)),),
        body_values={"1": BodyValue(value, is_encoding_problem=problem)},
        content=Content(authored=authored),
        defects=defects,
    )
