"""Turn a segmentation tree into Email records.

Input: a parsed :class:`~mailarchive.model.Email` and the :class:`~.segmenter.Node`
of its body. Output: the record updated with ``content`` (authored,
signature, embedded ids) and ``inferred``, followed by one record per
embedded message, pre-order. Header fields of embedded messages are read
with the parser's own readers (``parse.addresses``, ``parse.dates``, with the
language the labels gave as a hint).

Two passes work across the whole tree: a short last line (``ksjp``) that
ends two or more messages of the tree is a sign-off, hence a signature; and a
message with no sender that signs off exactly like a message whose sender is
known gets that sender, recorded as ``inferred["from"] = "signature"`` (or,
failing that, the one person of the tree whose first name is the sign-off:
``"signature-name"``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from functools import lru_cache
from typing import Any, TypeVar

from mailarchive.ids import email_id
from mailarchive.model import (
    BodyPart,
    BodyValue,
    Content,
    Dates,
    Defect,
    Derivation,
    Email,
    EmailAddress,
    SourceKind,
    SourceRef,
    Span,
    positional,
)
from mailarchive.parse.dates import DateReading, parse_date
from mailarchive.parse.message import preview, read_addresses
from mailarchive.parse.msgids import parse_msgids
from mailarchive.parse.segment import thresholds as th
from mailarchive.parse.segment.patterns import DATE_NOISE, Field
from mailarchive.parse.segment.segmenter import Node, Segment
from mailarchive.parse.segment.signature import last_line, split_repeated_signoff

T = TypeVar("T")

# dateparser names Norwegian Bokmål "nb", not ISO 639-1 "no".
_DATEPARSER_LANGUAGE = {"no": "nb"}

# Subject prefixes that mark a forward (RFC 5256 section 2.1 and localized
# forms): an Outlook "Original Message" block under such a subject is a forward.
_FORWARD_SUBJECT = re.compile(
    r"^\s*(?:\[[^\]]{0,60}\]\s*)?(?:fwd?|fw|wg|tr|rv|enc|i|vs|vb|pd|doorst|tr|转发|転送)\s*[:：]",
    re.IGNORECASE,
)


def is_forward_subject(subject: str | None) -> bool:
    """Whether a subject says the message is a forward (``Fwd:``, ``WG:``, ``TR:`` ...)."""
    if not subject:
        return False
    if len(subject) > _MAX_CACHED_VALUE:
        return _FORWARD_SUBJECT.match(subject) is not None
    return _forward_subject(subject)


@lru_cache(maxsize=1024)
def _forward_subject(subject: str) -> bool:
    """The test of is_forward_subject, remembered: a thread's messages share a subject."""
    return _FORWARD_SUBJECT.match(subject) is not None


# An embedded record's preview is read as a message's is: one function for both.
preview_of = preview


@dataclass(slots=True)
class _Item:
    """One message of the tree while records are built (mutable on purpose)."""

    node: Node
    segment: Segment | None
    parent: int | None
    authored: str
    signature: str | None
    from_: tuple[EmailAddress, ...] | None = None


def _norm(line: str) -> str:
    return " ".join(line.lower().split())


def _flatten(node: Node) -> list[_Item]:
    """The messages of the tree, pre-order (iteratively: no closure to make per message)."""
    items: list[_Item] = []
    stack: list[tuple[Node, Segment | None, int | None]] = [(node, None, None)]
    while stack:
        n, seg, parent = stack.pop()
        items.append(_Item(n, seg, parent, n.authored, n.signature))
        if n.children:
            k = len(items) - 1
            stack.extend((s.node, s, k) for s in reversed(n.children))
    return items


def _repeated_signoffs(items: list[_Item]) -> None:
    """A short last line ending two or more messages of the tree is a signature."""
    counts: dict[str, int] = {}  # a plain dict: Counter() costs more than the counting here
    # The normalized last line of each item without a signature (None: no sign-off).
    last: list[str | None] = []
    for it in items:
        if it.signature is not None:
            if "\n" not in it.signature:
                sig = _norm(it.signature)
                counts[sig] = counts.get(sig, 0) + 1
            last.append(None)
            continue
        cand = last_line(it.authored)
        key = _norm(cand) if cand is not None else None
        if key is not None:
            counts[key] = counts.get(key, 0) + 1
        last.append(key)
    for it, end in zip(items, last, strict=True):
        if end is not None and counts[end] >= th.MIN_REPEATED_SIGNOFFS:
            it.authored, it.signature = split_repeated_signoff(it.authored)


def _infer_senders(items: list[_Item], people: list[EmailAddress]) -> dict[int, str]:
    """Give a sender to messages without one, from their sign-off.

    ``signature``: the sign-off is exactly that of messages whose sender is
    known, all the same sender. ``signature-name``: otherwise, the sign-off
    is a first name that exactly one person named in the tree carries
    ("Ana" and "Ana Duarte"). Returns how each inferred item got its sender.
    """
    by_signature: dict[str, set[tuple[EmailAddress, ...]]] = {}
    for it in items:
        if it.from_ and it.signature:
            by_signature.setdefault(_norm(it.signature), set()).add(it.from_)
    by_first_name: dict[str, dict[str, EmailAddress]] = {}
    for person in people:
        if person.name:
            first = _norm(person.name.replace(",", " ").split()[0])
            key = _norm(person.name)  # the same name with and without address: one person
            by_first_name.setdefault(first, {}).setdefault(key, person)
    inferred: dict[int, str] = {}
    for k, it in enumerate(items):
        if it.from_ is not None or not it.signature:
            continue
        senders = by_signature.get(_norm(it.signature), set())
        if len(senders) == 1:
            it.from_ = next(iter(senders))
            inferred[k] = "signature"
            continue
        named = by_first_name.get(_norm(it.signature), {})
        if len(named) == 1 and " " not in it.signature.strip():
            it.from_ = (_best(named, people),)
            inferred[k] = "signature-name"
    return inferred


def _best(named: dict[str, EmailAddress], people: list[EmailAddress]) -> EmailAddress:
    """The fullest form of the one person named (with an address if any form has it)."""
    (person,) = named.values()
    for other in people:
        if other.email and other.name == person.name:
            return other
    return person


_NO_DATES = Dates()


@dataclass(slots=True)
class _Fields:
    """Header fields of one embedded message, read."""

    people: dict[str, tuple[EmailAddress, ...] | None] = field(default_factory=dict)
    subject: str | None = None
    message_id: tuple[str, ...] | None = None
    in_reply_to: tuple[str, ...] | None = None
    sent_at: datetime | None = None
    dates: Dates = _NO_DATES  # frozen: one shared empty value
    defects: list[Defect] = field(default_factory=list)


_NO_FIELDS = _Fields()


def _read_fields(seg: Segment) -> _Fields:
    if seg.style == "lotus":
        return read_fields(tuple((f, _notes_names(f, v)) for f, v in seg.fields), seg.language)
    return read_fields(seg.fields, seg.language)


_NOTES_NAME = re.compile(r"(?:CN=)?([^/,<>@]{1,80})/[^,<>]{0,200}")


def _notes_names(f: Field, value: str) -> str:
    """Lotus Notes hierarchical names ("Jane Roe/Sales/ACME@ACME") to display names."""
    if f not in _ADDRESS_FIELDS or "/" not in value:
        return value
    return ", ".join(
        m.group(1).strip() if (m := _NOTES_NAME.fullmatch(item.strip())) else item.strip()
        for item in value.split(",")
    )


def _denoise_date(raw: str, language: str | None) -> str:
    for languages, noise in DATE_NOISE:
        if language in languages:
            raw = " ".join(noise.sub(" ", raw).split())
    return raw


@lru_cache(maxsize=4096)
def _parse_date(clean: str, language: str | None) -> DateReading:
    """``parse_date`` with the language as a hint, remembered: the date of a
    quoted message comes back in every reply that quotes it (list archives).
    The reading is immutable."""
    hint = [_DATEPARSER_LANGUAGE.get(language, language)] if language else None
    return parse_date(clean, languages=hint)


# Values longer than this are read without the cache: a cache entry holds
# its key, and header values may be 10,000 characters long.
_MAX_CACHED_VALUE = 300


def _read_date(clean: str, language: str | None) -> DateReading:
    if len(clean) > _MAX_CACHED_VALUE:
        return _parse_date.__wrapped__(clean, language)
    return _parse_date(clean, language)


def _read_addresses(
    raw: str | None, f: Field
) -> tuple[tuple[EmailAddress, ...] | None, tuple[Defect, ...]]:
    """``parse_addresses(raw, header=f.value)``, through the parser's cache.

    A quoted sender is mostly one the parser read in a From header before
    (list archives): read under the parser's label, then its defects named
    as here (the label only names defects).
    """
    label = _PARSER_LABELS[f]
    people, defects = read_addresses(raw, label)
    if defects:
        defects = tuple(
            Defect(d.kind, d.detail, f.value) if d.header == label else d for d in defects
        )
    return people, defects


def read_fields(fields: tuple[tuple[Field, str], ...], language: str | None) -> _Fields:
    """Read raw header values (from a header block) into people, subject and date."""
    out = _Fields()
    for f, raw in fields:
        if f is Field.DATE:
            clean = _denoise_date(raw, language)
            reading = _read_date(clean, language)
            if reading.sent_at is None and language:
                # Labels and date can differ in language (English Outlook
                # labels over a Swedish date): let the parser guess.
                guessed = _read_date(clean, None)
                if guessed.sent_at is not None:
                    reading = guessed
            out.sent_at = reading.sent_at
            out.dates = _with_raw(reading.dates, raw)
            out.defects.extend(reading.defects)
        elif f is Field.SUBJECT:
            out.subject = raw or None
        elif f in (Field.MESSAGE_ID, Field.IN_REPLY_TO):
            ids, found = parse_msgids(
                raw, header="Message-ID" if f is Field.MESSAGE_ID else "In-Reply-To"
            )
            if f is Field.MESSAGE_ID:
                out.message_id = ids or None
            else:
                out.in_reply_to = ids or None
            out.defects.extend(found)
        elif f in _ADDRESS_FIELDS:
            people, found = _read_addresses(raw or None, f)
            out.people[_ADDRESS_FIELDS[f]] = people
            out.defects.extend(found)
    return out


# How parse.message names each address header (see _read_addresses).
_PARSER_LABELS = {
    Field.FROM: "From",
    Field.SENDER: "Sender",
    Field.TO: "To",
    Field.CC: "Cc",
    Field.BCC: "Bcc",
    Field.REPLY_TO: "Reply-To",
}
_ADDRESS_FIELDS = {
    Field.FROM: "from_",
    Field.SENDER: "sender",
    Field.TO: "to",
    Field.CC: "cc",
    Field.BCC: "bcc",
    Field.REPLY_TO: "reply_to",
}


_EMAIL = positional(Email)
_DATES = positional(Dates)
_with_raw = _DATES.replacer("sent_at_raw")
# Records built for every message, by their slots (model.Positional).
_new_email = _EMAIL.new
_new_source = positional(SourceRef).new
_new_part = positional(BodyPart).new
_new_value = positional(BodyValue).new
_new_content = positional(Content).new
_new_derivation = positional(Derivation).new
_new_span = positional(Span).new
# build_records fills embedded records by position, in this order.
assert list(_EMAIL.index)[:29] == [
    *("id", "source", "thread_id", "message_id", "in_reply_to", "references", "from_"),
    *("sender", "reply_to", "to", "cc", "bcc", "subject", "sent_at", "received_at"),
    *("preview", "has_attachment", "text_body", "html_body", "attachments", "body_values"),
    *("content", "derivation", "dates", "inferred", "threading", "thread_index"),
    *("thread_topic", "defects"),
]
# The top record updated from its tree: from_, preview, content, inferred, defects.
_update_top = _EMAIL.replacer("from_", "preview", "content", "inferred", "defects")


def _replace(email: Email, **changes: Any) -> Email:
    """``dataclasses.replace`` for Email (once per message), by position."""
    return _EMAIL.replace(email, **changes)


def build_records(
    email: Email, node: Node, part_id: str, extra_authored: str = ""
) -> tuple[Email, ...]:
    """``email`` updated from ``node``, then every embedded record (pre-order)."""
    items = _flatten(node)
    if extra_authored:
        items[0].authored = (items[0].authored + "\n" + extra_authored).strip("\n")
    if len(items) >= th.MIN_REPEATED_SIGNOFFS:  # one message cannot repeat itself
        _repeated_signoffs(items)
    fields: list[_Fields] = [_NO_FIELDS]  # the top record's fields are its own: never read
    for it in items[1:]:
        assert it.segment is not None
        got = _read_fields(it.segment)
        fields.append(got)
        it.from_ = got.people.get("from_")
    items[0].from_ = email.from_
    inferred: dict[int, str] = {}
    if any(it.from_ is None for it in items):  # else there is no one to infer
        people = [p for group in (email.from_, email.to, email.cc) for p in group or ()]
        for got in fields[1:]:
            for key in ("from_", "to", "cc"):
                people.extend(got.people.get(key) or ())
        inferred = _infer_senders(items, people)

    base_depth = email.derivation.depth if email.derivation is not None else 0
    ids: list[str] = [email.id]
    depths: list[int] = [base_depth]
    for it in items[1:]:
        assert it.segment is not None and it.parent is not None
        ids.append(email_id(ids[it.parent], it.segment.kind.value, it.segment.start))
        depths.append(depths[it.parent] + 1)
    children: dict[int, list[str]] = {}
    for k, it in enumerate(items[1:], start=1):
        assert it.parent is not None
        children.setdefault(it.parent, []).append(ids[k])

    # Text cut out of a badly decoded body is badly decoded too.
    value = email.body_values.get(part_id)
    problem = value.is_encoding_problem if value is not None else False
    out: list[Email] = []
    if len(items) > 1:  # every embedded record has this source (an immutable value)
        source = _new_source(SourceKind.SEGMENT, email.source.path, email.source.offset)
    top = items[0]
    top_inferred = dict(email.inferred)
    if 0 in inferred:
        top_inferred["from"] = inferred[0]
    out.append(
        _update_top(
            email,
            top.from_,
            preview_of(top.authored),
            _new_content(top.authored, top.signature, tuple(children.get(0, ()))),
            top_inferred,
            email.defects + node.defects,
        )
    )
    for k, it in enumerate(items[1:], start=1):
        seg = it.segment
        assert seg is not None and it.parent is not None
        got = fields[k]
        found = got.people
        parent_part = part_id if it.parent == 0 else "1"
        text = it.node.text
        # By position (Email's field order): a keyword call costs more, once per record.
        out.append(
            _new_email(
                ids[k],  # id
                source,
                None,  # thread_id
                got.message_id,
                got.in_reply_to,
                None,  # references
                it.from_,
                found.get("sender"),
                found.get("reply_to"),
                found.get("to"),
                found.get("cc"),
                found.get("bcc"),
                got.subject,
                got.sent_at,
                None,  # received_at
                preview_of(it.authored),
                False,  # has_attachment
                (_new_part("1", "text/plain", len(text)),),  # text_body
                (),  # html_body
                (),  # attachments
                {"1": _new_value(text, problem)},  # body_values
                _new_content(it.authored, it.signature, tuple(children.get(k, ()))),
                _new_derivation(
                    ids[it.parent],
                    seg.kind,
                    depths[k],
                    _new_span(parent_part, seg.start, seg.end),
                    seg.style,
                    seg.language,
                    seg.confidence,
                ),
                got.dates,
                {"from": inferred[k]} if k in inferred else {},  # inferred
                None,  # threading
                None,  # thread_index
                None,  # thread_topic
                tuple(got.defects) + it.node.defects,
            )
        )
    return tuple(out)
