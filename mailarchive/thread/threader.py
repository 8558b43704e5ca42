"""``build_threads``: Email records in, a Document of threads out.

Reads what threading needs from each Email (a :class:`Header`), finds body
evidence (``evidence.py``), runs the core algorithm (``core.py``) and writes
the result back: every input Email gets ``thread_id`` and ``threading`` (a
copy of it is made, and the input record dropped as soon as its tree is
done), phantoms become Emails of their own, and each tree becomes a
:class:`~mailarchive.model.Thread`.

Phantom Emails: ``id`` is ``email_id("phantom", <message-id>)`` for a message
that references name, and ``email_id("phantom", "subject", <base subject>,
<id of its oldest child>)`` for the parent a lone ``Re: X`` implies;
``source`` is ``SourceRef(kind=SourceKind.SEGMENT)`` with no path; only
``message_id`` or ``subject`` is filled; ``threading.is_phantom`` is true.

``keep_emails=False`` is for listings of threads (``threads --format
table``): the Document has the same threads and no Email records, and each
message without body or derivation (a headers-only record) is cut down to
a :class:`Listed` (plain values) as it arrives, so the input records do not
all stay in memory. ``listing_record`` makes them where records are made
(worker processes): they cross the process boundary instead of the Emails.
"""

from __future__ import annotations

import base64
import binascii
from collections.abc import Iterable, Sequence
from dataclasses import fields
from datetime import UTC, datetime, timedelta
from operator import attrgetter
from typing import Any, NamedTuple, TypeVar, cast

from mailarchive.ids import email_id, position_key, root_thread_id
from mailarchive.model import (
    Defect,
    Document,
    Email,
    EmailAddress,
    Relation,
    SourceKind,
    SourceRef,
    Thread,
    Threading,
    ThreadNode,
    positional,
)
from mailarchive.parse.message import _OLE_MAGIC, raw_email_id
from mailarchive.parse.quick import listing_lines, read_listing
from mailarchive.sources.raw import RawMessage
from mailarchive.thread.core import (
    Forest,
    Header,
    HeaderFields,
    Link,
    gc_paused,
    gc_young_only,
    thread_headers,
)
from mailarchive.thread.evidence import body_links, is_segment
from mailarchive.thread.subject import base_subject

_Key = tuple[bool, float, str, int, str]
_T = TypeVar("_T")


def _thread_index(value: str | None) -> bytes | None:
    if not value:
        return None
    try:
        return base64.b64decode("".join(value.split()), validate=False)
    except (binascii.Error, ValueError):
        return None


_new_header = positional(Header).make  # once per message: by position, not __init__


def _header_fields(email: Email) -> tuple[Any, ...]:
    """The field values of ``email``'s :class:`Header`, in field order (also the
    first fields of a :class:`Listed`)."""
    source = email.source
    offset = source.offset
    mid = email.message_id
    return (
        email.id,
        mid[0] if mid else None,
        email.in_reply_to or (),
        email.references or (),
        email.subject if email.subject else email.thread_topic,
        email.sort_time,
        (source.path or "", offset if offset is not None else -1),
        source.gm_thread_id,
        _thread_index(email.thread_index),
    )


def header_of(email: Email, *, copy: bool = False) -> Header:
    """The :class:`Header` of ``email``; a quoted copy keeps only its place and time."""
    if copy:
        offset = email.source.offset
        position = (email.source.path or "", offset if offset is not None else -1)
        return Header(key=email.id, time=email.sort_time, position=position, subject=email.subject)
    return _new_header(_header_fields(email))


class Listed(NamedTuple):
    """A message cut down to what a listing of threads reads (``keep_emails=False``).

    Made by :func:`listing_record` where the record is made (a worker
    process): plain values, four times cheaper to pickle than the Email.
    The fields of its :class:`Header` (the algorithm reads it as one), then
    those a Thread reads (names as in Email). ``subject`` is the Subject,
    else the Thread-Topic, as in the Header; ``received_at`` is kept only
    without ``sent_at``: threads (and the order of messages) read
    ``sent_at or received_at``.
    """

    key: str
    message_id: str | None
    in_reply_to: tuple[str, ...]
    references: tuple[str, ...]
    subject: str | None
    time: float | None
    position: tuple[str, int]
    gm_thread_id: str | None
    thread_index: bytes | None
    people: tuple[tuple[str | None, str | None], ...]  # (name, address) of From, To, Cc
    sent_at: datetime | None
    received_at: datetime | None

    @property
    def id(self) -> str:
        """The Email id (as ``Email.id``), or its place for :func:`listing_record_at`."""
        return self.key

    @property
    def thread_topic(self) -> None:
        """Already in ``subject`` when there is no Subject (as ``Email.thread_topic``)."""
        return None


def listing_record(email: Email) -> Email | Listed:
    """What ``build_threads(keep_emails=False)`` keeps of ``email``.

    A :class:`Listed` for a message body evidence cannot use (no body, no
    derivation: every headers-only record), else ``email`` itself.
    """
    if (
        email.derivation is not None
        or email.text_body
        or email.html_body
        or email.content.authored
        or email.content.embedded
    ):
        return email
    sent_at = email.sent_at
    return Listed._make(
        (
            *_header_fields(email),
            _pairs(email.from_, email.to, email.cc),
            sent_at,
            email.received_at if sent_at is None else None,  # only ever read as a fallback
        )
    )


def listing_record_at(email: Email) -> Email | Listed:
    """:func:`listing_record`, a Listed keyed by its place in the input
    (``ids.position_key``) instead of the Email id: for listings that show no
    ids, where the places of the records are distinct
    (``sources.places_distinct``); the threads are the same, their ids and
    emailIds are not export ids.
    """
    record = listing_record(email)
    source = email.source
    if isinstance(record, Email) or (source.path is None and source.offset is None):
        return record
    return record._replace(key=position_key(source.path, source.offset))


_new_listed = tuple.__new__  # (Listed, values): Listed._make without its checks


def listing_of_raw(
    raw: RawMessage, *, by_position: bool = False
) -> tuple[tuple[Defect, ...], Listed] | None:
    """``listing_record`` of the headers-only Email of ``raw`` and that Email's
    defects, read without building the Email (``parse.quick.read_listing``);
    None when ``raw`` needs the full path (``process_raw(raw,
    Options(headers_only=True))``). ``by_position``: as
    :func:`listing_record_at`, keyed by place, and the bytes are not hashed.

    Taken only where that path ends in ``parse.quick.read_headers`` with
    nothing changed after it: not pasted text, not an Outlook file, no
    ``X-Mailarchive-Id`` header (``parse.rebuilt`` reads it), a header block
    ``parse.quick`` reads.
    """
    data = raw.data
    source = raw.source
    if source.kind is SourceKind.TEXT or data.startswith(_OLE_MAGIC):
        return None
    try:
        headers = listing_lines(data)
        if headers is None or "x-mailarchive-id" in headers:
            return None
        if by_position and (source.path is not None or source.offset is not None):
            eid = position_key(source.path, source.offset)
        else:
            eid = raw_email_id(raw)
        read = read_listing(raw, headers)
    except (Exception, RecursionError):
        return None  # the full path decides (compat32 reads it)
    defects, mid, in_reply_to, references, subject, sent_at, received_at, people, index = read
    when = sent_at or received_at
    if when is not None and when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    offset = source.offset
    listed = _new_listed(
        Listed,
        (
            eid,
            mid,
            in_reply_to,
            references,
            subject,
            None if when is None else when.timestamp(),
            (source.path or "", offset if offset is not None else -1),
            source.gm_thread_id,
            None if index is None else _thread_index(index),
            people,
            sent_at,
            received_at,
        ),
    )
    return defects, listed


def _stand_in(listed: Listed) -> Email:
    """An Email that body evidence reads as the message of ``listed``: id, Message-ID, order."""
    path, offset = listed.position
    return Email(
        id=listed.key,
        source=SourceRef(kind=SourceKind.MBOX, path=path or None, offset=offset),
        message_id=(listed.message_id,) if listed.message_id else None,
        sent_at=listed.sent_at,
        received_at=listed.received_at,
    )


def build_threads(
    emails: Iterable[Email | Listed],
    *,
    subject_grouping: str = "auto",
    subject_window: timedelta = timedelta(days=28),
    keep_emails: bool = True,
) -> Document:
    """Thread ``emails``: every input Email appears in exactly one thread tree, once.

    ``subject_grouping``: ``off`` (headers and bodies only), ``on`` (RFC 5256
    subject merging of roots) or ``auto`` (only messages without any
    reference header join a thread by subject). Subject matches must fall
    within ``subject_window`` of each other. ``keep_emails=False``: the
    Document holds the threads only (``emails`` is empty), in less memory;
    the input may then hold :func:`listing_record` results.
    """
    records: list[Email | Listed] = []
    made: list[HeaderFields | None] = []  # a listed record is its own Header
    index: dict[str, int] = {}
    derived = False
    # ``emails`` may be a parsing generator: collect with the collector
    # running, but on young objects only (the records are long-lived); then
    # thread with it paused. Young-only until the end: restoring full
    # collections in between would make the next allocation rescan every
    # record (a sixth of threading's time at 100,000 messages).
    with gc_young_only():
        if keep_emails:
            for item in emails:
                if isinstance(item, Listed):
                    raise ValueError("listing records hold no Email: use keep_emails=False")
                rid = item.id
                if rid in index:  # the same record given twice is one record
                    continue
                index[rid] = len(records)
                records.append(item)
                made.append(None)
                derived = derived or item.derivation is not None
        else:
            for item in emails:
                record = item if isinstance(item, Listed) else listing_record(item)
                if isinstance(record, Listed):
                    rid = record[0]  # its key (``Listed.id`` is a property)
                    if rid in index:
                        continue
                    made.append(record)
                else:
                    rid = record.id
                    if rid in index:
                        continue
                    made.append(None)
                    derived = derived or record.derivation is not None
                index[rid] = len(records)
                records.append(record)
        with gc_paused():
            forced: list[Link] = []
            links: list[Link] = []
            if derived:  # body evidence is about records found inside others
                full = [r if isinstance(r, Email) else _stand_in(r) for r in records]
                forced, links = body_links(full, index)
                del full
            ids = list(index)  # the record ids, in record order
            del index
            copies = {link.child for link in forced}
            headers = [
                h if h is not None else header_of(_email(records[i]), copy=i in copies)
                for i, h in enumerate(made)
            ]
            del made
            forest = thread_headers(
                headers,
                subject_grouping=subject_grouping,
                subject_window=subject_window,
                links=links,
                forced=forced,
            )
            # ``order_key`` of each header, without a call per header.
            keys: list[_Key] = [
                (t is None, t or 0.0, p[0], p[1], k) for k, t, p in map(_KEY_FIELDS, headers)
            ]
            del headers  # what is left of them: the keys
            quoted = {link.parent for link in forced}
            return _document(records, ids, keys, forest, quoted, keep_emails)


_KEY_FIELDS = attrgetter("key", "time", "position")


def _email(record: Email | Listed) -> Email:
    assert isinstance(record, Email)
    return record


def _phantom(
    forest: Forest, node: int, records: Sequence[Email | Listed], keys: list[_Key], kids: list[int]
) -> Email:
    mid = forest.phantom_message_id.get(node)
    if mid is not None:
        return Email(
            id=email_id("phantom", mid),
            source=SourceRef(kind=SourceKind.SEGMENT),
            message_id=(mid,),
        )
    subject = forest.phantom_subject.get(node, "")
    kids = [i for i in kids if i < forest.inputs]
    first = min(kids, key=keys.__getitem__) if kids else -1
    anchor = records[first].id if first >= 0 else None
    return Email(
        id=email_id("phantom", "subject", subject, anchor),
        source=SourceRef(kind=SourceKind.SEGMENT),
        subject=subject,
    )


_VALUES = attrgetter(*(f.name for f in fields(Email)))
_THREAD_ID = [f.name for f in fields(Email)].index("thread_id")
_THREADING = [f.name for f in fields(Email)].index("threading")
_new_email = positional(Email).make


def _with_threading(email: Email, tid: str, threading: Threading) -> Email:
    """``replace(email, thread_id=tid, threading=threading)``, without its per-call overhead."""
    values = list(_VALUES(email))
    values[_THREAD_ID] = tid
    values[_THREADING] = threading
    return _new_email(values)


def _address_key(name: str | None, address: str | None) -> str:
    """Who a participant is: the address, else the name (case-folded, blanks
    collapsed), told apart by a first letter (a string: it keeps its hash)."""
    if address:
        return "e" + address.casefold()
    return "n" + " ".join((name or "").casefold().split())


def _pairs(*groups: tuple[EmailAddress, ...] | None) -> tuple[tuple[str | None, str | None], ...]:
    """The (name, address) of each person in ``groups``, in order: plain
    tuples of strings pickle in C and are left alone by the cyclic collector."""
    return tuple([(a.name, a.email) for group in groups if group for a in group])


_new_address = positional(EmailAddress).new


def _document(
    records: list[Email | Listed],
    ids: list[str],
    keys: list[_Key],
    forest: Forest,
    quoted: set[int],
    keep_emails: bool,
) -> Document:
    """The Document of ``forest``; ``records`` are replaced by their threaded copies on the way.

    ``ids`` and ``keys``: the id and order key of each record (phantoms'
    are added here). Each tree is finished before the next starts and
    ``records``/``nodes`` then hold the copies, so an input record nobody
    else holds is freed as soon as its copy exists (one Email per message
    alive, not two).
    """
    size = forest.size
    n = forest.inputs
    parent = forest.parent
    alive = forest.alive
    # Children (in node order; None for a leaf) and live roots, in one pass.
    children: list[list[int] | None] = [None] * size
    roots: list[int] = []
    for i, p in enumerate(parent):
        if p == -1:
            if alive[i]:
                roots.append(i)
        elif alive[i]:
            kids = children[p]
            if kids is None:
                children[p] = [i]
            else:
                kids.append(i)
    nodes: list[Email | Listed | None] = [*records, *([None] * (size - n))]
    for p in range(n, size):
        if alive[p]:
            nodes[p] = _phantom(forest, p, records, keys, children[p] or [])
    keys.extend([(True, 0.0, "", -1, "")] * (size - n))
    for p in range(n, size):
        kids = children[p]
        if alive[p] and kids is not None:
            keys[p] = min(keys[c] for c in kids)
    by_key = keys.__getitem__
    for kids in children:
        if kids is not None and len(kids) > 1:
            kids.sort(key=by_key)

    ids.extend([e.id if e is not None else "" for e in nodes[n:]])
    relation = forest.relation
    depth = forest.depth
    method = forest.method
    duplicate_of = forest.duplicate_of
    threads: list[Thread] = []
    sort_keys: list[_Key] = []
    people: dict[tuple[str | None, str | None], tuple[str, EmailAddress]] = {}
    new_node = _new_node
    for root in roots:
        root_id = ids[root]
        tid = root_thread_id(root_id)
        if children[root] is not None:
            order = _preorder(root, children)
            # Oldest first; a stable sort keeps equal keys (a phantom and its
            # oldest child) in tree order.
            members = sorted(order, key=by_key)
            tree = _tree(order, children, relation, ids)
        else:  # a thread of one message (half of a list's threads)
            order = members = [root]
            tree = new_node(root_id, relation[root], ())
        real = members if size == n else [i for i in members if i < n]
        thread = _thread(tid, root, members, real, tree, nodes, records, forest, ids, keys, people)
        threads.append(thread)
        # Threads go as their first messages: oldest first, undated last,
        # then by place in the input (the order key of ``real[0]``, which
        # holds the thread's first date: the record's ``sent_at or
        # received_at``, naive read as UTC). Not by id: a listing keyed by
        # position (``listing_record_at``) gives the same order.
        sort_keys.append(keys[real[0]] if real else (True, float("inf"), "", 0, tid))
        if not keep_emails:
            continue
        for node in order:
            email = nodes[node]
            assert isinstance(email, Email)
            p = parent[node]
            dup = duplicate_of.get(node)
            inclusive = node < n and dup is None and node not in quoted and not is_segment(email)
            copy = _with_threading(
                email,
                tid,
                Threading(
                    ids[p] if p != -1 else None,
                    relation[node],
                    depth[node],
                    node >= n,
                    ids[dup] if dup is not None else None,
                    inclusive,
                    method[node],
                ),
            )
            nodes[node] = copy
            if node < n:
                records[node] = copy
    ranked = sorted(range(len(threads)), key=sort_keys.__getitem__)
    emails: dict[str, Email] = {}
    if keep_emails:
        emails = {e.id: _email(e) for e in records}
        for p in sorted(range(n, size), key=ids.__getitem__):
            email = nodes[p]
            if alive[p] and email is not None:
                emails[email.id] = _email(email)
    return Document(threads=tuple([threads[k] for k in ranked]), emails=emails)


def _preorder(root: int, children: list[list[int] | None]) -> list[int]:
    order: list[int] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        kids = children[node]
        if kids:
            stack.extend(reversed(kids))
    return order


def _tree(
    order: list[int], children: list[list[int] | None], relation: list[Relation], ids: list[str]
) -> ThreadNode:
    """The ThreadNode tree of a preorder ``order``, built children first without recursion."""
    built: dict[int, ThreadNode] = {}
    new_node = _new_node
    for node in reversed(order):
        kids = children[node]
        built[node] = new_node(
            ids[node], relation[node], tuple([built[k] for k in kids]) if kids else ()
        )
    return built[order[0]]


# One ThreadNode per message and one Thread per thread: by position, not the
# frozen __init__ (model.Positional).
_new_node = positional(ThreadNode).new
_new_thread = positional(Thread).new


def _thread(
    tid: str,
    root: int,
    members: list[int],
    real: list[int],
    tree: ThreadNode,
    nodes: list[Email | Listed | None],
    records: list[Email | Listed],
    forest: Forest,
    ids: list[str],
    keys: list[_Key],
    people: dict[tuple[str | None, str | None], tuple[str, EmailAddress]],
) -> Thread:
    """The Thread of the tree at ``root``. ``people``: the key and EmailAddress
    of each (name, address) pair of a Listed met so far in this Document (a
    list's senders and its address recur in thread after thread; frozen
    records can be shared)."""
    n = forest.inputs
    subject = ""
    if root >= n and root in forest.phantom_subject:
        subject = forest.phantom_subject[root]
    else:
        email = nodes[root]
        if email is not None and (email.subject or email.thread_topic):
            subject = base_subject(email.subject or email.thread_topic)
        if not subject:  # the oldest member with a subject names the thread
            for i in members:
                email = nodes[i]
                if email is not None and (email.subject or email.thread_topic):
                    subject = base_subject(email.subject or email.thread_topic)
                    if subject:
                        break
    participants: list[EmailAddress] = []
    seen: set[str] = set()
    for i in real:
        email = records[i]
        if isinstance(email, Listed):
            for pair in email.people:
                found = people.get(pair)
                if found is None:
                    found = people[pair] = (_address_key(*pair), _new_address(*pair))
                if found[0] not in seen:
                    seen.add(found[0])
                    participants.append(found[1])
            continue
        for group in (email.from_, email.to, email.cc):
            for person in group or ():
                key = _address_key(person.name, person.email)
                if key not in seen:
                    seen.add(key)
                    participants.append(person)
    first: datetime | None = None
    last: datetime | None = None
    # ``real`` is in key order (undated last) and keys are unique (a record
    # given twice is kept once): the dated ones lead, oldest first.
    if real and not keys[real[0]][0]:
        newest = len(real) - 1
        while keys[real[newest]][0]:
            newest -= 1
        oldest_record = records[real[0]]
        newest_record = records[real[newest]]
        first = oldest_record.sent_at or oldest_record.received_at
        last = newest_record.sent_at or newest_record.received_at
    methods: tuple[str, ...] = ()
    if len(members) > 1:  # a root has no method
        method = forest.method
        used = {method[i] for i in members}
        used.discard(None)
        methods = tuple(sorted(cast("set[str]", used)))
    duplicate_of = forest.duplicate_of
    count = sum(1 for i in real if i not in duplicate_of) if duplicate_of else len(real)
    return _new_thread(
        tid,
        tuple(map(ids.__getitem__, members)),
        subject,
        (tree,),
        tuple(participants),
        first,
        last,
        count,
        methods,
    )
