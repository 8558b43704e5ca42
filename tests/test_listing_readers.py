"""Shortcuts in the readers the listing path leans on, pinned to what they replace.

``addresses._simple_name`` folds blank runs only when there are some,
``addresses._ALNUM`` and ``_HARD`` are searches standing for per-character
tests, ``dates._common_when`` reads its numbers by lookup.
"""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from mailarchive.parse import addresses, dates


def test_alnum_and_hard_searches_match_the_character_tests() -> None:
    for char in map(chr, range(sys.maxunicode + 1)):
        assert (addresses._ALNUM.search(char) is not None) == char.isalnum()
        assert (addresses._HARD.search(char) is not None) == (char in "();:[]\\")


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab \t\n\r\xa0\u2003\x1c\"'"), max_size=12))
def test_simple_name_is_the_folded_strip(raw: str) -> None:
    name = addresses._SPACES.sub(" ", raw).strip(addresses._NAME_TRIM) or None
    assert addresses._simple_name(raw, "a@b") == (None if name == "a@b" else name)


def test_common_when_reads_digits_other_than_ascii_as_int_does() -> None:
    plain = dates._common_when("Mon, 07 Jan 2019 14:48:50 +0530")
    arabic = dates._common_when("Mon, \u0660\u0667 Jan 2019 14:48:50 +0530")
    assert plain is not None and plain == arabic and plain.utcoffset() == arabic.utcoffset()
    assert dates._common_when("7 Jan 2019 4:48 -0000") is None
    short = dates._common_when("7 Jan 2019 04:08 -0100")
    assert short is not None and (short.day, short.hour, short.minute, short.second) == (7, 4, 8, 0)
