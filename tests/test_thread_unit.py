"""Unit cases of the threader: loops, self-reference, missing parents, order, duplicates,
subject grouping, Gmail / Outlook evidence, forwards, quoted copies, text dumps."""

from __future__ import annotations

import base64
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from mailarchive.model import DerivationKind, Relation
from mailarchive.thread import SUBJECT_GROUPING, build_threads
from mailarchive.thread.evidence import close_in_time
from tests.test_thread_support import check_forest, mk, parent_map, shape


def test_subject_grouping_choices() -> None:
    assert SUBJECT_GROUPING == ("off", "on", "auto")
    with pytest.raises(ValueError, match="subject_grouping"):
        build_threads([mk("a")], subject_grouping="sometimes")


def test_simple_chain_and_methods() -> None:
    a = mk("a", subject="Plan", minutes=0)
    b = mk("b", subject="Re: Plan", irt=["a@x"], refs=["a@x"], minutes=5)
    c = mk("c", subject="Re: Plan", refs=["a@x", "b@x"], minutes=9)
    doc = build_threads([c, b, a])
    check_forest(doc, [a, b, c])
    assert shape(doc) == [["a", ["b", "c"]]]
    (thread,) = doc.threads
    assert thread.email_ids == ("e:a", "e:b", "e:c")
    assert thread.subject == "Plan"
    assert thread.message_count == 3
    assert set(thread.methods) == {"in-reply-to", "references"}
    assert doc.emails["e:b"].threading.method == "in-reply-to"  # type: ignore[union-attr]
    assert doc.emails["e:c"].threading.method == "references"  # type: ignore[union-attr]
    assert doc.emails["e:c"].threading.depth == 2  # type: ignore[union-attr]


def test_reply_before_parent_in_input_and_time() -> None:
    reply = mk("r", irt=["p@x"], minutes=-30)  # clock skew: the reply looks older
    parent = mk("p", minutes=0)
    doc = build_threads([reply, parent])
    assert shape(doc) == [["p", "r"]]


def test_two_message_loop_keeps_oldest_as_root() -> None:
    # notmuch broken/loop: each message claims the other as parent.
    old = mk("old", irt=["new@x"], minutes=0)
    new = mk("new", irt=["old@x"], minutes=60)
    for order in ([old, new], [new, old]):
        doc = build_threads(order)
        check_forest(doc, order)
        assert shape(doc) == [["old", "new"]]


def test_longer_loop_is_cut_once() -> None:
    a = mk("a", irt=["c@x"], minutes=0)
    b = mk("b", irt=["a@x"], minutes=1)
    c = mk("c", irt=["b@x"], minutes=2)
    doc = build_threads([b, c, a])
    check_forest(doc, [a, b, c])
    assert shape(doc) == [["a", ["b", "c"]]]


def test_loop_cut_at_message_claiming_fewest_ancestors() -> None:
    # dovecot imaptest "thread": b says a > c > b, c says b > c.
    a = mk("a", minutes=120)
    b = mk("b", refs=["a@x", "c@x"], minutes=0)
    c = mk("c", refs=["b@x"], minutes=60)
    doc = build_threads([a, b, c], subject_grouping="off")
    assert shape(doc) == [["c", "b"], "a"]


def test_self_reference_is_ignored() -> None:
    a = mk("a", irt=["a@x"], refs=["a@x"])
    b = mk("b", refs=["a@x", "b@x"], minutes=1)
    doc = build_threads([a, b])
    check_forest(doc, [a, b])
    assert shape(doc) == [["a", "b"]]


def test_missing_parent_with_two_replies_keeps_phantom() -> None:
    b = mk("b", irt=["gone@x"], minutes=1)
    c = mk("c", irt=["gone@x"], minutes=2)
    doc = build_threads([b, c], subject_grouping="off")
    check_forest(doc, [b, c])
    assert shape(doc) == [["*gone@x", "b", "c"]]
    (thread,) = doc.threads
    phantom = doc.emails[thread.tree[0].email_id]
    assert phantom.threading is not None
    assert phantom.threading.is_phantom and not phantom.threading.is_inclusive
    assert phantom.message_id == ("gone@x",)
    assert thread.message_count == 2


def test_missing_parent_with_one_reply_is_pruned() -> None:
    b = mk("b", irt=["gone@x"])
    doc = build_threads([b], subject_grouping="off")
    assert shape(doc) == ["b"]
    assert set(doc.emails) == {"e:b"}


def test_missing_middle_message_is_pruned_and_children_lifted() -> None:
    a = mk("a")
    c = mk("c", refs=["a@x", "gone@x"], minutes=2)
    doc = build_threads([a, c], subject_grouping="off")
    assert shape(doc) == [["a", "c"]]


def test_reference_chain_places_message_without_headers() -> None:
    # JWZ step 1B: c's References say b follows a; b itself carries none.
    a = mk("a", minutes=0)
    b = mk("b", minutes=1)
    c = mk("c", refs=["a@x", "b@x"], minutes=2)
    doc = build_threads([c, b, a], subject_grouping="off")
    assert shape(doc) == [["a", ["b", "c"]]]


def test_in_reply_to_wins_over_wrong_references() -> None:
    # notmuch threading/parent-priority: References name a message that does not exist.
    root = mk("root", minutes=0)
    child = mk("child", irt=["root@x"], refs=["r00t@x"], minutes=1)
    doc = build_threads([root, child], subject_grouping="off")
    assert shape(doc) == [["root", "child"]]


def test_duplicate_message_ids_are_kept_and_marked() -> None:
    a = mk("a", minutes=0)
    a2 = mk("a2", mid="a@x", minutes=1)
    b = mk("b", irt=["a@x"], minutes=2)
    doc = build_threads([a2, b, a], subject_grouping="off")
    check_forest(doc, [a, a2, b])
    assert doc.emails["e:a2"].threading.duplicate_of == "e:a"  # type: ignore[union-attr]
    assert doc.emails["e:a"].threading.duplicate_of is None  # type: ignore[union-attr]
    assert doc.emails["e:b"].threading.parent_id == "e:a"  # type: ignore[union-attr]
    assert not doc.emails["e:a2"].threading.is_inclusive  # type: ignore[union-attr]
    assert sum(t.message_count for t in doc.threads) == 2


def test_subject_grouping_off_on_auto() -> None:
    orig = mk("o", subject="Budget", minutes=0)
    loose = mk("l", subject="Re: Budget", minutes=10)  # no reference headers
    assert shape(build_threads([orig, loose], subject_grouping="off")) == ["o", "l"]
    assert shape(build_threads([orig, loose], subject_grouping="on")) == [["o", "l"]]
    assert shape(build_threads([orig, loose], subject_grouping="auto")) == [["o", "l"]]
    doc = build_threads([orig, loose])
    assert doc.emails["e:l"].threading.method == "subject"  # type: ignore[union-attr]


def test_auto_never_merges_two_threads_with_references() -> None:
    a = mk("a", subject="Budget", minutes=0)
    a1 = mk("a1", subject="Re: Budget", irt=["a@x"], minutes=5)
    b = mk("b", subject="Re: Budget", irt=["gone1@x"], minutes=10)
    b1 = mk("b1", subject="Re: Budget", irt=["b@x"], minutes=15)
    emails = [a, a1, b, b1]
    assert shape(build_threads(emails, subject_grouping="auto")) == [["a", "a1"], ["b", "b1"]]
    assert shape(build_threads(emails, subject_grouping="on")) == [["a", "a1", ["b", "b1"]]]


def test_auto_attaches_header_less_message_to_thread_with_references() -> None:
    a = mk("a", subject="Budget", minutes=0)
    a1 = mk("a1", subject="Re: Budget", irt=["a@x"], minutes=5)
    loose = mk("l", mid=None, subject="RE: Budget", minutes=20)
    doc = build_threads([a, a1, loose])
    assert shape(doc) == [["a", "a1", "l"]]


def test_subject_window_splits_threads_far_apart() -> None:
    first = mk("m1", subject="Meeting notes", minutes=0)
    later = mk("m2", subject="Re: Meeting notes", minutes=60 * 24 * 365)
    apart = shape(build_threads([first, later], subject_grouping="on"))
    assert apart == ["m1", ["*Meeting notes", "m2"]]  # a lone Re: still implies its parent
    wide = build_threads([first, later], subject_grouping="on", subject_window=timedelta(days=400))
    assert shape(wide) == [["m1", "m2"]]


@pytest.mark.parametrize(
    "subject",
    [
        "AW: Angebot",  # German Outlook
        "WG: Angebot",  # German forward
        "SV: Angebot",  # Scandinavian
        "Antw: Angebot",  # Dutch
        "Odp: Angebot",  # Polish
        "RV: Angebot",  # Spanish forward
        "TR: Angebot",  # French forward
        "回复: Angebot",  # Chinese
        "[team] Re: Angebot",  # list tag before the prefix
    ],
)
def test_localized_replies_group_by_subject(subject: str) -> None:
    orig = mk("o", subject="Angebot", minutes=0)
    reply = mk("r", subject=subject, minutes=3)
    assert shape(build_threads([orig, reply], subject_grouping="on")) == [["o", "r"]]


def test_two_originals_with_same_subject_get_a_subject_phantom() -> None:
    a = mk("a", subject="Lunch", minutes=0)
    b = mk("b", subject="Lunch", minutes=30)
    doc = build_threads([a, b], subject_grouping="on")
    assert shape(doc) == [["*Lunch", "a", "b"]]


def test_lone_header_less_reply_gets_subject_phantom() -> None:
    r = mk("r", mid=None, subject="Re: Status", minutes=0)
    doc = build_threads([r])
    assert shape(doc) == [["*Status", "r"]]
    assert shape(build_threads([r], subject_grouping="off")) == ["r"]
    # a message with reference headers keeps its own place
    r2 = mk("r2", subject="Re: Status", irt=["gone@x"])
    assert shape(build_threads([r2])) == ["r2"]


def test_gmail_thread_id_joins_trees() -> None:
    a = mk("a", subject="Trip", gm="123", minutes=0)
    b = mk("b", subject="Photos", gm="123", minutes=10)
    c = mk("c", subject="Other", gm="456", minutes=20)
    doc = build_threads([a, b, c], subject_grouping="off")
    assert shape(doc) == [["a", "b"], "c"]
    assert doc.emails["e:b"].threading.method == "gmail-thread-id"  # type: ignore[union-attr]


def test_outlook_thread_index_links_replies() -> None:
    head = bytes(range(22))
    root_ti = base64.b64encode(head).decode()
    reply_ti = base64.b64encode(head + b"\x01\x02\x03\x04\x05").decode()
    deeper = base64.b64encode(head + b"\x01\x02\x03\x04\x05" + b"\x09" * 5).decode()
    a = mk("a", mid=None, thread_index=root_ti, minutes=0)
    b = mk("b", mid=None, thread_index=reply_ti, minutes=5)
    c = mk("c", mid=None, thread_index=deeper, minutes=9)
    doc = build_threads([c, b, a], subject_grouping="off")
    assert shape(doc) == [["a", ["b", "c"]]]
    assert doc.threads[0].methods == ("thread-index",)


def test_forward_hangs_under_what_it_forwards() -> None:
    original = mk(
        "orig", subject="Report", minutes=0, sender="Ann", authored="Numbers attached here"
    )
    reply = mk("reply", subject="Re: Report", irt=["orig@x"], minutes=5)
    fwd_top = mk("fw", mid="fw@x", subject="Fwd: Report", minutes=60, embedded=["e:fwcopy"])
    copy = mk(
        "fwcopy",
        mid=None,
        subject="Report",
        minutes=0,
        sender="Ann",
        authored="Numbers attached here",
        derived_from="e:fw",
        kind=DerivationKind.FORWARD,
    )
    emails = [fwd_top, copy, reply, original]
    doc = build_threads(emails, subject_grouping="off")
    check_forest(doc, emails)
    assert shape(doc) == [["orig", "fwcopy", "reply", "fw"]]
    fw = doc.emails["e:fw"].threading
    cp = doc.emails["e:fwcopy"].threading
    assert fw is not None and cp is not None
    assert (fw.parent_id, fw.relation, fw.method) == ("e:orig", Relation.FORWARD, "forward-match")
    assert (cp.parent_id, cp.relation, cp.duplicate_of) == ("e:orig", Relation.DUPLICATE, "e:orig")
    assert not cp.is_inclusive
    assert not doc.emails["e:orig"].threading.is_inclusive  # type: ignore[union-attr]
    assert doc.emails["e:fw"].threading.is_inclusive  # type: ignore[union-attr]
    assert doc.threads[0].message_count == 3


def test_attached_message_with_same_message_id_is_a_copy() -> None:
    original = mk("orig", subject="Specs", minutes=0)
    top = mk("top", subject="Fwd: Specs", minutes=90, embedded=["e:att"])
    att = mk(
        "att",
        mid="orig@x",
        subject="Specs",
        minutes=0,
        derived_from="e:top",
        kind=DerivationKind.RFC822_ATTACHMENT,
    )
    doc = build_threads([top, att, original], subject_grouping="off")
    assert shape(doc) == [["orig", "att", "top"]]
    assert doc.emails["e:att"].threading.method == "message-id"  # type: ignore[union-attr]


def test_text_dump_quoted_replies_form_a_chain() -> None:
    # A pasted conversation: P quotes Q1, which quotes Q2; nothing has headers.
    p = mk("p", mid=None, minutes=None, embedded=["e:q1"], authored="Sounds good.")
    q1 = mk(
        "q1",
        mid=None,
        subject="Re: Offsite",
        minutes=-60,
        sender="Bob",
        authored="Friday works",
        derived_from="e:p",
        embedded=["e:q2"],
    )
    q2 = mk(
        "q2",
        mid=None,
        subject="Offsite",
        minutes=-120,
        sender="Ann",
        authored="When can you come",
        derived_from="e:q1",
        depth=2,
    )
    doc = build_threads([p, q1, q2])
    check_forest(doc, [p, q1, q2])
    assert shape(doc) == [["q2", ["q1", "p"]]]
    assert doc.emails["e:p"].threading.method == "quote-match"  # type: ignore[union-attr]
    inclusive = {k for k, e in doc.emails.items() if e.threading and e.threading.is_inclusive}
    assert inclusive == {"e:p"}


def test_quoted_copy_of_real_message_links_reply_to_it() -> None:
    original = mk(
        "a", subject="Dinner", minutes=0, sender="Ann", authored="Shall we meet at eight?"
    )
    reply = mk("b", mid=None, subject="Re: Dinner", minutes=30, embedded=["e:q"], authored="Yes.")
    quote = mk(
        "q",
        mid=None,
        subject="Dinner",
        minutes=2,  # the quoting client rounds the time
        sender="Ann",
        authored="Shall we  meet\nat eight?",
        derived_from="e:b",
    )
    doc = build_threads([reply, quote, original], subject_grouping="off")
    assert shape(doc) == [["a", "q", "b"]]
    q = doc.emails["e:q"].threading
    assert q is not None and q.duplicate_of == "e:a" and q.relation is Relation.DUPLICATE
    assert q.method == "quote-match"
    assert doc.threads[0].message_count == 2
    assert not doc.emails["e:a"].threading.is_inclusive  # type: ignore[union-attr]


def test_quote_with_other_sender_is_not_a_copy() -> None:
    original = mk(
        "a", subject="Dinner", minutes=0, sender="Ann", authored="Shall we meet at eight?"
    )
    reply = mk("b", mid=None, subject="Re: Dinner", minutes=30, embedded=["e:q"])
    quote = mk(
        "q",
        mid=None,
        subject="Dinner",
        minutes=0,
        sender="Eve",
        authored="Shall we meet at eight?",
        derived_from="e:b",
    )
    doc = build_threads([reply, quote, original], subject_grouping="off")
    assert doc.emails["e:q"].threading.duplicate_of is None  # type: ignore[union-attr]


def test_threads_are_sorted_and_ids_stable() -> None:
    emails = [mk("x", minutes=50), mk("y", minutes=10), mk("z", minutes=None)]
    doc = build_threads(emails)
    assert [t.email_ids[0] for t in doc.threads] == ["e:y", "e:x", "e:z"]
    again = build_threads(list(reversed(emails)))
    assert [t.id for t in again.threads] == [t.id for t in doc.threads]
    assert parent_map(again) == parent_map(doc)


def test_attribution_quote_without_subject_matches_across_time_zones() -> None:
    # "On 1 Jan 2020 at 07:00, Ann wrote:" gives a sender and a local time without zone.
    original = mk(
        "a", subject="Dinner", minutes=0, sender="Ann", authored="Shall we meet at eight?"
    )
    reply = mk("b", mid=None, subject="Re: Dinner", minutes=30, embedded=["e:q"])
    quote = mk(
        "q",
        mid=None,
        subject=None,
        minutes=None,
        sender="Ann",
        authored="> Shall we meet at eight?",
        derived_from="e:b",
    )
    quote = replace(quote, sent_at=datetime(2020, 1, 1, 7, 0))  # UTC-5 wall clock, no zone
    doc = build_threads([reply, quote, original], subject_grouping="off")
    assert doc.emails["e:q"].threading.duplicate_of == "e:a"  # type: ignore[union-attr]
    assert shape(doc) == [["a", "q", "b"]]


def test_close_in_time_rules() -> None:
    aware = datetime(2020, 1, 1, 12, 0, tzinfo=UTC)
    assert close_in_time(aware, aware + timedelta(minutes=4))
    assert not close_in_time(aware, aware + timedelta(minutes=20))
    assert close_in_time(datetime(2020, 1, 1, 13, 2), aware)  # naive, UTC+1 wall clock
    assert not close_in_time(datetime(2020, 1, 1, 13, 37), aware)  # 7 min off any offset
    assert not close_in_time(None, aware)


def test_auto_attaches_to_the_nearest_thread_within_the_window() -> None:
    day = 60 * 24
    early = mk("early", subject="Status", minutes=0)
    early1 = mk("early1", subject="Re: Status", irt=["early@x"], minutes=day)
    late = mk("late", subject="Status", minutes=20 * day)
    late1 = mk("late1", subject="Re: Status", irt=["late@x"], minutes=21 * day)
    loose = mk("loose", mid=None, subject="Re: Status", minutes=19 * day)
    far = mk("far", mid=None, subject="Re: Status", minutes=200 * day)
    doc = build_threads([early, early1, late, late1, loose, far])
    assert shape(doc) == [["early", "early1"], ["late", "loose", "late1"], ["*Status", "far"]]


def test_on_mode_runs_never_span_more_than_the_window() -> None:
    day = 60 * 24
    # one "Weekly sync" every 10 days for a year: runs of at most 28 days, not one thread
    emails = [mk(f"w{k}", subject="Weekly sync", minutes=k * 10 * day) for k in range(36)]
    doc = build_threads(emails, subject_grouping="on")
    assert 10 <= len(doc.threads) <= 13
    for thread in doc.threads:
        assert thread.first_sent_at is not None and thread.last_sent_at is not None
        assert thread.last_sent_at - thread.first_sent_at <= timedelta(days=28)


def test_auto_keeps_originals_with_message_ids_apart() -> None:
    # Two new threads that happen to share a subject: their headers say each starts one.
    a = mk("a", subject="Lunch", minutes=0)
    b = mk("b", subject="Lunch", minutes=60)
    assert shape(build_threads([a, b])) == ["a", "b"]
    # Pasted text has no ids at all: there the subject is the only evidence.
    c = mk("c", mid=None, subject="Lunch", minutes=0)
    d = mk("d", mid=None, subject="Lunch", minutes=60)
    assert shape(build_threads([c, d])) == [["*Lunch", "c", "d"]]


def test_quote_inside_a_reply_placed_by_headers_hangs_under_it() -> None:
    # P replies (In-Reply-To) to a message not in the archive and quotes it.
    p = mk("p", subject="Re: Plan", irt=["gone@x"], minutes=30, embedded=["e:q"])
    q = mk("q", mid=None, subject=None, minutes=None, authored="the plan", derived_from="e:p")
    doc = build_threads([p, q], subject_grouping="off")
    check_forest(doc, [p, q])
    assert shape(doc) == [["p", "q"]]
    quoted = doc.emails["e:q"].threading
    assert quoted is not None
    assert (quoted.relation, quoted.method) == (Relation.QUOTED, "quote-match")
