"""Hostile bodies: the segmenter stays linear and gives sane output.

No time is asserted (timings live in benchmarks/ and in the helper note);
these inputs used to be the classic ways to make a regex-based splitter
backtrack for minutes or recurse until the stack ran out.
"""

from __future__ import annotations

from itertools import pairwise

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import mailarchive.parse.segment as seg_pkg
import mailarchive.parse.segment.textdump as dump_mod
from mailarchive.model import BodyPart, BodyValue, Content, Email, SourceKind, SourceRef
from mailarchive.parse.segment import parse_text_dump, segment_text, split_email
from mailarchive.parse.segment import thresholds as th
from mailarchive.sources.raw import RawMessage

MB = 1_000_000


def _email(text: str) -> Email:
    return Email(
        id="ehostile",
        source=SourceRef(SourceKind.EML),
        text_body=(BodyPart("1", "text/plain", len(text)),),
        body_values={"1": BodyValue(text)},
        content=Content(authored=text),
    )


def test_megabyte_of_header_like_lines() -> None:
    block = "From: a@example.com\nTo: b@example.com\nSubject: s\nDate: 1 Jan 2020 10:00\n"
    text = block * (MB // len(block))
    records = split_email(_email(text))
    # each repeated block starts a new embedded message, until the depth bound
    assert 1 < len(records) <= th.MAX_DEPTH + 1
    assert max(r.derivation.depth for r in records if r.derivation) <= th.MAX_DEPTH
    deepest = records[-1]
    assert any(d.kind == "nesting-too-deep" for d in deepest.defects)


def test_megabyte_of_label_soup_without_values() -> None:
    text = "From: To: Cc: Subject: Date: Sent: Von: An: De: À: " * (MB // 50)
    node = segment_text(text)
    assert len(node.walk()) <= th.MAX_DEPTH


def test_thousands_of_quote_levels() -> None:
    text = "top\n" + "".join(">" * level + " line\n" for level in range(1, 2001))
    records = split_email(_email(text))
    assert records[0].content.authored == "top"
    assert len(records) <= th.MAX_DEPTH + 1


def test_one_line_of_a_thousand_quote_marks_per_line() -> None:
    text = "top\n" + (">" * 5000 + " x\n") * 200
    records = split_email(_email(text))
    assert records[0].content.authored == "top"
    assert len(records) <= th.MAX_DEPTH + 1


def test_a_million_commas_in_a_recipient_list() -> None:
    text = (
        "Top.\n\n-----Original Message-----\nFrom: Jane <jane@example.com>\n"
        "To: " + "," * MB + "\nSubject: commas\n\nBody.\n"
    )
    top, child = split_email(_email(text))
    assert top.content.authored == "Top."
    assert child.subject == "commas"
    assert child.content.authored == "Body."


def test_a_million_commas_in_prose() -> None:
    text = "On " + "," * MB + " wrote:\n> a\n> b\n"
    node = segment_text(text)
    assert node.walk() == [] or len(node.walk()) == 1


def test_megabyte_line_of_attribution_lookalike() -> None:
    text = "On " + "x " * (MB // 2) + "wrote:\n\n> quoted\n> more\n"
    node = segment_text(text)
    # too long to be an attribution: only the quote block is split
    assert len(node.children) == 1
    assert node.children[0].style == "quote-prefix"


def test_many_banners() -> None:
    text = "---------- Forwarded message ---------\n" * 50_000
    node = segment_text(text)
    assert len(node.walk()) <= th.MAX_DEPTH


def test_control_characters_and_odd_line_ends() -> None:
    text = "a\rb\x0bc\x0cd\x1ce\u2028f\x85g\x00h\n> x\r\n> y\r\n"
    records = split_email(_email(text))
    assert records[0].content.authored.startswith("a")
    assert records[1].content.authored == "x\r\ny"


# --- properties over random mixtures of the lines the segmenter reacts to ---


_LINES = [
    "",
    "Hello there.",
    "ksjp",
    "Thanks,",
    "-- ",
    "> quoted",
    ">> deeper",
    "> From: Jane <jane@example.com>",
    "From: Jane Roe <jane@example.com>",
    "Sent: Friday, February 16, 2018 9:34 AM",
    "Date: Fri, Feb 16, 2018 at 9:34 AM",
    "To: John Doe; Roe, Ann",
    "Subject: Re: Budget",
    "Von: Jana Rot",
    "差出人: 山田",
    "---------- Forwarded message ---------",
    "-----Original Message-----",
    "________________________________",
    "Begin forwarded message:",
    "On Fri, Feb 16, 2018 at 9:34 AM, Jane Roe <jane@example.com> wrote:",
    "On Fri, Feb 16, 2018 at 9:34 AM, Jane Roe",
    "<jane@example.com> wrote:",
    "Le 16 févr. 2018 à 09:34, Jeanne a écrit :",
    "```",
    "==========",
    "From: Jane Date: Fri, Feb 16, 2018 Subject: x To: John Cc: A , B",
]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_LINES), max_size=40), st.sampled_from(["\n", "\r\n"]))
def test_segmentation_invariants(lines: list[str], eol: str) -> None:
    text = eol.join(lines)
    records = split_email(_email(text))
    ids = [r.id for r in records]
    assert len(set(ids)) == len(ids)
    by_id = {r.id: r for r in records}
    for r in records:
        for child_id in r.content.embedded:
            child = by_id[child_id]
            assert child.derivation is not None
            assert child.derivation.parent_email_id == r.id
    for r in records[1:]:
        d = r.derivation
        assert d is not None and d.span is not None
        parent = by_id[d.parent_email_id]
        value = parent.body_values[d.span.part_id].value
        assert 0 <= d.span.start < d.span.end <= len(value)
        assert d.depth == (parent.derivation.depth if parent.derivation else 0) + 1
    # sibling spans are ordered and do not overlap
    for r in records:
        spans = [by_id[c].derivation.span for c in r.content.embedded]  # type: ignore[union-attr]
        ends = [(s.start, s.end) for s in spans if s is not None]
        assert ends == sorted(ends)
        assert all(a[1] <= b[0] for a, b in pairwise(ends))


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=400))
def test_any_text_never_raises(text: str) -> None:
    node = segment_text(text)
    for seg in node.walk():
        assert seg.start <= seg.end


def test_a_segmenter_failure_is_a_defect_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*_args: object, **_kwargs: object) -> None:
        raise ValueError("unexpected")

    monkeypatch.setattr(seg_pkg, "segment_text", boom)
    monkeypatch.setattr(dump_mod, "segment_text", boom)
    (whole,) = split_email(_email("a\n> b\n> c\n"))
    assert [d.kind for d in whole.defects] == ["segment-failed"]
    (doc,) = parse_text_dump(RawMessage(b"a\n> b\n> c\n", SourceRef(SourceKind.TEXT)))
    assert [d.kind for d in doc.defects] == ["segment-failed"]
    assert doc.content.authored == "a\n> b\n> c\n"
