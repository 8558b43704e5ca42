"""The listing tail's shortcuts equal what they replace.

``_reference_document`` below is ``threader._document`` as it stood before
its single pass over the records in key order (commit 8d7c566): per tree a
preorder walk, a sort of its members and a tree built from the walk; per
thread a loop over each member's people. Hypothesis mailboxes (phantoms,
duplicates, subject merges, body evidence, people named and unnamed, dates
in several zones or none) must give the very same Document, Email records
included, through both, whether the records are Emails or listing records.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from typing import cast
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from mailarchive.ids import email_id, root_thread_id
from mailarchive.model import (
    Content,
    Document,
    Email,
    EmailAddress,
    Relation,
    SourceKind,
    SourceRef,
    Thread,
    Threading,
    ThreadNode,
)
from mailarchive.thread import build_threads, threader
from mailarchive.thread.core import Forest
from mailarchive.thread.evidence import is_segment
from mailarchive.thread.subject import base_subject
from mailarchive.thread.threader import (
    Listed,
    _address_key,
    _email,
    _Key,
    _new_address,
    _new_node,
    _new_thread,
    _with_threading,
    listing_record,
)
from tests.test_thread_properties import mailboxes

# --- the reference: threader._document and its helpers as of commit 8d7c566 ---------


def _ref_phantom(
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


def _ref_document(
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
            nodes[p] = _ref_phantom(forest, p, records, keys, children[p] or [])
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
            order = _ref_preorder(root, children)
            # Oldest first; a stable sort keeps equal keys (a phantom and its
            # oldest child) in tree order.
            members = sorted(order, key=by_key)
            tree = _ref_tree(order, children, relation, ids)
        else:  # a thread of one message (half of a list's threads)
            order = members = [root]
            tree = new_node(root_id, relation[root], ())
        real = members if size == n else [i for i in members if i < n]
        thread = _ref_thread(
            tid, root, members, real, tree, nodes, records, forest, ids, keys, people
        )
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


def _ref_preorder(root: int, children: list[list[int] | None]) -> list[int]:
    order: list[int] = []
    stack = [root]
    while stack:
        node = stack.pop()
        order.append(node)
        kids = children[node]
        if kids:
            stack.extend(reversed(kids))
    return order


def _ref_tree(
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


def _ref_thread(
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


# --- the properties ---------------------------------------------------------------

PEOPLE = [
    EmailAddress("Ann", "ann@example.org"),
    EmailAddress("Ann Other", "ANN@example.org"),  # the same person, another name
    EmailAddress(None, "ann@example.org"),
    EmailAddress("Bob", None),  # a name alone
    EmailAddress(" bob ", None),
    EmailAddress(None, "list@example.org"),
    EmailAddress("Cy", "cy@example.org"),
]
ZONES = [UTC, timezone(timedelta(hours=5, minutes=30)), timezone(timedelta(hours=-8)), None]
BASE = datetime(2020, 1, 1, 12, 0)


@st.composite
def varied(draw: st.DrawFn) -> list[Email]:
    """``mailboxes()`` with people in From, To and Cc and dates in several zones."""
    people = st.one_of(st.none(), st.lists(st.sampled_from(PEOPLE), max_size=3).map(tuple))
    out = []
    for e in draw(mailboxes()):
        sent_at = e.sent_at
        received_at = None
        if sent_at is not None:
            zone = draw(st.sampled_from(ZONES))
            sent_at = sent_at.replace(tzinfo=None)
            if zone is not None:
                sent_at = sent_at.replace(tzinfo=UTC).astimezone(zone)
        elif draw(st.booleans()):
            received_at = BASE.replace(tzinfo=UTC) + timedelta(minutes=draw(st.integers(0, 99)))
        out.append(
            replace(
                e,
                from_=draw(people),
                to=draw(people),
                cc=draw(people),
                sent_at=sent_at,
                received_at=received_at,
            )
        )
    return out


def _both(records: Sequence[Email | Listed], mode: str, keep: bool) -> tuple[Document, Document]:
    doc = build_threads(records, subject_grouping=mode, keep_emails=keep)
    with mock.patch.object(threader, "_document", lambda *args: _ref_document(*args[:6])):
        ref = build_threads(records, subject_grouping=mode, keep_emails=keep)
    return doc, ref


def _same(doc: Document, ref: Document) -> None:
    assert doc.threads == ref.threads
    assert repr(doc.threads) == repr(ref.threads)  # equal datetimes in other zones too
    assert list(doc.emails.items()) == list(ref.emails.items())


@settings(max_examples=400, deadline=None)
@given(varied(), st.sampled_from(["off", "on", "auto"]), st.booleans())
def test_document_equals_reference(emails: list[Email], mode: str, keep: bool) -> None:
    _same(*_both(emails, mode, keep))


@settings(max_examples=300, deadline=None)
@given(varied(), st.sampled_from(["off", "on", "auto"]), st.booleans())
def test_listing_document_equals_reference(emails: list[Email], mode: str, bare: bool) -> None:
    """Listing records (all of them when ``bare``: no bodies), mixed with Emails."""
    if bare:
        emails = [replace(e, content=Content(), derivation=None) for e in emails]
    records = [listing_record(e) for e in emails]
    assert all(isinstance(r, Listed) for r in records) or not bare
    _same(*_both(records, mode, False))
