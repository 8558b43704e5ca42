"""Hostile bodies: the segmenter stays linear and gives sane output.

No time is asserted (timings live in benchmarks/ and in the helper note);
these inputs used to be the classic ways to make a regex-based splitter
backtrack for minutes or recurse until the stack ran out.
"""

from __future__ import annotations

from mailarchive.model import BodyPart, BodyValue, Content, Email, SourceKind, SourceRef
from mailarchive.parse.segment import segment_text, split_email
from mailarchive.parse.segment import thresholds as th

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
