"""The segmenter's prefilters skip only what the exact tests would skip.

``segment_text`` looks only at candidate lines (two comprehensions over the
text), tries each banner group through one combined regex, and calls each
matcher only when the line holds what it needs first. These tests pin that
the shortcuts change nothing: the candidate lines cover every line the
per-line test accepts, the combined banner regex picks the same banner as the
table order, and a full per-line scan finds the same segments; offsets and
the lines handed down to embedded messages are those of the text itself.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mailarchive.model import DerivationKind
from mailarchive.parse.segment import segmenter as sg
from mailarchive.parse.segment import signature
from mailarchive.parse.segment.patterns import BANNERS, Banner

# Pieces that make lines interesting to the tests: quote marks, colons,
# slashes, " on ", fences, rules, banners, labels, attribution ends, and
# every character str.splitlines breaks at.
_PIECES = st.sampled_from(
    [
        ">",
        "> ",
        ":",
        "：",
        "/",
        " on ",
        "```",
        "-",
        "=",
        "_",
        "*",
        "~",
        " ",
        "\t",
        "\n",
        "\r\n",
        "\r",
        "\x0b",
        "\x0c",
        "\x1c",
        "\x85",
        "\u2028",
        "\xa0",
        "a",
        "Bob",
        "wrote:",
        "From: a@b.example",
        "Date: Tue, 1 Mar 2011 10:00",
        "Subject: hi",
        "On Tue, Mar 1, 2011 at 6:02 PM, Bob <b@c.example> wrote:",
        "-----Original Message-----",
        "---------- Forwarded message ---------",
        "Begin forwarded message:",
        "________________________________",
        "<a@b.example>",
        "Jane Roe/ACME@ACME on 02/16/2018 09:34 AM",
        "To: x",
    ]
)
_TEXTS = st.lists(_PIECES, max_size=40).map("".join)


def _may_start_or_fence(bare: list[str], i: int) -> bool:
    s = bare[i]
    if not s:
        return False
    if s[0] in "` \t" and s.lstrip().startswith("```"):
        return True
    return sg._may_start(bare, i, len(bare))


@given(_TEXTS)
@settings(max_examples=400, deadline=None)
def test_candidates_cover_every_line_the_scan_tests(text: str) -> None:
    bare = text.splitlines()
    candidates, enders = sg._candidate_lines(bare)
    assert candidates == sorted(set(candidates))
    wanted = {i for i in range(len(bare)) if _may_start_or_fence(bare, i)}
    assert wanted <= set(candidates)
    assert enders == {k for k in range(len(bare)) if sg._ends(bare, k, len(bare))}


def _full_scan(text: str) -> set[tuple[int, int]]:
    """The spans a scan of every line finds (no candidate prefilter)."""
    t = sg._Text(text)
    seg = sg._Segmenter(forward_subject=False)
    bare = t.bare
    n = len(bare)
    found = []
    i = 0
    fence = False
    while i < n:
        s = bare[i]
        if not s:
            i += 1
            continue
        if s[0] in "` \t" and s.lstrip().startswith("```"):
            fence = not fence
            i += 1
            continue
        if fence or not sg._may_start(bare, i, n):
            i += 1
            continue
        near = any(sg._ends(bare, k, n) for k in (i, i + 1, i + 2))
        got, nxt = seg.find(t, i, near)
        if got is not None:
            found.append(got)
        i = max(nxt, i + 1)
    if seg.short_quotes and any(f.kind is DerivationKind.REPLY_QUOTE for f in found):
        found.extend(seg.short_quotes)
    return {(t.offset(f.first), t.offset(f.last)) for f in found}


@given(_TEXTS)
@settings(max_examples=300, deadline=None)
def test_prefiltered_scan_finds_what_a_full_scan_finds(text: str) -> None:
    node = sg.segment_text(text)
    assert {(c.start, c.end) for c in node.children} == _full_scan(text)


def _first_banner(line: str) -> tuple[Banner, str] | None:
    """The table-order loop the combined regex replaces."""
    st_ = line.strip().lstrip("*").strip()
    if not st_:
        return None
    if st_[0] in "-=":
        group = sg._RULED_BANNERS
    elif ":" in st_ or "：" in st_:
        group = sg._COLON_BANNERS
    else:
        return None
    for b in group:
        m = b.regex.match(st_)
        if m is not None:
            return b, st_[m.end() :].strip().strip("*").strip()
    return None


_BANNER_LINES = [
    "-------- Forwarded Message --------",
    "-------- Original Message --------",
    "----- Forwarded Message -----",
    "----- Original Message -----",
    "---------- Forwarded message ---------",
    "---------- forwarded MESSAGE ---------",
    "-----Original Message-----",
    "-----Ursprüngliche Nachricht-----",
    "-----URSPRÜNGLICHE NACHRICHT-----",  # case folding outside ASCII
    "---------- ПЕРЕСЫЛАЕМОЕ СООБЩЕНИЕ ----------",
    "-------- forwarded message --------",  # not Thunderbird's exact spelling
    "----- original message -----",  # not Yahoo's exact spelling
    "----- Forwarded by Jane Roe/ACME on 02/16/2018 09:34 AM -----",
    "==== Forwarded message ====",
    "-- ",
    "--",
    "----------",
    "Begin forwarded message:",
    "BEGIN FORWARDED MESSAGE:",
    "Forwarded message:",
    "Début du message réexpédié :",
    "以下为转发的邮件：",
    "*Begin forwarded message:* From: a@b.example",
    "---------- Forwarded message --------- From: Bob <b@c.example> Date: Tue",
    "Note: nothing here",
    "http://example.org/x",
]


@pytest.mark.parametrize("line", _BANNER_LINES)
def test_combined_banner_regex_picks_the_table_banner(line: str) -> None:
    assert sg._match_banner(line) == _first_banner(line)


@given(st.lists(_PIECES, max_size=8).map("".join))
@settings(max_examples=300, deadline=None)
def test_combined_banner_regex_agrees_on_any_line(line: str) -> None:
    assert sg._match_banner(line) == _first_banner(line)


def test_every_banner_of_the_table_is_reachable() -> None:
    groups = (*sg._RULED_BANNERS, *sg._COLON_BANNERS)
    assert sorted(map(id, groups)) == sorted(map(id, BANNERS))


# Blank lines are frequent on purpose: runs of them near the end are where
# reading only the tail could go wrong.
_SIG_LINES = st.sampled_from(
    [
        *[""] * 12,
        " ",
        "\t",
        "-- ",
        "--",
        "__",
        "________",
        "Thanks,",
        "Best regards",
        "Ana",
        "ksjp",
        "JD",
        "-Bob",
        "Sent from my iPhone",
        "Some text of the message.",
        "more text here",
        "> quoted",
        "Mailing list footer",
        "http://lists.example.org/listinfo",
        "text\r",
    ]
)


@given(st.lists(_SIG_LINES, max_size=45).map("\n".join))
# Blank lines all the way from above the tail down to a delimiter.
@example("\n".join(["a", "", *[""] * 14, "--", "sig", "sig", "sig"]))
@example("\n".join(["a", "Thanks,", *[""] * 14, "________", "list footer", "x"]))
@settings(max_examples=1000, deadline=None)
def test_signature_from_the_tail_is_the_signature_from_every_line(text: str) -> None:
    fast = signature.split_signature(text)
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(signature, "_tail_lines", lambda body: None)
        slow = signature._split_signature_lines(text)  # the reference: every line read
    assert fast == slow
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    assert signature.last_line(text) == (
        lines[-1].strip()
        if len(lines) >= 2 and signature.is_signoff_line(lines[-1].strip())
        else None
    )


@given(_TEXTS, st.integers(0, 40), st.integers(0, 40))
@settings(max_examples=500, deadline=None)
def test_lines_cut_from_a_text_are_the_lines_of_the_cut_text(text: str, a: int, b: int) -> None:
    """Offsets, child texts and their lines, with or without the "\\n"-only shortcut."""
    t = sg._Text(text)
    keep = text.splitlines(keepends=True)
    ends = [ln[len(b_) :] for ln, b_ in zip(keep, t.bare, strict=True)]
    assert t.simple == (all(e == "\n" for e in ends[:-1]) and ends[-1:] in ([], [""], ["\n"]))
    for k in range(len(keep) + 1):
        assert t.offset(k) == sum(map(len, keep[:k]))
    first, last = sorted((min(a, len(keep)), min(b, len(keep))))
    rest = t.rest(first)
    assert rest.text == sg._strip_blank_edges("".join(keep[first:]))
    assert rest.bare == rest.text.splitlines()
    inner = t.dequoted(first, last)
    assert inner.text == "".join(sg._dequote_lines(keep[first:last]))
    assert inner.bare == inner.text.splitlines()
    assert inner.rest(0).bare == inner.rest(0).text.splitlines()
