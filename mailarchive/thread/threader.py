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
    listed = not keep_emails  # every record a Listed (so far)
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
                    listed = False
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
            headers = (
                cast("list[HeaderFields]", made)  # every record is its own Header
                if listed
                else [
                    h if h is not None else header_of(_email(records[i]), copy=i in copies)
                    for i, h in enumerate(made)
                ]
            )
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
    ids are added here).
    Each tree is finished before the next starts and ``records``/``nodes``
    then hold the copies, so an input record nobody else holds is freed as
    soon as its copy exists (one Email per message alive, not two).
    """
    size = forest.size
    n = forest.inputs
    parent = forest.parent
    alive = forest.alive
    relation = forest.relation
    root_of = forest.root
    # One pass over the records, oldest first (an archive mostly comes in
    # that order: the sort is cheap): every node's children and every tree's
    # members come out in key order, and the trees in the order of their
    # oldest records, which is the order of threads (oldest first, undated
    # last, then by place in the input; not by id, so a listing keyed by
    # position, ``listing_record_at``, gives the same order).
    children: list[list[int] | None] = [None] * size
    members: list[list[int] | None] = [None] * size
    roots: list[int] = []
    for i in sorted(range(n), key=keys.__getitem__):
        r = root_of[i]
        group = members[r]
        if group is None:
            members[r] = [i]
            roots.append(r)
        else:
            group.append(i)
        p = parent[i]
        if p != -1:
            kids = children[p]
            if kids is None:
                children[p] = [i]
            else:
                kids.append(i)
    nodes = cast("list[Email | Listed | None]", records)  # copies go in both
    if size > n:
        nodes = [*records, *([None] * (size - n))]
        for p in range(n, size):
            if not alive[p]:
                continue
            # A live phantom is a root (``core``: pruning drops every phantom
            # with a parent, grouping moves roots only) above messages.
            assert parent[p] == -1
            kids = children[p]
            nodes[p] = _phantom(forest, p, records, keys, kids or [])
            if kids is None:  # a phantom alone, never made: last, by thread id
                members[p] = [p]
                continue
            # The phantom goes just before its oldest child (its order key is
            # that child's; a tree's root comes before what hangs from it).
            group = members[p]
            assert group is not None
            group.insert(group.index(kids[0]), p)
        ids.extend([e.id if e is not None else "" for e in nodes[n:]])
        lonely = [p for p in range(n, size) if alive[p] and children[p] is None]
        roots.extend(sorted(lonely, key=lambda p: root_thread_id(ids[p])))
    depth = forest.depth
    duplicate_of = forest.duplicate_of
    method = forest.method
    threads: list[Thread] = []
    people: dict[tuple[str | None, str | None], tuple[str, EmailAddress]] = {}
    built: list[ThreadNode | None] = [None] * size
    new_node = _new_node
    new_thread = _new_thread
    for root in roots:
        group = members[root]
        assert group is not None
        root_id = ids[root]
        tid = root_thread_id(root_id)
        kids = children[root]
        if kids is None and root < n:  # a thread of one message (half of a list's threads)
            # ``_thread`` of it, inline: its subject, people and date, no method.
            record = records[root]
            text = record.subject or record.thread_topic
            when = None
            if not keys[root][0]:  # dated
                when = record.sent_at or record.received_at
            threads.append(
                new_thread(
                    tid,
                    (root_id,),
                    base_subject(text) if text else "",
                    (new_node(root_id, relation[root], ()),),
                    _participants(records, group, people),
                    when,
                    when,
                    0 if root in duplicate_of else 1,
                    (),
                )
            )
        else:
            if kids is None:  # a phantom alone
                tree = new_node(root_id, relation[root], ())
            elif len(kids) == len(group) - 1:  # every other message answers the root
                tree = new_node(
                    root_id,
                    relation[root],
                    tuple([new_node(ids[k], relation[k], ()) for k in kids]),
                )
            else:
                tree = _tree(root, group, children, relation, ids, depth, built)
            real = group if size == n else [i for i in group if i < n]
            threads.append(
                _thread(tid, root, group, real, tree, records, forest, ids, keys, people)
            )
        if not keep_emails:
            continue
        for node in group:
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
    emails: dict[str, Email] = {}
    if keep_emails:
        emails = {e.id: _email(e) for e in records}
        for p in sorted(range(n, size), key=ids.__getitem__):
            email = nodes[p]
            if alive[p] and email is not None:
                emails[email.id] = _email(email)
    return Document(threads=tuple(threads), emails=emails)


def _tree(
    root: int,
    group: list[int],
    children: list[list[int] | None],
    relation: list[Relation],
    ids: list[str],
    depth: list[int],
    built: list[ThreadNode | None],
) -> ThreadNode:
    """The ThreadNode tree of the nodes ``group`` under ``root``: deepest
    first, so each node's children are built before it, without recursion."""
    new_node = _new_node
    for node in sorted(group, key=depth.__getitem__, reverse=True):
        kids = children[node]
        built[node] = new_node(
            ids[node], relation[node], tuple([built[k] for k in kids]) if kids else ()
        )
    tree = built[root]
    assert tree is not None
    return tree


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
    records: list[Email | Listed],
    forest: Forest,
    ids: list[str],
    keys: list[_Key],
    people: dict[tuple[str | None, str | None], tuple[str, EmailAddress]],
) -> Thread:
    """The Thread of the tree at ``root``: ``members`` all its nodes in key
    order, ``real`` those that are records. ``people``: the key and
    EmailAddress of each (name, address) pair of a Listed met so far in this
    Document (a list's senders and its address recur in thread after
    thread; frozen records can be shared)."""
    n = forest.inputs
    subject = ""
    if root >= n and root in forest.phantom_subject:
        subject = forest.phantom_subject[root]
    else:
        # The root's subject, else the oldest record's with one (a phantom
        # names a thread by ``phantom_subject`` only).
        if root < n:
            record = records[root]
            text = record.subject or record.thread_topic
            if text:
                subject = base_subject(text)
        if not subject:
            for i in real:
                record = records[i]
                text = record.subject or record.thread_topic
                if text:
                    subject = base_subject(text)
                    if subject:
                        break
    participants = _participants(records, real, people)
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
        used = set(map(forest.method.__getitem__, members))
        used.discard(None)
        methods = tuple(sorted(cast("set[str]", used)))
    duplicate_of = forest.duplicate_of
    count = sum(1 for i in real if i not in duplicate_of) if duplicate_of else len(real)
    return _new_thread(
        tid,
        tuple(map(ids.__getitem__, members)),
        subject,
        (tree,),
        participants,
        first,
        last,
        count,
        methods,
    )


def _participants(
    records: list[Email | Listed],
    real: list[int],
    people: dict[tuple[str | None, str | None], tuple[str, EmailAddress]],
) -> tuple[EmailAddress, ...]:
    """The people of ``real`` (From, To, Cc in record order), once each by
    :func:`_address_key`, with the address they first came with."""
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
    return tuple(participants)
