"""headers._last_time tries only where a time can start: the same match as finditer's last."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from mailarchive.parse.segment import headers

_PARTS = st.sampled_from(
    ["1", "12", "123", "٣", ":", "::", " ", "\t", "AM", "p.m.", "Uhr", "a", ",", "+0100", "<", ">"]
)


def _last_by_finditer(s: str) -> tuple[int, int] | None:
    last = None
    for m in headers._TIME.finditer(s):
        last = m
    return None if last is None else last.span()


@given(st.lists(_PARTS, max_size=30).map("".join))
@settings(max_examples=3000, deadline=None)
def test_last_time_is_the_last_finditer_match(s: str) -> None:
    got = headers._last_time(s)
    assert (None if got is None else got.span()) == _last_by_finditer(s)


def test_last_time_examples() -> None:
    s = "Mon, 07 Jan 2019 09:18:50 +0000, Erin Hall <e@x.example>"
    m = headers._last_time(s)
    assert m is not None and m.group() == "09:18:50"
    assert headers._last_time("1:23:45 and 6:07 PM") is not None
    assert headers._last_time("no time here") is None


_LABEL_PARTS = st.sampled_from(
    [*sorted(headers._BY_TEXT), " ", "\t", "*", "**", ":", "：", "x", "from", "FROM", "é", "\xa0"]
)


@given(st.lists(_LABEL_PARTS, max_size=8).map("".join))
@example("From: a@b.example")
@example("  **Von:** x")
@example("\t*Fecha：y")
@example("*  From: x")
@example("x From: y")
@settings(max_examples=3000, deadline=None)
def test_label_prefilter_keeps_every_label_line(line: str) -> None:
    by_regex = (":" in line or "：" in line) and headers._LINE_LABEL.match(line[:200]) is not None
    assert headers.is_field_line(line) == by_regex
    assert headers._field_line_fields(line) == (
        {lab.field for lab in headers._BY_TEXT[m.group("label")]}
        if by_regex and (m := headers._LINE_LABEL.match(line[:200])) is not None
        else set()
    )


@given(st.lists(_LABEL_PARTS, max_size=10).map("".join), st.integers(0, 20))
@settings(max_examples=2000, deadline=None)
def test_inner_labels_need_a_colon(line: str, k: int) -> None:
    """split_fields looks for inner labels only after a colon: every one ends with one."""
    if line.find(":", k) < 0 and line.find("：", k) < 0:
        assert headers._INNER_END.search(line, k) is None
        assert next(headers._INNER_LABEL.finditer(line, k), None) is None
