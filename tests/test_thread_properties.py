"""Hypothesis properties of the threader: whatever the headers say,
every input appears exactly once in the forest, there are no cycles, and
shuffling the input gives the same trees."""

from __future__ import annotations

import base64

from hypothesis import given, settings
from hypothesis import strategies as st

from mailarchive.model import DerivationKind, Email
from mailarchive.thread import build_threads
from tests.test_thread_support import check_forest, mk, parent_map

NAMES = [f"m{k}" for k in range(12)]
_HEAD = bytes(range(22))
THREAD_INDEXES = [
    None,
    None,
    base64.b64encode(_HEAD).decode(),
    base64.b64encode(_HEAD + b"\x01" * 5).decode(),
    base64.b64encode(_HEAD + b"\x01" * 5 + b"\x02" * 5).decode(),
    base64.b64encode(_HEAD + b"\x03" * 5).decode(),
    "not base64 at all!",
]
SUBJECTS = ["Plan", "Re: Plan", "AW: Plan", "Lunch", "Fwd: Lunch", None, "Re:"]


@st.composite
def mailboxes(draw: st.DrawFn) -> list[Email]:
    count = draw(st.integers(min_value=1, max_value=len(NAMES)))
    names = NAMES[:count]
    ids = [*names, "ghost1", "ghost2"]
    emails = []
    for k, name in enumerate(names):
        mid = draw(st.sampled_from(["", "", None, f"{draw(st.sampled_from(names))}@x"]))
        refs = draw(st.lists(st.sampled_from(ids), max_size=4))
        irt = draw(st.lists(st.sampled_from(ids), max_size=1))
        embedded: list[str] = []
        derived_from = None
        kind = DerivationKind.REPLY_QUOTE
        if k > 0 and draw(st.booleans()):
            derived_from = f"e:{names[draw(st.integers(0, k - 1))]}"
            kind = draw(st.sampled_from(list(DerivationKind)))
        emails.append(
            mk(
                name,
                mid=mid,
                irt=[f"{r}@x" for r in irt],
                refs=[f"{r}@x" for r in refs],
                subject=draw(st.sampled_from(SUBJECTS)),
                minutes=draw(st.one_of(st.none(), st.integers(-3000, 3000))),
                sender=draw(st.sampled_from(["Ann", "Bob", None])),
                authored=draw(st.sampled_from(["", "hello there friend", "numbers attached"])),
                embedded=embedded,
                derived_from=derived_from,
                kind=kind,
                gm=draw(st.sampled_from([None, None, "g1", "g2"])),
                thread_index=draw(st.sampled_from(THREAD_INDEXES)),
                offset=k,
            )
        )
    return emails


@settings(max_examples=300, deadline=None)
@given(mailboxes(), st.sampled_from(["off", "on", "auto"]))
def test_every_input_once_and_no_cycles(emails: list[Email], mode: str) -> None:
    doc = build_threads(emails, subject_grouping=mode)
    check_forest(doc, emails)  # once each, trees match parent pointers
    for eid in doc.emails:
        seen = set()
        current: str | None = eid
        while current is not None:
            assert current not in seen, "cycle"
            seen.add(current)
            threading = doc.emails[current].threading
            assert threading is not None
            current = threading.parent_id
    assert sum(len(t.email_ids) for t in doc.threads) == len(doc.emails)


@settings(max_examples=300, deadline=None)
@given(mailboxes(), st.randoms(use_true_random=False), st.sampled_from(["off", "on", "auto"]))
def test_shuffled_input_gives_same_trees(emails: list[Email], rnd: object, mode: str) -> None:
    shuffled = list(emails)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    a = build_threads(emails, subject_grouping=mode)
    b = build_threads(shuffled, subject_grouping=mode)
    assert a.threads == b.threads
    assert parent_map(a) == parent_map(b)
