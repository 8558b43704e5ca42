"""The JSON contract: model records to JMAP-named JSON (../shared/docs/export-format.md).

Input: :class:`~mailarchive.model.Email`, :class:`~mailarchive.model.Thread`,
:class:`~mailarchive.model.Document`. Output: plain ``dict``/``list`` values
ready for :mod:`json`, and writers for a JSON document and JSON Lines.

Every record type has one explicit mapping table ``(python attribute, JSON
name, converter)`` in contract order; the tables *are* the rename from
snake_case to the contract's names. A model field that is not in its table
yet is still exported (under its camelCase name, after the known ones) so no
data is dropped silently, and ``tests/test_export_json.py`` fails until the
table names it. Table rows for attributes the model does not have (yet) are
skipped, so an optional field such as ``Threading.method`` maps as soon as it
exists.

Determinism: keys in table order, mappings with free keys sorted, emails of a
document in thread order; no paths or clocks are added here.
"""

from __future__ import annotations

import dataclasses
import json
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import Enum
from typing import IO, Any

from mailarchive.export._common import rfc3339, rfc3339_utc
from mailarchive.model import (
    BodyPart,
    BodyValue,
    Content,
    Dates,
    Defect,
    Derivation,
    Document,
    Email,
    EmailAddress,
    SourceRef,
    Span,
    Thread,
    Threading,
    ThreadNode,
)

SCHEMA_VERSION = "mailarchive/1"

Converter = Callable[[Any], Any]
Table = tuple[tuple[str, str, Converter], ...]


def _plain(value: Any) -> Any:
    """Scalars as they are; enums by value; tuples as lists; mappings key-sorted."""
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, Mapping):
        return {str(k): _plain(value[k]) for k in sorted(value, key=str)}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return _record(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _opt(convert: Converter) -> Converter:
    return lambda v: None if v is None else convert(v)


def _list(convert: Converter) -> Converter:
    return lambda v: [convert(x) for x in v]


def _address(a: EmailAddress) -> dict[str, Any]:
    return _map(a, _ADDRESS)


def _addresses(v: Sequence[EmailAddress] | None) -> list[dict[str, Any]] | None:
    return None if v is None else [_address(a) for a in v]


def _strings(v: Sequence[str] | None) -> list[str] | None:
    return None if v is None else list(v)


def _part_key(part_id: str) -> tuple[tuple[int, str], ...]:
    # "1.10" after "1.2": compare numeric pieces as numbers.
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in part_id.split("."))


def _body_values(v: Mapping[str, BodyValue]) -> dict[str, Any]:
    return {k: _map(v[k], _BODY_VALUE) for k in sorted(v, key=_part_key)}


def _inferred(v: Mapping[str, str]) -> dict[str, str]:
    return {str(k): str(v[k]) for k in sorted(v)}


def _node(n: ThreadNode) -> dict[str, Any]:
    return _map(n, _NODE)


_ADDRESS: Table = (
    ("name", "name", _plain),
    ("email", "email", _plain),
)
_BODY_PART: Table = (
    ("part_id", "partId", _plain),
    ("blob_id", "blobId", _plain),
    ("size", "size", _plain),
    ("name", "name", _plain),
    ("type", "type", _plain),
    ("charset", "charset", _plain),
    ("disposition", "disposition", _plain),
    ("cid", "cid", _plain),
)
_BODY_VALUE: Table = (
    ("value", "value", _plain),
    ("is_encoding_problem", "isEncodingProblem", _plain),
    ("is_truncated", "isTruncated", _plain),
)
_CONTENT: Table = (
    ("authored", "authored", _plain),
    ("signature", "signature", _plain),
    ("embedded", "embedded", _plain),
)
_SPAN: Table = (
    ("part_id", "partId", _plain),
    ("start", "start", _plain),
    ("end", "end", _plain),
)
_DERIVATION: Table = (
    ("parent_email_id", "parentEmailId", _plain),
    ("kind", "kind", _plain),
    ("depth", "depth", _plain),
    ("span", "span", _opt(lambda s: _map(s, _SPAN))),
    ("header_style", "headerStyle", _plain),
    ("language", "language", _plain),
    ("confidence", "confidence", _plain),
)
_SOURCE: Table = (
    ("kind", "kind", _plain),
    ("path", "path", _plain),
    ("offset", "offset", _plain),
    ("length", "length", _plain),
    ("mbox_format", "mboxFormat", _plain),
    ("gm_thread_id", "gmThreadId", _plain),
    ("labels", "labels", _plain),
    ("flags", "flags", _plain),
    ("compression", "compression", _plain),
)
_DATES: Table = (
    ("sent_at_raw", "sentAtRaw", _plain),
    ("parser", "parser", _plain),
    ("timezone", "timezone", _plain),
    ("ambiguous", "ambiguous", _plain),
)
_THREADING: Table = (
    ("parent_id", "parentId", _plain),
    ("relation", "relation", _plain),
    ("depth", "depth", _plain),
    ("is_phantom", "isPhantom", _plain),
    ("duplicate_of", "duplicateOf", _plain),
    ("is_inclusive", "isInclusive", _plain),
    ("method", "method", _plain),  # how the edge to the parent was made (optional)
)
_DEFECT: Table = (
    ("kind", "kind", _plain),
    ("detail", "detail", _plain),
    ("header", "header", _plain),
)
_EMAIL: Table = (
    ("id", "id", _plain),
    ("thread_id", "threadId", _plain),
    ("message_id", "messageId", _strings),
    ("in_reply_to", "inReplyTo", _strings),
    ("references", "references", _strings),
    ("from_", "from", _addresses),
    ("sender", "sender", _addresses),
    ("reply_to", "replyTo", _addresses),
    ("to", "to", _addresses),
    ("cc", "cc", _addresses),
    ("bcc", "bcc", _addresses),
    ("subject", "subject", _plain),
    ("sent_at", "sentAt", rfc3339),
    ("received_at", "receivedAt", rfc3339_utc),
    ("preview", "preview", _plain),
    ("has_attachment", "hasAttachment", _plain),
    ("text_body", "textBody", _list(lambda p: _map(p, _BODY_PART))),
    ("html_body", "htmlBody", _list(lambda p: _map(p, _BODY_PART))),
    ("attachments", "attachments", _list(lambda p: _map(p, _BODY_PART))),
    ("body_values", "bodyValues", _body_values),
    ("content", "content", lambda c: _map(c, _CONTENT)),
    ("derivation", "derivation", _opt(lambda d: _map(d, _DERIVATION))),
    ("source", "source", lambda s: _map(s, _SOURCE)),
    ("dates", "dates", lambda d: _map(d, _DATES)),
    ("inferred", "inferred", _inferred),
    ("threading", "threading", _opt(lambda t: _map(t, _THREADING))),
    ("thread_index", "threadIndex", _plain),
    ("thread_topic", "threadTopic", _plain),
    ("defects", "defects", _list(lambda d: _map(d, _DEFECT))),
)
_NODE: Table = (
    ("email_id", "emailId", _plain),
    ("relation", "relation", _plain),
    ("children", "children", _list(_node)),
)
_THREAD: Table = (
    ("id", "id", _plain),
    ("email_ids", "emailIds", _plain),
    ("subject", "subject", _plain),
    ("tree", "tree", _list(_node)),
    ("participants", "participants", _list(_address)),
    ("first_sent_at", "firstSentAt", rfc3339),
    ("last_sent_at", "lastSentAt", rfc3339),
    ("message_count", "messageCount", _plain),
    ("methods", "methods", _plain),
)

#: The mapping table of every record type; tests check each model field is named.
TABLES: dict[type, Table] = {
    EmailAddress: _ADDRESS,
    BodyPart: _BODY_PART,
    BodyValue: _BODY_VALUE,
    Content: _CONTENT,
    Span: _SPAN,
    Derivation: _DERIVATION,
    SourceRef: _SOURCE,
    Dates: _DATES,
    Threading: _THREADING,
    Defect: _DEFECT,
    Email: _EMAIL,
    ThreadNode: _NODE,
    Thread: _THREAD,
}

_CAMEL = re.compile(r"_([a-z0-9])")


def camel(name: str) -> str:
    """snake_case to the contract's camelCase (``from_`` -> ``from``)."""
    return _CAMEL.sub(lambda m: m.group(1).upper(), name.rstrip("_"))


def _map(obj: Any, table: Table) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for attr, key, convert in table:
        value = getattr(obj, attr, _MISSING)
        if value is not _MISSING:
            out[key] = convert(value)
    # A field added to the model after this table was written: export it
    # anyway (tests flag it) rather than drop it.
    named = {attr for attr, _, _ in table}
    for f in dataclasses.fields(obj):
        if f.name not in named:
            out[camel(f.name)] = _plain(getattr(obj, f.name))
    return out


def _record(obj: Any) -> dict[str, Any]:
    table = TABLES.get(type(obj), ())
    return _map(obj, table)


_MISSING = object()


def email_to_json(e: Email) -> dict[str, Any]:
    """One Email as the contract's JSON object."""
    return _map(e, _EMAIL)


def thread_to_json(t: Thread) -> dict[str, Any]:
    """One Thread as the contract's JSON object."""
    return _map(t, _THREAD)


def ordered_email_ids(doc: Document) -> list[str]:
    """Email ids in export order: thread by thread (emailIds order), then the rest."""
    order: dict[str, None] = {}
    for t in doc.threads:
        for eid in t.email_ids:
            if eid in doc.emails:
                order.setdefault(eid, None)
        for eid in _tree_ids(t.tree):
            if eid in doc.emails:
                order.setdefault(eid, None)
    for eid in doc.emails:
        order.setdefault(eid, None)
    return list(order)


def _tree_ids(nodes: Iterable[ThreadNode]) -> Iterable[str]:
    stack = list(reversed(tuple(nodes)))
    seen: set[str] = set()
    while stack:
        n = stack.pop()
        if n.email_id in seen:
            continue
        seen.add(n.email_id)
        yield n.email_id
        stack.extend(reversed(n.children))


def document_to_json(doc: Document) -> dict[str, Any]:
    """The whole Document: ``{"schema", "threads", "emails"}``."""
    return {
        "schema": SCHEMA_VERSION,
        "threads": [thread_to_json(t) for t in doc.threads],
        "emails": {eid: email_to_json(doc.emails[eid]) for eid in ordered_email_ids(doc)},
    }


def dumps_line(value: Any) -> str:
    """One JSON Lines record (compact, UTF-8 kept, no newline)."""
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def write_json(doc: Document, fp: IO[str]) -> None:
    """The Document as one JSON text (indent 2, UTF-8 kept, trailing newline)."""
    json.dump(document_to_json(doc), fp, ensure_ascii=False, indent=2)
    fp.write("\n")


def write_jsonl_emails(emails: Iterable[Email], fp: IO[str]) -> None:
    """One Email object per line, streaming: each is written as it comes, none is held."""
    for e in emails:
        fp.write(dumps_line(email_to_json(e)))
        fp.write("\n")


def thread_line(doc: Document, t: Thread) -> dict[str, Any]:
    """One JSON Lines record of a thread: ``{"thread": ..., "emails": [...]}``."""
    ids = dict.fromkeys([*t.email_ids, *_tree_ids(t.tree)])
    emails = [email_to_json(doc.emails[i]) for i in ids if i in doc.emails]
    return {"thread": thread_to_json(t), "emails": emails}


def write_jsonl_threads(doc: Document, fp: IO[str]) -> None:
    """One thread per line with its emails."""
    for t in doc.threads:
        fp.write(dumps_line(thread_line(doc, t)))
        fp.write("\n")
