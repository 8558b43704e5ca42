"""The records that flow through the pipeline.

sources -> parse -> thread -> export all speak these types. Every record is a
frozen dataclass with slots; sequences are tuples; fixed vocabularies are
enums. Python names are snake_case; ``mailarchive.export.jsonout`` maps them to
the JMAP names of the export contract (docs: ../shared/docs/export-format.md).

Changing a record means ``dataclasses.replace`` (the segmenter fills
``content``/``derivation``, the threader fills ``thread_id``/``threading``).
"""

from __future__ import annotations

import copyreg
import operator
from collections.abc import Callable, Iterable, Mapping
from dataclasses import MISSING, dataclass, field, fields
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any, Generic, TypeVar, cast


class SourceKind(StrEnum):
    """Where a record came from (``source.kind``)."""

    MBOX = "mbox"
    MAILDIR = "maildir"
    MH = "mh"
    EML = "eml"
    PIPERMAIL = "pipermail"
    TEXT = "text"
    SEGMENT = "segment"  # found inside another message's body or attachment


class DerivationKind(StrEnum):
    """How a message found inside another one was embedded (``derivation.kind``)."""

    FORWARD = "forward"
    REPLY_QUOTE = "reply-quote"
    RFC822_ATTACHMENT = "rfc822-attachment"
    TEXT_DUMP = "text-dump"


class Relation(StrEnum):
    """How a thread node hangs from its parent (``threading.relation``)."""

    ROOT = "root"
    REPLY = "reply"
    FORWARD = "forward"
    QUOTED = "quoted"
    DUPLICATE = "duplicate"


class ZoneKnowledge(StrEnum):
    """Whether ``sent_at`` carries a real UTC offset (``dates.timezone``)."""

    KNOWN = "known"
    ASSUMED = "assumed"
    UNKNOWN = "unknown"


@dataclass(frozen=True, slots=True)
class EmailAddress:
    """A person: a display name, an address, or both (never neither)."""

    name: str | None
    email: str | None


@dataclass(frozen=True, slots=True)
class Defect:
    """One problem found in the input and worked around.

    ``kind`` is a short stable slug (``missing-message-id``, ``bad-date``,
    ``undeclared-charset``, ...); ``detail`` is for people; ``header`` names
    the header concerned, if any.
    """

    kind: str
    detail: str
    header: str | None = None


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where a record's bytes live, relative to what the user passed."""

    kind: SourceKind
    path: str | None = None
    offset: int | None = None  # byte offset of the message inside the file (mbox)
    length: int | None = None  # byte length of the message as stored
    mbox_format: str | None = None  # mboxo, mboxrd, mboxcl, mboxcl2
    gm_thread_id: str | None = None  # Google Takeout X-GM-THRID
    labels: tuple[str, ...] = ()  # Google Takeout X-Gmail-Labels
    flags: tuple[str, ...] = ()  # Maildir info flags (D F P R S T) or MH sequences
    compression: str | None = None  # gzip, bz2, xz


@dataclass(frozen=True, slots=True)
class BodyPart:
    """A MIME leaf part (JMAP EmailBodyPart). Attachments are body parts too."""

    part_id: str
    type: str
    size: int
    blob_id: str | None = None  # "sha256:<hex>" of the decoded content
    name: str | None = None
    charset: str | None = None
    disposition: str | None = None
    cid: str | None = None


Attachment = BodyPart


@dataclass(frozen=True, slots=True)
class BodyValue:
    """Decoded text of one text part (HTML parts converted to text)."""

    value: str
    is_encoding_problem: bool = False
    is_truncated: bool = False


@dataclass(frozen=True, slots=True)
class Span:
    """Character offsets of an embedded message inside its parent's body value."""

    part_id: str
    start: int
    end: int


@dataclass(frozen=True, slots=True)
class Derivation:
    """How a message found inside another one was found."""

    parent_email_id: str
    kind: DerivationKind
    depth: int  # 1 for a message found in a top-level message, 2 inside that, ...
    span: Span | None = None
    header_style: str | None = None  # gmail, outlook, apple, flattened, on-wrote, ...
    language: str | None = None  # ISO 639-1 code of the header labels
    confidence: float = 1.0


@dataclass(frozen=True, slots=True)
class Content:
    """What the sender wrote, apart from signature and embedded history."""

    authored: str = ""
    signature: str | None = None
    embedded: tuple[str, ...] = ()  # ids of messages found inside this one, in order


@dataclass(frozen=True, slots=True)
class Dates:
    """How ``sent_at`` was read."""

    sent_at_raw: str | None = None
    parser: str | None = None  # "rfc5322" or "dateparser"
    timezone: ZoneKnowledge = ZoneKnowledge.UNKNOWN
    ambiguous: bool = False  # day/month order could not be told (05/04/2001)


@dataclass(frozen=True, slots=True)
class Threading:
    """Filled by the threader."""

    parent_id: str | None = None
    relation: Relation = Relation.ROOT
    depth: int = 0
    is_phantom: bool = False
    duplicate_of: str | None = None
    is_inclusive: bool = True
    method: str | None = None  # how the edge to the parent was made (Thread.methods vocabulary)


@dataclass(frozen=True, slots=True)
class Email:
    """One message: read from a source, found inside another, or a phantom.

    ``sent_at`` keeps the original offset when one was given (aware datetime)
    and is naive when the source gave no zone (``dates.timezone`` says which).
    ``received_at`` is always UTC.
    """

    id: str
    source: SourceRef
    thread_id: str | None = None
    message_id: tuple[str, ...] | None = None
    in_reply_to: tuple[str, ...] | None = None
    references: tuple[str, ...] | None = None
    from_: tuple[EmailAddress, ...] | None = None
    sender: tuple[EmailAddress, ...] | None = None
    reply_to: tuple[EmailAddress, ...] | None = None
    to: tuple[EmailAddress, ...] | None = None
    cc: tuple[EmailAddress, ...] | None = None
    bcc: tuple[EmailAddress, ...] | None = None
    subject: str | None = None
    sent_at: datetime | None = None
    received_at: datetime | None = None
    preview: str = ""
    has_attachment: bool = False
    text_body: tuple[BodyPart, ...] = ()
    html_body: tuple[BodyPart, ...] = ()
    attachments: tuple[BodyPart, ...] = ()
    body_values: Mapping[str, BodyValue] = field(default_factory=dict)
    content: Content = field(default_factory=Content)
    derivation: Derivation | None = None
    dates: Dates = field(default_factory=Dates)
    inferred: Mapping[str, str] = field(default_factory=dict)
    threading: Threading | None = None
    thread_index: str | None = None  # Outlook Thread-Index (base64)
    thread_topic: str | None = None  # Outlook Thread-Topic
    defects: tuple[Defect, ...] = ()

    @property
    def text(self) -> str:
        """The decoded text of the message: its text parts, or its HTML parts as text."""
        parts = self.text_body or self.html_body
        return "\n".join(
            self.body_values[p.part_id].value for p in parts if p.part_id in self.body_values
        )

    @property
    def sort_time(self) -> float | None:
        """``sent_at`` (else ``received_at``) as a POSIX timestamp; naive times read as UTC."""
        when = self.sent_at or self.received_at
        if when is None:
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return when.timestamp()


@dataclass(frozen=True, slots=True)
class ThreadNode:
    """One node of a thread tree."""

    email_id: str
    relation: Relation
    children: tuple[ThreadNode, ...] = ()


@dataclass(frozen=True, slots=True)
class Thread:
    """A conversation: a tree of emails with what is known about it."""

    id: str
    email_ids: tuple[str, ...]  # all members, oldest first
    subject: str  # base subject (RFC 5256 section 2.1)
    tree: tuple[ThreadNode, ...]
    participants: tuple[EmailAddress, ...]
    first_sent_at: datetime | None
    last_sent_at: datetime | None
    message_count: int
    methods: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Document:
    """What ``parse`` and ``threads`` produce: threads and the emails they hold."""

    threads: tuple[Thread, ...]
    emails: Mapping[str, Email]


_R = TypeVar("_R")


@dataclass(frozen=True, slots=True)
class Positional(Generic[_R]):
    """Build and copy records of one class by position, fast.

    ``new(...)`` takes the arguments of ``cls``'s ``__init__`` (same names,
    order and defaults) and gives the same record; ``make(values)`` is
    ``cls(*values)`` (a value for every field, in field order) and
    ``values(record)`` the field values of ``record`` as a tuple. Both fill
    the slots in code compiled for the class (see :func:`_twin`): the frozen
    ``__init__`` goes through ``object.__setattr__`` per field, three times
    the cost, which shows where a record is made for every message. Records
    have no ``__post_init__``.
    """

    cls: type[_R]
    values: Callable[[_R], tuple[Any, ...]]
    index: Mapping[str, int]  # field name -> position
    setters: tuple[Callable[[_R, Any], None], ...]
    new: Callable[..., _R]

    def make(self, values: Iterable[Any]) -> _R:
        return self.new(*values)

    def replace(self, record: _R, **changes: Any) -> _R:
        """``dataclasses.replace(record, **changes)`` without its per-field checks."""
        values = list(self.values(record))
        for name, value in changes.items():
            values[self.index[name]] = value
        return self.new(*values)

    def replacer(self, *names: str) -> Callable[..., _R]:
        """A function ``(record, *new values of names)`` -> ``replace(record,
        **dict(zip(names, new values)))``, compiled for these names."""
        return _compile_replacer(self.cls, names, self.new)


_NO_DEFAULT = object()


def _twin(cls: type) -> type | None:
    """A plain (not frozen) class with ``cls``'s slots, in the same order.

    A record is filled as a twin (plain attribute stores, the cheapest way
    to fill slots) and then becomes a ``cls`` by ``__class__`` assignment,
    which Python allows between classes of the same layout. None when
    ``cls`` is not a slots class straight on ``object`` or the layouts
    differ: its records are then filled through the slot descriptors.
    """
    slots = cls.__dict__.get("__slots__")
    if cls.__bases__ != (object,) or not isinstance(slots, tuple):
        return None
    twin = type(f"_Filling{cls.__name__}", (object,), {"__slots__": slots})
    try:
        probe: Any = object.__new__(twin)
        probe.__class__ = cls
    except TypeError:
        return None
    return twin


def _compile_new(cls: type[_R]) -> Callable[..., _R]:
    """A function with ``cls.__init__``'s signature that sets the slots directly."""
    env: dict[str, Any] = {"_cls": cls, "_object_new": object.__new__, "_NO": _NO_DEFAULT}
    twin = _twin(cls)
    env["_twin"] = twin
    names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    params: list[str] = []
    lines: list[str] = []
    for k, f in enumerate(fields(cls)):  # type: ignore[arg-type]
        env[f"_s{k}"] = getattr(cls, f.name).__set__
        if f.default is not MISSING:
            env[f"_d{k}"] = f.default
            params.append(f"{f.name}=_d{k}")
        elif f.default_factory is not MISSING:
            env[f"_f{k}"] = f.default_factory
            params.append(f"{f.name}=_NO")
            lines.append(f"    if {f.name} is _NO:\n        {f.name} = _f{k}()")
        else:
            params.append(f.name)
    if twin is not None and tuple(names) == twin.__dict__["__slots__"]:
        head = "    r = _object_new(_twin)\n"
        lines += [f"    r.{name} = {name}" for name in names]
        lines.append("    r.__class__ = _cls")
    else:
        head = "    r = _object_new(_cls)\n"
        lines += [f"    _s{k}(r, {name})" for k, name in enumerate(names)]
    source = (
        f"def new_{cls.__name__}({', '.join(params)}):\n"
        + head
        + "\n".join(lines)
        + "\n    return r\n"
    )
    exec(source, env)  # our own code, built from the class's fields
    fn: Callable[..., _R] = env[f"new_{cls.__name__}"]
    return fn


def _compile_replacer(
    cls: type[_R], names: tuple[str, ...], new: Callable[..., _R]
) -> Callable[..., _R]:
    all_names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
    unknown = set(names) - set(all_names)
    if unknown or len(set(names)) != len(names):
        raise TypeError(f"bad field names for {cls.__name__}: {sorted(unknown) or names}")
    args = [f"v{names.index(n)}" if n in names else f"o.{n}" for n in all_names]
    params = ", ".join(f"v{k}" for k in range(len(names)))
    source = f"def replace(o, {params}):\n    return _new({', '.join(args)})\n"
    env: dict[str, Any] = {"_new": new}
    exec(source, env)  # our own code, built from the class's fields
    fn: Callable[..., _R] = env["replace"]
    return fn


def positional(cls: type[_R]) -> Positional[_R]:
    """The :class:`Positional` of a record class (made once per class)."""
    found = _POSITIONAL.get(cls)
    if found is None:
        names = [f.name for f in fields(cls)]  # type: ignore[arg-type]
        assert len(names) > 1  # attrgetter of one name gives a value, not a tuple
        found = Positional(
            cls,
            operator.attrgetter(*names),
            {name: k for k, name in enumerate(names)},
            tuple(getattr(cls, name).__set__ for name in names),
            _compile_new(cls),
        )
        _POSITIONAL[cls] = found
    return cast(Positional[_R], found)


_POSITIONAL: dict[type, Positional[Any]] = {}


def _rebuild(cls: type[_R], values: tuple[Any, ...]) -> _R:
    """Unpickle a record pickled by :func:`_pickle_by_position`."""
    return positional(cls).make(values)


def _pickle_by_position(cls: type[Any]) -> None:
    """Pickle ``cls`` as (class, field values), rebuilt through :class:`Positional`:
    the default for a slots dataclass writes a dict of field names per record,
    twice the cost both ways. Records cross process boundaries by
    the hundred thousand (``mailarchive.api`` workers). Registered for the
    exact class only (``copyreg``), so subclasses keep the default."""
    values: Callable[[Any], tuple[Any, ...]] = positional(cls).values
    copyreg.pickle(cls, lambda record: (_rebuild, (cls, values(record))))


_RECORDS: tuple[type, ...] = (EmailAddress, Defect, SourceRef, BodyPart, BodyValue, Span)
for _record in (*_RECORDS, Derivation, Content, Dates, Threading, Email, ThreadNode, Thread):
    _pickle_by_position(_record)
