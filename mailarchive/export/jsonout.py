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

Speed: at import each table is compiled into one converter function per
record type (no per-value type tests; see "Compiled converters" below), with
the same output as the generic table walk ``_map``, which still serves
subclasses of the model records.

Determinism: keys in table order, mappings with free keys sorted, emails of a
document in thread order; no paths or clocks are added here.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import re
import types
import typing
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from enum import Enum, StrEnum
from typing import IO, Any

import orjson

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


@dataclasses.dataclass(frozen=True, slots=True)
class _Nested:
    """Converter of a field holding records of ``cls``: one, or a sequence (``many``).

    ``optional``: None stays None. The compiled converters inline this as a
    direct call of ``cls``'s converter; calling it works too (the generic path).
    """

    cls: type
    many: bool = False
    optional: bool = False

    def __call__(self, value: Any) -> Any:
        if value is None and self.optional:
            return None
        convert = _CONVERT[self.cls]
        return [convert(v) for v in value] if self.many else convert(value)


def _strings(v: Sequence[str] | None) -> list[str] | None:
    return None if v is None else list(v)


def _part_key(part_id: str) -> tuple[tuple[int, str], ...]:
    # "1.10" after "1.2": compare numeric pieces as numbers.
    return tuple((int(p), "") if p.isdigit() else (-1, p) for p in part_id.split("."))


def _body_values(v: Mapping[str, BodyValue]) -> dict[str, Any]:
    keys = list(v)
    convert = _CONVERT[BodyValue]
    if len(keys) == 1:  # most records have one text part: nothing to sort
        key = keys[0]
        return {key: convert(v[key])}
    keys.sort(key=_part_key)
    return {k: convert(v[k]) for k in keys}


def _inferred(v: Mapping[str, str]) -> dict[str, str]:
    if not v:
        return {}
    return {str(k): str(v[k]) for k in sorted(v)}


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
    ("span", "span", _Nested(Span, optional=True)),
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
_ADDRESSES = _Nested(EmailAddress, many=True, optional=True)
_PARTS = _Nested(BodyPart, many=True)
_EMAIL: Table = (
    ("id", "id", _plain),
    ("thread_id", "threadId", _plain),
    ("message_id", "messageId", _strings),
    ("in_reply_to", "inReplyTo", _strings),
    ("references", "references", _strings),
    ("from_", "from", _ADDRESSES),
    ("sender", "sender", _ADDRESSES),
    ("reply_to", "replyTo", _ADDRESSES),
    ("to", "to", _ADDRESSES),
    ("cc", "cc", _ADDRESSES),
    ("bcc", "bcc", _ADDRESSES),
    ("subject", "subject", _plain),
    ("sent_at", "sentAt", rfc3339),
    ("received_at", "receivedAt", rfc3339_utc),
    ("preview", "preview", _plain),
    ("has_attachment", "hasAttachment", _plain),
    ("text_body", "textBody", _PARTS),
    ("html_body", "htmlBody", _PARTS),
    ("attachments", "attachments", _PARTS),
    ("body_values", "bodyValues", _body_values),
    ("content", "content", _Nested(Content)),
    ("derivation", "derivation", _Nested(Derivation, optional=True)),
    ("source", "source", _Nested(SourceRef)),
    ("dates", "dates", _Nested(Dates)),
    ("inferred", "inferred", _inferred),
    ("threading", "threading", _Nested(Threading, optional=True)),
    ("thread_index", "threadIndex", _plain),
    ("thread_topic", "threadTopic", _plain),
    ("defects", "defects", _Nested(Defect, many=True)),
)
_NODE: Table = (
    ("email_id", "emailId", _plain),
    ("relation", "relation", _plain),
    ("children", "children", _Nested(ThreadNode, many=True)),
)
_THREAD: Table = (
    ("id", "id", _plain),
    ("email_ids", "emailIds", _plain),
    ("subject", "subject", _plain),
    ("tree", "tree", _Nested(ThreadNode, many=True)),
    ("participants", "participants", _Nested(EmailAddress, many=True)),
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
    """The generic (reflective) conversion: any dataclass, any table.

    The compiled converters below give the same result for the exact model
    types; this path serves the rest (subclasses, unknown dataclasses).
    """
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
    convert = _CONVERT.get(type(obj))
    if convert is not None:
        return convert(obj)
    return _map(obj, ())


_MISSING = object()


# Compiled converters -------------------------------------------------------
#
# The reflective ``_map`` spends most of its time asking each value what it
# is. The field types are known, so at import each table is compiled (as
# ``dataclasses`` compiles ``__init__``) into one function that builds the
# dict in a single expression, e.g. for Span:
#
#     def _to_json_Span(o):
#         if o.__class__ is not _cls:
#             return _map(o, _table)
#         return {"partId": o.part_id, "start": o.start, "end": o.end}
#
# The tables stay the one source of truth: names and order come from them,
# and ``_plain`` rows are specialised from the field's annotation to exactly
# what ``_plain`` does for that type (scalars as they are, string enums by
# value, tuples of strings as lists); any other type still calls ``_plain``.
# A subclass of a model record (a field added later) goes the generic way.

_SCALARS = frozenset({str, int, float, bool, type(None)})


def _plain_template(hint: Any) -> str | None:
    """``_plain``'s result for a value of type ``hint`` as code over ``{v}``, if it is simple."""
    args = typing.get_args(hint)
    if isinstance(hint, types.UnionType) or typing.get_origin(hint) is typing.Union:
        rest = [a for a in args if a is not type(None)]
        if all(a in _SCALARS for a in rest):
            return "{v}"
        if len(rest) == 1 and len(args) == 2:
            inner = _plain_template(rest[0])
            if inner is not None:
                return "None if (_v := {v}) is None else " + inner.format(v="_v")
        return None
    if hint in _SCALARS:
        return "{v}"
    if isinstance(hint, type) and issubclass(hint, StrEnum):
        return "str({v})"  # a StrEnum's str() is its value, a plain str
    if typing.get_origin(hint) is tuple and args == (str, Ellipsis):
        return "list({v})"
    return None


def _row_code(
    attr: str,
    convert: Converter,
    hint: Any,
    env: dict[str, Any],
    obj: str = "o",
    names: Iterator[int] | None = None,
) -> str:
    """Code for one row over ``{obj}.{attr}``; ``names`` numbers the walrus
    variables (every nested expression gets its own)."""
    get = f"{obj}.{attr}"
    if names is None:
        names = itertools.count()
    if convert is _plain:
        template = _plain_template(hint)
        if template is not None:
            return template.format(v=get)
    elif convert is _strings:
        var = f"_v{next(names)}"
        return f"None if ({var} := {get}) is None else list({var})"
    elif isinstance(convert, _Nested):
        var = f"_v{next(names)}"
        if convert.many:
            item = f"_x{next(names)}"
            one = _nested_code(convert.cls, item, env, names)
            single = _nested_code(convert.cls, f"_x{next(names)}", env, names, bind=f"{var}[0]")
            # An empty tuple, or one of one record (most senders, recipients
            # and text parts), needs no comprehension (a function call in 3.11).
            tail = f"[{single}] if len({var}) == 1 else [{one} for {item} in {var}]"
            if convert.optional:
                return f"None if ({var} := {get}) is None else ([] if {var} == () else {tail})"
            return f"[] if ({var} := {get}) == () else {tail}"
        if convert.optional:
            code = _nested_code(convert.cls, var, env, names)
            return f"None if ({var} := {get}) is None else ({code})"
        return _nested_code(convert.cls, var, env, names, bind=get)
    label = getattr(convert, "__name__", "")
    name = f"_f{len(env)}_{label.lstrip('_')}" if label.isidentifier() else f"_f{len(env)}"
    env[name] = convert
    if convert is rfc3339 or convert is rfc3339_utc:  # None stays None: no call then
        var = f"_v{next(names)}"
        return f"None if ({var} := {get}) is None else {name}({var})"
    if convert is _inferred:  # most records infer nothing: no call then
        var = f"_v{next(names)}"
        return f"{{}} if not ({var} := {get}) else {name}({var})"
    if convert is _body_values:  # most records have one value: inline, nothing to sort
        var, key = f"_v{next(names)}", f"_k{next(names)}"
        value = _nested_code(BodyValue, f"_x{next(names)}", env, names, bind=f"{var}[{key}]")
        one = f"{{({key} := next(iter({var}))): {value}}}"
        return f"{one} if len({var} := {get}) == 1 else {name}({var})"
    return f"{name}({get})"


def _nested_code(
    cls: type, var: str, env: dict[str, Any], names: Iterator[int], bind: str | None = None
) -> str:
    """The JSON object of the record in ``var`` (first bound to ``bind`` if
    given): its fields inline when it is exactly ``cls`` (one call fewer per
    record), else a call of its converter."""
    table = TABLES.get(cls)
    inlinable = table is not None and all(
        not isinstance(convert, _Nested) or convert.cls is not cls for _, _, convert in table
    )
    if not inlinable or f"_cls_{cls.__name__}" not in env:
        return f"_to_json_{cls.__name__}({bind or var})"
    assert table is not None
    body = _dict_code(cls, table, env, var, names)
    first = f"({var} := {bind})" if bind else var
    return f"{body} if {first}.__class__ is _cls_{cls.__name__} else _to_json_{cls.__name__}({var})"


def _dict_code(
    cls: type, table: Table, env: dict[str, Any], obj: str, names: Iterator[int], sep: str = ", "
) -> str:
    """The dict display of ``_map(obj, table)`` for a record of exactly ``cls``."""
    hints = typing.get_type_hints(cls)
    fields = [f.name for f in dataclasses.fields(cls)]
    items = [
        f"{key!r}: {_row_code(attr, convert, hints.get(attr), env, obj, names)}"
        for attr, key, convert in table
        if attr in hints or hasattr(cls, attr)  # rows the model lacks are skipped
    ]
    named = {attr for attr, _, _ in table}
    items += [f"{camel(f)!r}: _plain({obj}.{f})" for f in fields if f not in named]
    return "{" + sep.join(items) + "}"


def _compile(cls: type, table: Table, env: dict[str, Any]) -> Callable[[Any], dict[str, Any]]:
    """One converter for records of exactly ``cls``, equal to ``_map(o, table)``."""
    name = f"_to_json_{cls.__name__}"
    body = _dict_code(cls, table, env, "o", itertools.count(), ",\n        ")
    env[f"_cls_{cls.__name__}"] = cls
    env[f"_table_{cls.__name__}"] = table
    source = (
        f"def {name}(o):\n"
        f"    if o.__class__ is not _cls_{cls.__name__}:\n"
        f"        return _map(o, _table_{cls.__name__})\n"
        f"    return {body}\n"
    )
    exec(source, env)  # our own code, built from the tables above
    fn: Callable[[Any], dict[str, Any]] = env[name]
    fn.__module__ = __name__
    SOURCES[cls] = source
    return fn


#: The generated source of each compiled converter (for reading and debugging).
SOURCES: dict[type, str] = {}
_ENV: dict[str, Any] = {"_map": _map, "_plain": _plain}
#: The compiled converter of each record type in :data:`TABLES`.
_CONVERT: dict[type, Callable[[Any], dict[str, Any]]] = {
    cls: _compile(cls, table, _ENV) for cls, table in TABLES.items()
}
_email_to_json = _CONVERT[Email]
_thread_to_json = _CONVERT[Thread]


def email_to_json(e: Email) -> dict[str, Any]:
    """One Email as the contract's JSON object."""
    return _email_to_json(e)


def thread_to_json(t: Thread) -> dict[str, Any]:
    """One Thread as the contract's JSON object."""
    return _thread_to_json(t)


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
    """One JSON Lines record (compact, UTF-8 kept, no newline).

    orjson writes the same bytes as ``json.dumps(value, ensure_ascii=False,
    separators=(",", ":"))`` about five times faster (text bodies dominate a
    record); it refuses what is not valid UTF-8 (a lone surrogate left by a
    broken charset), which the standard library encodes as ``\\udXXX``.
    """
    try:
        return orjson.dumps(value).decode("utf-8")
    except TypeError:  # orjson.JSONEncodeError: lone surrogates, huge ints, ...
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def dumps_line_nl(value: Any) -> str:
    """:func:`dumps_line` with the newline that ends a JSON Lines record
    (orjson appends it as it writes: no second copy of the text)."""
    try:
        return orjson.dumps(value, option=orjson.OPT_APPEND_NEWLINE).decode("utf-8")
    except TypeError:  # see dumps_line
        return json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"


def encode_line(value: Any) -> bytes:
    """:func:`dumps_line_nl` as the UTF-8 bytes a JSON Lines file holds.

    What workers send for ``parse --format jsonl``: orjson's own bytes, not
    decoded to text there and encoded again where they are written (1.2 GB of
    JSON for 100,000 list messages). A lone surrogate, which UTF-8 cannot
    hold, is written as its JSON escape (``\\udcff``): the same string, read back.
    """
    try:
        return orjson.dumps(value, option=orjson.OPT_APPEND_NEWLINE)
    except TypeError:  # see dumps_line
        text = json.dumps(value, ensure_ascii=False, separators=(",", ":")) + "\n"
        return text.encode("utf-8", "backslashreplace")


def dumps_indented(value: Any, level: int = 0) -> str:
    """``json.dumps(value, ensure_ascii=False, indent=2)`` as written ``level`` deep.

    orjson's two-space indent is the standard library's, byte for byte (and
    ten times faster than its pure-Python indenting encoder); a nested value
    only needs its line starts shifted, and JSON text has no raw newline
    inside a string.
    """
    try:
        text = orjson.dumps(value, option=orjson.OPT_INDENT_2).decode("utf-8")
    except TypeError:  # see dumps_line
        text = json.dumps(value, ensure_ascii=False, indent=2)
    return text.replace("\n", "\n" + "  " * level) if level else text


def document_head(threads: Iterable[Thread] = ()) -> str:
    """The start of the document :func:`write_json` writes, up to the emails."""
    thread_list = dumps_indented([thread_to_json(t) for t in threads], 1)
    schema = dumps_line(SCHEMA_VERSION)
    return f'{{\n  "schema": {schema},\n  "threads": {thread_list},\n  "emails": {{'


def email_entry(e: Email) -> str:
    """One member of the document's ``emails`` object (see :func:`write_json`):
    written one by one, the emails need not all be held, nor encoded in one place."""
    return f"\n    {dumps_line(e.id)}: {dumps_indented(email_to_json(e), 2)}"


def document_tail(any_email: bool) -> str:
    """The end of the document :func:`write_json` writes, after the emails."""
    return "\n  }\n}\n" if any_email else "}\n}\n"


def write_document(fp: IO[str], entries: Iterable[str], threads: Iterable[Thread] = ()) -> None:
    """The JSON document, its emails given as :func:`email_entry` texts, streamed.

    Nothing is written until the first entry is at hand, so an error raised
    while the entries are produced leaves no half document behind it.
    """
    head = document_head(threads)
    wrote = False
    for entry in entries:
        fp.write("," if wrote else head)
        fp.write(entry)
        wrote = True
    if not wrote:
        fp.write(head)
    fp.write(document_tail(wrote))


def write_json(doc: Document, fp: IO[str]) -> None:
    """The Document as one JSON text (indent 2, UTF-8 kept, trailing newline).

    The text of ``json.dump(document_to_json(doc), fp, ensure_ascii=False,
    indent=2)``, written piece by piece: an email at a time.
    """
    entries = (email_entry(doc.emails[eid]) for eid in ordered_email_ids(doc))
    write_document(fp, entries, doc.threads)


def write_jsonl_emails(emails: Iterable[Email], fp: IO[str]) -> None:
    """One Email object per line, streaming: each is written as it comes, none is held."""
    for e in emails:
        fp.write(dumps_line_nl(email_to_json(e)))


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
