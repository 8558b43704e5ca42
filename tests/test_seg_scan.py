"""The segmenter's scan finds what the scan of the start of this work found.

``_reference_segment`` below is ``segmenter._segment`` and its candidate
lines as they were before the scan was made cheaper (each candidate line
tested for " on " and ">" by a substring search, every candidate line handed
to ``find``). Patched in for ``_segment`` (its recursion goes through the
module name), it gives the reference ``Node`` tree; ``segment_text`` must
give the same tree, field for field, on every text.
"""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mailarchive.model import Defect, DerivationKind
from mailarchive.parse.segment import segmenter as sg
from mailarchive.parse.segment import thresholds as th
from mailarchive.parse.segment.headers import match_lotus
from mailarchive.parse.segment.signature import split_signature

_PIECES = st.sampled_from(
    [
        ">",
        "> ",
        ">>",
        ":",
        "：",
        "/",
        " on ",
        " on 1",
        "```",
        "-",
        "=",
        "_",
        "*",
        "~",
        "`",
        " ",
        "    ",
        "\t",
        "\n",
        "\n",
        "\n",
        "\r\n",
        "\r",
        "\x0b",
        "\x0c",
        "\x1c",
        "\x1f",
        "\x85",
        "\u2028",
        "\xa0",
        "\u3000",
        "٣",
        "a",
        "m",
        "M",
        "7",
        "Bob",
        "wrote:",
        "wrote: ",
        "<b@c.example>",
        "<b@c.example> ",
        "From: a@b.example",
        "Date: Tue, 1 Mar 2011 10:00",
        "Subject: hi",
        "To: x",
        "cc: y",
        "On Tue, Mar 1, 2011 at 6:02 PM, Bob <b@c.example> wrote:",
        "Am 1.3.2011 um 10:00 schrieb Bob:",
        "2009/5/12 John Doe <john@doe.example>",
        "-----Original Message-----",
        "---------- Forwarded message ---------",
        "Begin forwarded message:",
        "________________________________",
        "----------",
        "Jane Roe/ACME@ACME on 02/16/2018 09:34 AM",
        "Jane Roe on 02/16/2018 09:34 AM",
        "Jane Roe/Sales/ACME@ACME",
        "02/16/2018 09:34 AM",
        "the fix on 2 lines",
        "depends on the system",
        "        return self.default",
        "    def f(self, value):",
        "-- ",
        "Thanks,",
        "Ana",
        "Sent from my iPhone",
        "Some text of the message.",
        "http://lists.example.org/listinfo",
    ]
)
_TEXTS = st.lists(_PIECES, max_size=50).map("".join)


def _old_candidate_lines(bare: Sequence[str]) -> tuple[list[int], frozenset[int]]:
    marked = [
        i
        for i, s in enumerate(bare)
        if s and (s[0] in sg._FIRST or ":" in s or "：" in s or " on " in s or "/" in s or ">" in s)
    ]
    enders = [k for k in marked if bare[k].rstrip()[-1:] in sg._ENDS]
    if not enders:
        return marked, frozenset()
    marks = set(marked)
    for k in enders:
        marks.update((k, k - 1, k - 2))
    marks.discard(-1)
    marks.discard(-2)
    return sorted(marks), frozenset(enders)


def _reference_segment(t: sg._Text, depth: int, forward_subject: bool) -> sg.Node:
    text = t.text
    if depth >= th.MAX_DEPTH:
        authored, signature = split_signature(sg._strip_blank_edges(text))
        return sg.Node(
            text,
            authored,
            signature,
            (),
            (
                Defect(
                    "nesting-too-deep", f"embedded messages deeper than {th.MAX_DEPTH} left whole"
                ),
            ),
        )
    seg = sg._Segmenter(forward_subject=forward_subject)
    found: list[sg._Found] = []
    bare = t.bare
    fence = False
    nxt = 0
    candidates, enders = _old_candidate_lines(bare)
    for i in candidates:
        if i < nxt:
            continue
        s = bare[i]
        if not s:
            continue
        c = s[0]
        if c in "` \t" and s.lstrip().startswith("```"):
            fence = not fence
            continue
        if fence:
            continue
        near_end = i in enders or i + 1 in enders or i + 2 in enders
        if not near_end and c not in sg._STARTS and ":" not in s and "：" not in s:
            if " on " not in s and "/" not in s:
                continue
            if not c.isspace() and match_lotus(bare, i) is None:
                continue
        got, after = seg.find(t, i, near_end)
        if got is not None:
            found.append(got)
        nxt = max(after, i + 1)
    if seg.short_quotes and any(f.kind is DerivationKind.REPLY_QUOTE for f in found):
        found = sorted([*found, *seg.short_quotes], key=lambda f: f.first)
    pieces: list[str] = []
    children: list[sg.Segment] = []
    prev = 0
    for f in found:
        start, end = t.offset(f.first), t.offset(f.last)
        pieces.append(text[prev:start])
        prev = end
        child = _reference_segment(f.body, depth + 1, False)
        children.append(
            sg.Segment(f.kind, start, end, f.style, f.language, f.confidence, f.fields, child)
        )
    pieces.append(text[prev:])
    authored_raw = sg._drop_trailing_rules(
        sg._strip_blank_edges(sg._drop_marker_lines("".join(pieces)))
    )
    authored, signature = split_signature(authored_raw)
    return sg.Node(text, authored, signature, tuple(children))


def _reference(text: str, forward_subject: bool) -> sg.Node:
    return _reference_segment(sg._Text(text), 0, forward_subject)


@given(_TEXTS, st.booleans())
@example("Jane Roe on 02/16/2018 09:34 AM\nTo: x\nSubject: hi\n\nbody", False)
@example("Jane Roe on 02/16/2018 09:34 AM  \nTo: x\nSubject: hi\n\nbody", False)
@example("\xa0---------- Forwarded message --------- on \nFrom: a@b.example\n", False)
@example("\xa0-----Original Message-----\n>", False)  # a banner after a no-break space
@example(
    "text on the list\nOn Tue, Mar 1, 2011 at 6:02 PM, Bob\n<b@c.example> wrote:\n> q\n> r", False
)
@settings(max_examples=2000, deadline=None)
def test_scan_finds_what_the_reference_scan_finds(text: str, forward_subject: bool) -> None:
    assert sg.segment_text(text, forward_subject=forward_subject) == _reference(
        text, forward_subject
    )


@given(_TEXTS)
@settings(max_examples=1000, deadline=None)
def test_candidates_hold_every_line_the_reference_scan_hands_to_find(text: str) -> None:
    bare = text.splitlines()
    candidates, enders = sg._candidate_lines(bare)
    old, old_enders = _old_candidate_lines(bare)
    assert enders == old_enders
    assert candidates == sorted(set(candidates))
    for i in set(old) - set(candidates):
        # Dropped: lines the reference loop skips without calling find.
        s = bare[i]
        assert not (i in enders or i + 1 in enders or i + 2 in enders)
        assert s[0] not in sg._FIRST and ":" not in s and "：" not in s and "/" not in s
        assert not s[0].isspace()
        assert match_lotus(bare, i) is None


@pytest.mark.parametrize(
    "line",
    [
        "Jane Roe on 02-16-2018",
        "J on 2-1-2019",
        "x on 1-2-3 ٣",
        "a on b \t",
        "\xa0a on b",
        "\u3000a on b.",
    ],
)
def test_lines_that_may_start_on_an_on_are_candidates(line: str) -> None:
    assert sg._candidate_lines([line])[0] == [0]


@given(_TEXTS, st.lists(st.integers(0, 60), max_size=12))
@settings(max_examples=1000, deadline=None)
def test_offsets_asked_in_any_order_are_the_offsets_of_the_lines(text: str, ks: list[int]) -> None:
    t = sg._Text(text)
    keep = text.splitlines(keepends=True)
    for k in (min(k, len(keep)) for k in ks):
        assert t.offset(k) == sum(map(len, keep[:k]))


@given(_TEXTS, st.integers(0, 40), st.integers(0, 40))
@settings(max_examples=1000, deadline=None)
def test_dequoted_rest_is_rest_of_dequoted(text: str, a: int, b: int) -> None:
    t = sg._Text(text)
    first, last = sorted((min(a, len(t.bare)), min(b, len(t.bare))))
    fast = sg._dequoted_rest(t, first, last)
    slow = sg._Text(text).dequoted(first, last).rest(0)
    assert (fast.text, fast.bare) == (slow.text, slow.bare)


@given(_TEXTS)
@settings(max_examples=1000, deadline=None)
def test_candidates_of_ascii_text_the_same_by_every_branch(text: str) -> None:
    # The ASCII branches test fewer things per line: each gives what the
    # general one gives, on the texts it is used for.
    bare = text.splitlines()
    general = sg._candidate_lines(bare)
    if text.isascii():
        assert sg._candidate_lines(bare, wide=False) == general
        if "\x1f" not in text:
            assert sg._candidate_lines(bare, wide=False, odd_blanks=False) == general
