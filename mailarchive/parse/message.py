"""One raw RFC 5322 message to Email records.

Input: a :class:`~mailarchive.sources.raw.RawMessage`. Output: the message's
Email record, then one record per attached ``message/rfc822`` part at any
depth (pre-order). Never raises on message content: whatever goes wrong
becomes a :class:`~mailarchive.model.Defect`, in the worst case a record
with an ``unparseable`` defect holding what could be read.

The bytes are parsed once, by the standard library's ``compat32`` parser
(the cheapest reading, and the one that reads the most malformed mail);
every field is then read from that tree by this package's own readers
(charsets, RFC 2047, addresses, message ids, dates). mail-parser, compared
field by field on the shared corpora (``python -m mailarchive.parse._tools
compare``), read no header or body better and costs 3x the bare parse, so it
is called only where it does better: parts hidden in the epilogue after a
misplaced boundary (``StartBoundaryNotFoundDefect``). A multipart whose
declared boundary never occurs is re-read with the one the body uses.
HTML parts become text (beautifulsoup4, milliseconds a part) only when the
message has no plain-text part.
"""

from __future__ import annotations

import binascii
import email
import email.utils
import hashlib
import logging
import quopri
import re
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from email.message import Message
from email.parser import BytesParser
from email.policy import compat32
from functools import lru_cache
from typing import Any, cast

from mailarchive.ids import content_hash, email_id, record_id
from mailarchive.model import (
    BodyPart,
    BodyValue,
    Content,
    Dates,
    Defect,
    Derivation,
    DerivationKind,
    Email,
    EmailAddress,
    SourceKind,
    SourceRef,
    positional,
)
from mailarchive.parse.addresses import parse_addresses
from mailarchive.parse.charsets import decode_bytes, decode_header_value, decode_words, header_str
from mailarchive.parse.dates import _common_when, parse_date
from mailarchive.parse.msgids import parse_msgids
from mailarchive.parse.plain import plain_message
from mailarchive.parse.quick import read_headers
from mailarchive.sources.raw import RawMessage

_MAX_DEFECTS = 100  # per record: a hostile message can hold thousands
_MAX_PART_DEPTH = 60  # multipart nesting walked
_MAX_RFC822_DEPTH = 20  # attached messages inside attached messages
_PREVIEW = 256
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ADDRESS_HEADERS = (  # (lowercase name, all values joined, name in defects), in field order
    ("from", False, "From"),
    ("sender", False, "Sender"),
    ("reply-to", False, "Reply-To"),
    ("to", True, "To"),
    ("cc", True, "Cc"),
    ("bcc", True, "Bcc"),
)


def raw_email_id(raw: RawMessage) -> str:
    """Stable id of the top-level record of ``raw`` (path, offset, digest of the bytes)."""
    digest = hashlib.blake2b(raw.data, digest_size=16).hexdigest()
    return record_id(raw.source.path, raw.source.offset, digest)


def parse_message(raw: RawMessage, *, headers_only: bool = False) -> tuple[Email, ...]:
    """Parse ``raw`` into its Email record followed by those of attached messages.

    ``headers_only`` reads the header block alone (up to the first blank
    line): no bodies, no attached messages, no MIME structure defects; for
    threading, where it is fast (``parse.quick`` reads plain header blocks
    without the stdlib parser, compat32 reads the rest).
    """
    eid = raw_email_id(raw)
    if raw.data.startswith(_OLE_MAGIC):
        # An Outlook .msg file (OLE2 compound document), not RFC 5322 text.
        defect = Defect("not-rfc5322", "Outlook .msg (OLE2) file: convert it to .eml first")
        return (
            _email(
                id=eid,
                source=raw.source,
                received_at=raw.received_at,
                defects=(*raw.defects, defect),
            ),
        )
    if headers_only:
        try:
            quick = read_headers(raw, eid)
        except (Exception, RecursionError):
            quick = None  # a bug there must not lose the message: compat32 reads it
        if quick is not None:
            return (quick,)
    try:
        if headers_only:
            # headersonly: the header block alone, no MIME structure (a multipart
            # cut from its body would report boundaries it never saw).
            msg = BytesParser(policy=compat32).parsebytes(_header_block(raw.data), headersonly=True)
        else:
            msg = plain_message(raw.data) or email.message_from_bytes(raw.data, policy=compat32)
        out: list[Email] = []
        _Builder(raw, headers_only).build(
            msg, eid=eid, source=raw.source, derivation=None, depth=0, out=out
        )
        return tuple(out)
    except (Exception, RecursionError) as exc:
        return (_unparseable(raw, eid, exc),)


@lru_cache(maxsize=8192)
def _addresses_cached(
    value: str, label: str
) -> tuple[tuple[EmailAddress, ...] | None, tuple[Defect, ...]]:
    return parse_addresses(value, header=label)


def read_addresses(
    value: str | None, label: str
) -> tuple[tuple[EmailAddress, ...] | None, tuple[Defect, ...]]:
    """:func:`parse_addresses`, remembered for short values: list mail repeats
    the same From and To thousands of times (the result is immutable)."""
    if value is not None and len(value) <= 1000:
        return _addresses_cached(value, label)
    return parse_addresses(value, header=label)


def preview(text: str) -> str:
    """The first ``_PREVIEW`` characters of the first ``8 * _PREVIEW`` with blank space collapsed.

    Read from a short head first, then longer ones: the collapsed text of a
    head is that of the whole except perhaps its last word (cut by the head's
    end), so once it is long enough the preview is known. Collapsing costs
    some nanoseconds a character: most texts need only their first 320.
    """
    size = _PREVIEW + _PREVIEW // 4
    while True:
        head = collapse_blanks(text[:size])
        if len(head) >= _PREVIEW or len(text) <= size or size >= _PREVIEW * 8:
            return head[:_PREVIEW]
        size = min(size * 2, _PREVIEW * 8)


_preview = preview


def collapse_blanks(s: str) -> str:
    """``" ".join(s.split())``, without cutting ``s`` into words where it is prose.

    Most heads are words apart by one space or one "\\n": then the result is
    ``s`` with "\\n" as " " (half the cost). A blank other than " " is not
    printable once "\\n" is gone (every ``str.isspace`` character but " "
    is Unicode "Other" or "Separator"); doubled or edge blanks show as " ".
    """
    flat = s.replace("\n", " ")
    if flat.isprintable() and "  " not in flat and flat[:1] != " " and flat[-1:] != " ":
        return flat
    return " ".join(s.split())


def _email(**fields: Any) -> Email:
    """An Email (for the rare paths; the common one calls ``_new_email``)."""
    return _new_email(**fields)


# Records built once per message or part, by their slots (model.Positional):
# the same records as their frozen ``__init__`` gives, at a third of the cost.
_new_email = positional(Email).new
_new_part = positional(BodyPart).new
_new_value = positional(BodyValue).new
_new_content = positional(Content).new


def _payload(part: Message) -> object:
    """The payload as parsed (a list of parts, or text with 8-bit bytes as surrogates).

    ``get_payload()`` without ``decode`` re-decodes 8-bit text through the
    declared charset on every call; the walk only needs to know what is there.
    """
    return part.__dict__.get("_payload")


def _canon(name: str) -> str:
    """Header name for defects: ``message-id`` -> ``Message-ID``."""
    if name == "message-id":
        return "Message-ID"
    return "-".join(word.capitalize() for word in name.split("-"))


def _unparseable(raw: RawMessage, eid: str, exc: BaseException) -> Email:
    defect = Defect("unparseable", f"message could not be parsed: {exc!r}"[:300])
    if raw.data and not raw.data.startswith((b"\n", b"\r")):
        try:  # keep what the header block tells, if it can be read
            msg = email.message_from_bytes(_header_block(raw.data), policy=compat32)
            out: list[Email] = []
            _Builder(raw, True).build(
                msg, eid=eid, source=raw.source, derivation=None, depth=0, out=out
            )
            first = out[0]
            return replace(first, defects=(*first.defects, defect))
        except (Exception, RecursionError):
            pass
    return _email(
        id=eid,
        source=raw.source,
        received_at=raw.received_at,
        defects=(*raw.defects, defect),
    )


def _header_block(data: bytes) -> bytes:
    """The bytes up to the first empty line (LF or CRLF endings)."""
    if data.startswith((b"\n", b"\r\n")):
        return b""
    ends = [i for i in (data.find(b"\n\n"), data.find(b"\n\r\n")) if i >= 0]
    return data[: min(ends) + 1] if ends else data


class _Parts:
    """What the MIME walk of one message found (made once per message: a
    plain class, cheaper to make than a dataclass with default factories)."""

    __slots__ = ("attachments", "children", "html_body", "html_sources", "text_body", "values")

    def __init__(self) -> None:
        self.text_body: list[BodyPart] = []
        self.html_body: list[BodyPart] = []
        self.attachments: list[BodyPart] = []
        self.values: dict[str, BodyValue] = {}
        self.html_sources: list[tuple[str, str, bool]] = []
        self.children: list[tuple[str, Message]] = []


class _Builder:
    """Reads Email records out of one parsed message tree."""

    __slots__ = ("headers_only", "raw")

    def __init__(self, raw: RawMessage, headers_only: bool) -> None:
        self.raw = raw
        self.headers_only = headers_only

    def build(
        self,
        msg: Message,
        *,
        eid: str,
        source: SourceRef,
        derivation: Derivation | None,
        depth: int,
        out: list[Email],
    ) -> None:
        """Append the record of ``msg`` and then those of its attached messages to ``out``."""
        defects: list[Defect] = list(self.raw.defects) if depth == 0 else []
        try:
            record, children = self._read(
                msg, eid=eid, source=source, derivation=derivation, depth=depth, defects=defects
            )
        except (Exception, RecursionError) as exc:
            defects.append(Defect("unparseable", f"message could not be read: {exc!r}"[:300]))
            record = _email(
                id=eid,
                source=source,
                derivation=derivation,
                received_at=self.raw.received_at if depth == 0 else None,
                defects=tuple(defects[:_MAX_DEFECTS]),
            )
            children = []
        if children and depth + 1 > _MAX_RFC822_DEPTH:
            skipped = Defect("rfc822-too-deep", f"{len(children)} attached messages not read")
            record = replace(record, defects=(*record.defects, skipped))
            children = []
        if not children:
            out.append(record)
            return
        child_ids = [email_id(eid, "rfc822", part_id) for part_id, _ in children]
        record = replace(record, content=replace(record.content, embedded=tuple(child_ids)))
        out.append(record)  # pre-order: the parent before what it holds
        for (_, child), child_id in zip(children, child_ids, strict=True):
            self.build(
                child,
                eid=child_id,
                source=SourceRef(kind=SourceKind.SEGMENT, path=source.path, offset=source.offset),
                derivation=Derivation(eid, DerivationKind.RFC822_ATTACHMENT, depth + 1),
                depth=depth + 1,
                out=out,
            )

    def _read(
        self,
        msg: Message,
        *,
        eid: str,
        source: SourceRef,
        derivation: Derivation | None,
        depth: int,
        defects: list[Defect],
    ) -> tuple[Email, list[tuple[str, Message]]]:
        # Header names hold no blank space: the feedparser reads a line as a
        # header only when its name is made of printable characters other than
        # ':' (and plain_message, its stand-in, checks the same), so ``lower()``
        # alone gives the name as compared here.
        headers: dict[str, list[str]] = {}
        for name, value in msg.raw_items():
            key = name.lower()
            found = headers.get(key)
            if found is None:
                headers[key] = [value]
            else:
                found.append(value)
        info_cache: list[_MimeInfo] = []

        def root_info() -> _MimeInfo:
            if not info_cache:
                info_cache.append(_mime_info(msg, headers))
            return info_cache[0]

        def hint(value: object) -> str | None:
            """The body's charset, for raw 8-bit header text (read only when needed)."""
            if isinstance(value, str) and value.isascii():
                return None
            return root_info().charset

        def text(name: str) -> str | None:
            values = headers.get(name)
            if not values:
                return None
            try:
                value, problem = decode_header_value(values[0], hint(values[0]))
            except Exception as exc:
                defects.append(Defect("bad-header", f"{exc!r}"[:200], _canon(name)))
                return str(values[0])
            if problem:
                defects.append(Defect(problem, "header text in an unknown charset", _canon(name)))
            return value

        def raw_text(name: str, joined: bool = False) -> str | None:
            values = headers.get(name)
            if not values:
                return None
            if len(values) == 1:
                only = values[0]
                if type(only) is str and only.isascii():
                    return only  # what header_str gives it, joined alone
            elif not joined:
                defects.append(Defect("bad-header", f"{len(values)} {name} headers", _canon(name)))
            try:
                parts = [header_str(v, hint(v)) for v in (values if joined else values[:1])]
            except Exception as exc:
                defects.append(Defect("bad-header", f"{exc!r}"[:200], _canon(name)))
                return str(values[0])
            for _, problem in parts:
                if problem:
                    defects.append(
                        Defect(problem, "header text in an unknown charset", _canon(name))
                    )
            return ", ".join(p for p, _ in parts)

        # Message ids (RFC 5322 section 3.6.4)
        message_id: tuple[str, ...] | None = None
        mid_raw = raw_text("message-id")
        if mid_raw is None:
            defects.append(Defect("missing-message-id", "no Message-ID header", "Message-ID"))
        else:
            ids, found_defects = parse_msgids(mid_raw, header="Message-ID")
            if found_defects:
                defects.extend(found_defects)
            if len(ids) > 1:
                defects.append(Defect("bad-message-id", f"{len(ids)} ids", "Message-ID"))
            message_id = ids[:1] or None
        in_reply_to = self._ids(raw_text("in-reply-to", True), "In-Reply-To", defects)
        references = self._ids(raw_text("references", True), "References", defects)

        people: list[tuple[EmailAddress, ...] | None] = []
        for header, joined, label in _ADDRESS_HEADERS:
            addr_value = raw_text(header, joined) if header in headers else None
            if addr_value is None:
                people.append(None)  # what parse_addresses says of no value
                continue
            addrs, found_defects = read_addresses(addr_value, label)
            people.append(addrs)
            if found_defects:
                defects.extend(found_defects)
        from_, sender, reply_to, to, cc, bcc = people
        if not from_:
            defects.append(Defect("missing-from", "no sender address or name", "From"))

        subject = text("subject")
        date_raw = text("date")
        reading = parse_date(date_raw)
        if reading.defects:
            defects.extend(replace(d, header="Date") for d in reading.defects)
        dates = reading.dates
        if date_raw is None:
            dates = Dates()
        received_at = self.raw.received_at if depth == 0 else None
        if received_at is None and depth == 0:
            received_at = _received_time(headers.get("received"))

        parts = _Parts()
        if not self.headers_only:
            count = self._walk(msg, root_info(), parts, defects, headers)
            if defects and any(d.kind == _EPILOGUE_DEFECT for d in defects):
                _recover_epilogue(msg, parts, count, defects)
            if not parts.text_body:
                _html_values(parts)
        else:
            _pass_defects(msg, defects)
        shown = parts.text_body or parts.html_body
        values = parts.values
        if len(shown) == 1 and shown[0].part_id in values:
            body_text = values[shown[0].part_id].value  # "\n".join of one text
        else:
            body_text = "\n".join(values[p.part_id].value for p in shown if p.part_id in values)
        if len(defects) > _MAX_DEFECTS:
            extra = len(defects) - _MAX_DEFECTS
            defects = [*defects[:_MAX_DEFECTS], Defect("too-many-defects", f"{extra} more")]
        record = _new_email(
            eid,
            source,
            None,
            message_id,
            in_reply_to,
            references,
            from_,
            sender,
            reply_to,
            to,
            cc,
            bcc,
            subject,
            reading.sent_at,
            received_at,
            _preview(body_text),
            bool(parts.attachments),
            tuple(parts.text_body),
            tuple(parts.html_body),
            tuple(parts.attachments),
            values,
            _new_content(body_text),
            derivation,
            dates,
            {},
            None,
            text("thread-index") if "thread-index" in headers else None,
            text("thread-topic") if "thread-topic" in headers else None,
            tuple(defects),
        )
        return record, parts.children

    @staticmethod
    def _ids(value: str | None, header: str, defects: list[Defect]) -> tuple[str, ...] | None:
        if value is None:
            return None
        ids, found = parse_msgids(value, header=header)
        if not ids and not value.strip():
            return None
        defects.extend(found)
        return ids or None

    def _walk(
        self,
        msg: Message,
        root_info: _MimeInfo,
        parts: _Parts,
        defects: list[Defect],
        headers: dict[str, list[Any]] | None = None,
    ) -> int:
        """Walk the MIME tree (iteratively: hostile nesting must not overflow the stack)."""
        counter = 0
        root = _recover_boundary(msg, root_info, defects)
        stack: list[tuple[Message, bool, int]] = [(root or msg, False, 0)]
        while stack:
            part, in_attachment, depth = stack.pop()
            _pass_defects(part, defects)
            info = root_info if part is msg else _mime_info(part)
            ctype = info.type
            payload = _payload(part)
            maintype = ctype.partition("/")[0]
            if isinstance(payload, list) and maintype != "message":
                if depth >= _MAX_PART_DEPTH:
                    defects.append(Defect("mime-too-deep", f"parts below depth {depth} skipped"))
                    continue
                inner = in_attachment or info.disposition == "attachment"
                stack.extend(
                    (p, inner, depth + 1) for p in reversed(payload) if isinstance(p, Message)
                )
                continue
            counter += 1
            self._leaf(
                part,
                part_id=str(counter),
                info=info,
                in_attachment=in_attachment,
                parts=parts,
                defects=defects,
                headers=headers if part is msg else None,
            )
        return counter

    def _leaf(
        self,
        part: Message,
        *,
        part_id: str,
        info: _MimeInfo,
        in_attachment: bool,
        parts: _Parts,
        defects: list[Defect],
        headers: dict[str, list[Any]] | None = None,
    ) -> None:
        ctype = info.type
        disposition, name, cid, label = info.disposition, info.name, info.cid, info.charset
        payload = _payload(part)
        if ctype.startswith("message/") or isinstance(payload, list):
            data, child = _message_part(part, ctype, defects, part_id)
            parts.attachments.append(
                BodyPart(
                    part_id, ctype, len(data), content_hash(data), name, None, disposition, cid
                )
            )
            if child is not None:
                parts.children.append((part_id, child))
            return
        payload_bytes: object = b""
        try:
            payload_bytes = _decoded_payload(part, payload, headers)
        except Exception as exc:
            defects.append(Defect("bad-content", f"part {part_id}: {exc!r}"[:200]))
        data = payload_bytes if isinstance(payload_bytes, bytes) else b""
        is_text = ctype in ("text/plain", "text/html") or ctype.startswith("multipart/")
        if is_text and disposition != "attachment" and not in_attachment:
            decoded = decode_bytes(data, label)
            problem = decoded.problem is not None
            if decoded.problem:
                defects.append(
                    Defect(
                        decoded.problem,
                        f"part {part_id}: charset {label!r}, read as {decoded.charset}",
                    )
                )
            body_part = _new_part(
                part_id, ctype, len(data), content_hash(data), name, label, disposition, cid
            )
            if ctype == "text/html":
                parts.html_body.append(body_part)
                parts.html_sources.append((part_id, decoded.text, problem))
            else:
                if ctype != "text/plain":  # a multipart without boundary: its text
                    body_part = replace(body_part, type="text/plain")
                parts.text_body.append(body_part)
                parts.values[part_id] = _new_value(decoded.text, problem)
            return
        parts.attachments.append(
            BodyPart(part_id, ctype, len(data), content_hash(data), name, label, disposition, cid)
        )


# Content-Transfer-Encoding values that ``Message.get_payload(decode=True)``
# decodes; any other value (7bit, 8bit, binary, none, junk) gives the bytes.
_DECODED_CTE = frozenset({"quoted-printable", "base64", "x-uuencode", "uuencode", "uue", "x-uue"})


def _decoded_payload(
    part: Message, payload: object, headers: dict[str, list[Any]] | None = None
) -> object:
    """``part.get_payload(decode=True)``, without its cost in the common case.

    A text payload under a transfer encoding that is not decoded comes back
    as its bytes: ASCII with 8-bit bytes kept as surrogate escapes
    (what ``email.message_from_bytes`` stores) encodes straight back; any
    other text, and every decoded encoding, goes to the stdlib. ``headers``:
    the part's header values by lowercase name, when the caller has them.
    """
    if type(payload) is str:
        cte = None
        if headers is not None:
            if "content-transfer-encoding" in headers:
                cte = headers["content-transfer-encoding"][0]
        else:
            for key, value in part.raw_items():
                if key.lower() == "content-transfer-encoding":
                    cte = value
                    break
        if cte is None or (type(cte) is str and cte.isascii() and cte.lower() not in _DECODED_CTE):
            try:
                return payload.encode("ascii", "surrogateescape")
            except UnicodeEncodeError:
                pass
    return part.get_payload(decode=True)


# A delimiter line (RFC 2046 section 5.1.1) followed by a header line.
_DELIMITER = re.compile(r"^--([^\s]{1,70})[ \t]*\r?\n[A-Za-z][A-Za-z0-9-]{0,40}:", re.MULTILINE)


def _recover_boundary(msg: Message, info: _MimeInfo, defects: list[Defect]) -> Message | None:
    """Re-read a multipart whose declared boundary never occurs.

    Senders get the boundary parameter wrong (cpython msg_31 declares
    ``BOUNDARY_`` and uses ``BOUNDARY``; spam declares one and uses
    another); the stdlib then keeps the whole body as text, MIME syntax and
    base64 included. When the body opens with a delimiter line followed by
    a header, parse the body with that delimiter (the declared type says
    it is a multipart, so the guess is cheap to trust).
    """
    payload = _payload(msg)
    if not isinstance(payload, str) or not payload:
        return None
    maintype, _, subtype = info.type.partition("/")
    if maintype != "multipart":
        return None
    match = _DELIMITER.search(payload, 0, 100_000)
    if match is None:
        return None
    boundary = match.group(1)
    if boundary.endswith("--"):
        return None
    head = f'Content-Type: multipart/{subtype or "mixed"}; boundary="{boundary}"\n\n'
    try:
        body = payload.encode("utf-8", "surrogateescape")
        fixed = email.message_from_bytes(head.encode("ascii", "replace") + body, policy=compat32)
    except (Exception, RecursionError):
        return None
    if not fixed.is_multipart():
        return None
    defects.append(Defect("recovered-boundary", f"body read with boundary {boundary!r}"))
    return fixed


_EPILOGUE_DEFECT = "mime-defect:StartBoundaryNotFoundDefect"
# mail-parser logs at WARNING for parts it does not handle; without a handler
# Python would print those to stderr.
logging.getLogger("mailparser").addHandler(logging.NullHandler())


def _recover_epilogue(msg: Message, parts: _Parts, count: int, defects: list[Defect]) -> None:
    """Parts hidden after a misplaced boundary, read by mail-parser.

    When a multipart reuses its parent's boundary the stdlib reports
    StartBoundaryNotFoundDefect and leaves the rest in the epilogue;
    mail-parser parses that epilogue (measured: cpython msg_15, an image
    the stdlib loses). Called only then: mail-parser costs 3x a parse.
    """
    try:
        import mailparser  # noqa: PLC0415 - costly import, rarely needed

        found = mailparser.MailParser(msg).attachments
    except (Exception, RecursionError) as exc:
        defects.append(Defect("recovery-failed", f"epilogue not recovered: {exc!r}"[:200]))
        return
    known = {p.blob_id for p in (*parts.text_body, *parts.html_body, *parts.attachments)}
    epilogues = "".join(p.epilogue or "" for p in msg.walk() if p.is_multipart())
    for item in found:
        try:
            payload = item.get("payload") or ""
            if item.get("binary"):
                wire = payload.encode("ascii", "replace")
                try:
                    data = binascii.a2b_base64(wire)
                except binascii.Error:
                    data = wire  # not base64 after all: keep the bytes as sent
            else:
                data = payload.encode("utf-8", "surrogateescape")
            blob = content_hash(data)
            if blob in known:
                continue
            known.add(blob)
            count += 1
            # mail-parser invents random names for unnamed parts: keep only real ones.
            name = item.get("filename")
            name = name if isinstance(name, str) and name and name in epilogues else None
            ctype = str(item.get("mail_content_type") or "application/octet-stream").lower()
            cid = str(item.get("content-id") or "").strip("<> ") or None
            parts.attachments.append(
                BodyPart(str(count), ctype, len(data), blob, name, None, "attachment", cid)
            )
            defects.append(Defect("recovered-part", f"part {count} read from the epilogue"))
        except (Exception, RecursionError) as exc:
            defects.append(Defect("bad-content", f"epilogue part: {exc!r}"[:200]))


def _html_values(parts: _Parts) -> None:
    """HTML parts get text only when there is no plain text (bs4 costs milliseconds).

    The text keeps the HTML quote containers (gmail_quote, blockquote
    type=cite, divRplyFwdMsg, ...) as ``>``-quoted lines and rules, so the
    segmenter finds the history an HTML-only message embeds.
    """
    if parts.text_body or not parts.html_sources:
        return
    # Imported here: bs4 takes 0.1 s to load, and most mail has a text part.
    from mailarchive.parse.segment.html import html_to_quoted_text  # noqa: PLC0415

    for part_id, html, problem in parts.html_sources:
        parts.values[part_id] = BodyValue(html_to_quoted_text(html), problem)


def _pass_defects(msg: Message, defects: list[Defect]) -> None:
    for found in getattr(msg, "defects", ()) or ():
        name = type(found).__name__
        detail = str(found) or (found.__doc__ or name).strip()
        defects.append(Defect(f"mime-defect:{name}", detail[:200]))


@dataclass(frozen=True, slots=True)
class _MimeInfo:
    """What the MIME headers of one part say."""

    type: str
    charset: str | None
    disposition: str | None
    name: str | None
    cid: str | None


# One parameter of a structured MIME header (RFC 2045 section 5.1); quoted
# values may hold ';'. Alternatives start with distinct characters: linear.
_PARAM = re.compile(r';\s*([^\s=;]+)\s*=\s*("(?:[^"\\]|\\.)*"?|[^;]*)')
_TYPE = re.compile(r"[a-z0-9!#$&^_.+-]+/[a-z0-9!#$&^_.+-]+")


def _params(value: str) -> tuple[str, dict[str, str]]:
    head, _, rest = value.partition(";")
    params: dict[str, str] = {}
    if rest:
        for m in _PARAM.finditer(";" + rest):
            key = m.group(1).lower()
            val = m.group(2).strip()
            if val.startswith('"'):
                val = val[1:-1] if val.endswith('"') and len(val) > 1 else val[1:]
                if "\\" in val:
                    val = re.sub(r"\\(.)", r"\1", val)
            params.setdefault(key, val)
    return head.strip().lower(), params


def _mime_info(part: Message, headers: dict[str, list[Any]] | None = None) -> _MimeInfo:
    """Content-Type, Content-Disposition and Content-ID of ``part``, read once.

    ``headers``: the part's header values by lowercase name, when the caller
    has them. Plain parameters are read here (the stdlib's ``get_param``
    costs more than the rest of the walk); RFC 2231 ones (``name*=``) go to
    the stdlib.
    """
    ctype_raw = disp_raw = cid_raw = None
    if headers is not None:
        if "content-type" in headers:
            ctype_raw = headers["content-type"][0]
        if "content-disposition" in headers:
            disp_raw = headers["content-disposition"][0]
        if "content-id" in headers:
            cid_raw = headers["content-id"][0]
    else:
        for key, value in part.raw_items():
            low = key.lower()
            if low == "content-type" and ctype_raw is None:
                ctype_raw = value
            elif low == "content-disposition" and disp_raw is None:
                disp_raw = value
            elif low == "content-id" and cid_raw is None:
                cid_raw = value
    default = part.get_default_type()
    cache_key = (ctype_raw, disp_raw, default)
    # Only plain text values without a Content-ID (unique per part) are cached.
    plain = (
        cid_raw is None
        and (ctype_raw is None or type(ctype_raw) is str)
        and (disp_raw is None or type(disp_raw) is str)
        and type(default) is str
    )
    if plain:
        cached = _INFO_CACHE.get(cache_key)
        if cached is not None:
            return cached
    info = _read_mime_info(part, ctype_raw, disp_raw, cid_raw, default)
    if info is None:
        full = _read_mime_info(part, ctype_raw, disp_raw, cid_raw, default, rfc2231=True)
        return cast(_MimeInfo, full)  # never None with rfc2231
    small = len(ctype_raw or "") + len(disp_raw or "") < 1000
    if plain and small and len(_INFO_CACHE) < _INFO_CACHE_SIZE:
        _INFO_CACHE[cache_key] = info
    return info


# What a given set of (plain, RFC 2231-free) MIME headers says: list and
# personal mail repeat a few Content-Type values thousands of times.
_INFO_CACHE: dict[tuple[str | None, str | None, str], _MimeInfo] = {}
_INFO_CACHE_SIZE = 4096


def _read_mime_info(
    part: Message,
    ctype_raw: str | None,
    disp_raw: str | None,
    cid_raw: str | None,
    default: str,
    *,
    rfc2231: bool = False,
) -> _MimeInfo | None:
    """:func:`_mime_info` from the header values; None when the name needs
    the stdlib's RFC 2231 reading and ``rfc2231`` is not set."""
    ctype = default
    cparams: dict[str, str] = {}
    if ctype_raw is not None:
        head, cparams = _params(header_str(ctype_raw)[0])
        # RFC 2045 section 5.2: an invalid type reads as text/plain
        ctype = head if _TYPE.fullmatch(head) else "text/plain"
    disposition: str | None = None
    dparams: dict[str, str] = {}
    if disp_raw is not None:
        head, dparams = _params(header_str(disp_raw)[0])
        disposition = head or None
    name = dparams.get("filename") or cparams.get("name")
    if name is None and any(k.endswith("*") or "*" in k for k in (*dparams, *cparams)):
        if not rfc2231:
            return None
        try:
            found = part.get_filename() or part.get_param("name")
            if isinstance(found, tuple):
                found = email.utils.collapse_rfc2231_value(found)
            name = found if isinstance(found, str) else None
        except Exception:
            name = None
    if name is not None:
        name = decode_words(header_str(name)[0])[0].strip() or None
    charset = cparams.get("charset")
    if charset is not None:
        charset = charset.strip().strip("\"'").lower() or None
    cid = None
    if cid_raw is not None:
        cid = header_str(cid_raw)[0].strip().strip("<>").strip() or None
    return _MimeInfo(ctype, charset, disposition, name, cid)


def _message_part(
    part: Message, ctype: str, defects: list[Defect], part_id: str
) -> tuple[bytes, Message | None]:
    """Bytes of a ``message/*`` part and, for ``message/rfc822``, the message inside."""
    payload = _payload(part)
    child: Message | None = None
    data = b""
    try:
        if isinstance(payload, list):
            data = b"".join(_as_bytes(p) for p in payload if isinstance(p, Message))
            if payload and isinstance(payload[0], Message):
                child = payload[0]
        else:
            decoded = part.get_payload(decode=True)
            data = decoded if isinstance(decoded, bytes) else b""
        cte = str(part.get("content-transfer-encoding", "")).strip().lower()
        if cte in ("base64", "quoted-printable") and ctype in ("message/rfc822", "message/global"):
            # RFC 2046 section 5.2.1 forbids it, but it happens: the stdlib parsed
            # the encoded text as a message; decode and parse the real one.
            if cte == "base64":
                data = binascii.a2b_base64(_body_of(data))
            else:
                data = quopri.decodestring(_body_of(data))
            child = email.message_from_bytes(data, policy=compat32)
        elif child is None and ctype in ("message/rfc822", "message/global") and data:
            child = email.message_from_bytes(data, policy=compat32)
    except (Exception, RecursionError) as exc:
        defects.append(Defect("bad-content", f"part {part_id}: {exc!r}"[:200]))
    if ctype not in ("message/rfc822", "message/global"):
        child = None
    return data, child


def _body_of(data: bytes) -> bytes:
    """The stdlib's reading of an encoded message/rfc822 has no headers: drop the blank line."""
    return data.lstrip(b"\r\n")


def _as_bytes(msg: Message) -> bytes:
    """A parsed message back to bytes, for the size and hash of a ``message/*`` part.

    Not the stdlib's Generator (which re-folds headers and costs more than
    the parse): headers as read, then the body; same input, same bytes.
    """
    out: list[str] = []
    try:
        _flatten(msg, out, 0)
        return "".join(out).encode("utf-8", "surrogateescape")
    except (Exception, RecursionError):
        return b""


def _flatten(msg: Message, out: list[str], depth: int) -> None:
    if depth > _MAX_PART_DEPTH:
        return
    for name, value in msg.raw_items():
        out.append(f"{name}: {value}\n")
    out.append("\n")
    payload = _payload(msg)
    if isinstance(payload, str):
        out.append(payload)
        return
    if not isinstance(payload, list):
        return
    boundary = msg.get_boundary() if msg.get_content_maintype() == "multipart" else None
    if boundary is None:
        for sub in payload:
            if isinstance(sub, Message):
                _flatten(sub, out, depth + 1)
        return
    if msg.preamble:
        out.append(msg.preamble + "\n")
    for sub in payload:
        if isinstance(sub, Message):
            out.append(f"--{boundary}\n")
            _flatten(sub, out, depth + 1)
            out.append("\n")
    out.append(f"--{boundary}--\n")
    if msg.epilogue:
        out.append(msg.epilogue)


def _received_time(values: list[str] | None) -> datetime | None:
    """Time of the topmost Received header (the last hop), in UTC, when it has a zone."""
    if not values:
        return None
    value = values[0]
    if not isinstance(value, str) or ";" not in value:
        return None
    text = " ".join(value.rpartition(";")[2].split())
    when = _common_when(text) or _parse_date_cheap(text)
    if when is None or when.tzinfo is None:
        return None
    return when.astimezone(UTC)


def _parse_date_cheap(text: str) -> datetime | None:
    """RFC 5322 date with the standard library only (no dateparser fallback)."""
    try:
        when = email.utils.parsedate_to_datetime(" ".join(text.split()))
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
    return when if isinstance(when, datetime) else None
