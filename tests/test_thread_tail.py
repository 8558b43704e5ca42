"""The threader's shortcuts equal what they replace: thread ids and thread order."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from mailarchive.ids import root_thread_id, thread_id
from mailarchive.model import Email, Thread
from mailarchive.thread import core
from mailarchive.thread.core import _Builder, _Grouper, _roots_and_depths, order_key
from mailarchive.thread.threader import Listed, build_threads, header_of
from tests.test_thread_properties import mailboxes


@given(st.text())
def test_root_thread_id_equals_thread_id(root_id: str) -> None:
    assert root_thread_id(root_id) == thread_id(root_id)


def test_thread_id_of_a_surrogate() -> None:
    assert root_thread_id("e\udc80x") == thread_id("e\udc80x")


def _listed(n: int, when: datetime | None, **kw: object) -> Listed:
    time = None
    if when is not None:
        time = (when if when.tzinfo else when.replace(tzinfo=UTC)).timestamp()
    values = {
        "key": f"e{n:04d}",
        "message_id": f"m{n}@x",
        "in_reply_to": (),
        "references": (),
        "subject": f"subject {n % 3}",
        "time": time,
        "position": ("list.mbox", n * 100),
        "gm_thread_id": None,
        "thread_index": None,
        "people": (("A", "a@x"), (None, f"p{n % 4}@x")),
        "sent_at": when,
        "received_at": None,
    }
    values.update(kw)
    return Listed(**values)  # type: ignore[arg-type]


def test_threads_come_in_the_order_of_their_first_messages() -> None:
    """Oldest first, undated last, then by place in the input: never by id."""
    east = timezone(timedelta(hours=5))
    base = datetime(2020, 1, 1, 12, 0)
    records = [
        _listed(0, base.replace(tzinfo=east)),
        _listed(1, base),  # naive: read as UTC, five hours after record 0
        _listed(2, None),
        _listed(3, None),
        _listed(4, base - timedelta(days=1), in_reply_to=("m1@x",)),
        _listed(5, base + timedelta(minutes=1), in_reply_to=("m0@x",), references=("m0@x",)),
        _listed(6, base.replace(tzinfo=east), message_id="m6@x"),  # same instant as record 0
    ]
    doc = build_threads(records, keep_emails=False)
    by_key = {r.key: order_key(r) for r in records}

    def first_message(thread: Thread) -> tuple[bool, float, str, int, str]:
        return min(by_key[e] for e in thread.email_ids if e in by_key)

    assert list(doc.threads) == sorted(doc.threads, key=first_message)
    # The undated threads (records 2 and 3) go by position, whatever their ids say.
    renamed = [r._replace(key=f"z{9 - i}") for i, r in enumerate(records)]
    undated = [t.email_ids for t in build_threads(renamed, keep_emails=False).threads[-2:]]
    assert undated == [("z7",), ("z6",)]
    assert len(doc.threads) == 5
    one = {t.email_ids: t for t in doc.threads}
    assert one[("e0000", "e0005")].methods == ("in-reply-to",)
    assert one[("e0002",)].methods == () and one[("e0002",)].first_sent_at is None
    for thread in doc.threads:
        assert thread.message_count == len(thread.email_ids)
        assert thread.tree[0].email_id in thread.email_ids


def _naive_roots_and_depths(parent: list[int]) -> tuple[list[int], list[int]]:
    roots, depths = [], []
    for i in range(len(parent)):
        node, d = i, 0
        while parent[node] != -1:
            node, d = parent[node], d + 1
        roots.append(node)
        depths.append(d)
    return roots, depths


@given(st.lists(st.integers(min_value=-1, max_value=40), max_size=40))
def test_roots_and_depths_of_any_forest(raw: list[int]) -> None:
    # Any list made acyclic: a node may only hang under a node of higher index
    # (then the indices are shuffled), so parents come before and after children.
    size = len(raw)
    parent = [p if p > i and p < size else -1 for i, p in enumerate(raw)]
    perm = list(reversed(range(size)))
    perm = perm[size // 2 :] + perm[: size // 2]
    moved = [-1] * size
    for i, p in enumerate(parent):
        moved[perm[i]] = perm[p] if p != -1 else -1
    for forest in (parent, moved):
        expected = _naive_roots_and_depths(forest)
        assert _roots_and_depths(forest) == expected


@settings(max_examples=300, deadline=None)
@given(mailboxes(), st.sampled_from(["off", "on", "auto"]))
def test_by_tree_key_is_sorted_by_tree_key(emails: list[Email], mode: str) -> None:
    """The roots of a subject, sorted with their keys made inline, as by ``tree_key``;
    before subject grouping and after it (subject phantoms, merged trees)."""
    b = _Builder([header_of(e) for e in emails])
    b.index_message_ids()
    b.link_reference_chains(b.link_own_parents([]))
    b.link_thread_index()
    grouper = _Grouper(b, b.prune())
    grouper.group_by_ids()
    for step in range(2):
        if step:
            grouper.group_by_subject(mode, 3600.0 * 24)
        roots = [(r, "", False) for r in grouper.trees if grouper.alive[r] and b.parent[r] == -1]
        roots.reverse()
        expected = sorted(roots, key=lambda m: grouper.tree_key(m[0]))
        assert grouper.by_tree_key(roots) == expected


@settings(max_examples=300, deadline=None)
@given(
    mailboxes(),
    st.sampled_from(["off", "on", "auto"]),
    st.sampled_from(["all", "gm", "index", "none"]),
)
def test_steps_skipped_without_ids_change_nothing(emails: list[Email], mode: str, ids: str) -> None:
    """Thread-Index and Gmail steps skip their loops when no header has such
    an id (``gm``: Gmail ids only; ``index``: Thread-Index only; ``none``:
    neither): the forest is the one the loops make."""
    if ids in ("gm", "none"):
        emails = [replace(e, thread_index=None) for e in emails]
    if ids in ("index", "none"):
        emails = [replace(e, source=replace(e.source, gm_thread_id=None)) for e in emails]
    headers = [header_of(e) for e in emails]
    fast = core.thread_headers(headers, subject_grouping=mode)
    with mock.patch.object(core, "_any_set", lambda headers, field: True):
        slow = core.thread_headers(headers, subject_grouping=mode)
    assert fast == slow
