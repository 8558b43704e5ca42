"""Readings the segmenter remembers give what a fresh reading gives."""

from __future__ import annotations

import pytest

from mailarchive.parse.segment import headers, records

_ATTRIBUTIONS = [
    ["On Mon, 07 Jan 2019 09:28:51 +0000, Bob Thompson <bob@example.org> wrote:", "> hi"],
    ["On Tue, Mar 1, 2011 at 6:02 PM, Bob <b@c.example>", "wrote:", "> hi"],
    ["Am 1.3.2011 um 10:00 schrieb Bob:", "> hallo"],
    ["On the wiki, Bob wrote:", "> prose, not an attribution"],
    ["Nothing to see here:", "> x"],
    ["2009/5/12 John Doe <john@doe.example>", "> x"],
]


@pytest.mark.parametrize("lines", _ATTRIBUTIONS)
def test_attribution_read_again_is_read_the_same(lines: list[str]) -> None:
    headers._read_attribution.cache_clear()
    first = headers.match_attribution(lines, 0)
    again = headers.match_attribution(lines, 0)  # from the cache
    assert first == again
    headers._read_attribution.cache_clear()
    assert headers.match_attribution(lines, 0) == first


def test_prose_attribution_is_no_attribution_when_remembered() -> None:
    lines = ["On the wiki, Bob wrote:", "> x"]
    for _ in range(2):
        assert headers.match_attribution(lines, 0) is None
    assert headers.match_attribution(_ATTRIBUTIONS[0], 0) is not None


@pytest.mark.parametrize(
    "subject",
    ["Fwd: x", "FW: x", "[dev] WG: x", "Re: x", "x", "", None, "Fwd: " + "y" * 400, "re: fwd: x"],
)
def test_forward_subject_remembered_the_same(subject: str | None) -> None:
    want = bool(subject) and records._FORWARD_SUBJECT.match(subject or "") is not None
    for _ in range(2):
        assert records.is_forward_subject(subject) is want
