"""parse.quick's header line reading pinned to the forms it replaced.

``header_lines`` takes the usual block (no CR) by a shortcut; ``_header_lines``
is the general reading. The line pattern groups the wanted names under a
literal first letter, each group in upper then in lower case; it replaced
groups under a class of the letter's two cases (``[mM](?i:essage-id)``),
rebuilt here, and continuation lines taken greedily, not possessively. Over
random header blocks (names in any case, continuations, lines that are not
headers, CRs, non-ASCII bytes) all must agree.
"""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from mailarchive.parse import quick


def _old_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(name[0], []).append(re.escape(name[1:]))
    grouped = "|".join(
        f"[{first}{first.upper()}](?i:{'|'.join(rests)})" for first, rests in groups.items()
    )
    return re.compile(
        rf"\n(?:({grouped}):[ \t]*(.*(?:\n[ \t].*)*)"
        r"|(?![ \t]|[\041-\071\073-\176]+:)(?!\Z))",
        re.ASCII,
    )


_NAMES = [
    *quick._WANTED,
    "Message-ID",
    "MESSAGE-ID",
    "mEssage-Id",
    "TO",
    "to",
    "Tofu",
    "Thread-Topic",
    "Return-Path",
    "List-Id",
    "X-Mailer",
    "Received",
    "Fromage",
    "",
    "Bad Name",
    "T\xe9",
]
_VALUES = ["", " x", "\t<a@b>", " Re: [dev] a: b", " =?utf-8?q?x?=", "  caf\xe9", ": y"]
_line = st.one_of(
    st.tuples(
        st.sampled_from(_NAMES), st.sampled_from([":", " :", ""]), st.sampled_from(_VALUES)
    ).map("".join),
    st.sampled_from(["\tcontinued", " more <c@d>", "", "no colon here", "\r", ">From x"]),
)
_ENDS = st.sampled_from(["\n", "\n", "\n", "\r\n", "\r"])
_block = st.lists(st.tuples(_line, _ENDS).map("".join), max_size=12).map("".join)


@settings(max_examples=400, deadline=None)
@given(_block)
def test_line_patterns_find_what_the_old_ones_found(block: str) -> None:
    text = "\n" + block
    for names, pattern in (
        (quick._WANTED, quick._WANTED_LINE),
        (tuple(n for n in quick._WANTED if n != "received"), quick._LISTING_LINE),
    ):
        assert pattern.findall(text) == _old_pattern(names).findall(text)


@settings(max_examples=400, deadline=None)
@given(_block, st.sampled_from(["", "\n", "\nbody\n", "\r\n\r\nbody"]))
def test_header_lines_shortcut_same_as_general_reading(block: str, rest: str) -> None:
    data = (block + rest).encode("utf-8", "surrogateescape")
    for pattern in (quick._WANTED_LINE, quick._LISTING_LINE):
        assert quick.header_lines(data, pattern) == quick._header_lines(data, pattern)


@settings(max_examples=300, deadline=None)
@given(_block, st.sampled_from(["", "\n", "\nbody\n", "\r\n\r\nbody"]))
def test_listing_lines_same_as_general_reading(block: str, rest: str) -> None:
    data = (block + rest).encode("utf-8", "surrogateescape")
    assert quick.listing_lines(data) == quick._header_lines(data, quick._LISTING_LINE)
