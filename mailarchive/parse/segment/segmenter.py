"""Split a plain-text body into what the sender wrote and the messages inside it.

Input: one body text. Output: a :class:`Node` tree: the authored text, the
signature, and one :class:`Segment` per embedded message (forward, quoted
reply), each with its raw header fields, its span in the parent text and its
own :class:`Node`, recursively to :data:`~.thresholds.MAX_DEPTH`.

The scan is per line, top to bottom. Lines that fail a few character tests
(no quote mark or rule at the start, no colon, no slash, no " on ", no
attribution end within two lines) are plain prose and skipped at once. At
other lines it tries, in order: a ``>`` quote block (whose first lines may
be a banner, an attribution or a header block describing it), a banner
(with its header block, on the same line when flattened, or below it,
possibly ``>``-quoted), an Outlook rule with a header block, a reply
attribution with the quote below it (or, with no ``>`` marks, the rest of
the text), a Lotus Notes "Name on DATE" block, and a bare header block.
Rejected quote blocks are skipped whole and every lookahead is bounded, so a
text is scanned in linear time; nesting stops at ``MAX_DEPTH``. Lines inside
a fenced code block (```) are never split. Short ``>`` blocks count only
when the text holds a real quote too (inline replies).

Each text is split into lines once. When every line of a text ends with
"\\n" alone (the usual case, see ``_Text.simple``), line offsets are sums of
line lengths, and the text of an embedded message (the rest of the text, or
a ``>`` block with one level of marks off) is handed down with its lines, so
nested levels do not split their text again.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from dataclasses import dataclass, field, fields
from itertools import accumulate, islice
from typing import NamedTuple

from mailarchive.model import Defect, DerivationKind
from mailarchive.parse.segment import thresholds as th
from mailarchive.parse.segment.headers import (
    HeaderBlock,
    is_convincing,
    is_field_line,
    match_attribution,
    match_lotus,
    read_header_block,
)
from mailarchive.parse.segment.patterns import (
    BANNERS,
    DASH_RULE,
    OUTLOOK_RULE,
    SHELL_WORDS,
    Banner,
    BannerKind,
    Field,
)
from mailarchive.parse.segment.signature import split_signature


@dataclass(frozen=True, slots=True)
class Segment:
    """One embedded message found in a text."""

    kind: DerivationKind
    start: int  # character offsets in the parent text
    end: int
    style: str
    language: str | None
    confidence: float
    fields: tuple[tuple[Field, str], ...]  # raw header values
    node: Node


@dataclass(frozen=True, slots=True)
class Node:
    """A text and what was found in it."""

    text: str
    authored: str
    signature: str | None
    children: tuple[Segment, ...] = ()
    defects: tuple[Defect, ...] = field(default=())

    def walk(self) -> list[Segment]:
        """Every segment below this node, pre-order."""
        out: list[Segment] = []
        for seg in self.children:
            out.append(seg)
            out.extend(seg.node.walk())
        return out


class _Found(NamedTuple):
    """A segment found by the scan (a tuple: made for most quotes, cheaper than a dataclass)."""

    kind: DerivationKind
    first: int  # first line of the span
    last: int  # line after the span (len(lines) = to the end)
    body: _Text  # the embedded message's own text
    style: str
    language: str | None
    confidence: float
    fields: tuple[tuple[Field, str], ...]


# The line breaks of str.splitlines but "\n": in ASCII, and all.
_ASCII_BREAKS = ("\r", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e")
_OTHER_BREAKS = frozenset((*_ASCII_BREAKS, "\x85", "\u2028", "\u2029"))


class _Text:
    """A text cut into lines, with the offset of each line."""

    __slots__ = ("_lines", "_mark", "_offsets", "_simple", "bare", "text")

    def __init__(self, text: str, bare: list[str] | None = None) -> None:
        """``bare``: ``text.splitlines()`` when the caller has it, from a simple text."""
        self.text = text
        self.bare = text.splitlines() if bare is None else bare  # lines without their ends
        # The lines with their ends and their offsets are needed only where
        # something was found (most texts find nothing): made on first use.
        self._lines: list[str] | None = None
        self._offsets: list[int] | None = None
        self._mark = (0, 0)  # (line, offset) of the last offset counted
        # Lines cut from a simple text hold no line break: simple too.
        self._simple: bool | None = None if bare is None else True

    @property
    def simple(self) -> bool:
        """Whether every line ends with "\\n" alone (the usual case).

        Then offsets and dequoted text come from ``bare``, without splitting
        the text again with its line ends. A line break other than "\\n" is
        either an ASCII one, or makes ``splitlines`` give more lines than
        there are "\\n", or ends the text.
        """
        if self._simple is None:
            text = self.text
            if text.isascii():  # (a flag of the string: no scan)
                self._simple = not any(map(text.__contains__, _ASCII_BREAKS))
            elif text[-1] in _OTHER_BREAKS:
                self._simple = False  # ends with a break that makes no line of its own
            else:
                unended = 1 if text[-1] != "\n" else 0
                self._simple = "\r" not in text and len(self.bare) == text.count("\n") + unended
        return self._simple

    @property
    def lines(self) -> list[str]:
        if self._lines is None:
            self._lines = self.text.splitlines(keepends=True)
        return self._lines

    def offset(self, k: int) -> int:
        """Offset of line ``k`` in the text (``len(bare)``: the end of the text)."""
        if k >= len(self.bare):
            return len(self.text)
        if self.simple:
            # Counted from the nearest of three known points: the start, the
            # end and the line asked for last (the lines of one segment found
            # are asked for together: cheaper than the table of every offset).
            # From the end: the text but each line below and its "\n" (the
            # last line's "\n" only if the text ends with one).
            bare = self.bare
            n = len(bare)
            mk, mo = self._mark
            if k >= mk and k - mk <= k and k - mk <= n - k:
                off = mo + sum(map(len, bare[mk:k])) + (k - mk)
            elif k < mk and mk - k <= k and mk - k <= n - k:
                off = mo - sum(map(len, bare[k:mk])) - (mk - k)
            elif 2 * k < n:
                off = sum(map(len, islice(bare, k))) + k
            else:
                ended = self.text[-1] == "\n"
                off = len(self.text) - sum(map(len, bare[k:])) - (n - 1 - k) - ended
            self._mark = (k, off)
            return off
        if self._offsets is None:
            self._offsets = [0, *accumulate(map(len, self.lines))]
        return self._offsets[k]

    def join(self, first: int, last: int) -> str:
        return self.text[self.offset(first) : self.offset(last)]

    def rest(self, first: int) -> _Text:
        """The text from line ``first`` on, blank edges stripped (:func:`_strip_blank_edges`)."""
        if self.simple:
            # The lines, blank edges stripped, joined: a simple text holds no
            # line break but "\n", so that is the text stripped.
            lines = _edge_lines(self.bare[first:])
            return _Text("\n".join(lines), lines)
        return _Text(_strip_blank_edges(self.join(first, len(self.bare))))

    def dequoted(self, first: int, last: int) -> _Text:
        """Lines ``first`` to ``last`` with one level of ``>`` off (:func:`_dequote`)."""
        if not self.simple:
            return _Text(_dequote(self, first, last))
        lines = _dequote_lines(self.bare[first:last])
        out = "\n".join(lines)
        # Every line ends with "\n" but maybe the last line of the text.
        if first < last and (last < len(self.bare) or self.text[-1:] == "\n"):
            out += "\n"
        elif lines and not lines[-1]:
            lines.pop()  # (">" was the text's last line, unended): no line left
        return _Text(out, lines)


def _dequoted_rest(t: _Text, first: int, last: int) -> _Text:
    """``t.dequoted(first, last).rest(0)``, for a simple text without the text in between.

    The lines are dequoted and their blank edges stripped as lines: joined,
    they are the text ``rest`` gives (a simple text holds no break but "\\n").
    """
    if not t.simple:
        return t.dequoted(first, last).rest(0)
    lines = _edge_lines(_dequote_lines(t.bare[first:last]))
    return _Text("\n".join(lines), lines)


def _edge_lines(lines: list[str]) -> list[str]:
    """The lines of ``_strip_blank_edges("\\n".join(lines))``, for lines that hold no line break."""
    lo, hi = 0, len(lines)
    while lo < hi and not lines[lo].strip():
        lo += 1
    while hi > lo and not lines[hi - 1].strip():
        hi -= 1
    if lo == hi:
        return []
    out = lines[lo:hi]
    out[-1] = out[-1].rstrip()
    return out


def _is_blank(s: str) -> bool:
    return not s.strip()


def _is_quote(s: str) -> bool:
    # mbox ">From " escapes are undone by the mbox reader (sources.mbox), so
    # a ">From " line still here was written so: it is quoted like any other.
    return s.startswith(">")


def _dequote_line(s: str) -> str:
    s = s[1:]
    return s[1:] if s.startswith(" ") else s


def _quote_block_end(bare: Sequence[str], i: int) -> int:
    """Line after the run of ``>`` lines starting at ``i`` (blank lines inside kept)."""
    # The tests of _is_quote and _is_blank inline: this runs once per quoted line.
    n = len(bare)
    j = i
    while j < n:
        s = bare[j]
        if s[:1] == ">" or (j + 1 < n and bare[j + 1][:1] == ">" and not s.strip()):
            j += 1
            continue
        break
    return j


def _dequote(t: _Text, first: int, last: int) -> str:
    """Lines ``first`` to ``last`` of ``t`` with one level of ``>`` (and a space after it) off."""
    return "".join(_dequote_lines(t.lines[first:last]))


def _dequote_lines(lines: list[str]) -> list[str]:
    # _dequote_line inline.
    return [s[2:] if s[:2] == "> " else (s[1:] if s[:1] == ">" else s) for s in lines]


def _has_content(s: str) -> bool:
    # Cheap first: most lines end with a character that is no quote mark.
    r = s.rstrip()
    return bool(r) and (r[-1] != ">" or bool(r.strip("> \t")))


def _enough_lines(bare: Sequence[str], first: int, last: int) -> bool:
    """At least MIN_QUOTE_LINES_WITHOUT_ATTRIBUTION lines with text (stops early)."""
    count = 0
    for k in range(first, last):
        if _has_content(bare[k]):
            count += 1
            if count >= th.MIN_QUOTE_LINES_WITHOUT_ATTRIBUTION:
                return True
    return False


def _looks_like_shell(bare: Sequence[str], first: int, last: int) -> bool:
    """A ``>`` block that is a shell or REPL transcript, not a quote."""
    for k in range(first, last):
        s = bare[k].lstrip(">").strip()
        if s:
            word = s.split(None, 1)[0]
            return word in SHELL_WORDS or word.startswith(("$", "./", "#!"))
    return False


def _skip_blanks(bare: Sequence[str], i: int, limit: int) -> int:
    stop = min(len(bare), i + limit)
    k = i
    while k < stop and not bare[k].strip():
        k += 1
    return k


# Banners that start with a dash or equals run, and the others (which all end
# with a colon): a line is tried only against the group it can belong to.
_RULED_BANNERS = tuple(b for b in BANNERS if b.regex.pattern[0] in "[-=")
_COLON_BANNERS = tuple(b for b in BANNERS if b.regex.pattern[0] not in "[-=")


def _any_of(banners: tuple[Banner, ...]) -> re.Pattern[str]:
    """One regex that matches where one of ``banners`` matches: group k+1 is banner k.

    Built from the table (each pattern keeps its own case flag), so a line
    that starts no banner costs one match call instead of one per banner.
    """
    parts = []
    for b in banners:
        assert b.regex.groups == 0, "banner patterns hold no capturing group"
        flags = "i" if b.regex.flags & re.IGNORECASE else "-i"
        parts.append(f"((?{flags}:{b.regex.pattern}))")
    return re.compile("|".join(parts))


_RULED_ANY = _any_of(_RULED_BANNERS)
_COLON_ANY = _any_of(_COLON_BANNERS)


def _match_banner(s: str) -> tuple[Banner, str] | None:
    st = s.strip()
    if st[:1] == "*":  # (else lstrip("*") and strip give st itself)
        st = st.lstrip("*").strip()
    if not st:
        return None
    if st[0] in "-=":
        group, any_rx = _RULED_BANNERS, _RULED_ANY
    elif ":" in st or "：" in st:
        group, any_rx = _COLON_BANNERS, _COLON_ANY
    else:
        return None
    # The alternation tries the banners in table order, so the first
    # alternative that matches is the banner the table gives first.
    m = any_rx.match(st)
    if m is None or m.lastindex is None:
        return None
    return group[m.lastindex - 1], st[m.end() :].strip().strip("*").strip()


# First characters of lines that may open a quote, banner, rule or header.
_STARTS = frozenset(">-=_*~ \t\f")
# Last characters of lines that may end an attribution or a banner.
_ENDS = frozenset(":：>")


def _ends(bare: Sequence[str], k: int, n: int) -> bool:
    return k < n and bare[k].rstrip()[-1:] in _ENDS


def _may_start(bare: Sequence[str], i: int, n: int) -> bool:
    """Whether line ``i`` passes the cheap character tests (see the module doc).

    A line can start something only if it (or one of the next two lines,
    for wrapped attributions) passes them; plain prose lines are skipped
    without calling the matchers. A line that holds " on " but none of the
    other marks can start a Lotus Notes block only ("Name on DATE", which
    ends with a digit or "AM"/"PM"), or a ruled banner after a blank that
    is not " \\t\\f".
    """
    s = bare[i]
    return (
        s[0] in _STARTS
        or ":" in s
        or "：" in s
        or "/" in s
        or (" on " in s and (s[0].isspace() or _lotus_end(s)))
        or _ends(bare, i, n)
        or _ends(bare, i + 1, n)
        or _ends(bare, i + 2, n)
    )


def _lotus_end(s: str) -> bool:
    """Whether ``s`` ends (before trailing blanks) as a Lotus Notes date may: digit, "m", "M"."""
    last = s.rstrip()[-1:]
    return last in ("m", "M") or last.isdecimal()


# First characters of the lines the scan must look at: those of ``_STARTS``
# and a backtick (code fences).
_FIRST = _STARTS | {"`"}
# ASCII characters that are not whitespace: a line that starts with one
# cannot start with a blank other than those of _STARTS.
_QUIET_START = frozenset(c for c in map(chr, range(128)) if not c.isspace())
# Of those, the ones a line may end with and still be no ender (those end
# with ":" or ">") and no Lotus Notes "Name on DATE" line without a colon
# (that ends with a digit: "AM"/"PM" come after a time, which holds a colon).
_QUIET_END = _QUIET_START - frozenset("0123456789:>")
# And the ones a line may end with and be no ender (see _candidate_lines).
_NOT_ENDER_END = _QUIET_START - frozenset(":>")


def _candidate_lines(
    bare: Sequence[str], *, wide: bool = True, odd_blanks: bool = True
) -> tuple[list[int], frozenset[int]]:
    """The lines the scan may have to test, in order, and the enders.

    The first is a superset: every line that passes :func:`_may_start`, and
    lines that open with a backtick (code fences); the scan tests each
    again. The second holds the lines that end (before trailing whitespace)
    with a character of ``_ENDS``. Built with two comprehensions (C speed)
    instead of a test call per line (``wide`` False: the text is ASCII, no
    line holds a "："; ``odd_blanks`` False as well: nor a "\\x1f"). A line
    is searched for " on " (a slow test) and ">" only when its last
    character is none of the quiet ones or its first one is no ASCII
    non-blank: an ender ends with ":", "：" or ">" (or trailing whitespace),
    and a Lotus Notes line with no colon with a digit.
    """
    if wide:
        marked = [
            i
            for i, s in enumerate(bare)
            if s
            and (
                s[0] in _FIRST
                or ":" in s
                or "/" in s
                or "：" in s
                or (
                    (s[-1] not in _QUIET_END or s[0] not in _QUIET_START)
                    and (">" in s or " on " in s)
                )
            )
        ]
    elif odd_blanks:  # the lines of an ASCII text hold no "："
        marked = [
            i
            for i, s in enumerate(bare)
            if s
            and (
                s[0] in _FIRST
                or ":" in s
                or "/" in s
                or (
                    (s[-1] not in _QUIET_END or s[0] not in _QUIET_START)
                    and (">" in s or " on " in s)
                )
            )
        ]
    else:
        # An ASCII line that starts with a blank starts with " " or "\t" (both
        # in _FIRST): the others break lines, but "\x1f", absent here. So
        # "s[0] not in _QUIET_START" adds nothing (one test less a line).
        marked = [
            i
            for i, s in enumerate(bare)
            if s
            and (
                s[0] in _FIRST
                or ":" in s
                or "/" in s
                or (s[-1] not in _QUIET_END and (">" in s or " on " in s))
            )
        ]
    # An ender holds ":", "：" or ">": it is a marked line, and its last
    # character is one of those or whitespace. rstrip gives the line itself
    # when it ends with no whitespace (no copy).
    enders = [
        k for k in marked if bare[k][-1] not in _NOT_ENDER_END and bare[k].rstrip()[-1:] in _ENDS
    ]
    if not enders:
        return marked, frozenset()
    # Lines that end with ":" or ">" make the two lines above them candidates
    # (wrapped attributions): put in order where not there yet (enders are few).
    for k in enders:
        for m in (k - 2, k - 1):
            if m >= 0:
                pos = bisect_left(marked, m)
                if pos == len(marked) or marked[pos] != m:
                    marked.insert(pos, m)
    return marked, frozenset(enders)


def _drop_marker_lines(text: str) -> str:
    """Lines made of nothing but quote marks carry no text anyone wrote."""
    if ">" not in text:
        return text
    lines = text.split("\n")
    # Such a line holds a ">" (the rest is whitespace).
    keep = [ln for ln in lines if ">" not in ln or not (ln.strip() and not ln.strip("> \t\r"))]
    return text if len(keep) == len(lines) else "\n".join(keep)


_RULE_CHARS = frozenset("_-")


def _drop_trailing_rules(text: str) -> str:
    """A rule left at the end of authored text separated it from history: not text."""
    while text:
        cut = text.rfind("\n")  # (the text above is copied only when a rule goes)
        last = text[cut + 1 :]
        # Both rules are "_" or "-" runs, maybe indented: a cheap test first.
        if last.lstrip(" \t")[:1] not in _RULE_CHARS or not (
            OUTLOOK_RULE.fullmatch(last.rstrip("\r")) or DASH_RULE.fullmatch(last.rstrip("\r"))
        ):
            break
        text = text[:cut].rstrip() if cut >= 0 else ""
    return text


def _language(banner: Banner, block: HeaderBlock | None) -> str | None:
    """A localized banner names the language; labels shared by languages do not."""
    if banner.language != "en" or block is None or block.language is None:
        return banner.language
    return block.language


def _strip_blank_edges(s: str) -> str:
    """``s`` without its leading blank lines and trailing whitespace (line ends kept inside)."""
    s = s.rstrip()
    k = 0
    while True:
        nl = s.find("\n", k)
        if nl < 0 or s[k:nl].strip():
            break
        k = nl + 1
    return s[k:]


class _Segmenter:
    def __init__(self, *, forward_subject: bool) -> None:
        self.forward_subject = forward_subject
        # Quote blocks too short to count on their own; they count when the
        # same text holds a real quote (inline replies, reply_parser 1_8).
        self.short_quotes: list[_Found] = []

    def _reply_or_forward(self, banner: Banner | None) -> DerivationKind:
        if banner is not None and banner.kind is BannerKind.FORWARD:
            return DerivationKind.FORWARD
        return DerivationKind.FORWARD if self.forward_subject else DerivationKind.REPLY_QUOTE

    def _after_intro(
        self, lines: Sequence[str], k: int, *, after_banner: bool
    ) -> tuple[HeaderBlock | None, int]:
        """The header block at ``lines[k]`` (if any) and the line where the body begins."""
        block = read_header_block(lines, k)
        if block is not None and is_convincing(block, after_banner=after_banner):
            return block, block.end
        return None, k

    def find(self, t: _Text, i: int, near_end: bool) -> tuple[_Found | None, int]:
        """What starts at line ``i`` (not blank): a found segment, and the line to go on from.

        ``near_end``: an attribution may start here (line ``i`` or one of the
        next two ends with a character of ``_ENDS``, see ``_segment``; else
        none can). Each step below is
        tried only when the line holds what its matcher needs first.
        """
        bare = t.bare
        n = len(bare)
        s = bare[i]
        # 1. A ">" quote block.
        if s[0] == ">":
            j = _quote_block_end(bare, i)
            return self._quote_block(t, i, j), j
        colon = ":" in s or "：" in s
        # 2. A banner (a dash or equals run, or a colon). Without a colon, only
        # a ruled banner can match: the line must then start with the rule,
        # maybe after blanks or "*" (which _match_banner strips).
        c = s[0]
        ruled = (c in "-=*" or c.isspace()) and ("-" in s or "=" in s)
        got = _match_banner(s) if colon or ruled else None
        if got is not None:
            banner, rest = got
            found = self._banner(t, i, banner, rest)
            return found, (found.last if found is not None else i + 1)
        # 3. An Outlook rule right above a header block (both rules start
        # with a blank, "_" or "-").
        if (
            c in " \t_-"
            and s.lstrip(" \t")[:1] in _RULE_CHARS
            and (OUTLOOK_RULE.fullmatch(s) or DASH_RULE.fullmatch(s))
        ):
            k = _skip_blanks(bare, i + 1, th.MAX_BLANKS_AFTER_RULE)
            if k < n and is_field_line(bare[k]):
                block = read_header_block(bare, k)
                if (
                    block is not None
                    and block.get(Field.FROM)
                    and block.evidence >= th.MIN_FIELDS_AFTER_RULE
                ):
                    body = t.rest(block.end)
                    style = "flattened" if block.flattened else "outlook"
                    return _Found(
                        self._reply_or_forward(None),
                        i,
                        n,
                        body,
                        style,
                        block.language,
                        th.CONFIDENCE_BANNER,
                        block.fields,
                    ), n
        # 4. A reply attribution.
        if not s.isspace():  # (s is not empty)
            att = match_attribution(bare, i) if near_end else None
            if att is not None:
                found = self._attribution(
                    t,
                    first=att.start,
                    after=att.end,
                    date=att.date,
                    who=att.from_,
                    style=att.style,
                    language=att.language,
                )
                if found is not None:
                    return found, found.last
            # 5. Lotus Notes "Name on DATE".
            lotus = match_lotus(bare, i) if " on " in s or "/" in s else None
            if lotus is not None:
                block = read_header_block(bare, lotus[2])
                if block is not None:
                    fields = ((Field.FROM, lotus[0]), (Field.DATE, lotus[1]), *block.fields)
                    body = t.rest(block.end)
                    return _Found(
                        self._reply_or_forward(None),
                        i,
                        n,
                        body,
                        "lotus",
                        "en",
                        th.CONFIDENCE_HEADER_BLOCK,
                        fields,
                    ), n
        # 6. A bare header block, at the start or after a blank line.
        if colon and (i == 0 or not bare[i - 1].strip()) and is_field_line(s):
            block = read_header_block(bare, i)
            if block is not None and is_convincing(block, after_banner=False):
                nxt = block.end
                if block.flattened and nxt < n and is_field_line(bare[nxt]):
                    return None, i + 1  # one flattened line after another: a log, not a header
                body = t.rest(block.end)
                style = "flattened" if block.flattened else "outlook"
                return _Found(
                    self._reply_or_forward(None),
                    i,
                    n,
                    body,
                    style,
                    block.language,
                    th.CONFIDENCE_HEADER_BLOCK,
                    block.fields,
                ), n
        return None, i + 1

    def _quote_block(self, t: _Text, i: int, j: int) -> _Found | None:
        """A block of ``>`` lines, lines ``i`` to ``j``."""
        inner = t.dequoted(i, j)
        ib = inner.bare
        k = _skip_blanks(ib, 0, len(ib))
        if k < len(ib):
            # A quoted banner or header block makes the whole block that message.
            got = _match_banner(ib[k])
            if got is not None:
                found = self._banner(inner, k, got[0], got[1])
                if found is not None:
                    return _Found(
                        found.kind,
                        i,
                        j,
                        found.body,
                        found.style,
                        found.language,
                        found.confidence,
                        found.fields,
                    )
            # A quoted attribution whose text follows at the same level (Apple
            # Mail and Thunderbird HTML put it inside the blockquote).
            att = match_attribution(ib, k)
            if att is not None:
                after = _skip_blanks(ib, att.end, th.MAX_BLANKS_AFTER_ATTRIBUTION)
                if after < len(ib) and not _is_quote(ib[after]):
                    fields: list[tuple[Field, str]] = []
                    if att.from_:
                        fields.append((Field.FROM, att.from_))
                    if att.date:
                        fields.append((Field.DATE, att.date))
                    body = inner.rest(after)
                    return _Found(
                        DerivationKind.REPLY_QUOTE,
                        i,
                        j,
                        body,
                        att.style,
                        att.language,
                        th.CONFIDENCE_ATTRIBUTION,
                        tuple(fields),
                    )
            if is_field_line(ib[k]):
                block = read_header_block(ib, k)
                if block is not None and is_convincing(block, after_banner=False):
                    body = inner.rest(block.end)
                    style = "flattened" if block.flattened else "apple"
                    return _Found(
                        self._reply_or_forward(None),
                        i,
                        j,
                        body,
                        style,
                        block.language,
                        th.CONFIDENCE_HEADER_BLOCK,
                        block.fields,
                    )
        if _looks_like_shell(t.bare, i, j):
            return None
        if not _enough_lines(t.bare, i, j):
            if any(_has_content(t.bare[k]) for k in range(i, j)):
                self.short_quotes.append(
                    _Found(
                        DerivationKind.REPLY_QUOTE,
                        i,
                        j,
                        inner.rest(0),
                        "quote-prefix",
                        None,
                        th.CONFIDENCE_QUOTE_ONLY,
                        (),
                    )
                )
            return None
        return _Found(
            DerivationKind.REPLY_QUOTE,
            i,
            j,
            inner.rest(0),
            "quote-prefix",
            None,
            th.CONFIDENCE_QUOTE_ONLY,
            (),
        )

    def _banner(self, t: _Text, i: int, banner: Banner, rest: str) -> _Found | None:
        bare = t.bare
        n = len(bare)
        kind = self._reply_or_forward(banner)
        if rest:
            # A header block flattened onto the banner line (HTML to text).
            virtual = [rest, *bare[i + 1 : i + 1 + th.MAX_HEADER_LINES]]
            block, body_line = self._after_intro(virtual, 0, after_banner=True)
            if block is None:
                return None
            body = t.rest(i + body_line)
            style = "flattened" if block.flattened else banner.style
            return _Found(
                kind,
                i,
                n,
                body,
                style,
                _language(banner, block),
                th.CONFIDENCE_BANNER,
                block.fields,
            )
        k = _skip_blanks(bare, i + 1, th.MAX_BLANKS_AFTER_BANNER)
        if k < n and _is_quote(bare[k]):
            # Apple Mail: the forwarded message follows as a ">" block.
            j = _quote_block_end(bare, k)
            inner = t.dequoted(k, j)
            ik = _skip_blanks(inner.bare, 0, len(inner.bare))
            block, body_line = self._after_intro(inner.bare, ik, after_banner=True)
            body = inner.rest(body_line)
            fields = block.fields if block is not None else ()
            return _Found(
                kind,
                i,
                j,
                body,
                banner.style,
                _language(banner, block),
                th.CONFIDENCE_BANNER,
                fields,
            )
        block, body_line = self._after_intro(bare, k, after_banner=True)
        if block is None:
            body_line = i + 1
        body = t.rest(body_line)
        if block is None and not body.text:
            return None  # a banner with nothing under it (history cut off)
        fields = block.fields if block is not None else ()
        style = "flattened" if block is not None and block.flattened else banner.style
        return _Found(
            kind, i, n, body, style, _language(banner, block), th.CONFIDENCE_BANNER, fields
        )

    def _attribution(
        self,
        t: _Text,
        *,
        first: int,
        after: int,
        date: str | None,
        who: str | None,
        style: str,
        language: str,
    ) -> _Found | None:
        bare = t.bare
        n = len(bare)
        fields: list[tuple[Field, str]] = []
        if who:
            fields.append((Field.FROM, who))
        if date:
            fields.append((Field.DATE, date))
        k = _skip_blanks(bare, after, th.MAX_BLANKS_AFTER_ATTRIBUTION)
        if k >= n:
            return None
        if _is_quote(bare[k]):
            j = _quote_block_end(bare, k)
            body = _dequoted_rest(t, k, j)
            return _Found(
                DerivationKind.REPLY_QUOTE,
                first,
                j,
                body,
                style,
                language,
                th.CONFIDENCE_ATTRIBUTION,
                tuple(fields),
            )
        # No ">" marks (HTML converted to text): the rest is the quoted message.
        body = t.rest(k)
        return _Found(
            DerivationKind.REPLY_QUOTE,
            first,
            n,
            body,
            style,
            language,
            th.CONFIDENCE_ATTRIBUTION - 0.2,
            tuple(fields),
        )


# Node and Segment are built slot by slot (one made per text, one per segment):
# the frozen dataclass __init__ sets each field through object.__setattr__,
# twice the cost. The setters are those of the fields, in field order.
_NODE_SET = tuple(getattr(Node, f.name).__set__ for f in fields(Node))
_SEGMENT_SET = tuple(getattr(Segment, f.name).__set__ for f in fields(Segment))
assert [f.name for f in fields(Node)] == ["text", "authored", "signature", "children", "defects"]
assert [f.name for f in fields(Segment)] == [
    "kind",
    "start",
    "end",
    "style",
    "language",
    "confidence",
    "fields",
    "node",
]


def _node(text: str, authored: str, signature: str | None, children: tuple[Segment, ...]) -> Node:
    """``Node(text, authored, signature, children)`` (no defects)."""
    node: Node = object.__new__(Node)
    s_text, s_authored, s_signature, s_children, s_defects = _NODE_SET
    s_text(node, text)
    s_authored(node, authored)
    s_signature(node, signature)
    s_children(node, children)
    s_defects(node, ())
    return node


def _segment_record(f: _Found, start: int, end: int, node: Node) -> Segment:
    """The Segment of ``f`` at ``start``-``end`` with its ``node``."""
    seg: Segment = object.__new__(Segment)
    s_kind, s_start, s_end, s_style, s_language, s_confidence, s_fields, s_node = _SEGMENT_SET
    s_kind(seg, f.kind)
    s_start(seg, start)
    s_end(seg, end)
    s_style(seg, f.style)
    s_language(seg, f.language)
    s_confidence(seg, f.confidence)
    s_fields(seg, f.fields)
    s_node(seg, node)
    return seg


def segment_text(text: str, *, depth: int = 0, forward_subject: bool = False) -> Node:
    """Segment ``text`` (a body value) recursively; never raises on any input."""
    return _segment(_Text(text), depth, forward_subject)


def _segment(t: _Text, depth: int, forward_subject: bool) -> Node:
    """:func:`segment_text` of a text already cut into lines."""
    text = t.text
    if depth >= th.MAX_DEPTH:
        authored, signature = split_signature(_strip_blank_edges(text))
        return Node(
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
    seg = _Segmenter(forward_subject=forward_subject)
    found: list[_Found] = []
    bare = t.bare
    fence = False
    nxt = 0
    ascii_text = text.isascii()
    candidates, enders = _candidate_lines(
        bare, wide=not ascii_text, odd_blanks=not ascii_text or "\x1f" in text
    )
    for i in candidates:
        if i < nxt:
            continue
        s = bare[i]
        if not s:
            continue
        c = s[0]
        if c in "` \t" and "```" in s and s.lstrip().startswith("```"):
            fence = not fence
            continue
        if fence:
            continue
        # A line indented with " " or "\t" can start a banner, a rule, a Lotus
        # Notes block or a header block only (no attribution starts with a
        # blank), and each of those needs one of these (see find).
        if c in " \t" and not (
            ":" in s or "-" in s or "=" in s or "_" in s or "/" in s or "：" in s or " on " in s
        ):
            continue
        # _may_start inline (candidates are a superset). near_end: whether
        # match_attribution can find an attribution here, which takes a line
        # that starts with no blank or ">", is not too long, and ends with an
        # ender, or runs on to one over one or two lines that are not blank
        # and start with no ">" (see headers.match_attribution).
        near_end = False
        if c not in " \t>" and len(s) <= th.MAX_ATTRIBUTION_LENGTH:
            if i in enders:
                near_end = True
            elif i + 1 in enders or i + 2 in enders:
                below = bare[i + 1]
                if below.strip() and below[0] != ">":
                    near_end = i + 1 in enders or bare[i + 2][:1] != ">"
        if not near_end and c not in _STARTS and ":" not in s and "：" not in s:
            if " on " not in s and "/" not in s:
                # After a blank other than " \t\f" (a no-break space) find can
                # still find a ruled banner; the scan has always tried one on
                # a line an ender follows closely.
                if not (c.isspace() and (i + 1 in enders or i + 2 in enders)):
                    continue
            # Only " on " or "/" make the line a candidate: then find can find
            # a Lotus Notes block only (or, after a blank other than " \t\f",
            # a ruled banner).
            elif not c.isspace() and match_lotus(bare, i) is None:
                continue
        got, after = seg.find(t, i, near_end)
        if got is not None:
            found.append(got)
        nxt = after if after > i else i + 1
    if seg.short_quotes and any(f.kind is DerivationKind.REPLY_QUOTE for f in found):
        found = sorted([*found, *seg.short_quotes], key=lambda f: f.first)
    pieces: list[str] = []
    children: list[Segment] = []
    prev = 0
    for f in found:
        start, end = t.offset(f.first), t.offset(f.last)
        pieces.append(text[prev:start])
        prev = end
        child = _segment(f.body, depth + 1, False)
        children.append(_segment_record(f, start, end, child))
    pieces.append(text[prev:])
    authored_raw = _drop_trailing_rules(_strip_blank_edges(_drop_marker_lines("".join(pieces))))
    authored, signature = split_signature(authored_raw)
    return _node(text, authored, signature, tuple(children))
