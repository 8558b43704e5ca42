"""Recognise embedded header blocks and reply attributions in plain text.

Input: the lines of a body (already stripped of one ``>`` level when the block
is quoted). Output: :class:`HeaderBlock` (fields as raw strings, the style and
language of the labels, the lines it covers) or :class:`AttributionMatch`.

A header block is read one field per line *or* flattened onto one line (HTML
to text conversion often joins the lines): every line is split on known field
labels, not on line starts. Wrapped values, blank lines between fields, ``*From:*``
bold markers and full-width colons are accepted. Labels come from
:mod:`.patterns`; this module knows no language. Lookahead is bounded by
:mod:`.thresholds`, and every regex is applied to one line.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import NamedTuple

from mailarchive.parse.segment import thresholds as th
from mailarchive.parse.segment.patterns import (
    ATTRIBUTIONS,
    EVIDENCE_FIELDS,
    LABELS,
    LOTUS_DATE_LINE,
    LOTUS_NAME_LINE,
    LOTUS_NAME_ON_DATE,
    Field,
    Label,
)

_BY_TEXT: dict[str, list[Label]] = {}
for _lab in LABELS:
    _BY_TEXT.setdefault(_lab.text, []).append(_lab)

_ALTERNATION = "|".join(re.escape(t) for t in sorted(_BY_TEXT, key=len, reverse=True))
# A label at the start of a line: optional indent, optional "*" or "**" bold
# marker (HTML to text), the label, optional space, ":" or "：", optional marker.
_LINE_LABEL = re.compile(
    r"[ \t]{0,8}\*{0,2}(?P<label>" + _ALTERNATION + r")\*{0,2}[ \t]{0,2}[:：]\*{0,2}"
)
# A label inside a line (flattened block): preceded by whitespace.
_INNER_LABEL = re.compile(
    r"(?<=\s)\*{0,2}(?P<label>" + _ALTERNATION + r")\*{0,2}[ \t]{0,2}[:：]\*{0,2}(?=[ \t]|$)"
)
_ALL_LANGUAGES = frozenset().union(*(lab.languages for lab in LABELS))
# What every inner label match holds: the last character of some label, then
# the colon (a cheap search that spares _INNER_LABEL most values, whose colons
# are those of times and URLs).
_INNER_END = re.compile(
    "[" + re.escape("".join(sorted({t[-1] for t in _BY_TEXT}))) + r"]\*{0,2}[ \t]{0,2}[:：]"
)


# First characters of the labels (they are matched case-sensitively), none of
# them a blank or "*": where _LINE_LABEL matches, the line's first character
# that is none of " \t*" is one of these.
_LABEL_FIRST = frozenset(t[0] for t in _BY_TEXT)
assert not _LABEL_FIRST & set(" \t*") and not _LINE_LABEL.flags & re.IGNORECASE


def _may_label(line: str) -> bool:
    """Whether ``line`` may start with a label: a label's first character, and a colon
    (ASCII or full-width) in it, as every label is followed by one."""
    return (":" in line or "：" in line) and line.lstrip(" \t*")[:1] in _LABEL_FIRST


@dataclass(frozen=True, slots=True)
class HeaderBlock:
    """A recognised header block: raw field values and where it sits."""

    fields: tuple[tuple[Field, str], ...]  # first value of each field, in block order
    start: int  # first line (index into the lines given)
    end: int  # line after the last line of the block
    flattened: bool  # some line held two or more fields
    language: str | None
    label_languages: frozenset[str]

    def get(self, name: Field) -> str | None:
        """The raw value of a field, or None."""
        for f, v in self.fields:
            if f is name:
                return v
        return None

    @property
    def evidence(self) -> int:
        """How many evidence fields besides From the block holds."""
        return sum(1 for f, v in self.fields if f in EVIDENCE_FIELDS and _plausible(f, v))


def _plausible(f: Field, value: str) -> bool:
    if f is Field.DATE:
        return any(map(str.isdigit, value))
    return True


def _clean(value: str) -> str:
    value = value.strip().strip("*").strip()
    if len(value) > th.MAX_HEADER_VALUE_LENGTH:
        value = value[: th.MAX_HEADER_VALUE_LENGTH]
    return value


def _pick(text: str, languages: frozenset[str], *, strict: bool = False) -> Label | None:
    """The label spelled ``text`` that fits the languages seen so far.

    Gmail localizes only some labels of a forwarded block ("Von:" then
    "Date:", "Subject:", "To:"), so English labels always fit unless
    ``strict``; at a line start (not ``strict``) any label fits.
    """
    labels = _BY_TEXT.get(text, ())
    for lab in labels:
        if not lab.languages.isdisjoint(languages):
            return lab
    for lab in labels:
        if "en" in lab.languages or not strict:
            return lab
    return None


def split_fields(
    line: str, languages: frozenset[str], seen: set[Field], *, inner: bool
) -> tuple[list[tuple[Label, str]], frozenset[str]] | None:
    """Split one line that starts with a label into (label, value) pairs.

    Later labels split the value only when they fit the block's languages and
    name a field not seen yet (``inner`` False keeps the line as one field).
    Returns None when the line does not start with a label.
    """
    if len(line) > th.MAX_LABEL_LINE_LENGTH:
        line = line[: th.MAX_LABEL_LINE_LENGTH]
    m = _LINE_LABEL.match(line) if _may_label(line) else None
    if m is None:
        return None
    first = _pick(m.group("label"), languages)
    if first is None:
        return None
    langs = (languages & first.languages) or languages
    out: list[tuple[Label, str]] = []
    cur, cur_start = first, m.end()
    # (Every inner label ends with a colon: a value with none holds no label.)
    if (
        inner
        and (line.find(":", m.end()) >= 0 or line.find("：", m.end()) >= 0)
        and _INNER_END.search(line, m.end()) is not None
    ):
        local_seen = set(seen)
        local_seen.add(first.field)
        for im in _INNER_LABEL.finditer(line, m.end()):
            lab = _pick(im.group("label"), langs, strict=True)
            if lab is None or (lab.field in local_seen and lab.field is not Field.OTHER):
                continue
            out.append((cur, _clean(line[cur_start : im.start()])))
            langs = (langs & lab.languages) or langs
            local_seen.add(lab.field)
            cur, cur_start = lab, im.end()
    out.append((cur, _clean(line[cur_start:])))
    return out, langs


def is_field_line(line: str) -> bool:
    """Whether a line starts with a known header label."""
    return _may_label(line) and _LINE_LABEL.match(line[:200]) is not None


def _field_line_fields(line: str) -> set[Field]:
    m = _LINE_LABEL.match(line[:200]) if _may_label(line) else None
    if m is None:
        return set()
    return {lab.field for lab in _BY_TEXT.get(m.group("label"), ())}


def read_header_block(lines: Sequence[str], start: int) -> HeaderBlock | None:
    """Read a header block beginning at ``lines[start]``, or None.

    The caller decides whether the block is enough evidence (see
    :func:`is_convincing`); this only reads what is there.
    """
    n = len(lines)
    if start >= n:
        return None
    languages = _ALL_LANGUAGES
    seen: set[Field] = set()
    fields: list[tuple[Field, str]] = []
    flattened = False
    i = start
    end = start
    last_value_open = False  # the previous value ended with "," or ";" (address list goes on)
    limit = min(n, start + th.MAX_HEADER_LINES)
    while i < limit:
        line = lines[i]
        if not line.strip():
            # Blank lines inside the block (Outlook Web): go on only if a field
            # not seen yet follows within a few lines.
            j = i
            while j < limit and not lines[j].strip() and j - i < th.MAX_BLANKS_IN_HEADER:
                j += 1
            if (
                j < limit
                and lines[j].strip()
                and not (_field_line_fields(lines[j]) & seen)
                and (_field_line_fields(lines[j]))
            ):
                i = j
                continue
            break
        got = split_fields(line, languages, seen, inner=True)
        if got is not None:
            pairs, languages_after = got
            new = [
                (lab, v) for lab, v in pairs if lab.field not in seen or lab.field is Field.OTHER
            ]
            if not new or (pairs[0][0].field in seen and pairs[0][0].field is not Field.OTHER):
                break  # a repeated field starts another block
            if len(pairs) >= 2:
                flattened = True
            for lab, v in new:
                seen.add(lab.field)
                if lab.field is not Field.OTHER:
                    fields.append((lab.field, v))
            languages = languages_after or languages
            last_value_open = pairs[-1][1].rstrip().endswith((",", ";"))
            i += 1
            end = i
            continue
        # A line without a label: a wrapped value if the value was left open,
        # or if a field line follows within a few lines.
        if not fields:
            break
        cont = last_value_open
        if not cont:
            j = i + 1
            while j < limit and j - i <= th.MAX_CONTINUATION_LINES and lines[j].strip():
                fl = _field_line_fields(lines[j])
                if fl:
                    cont = not (fl & seen)
                    break
                j += 1
        if not cont or i - end >= th.MAX_CONTINUATION_LINES:
            break
        f, v = fields[-1]
        fields[-1] = (f, _clean(v + " " + line.strip()))
        last_value_open = line.rstrip().endswith((",", ";"))
        i += 1
        end = i
    if not fields:
        return None
    language = None
    specific = sorted(languages) if languages != _ALL_LANGUAGES else []
    if specific:
        language = "en" if "en" in specific else specific[0]
    return HeaderBlock(tuple(fields), start, end, flattened, language, languages)


def is_convincing(block: HeaderBlock, *, after_banner: bool) -> bool:
    """Whether a header block is enough evidence for a split (see thresholds)."""
    has_from = block.get(Field.FROM) is not None
    if after_banner:
        return block.evidence + (1 if has_from else 0) >= th.MIN_FIELDS_AFTER_BANNER
    if not has_from or not looks_like_sender(block.get(Field.FROM) or ""):
        return False
    need = (
        th.MIN_FLATTENED_FIELDS_WITHOUT_BANNER if block.flattened else th.MIN_FIELDS_WITHOUT_BANNER
    )
    return block.evidence >= need


def looks_like_sender(value: str) -> bool:
    """A From value that could name a person or an address (not prose, not a path)."""
    value = value.strip()
    if not value:
        return False
    if "@" in value:
        return True
    if len(value) > th.MAX_NAME_LENGTH or "/" in value or value.endswith((".", ":", "?", "!")):
        return False
    return len(value.split()) <= th.MAX_NAME_WORDS


class AttributionMatch(NamedTuple):
    """A reply attribution ("On DATE, NAME wrote:") over one or more lines.

    (A tuple: one is made for most replies, cheaper than a dataclass.)
    """

    start: int
    end: int  # line after the attribution
    date: str | None
    from_: str | None
    style: str
    language: str


_TIME = re.compile(r"\d{1,2}:\d{2}(?::\d{2})?(?:[ \t]?(?:[AaPp]\.?[Mm]\.?))?(?:[ \t]?Uhr)?")
_ZONE_AFTER = re.compile(r"[ \t]?(?:[+-]\d{4}|\([A-Z]{2,5}\)|[A-Z]{2,5}(?=[ ,]))")


def _last_time(s: str) -> re.Match[str] | None:
    """The last match of ``_TIME.finditer(s)``, trying only where a match can start.

    A time starts one or two characters before a colon (``\\d{1,2}:``), so
    the positions finditer would try in between cannot match: trying these,
    in order and past the end of the last match, finds the same matches.
    """
    last = None
    pos = 0
    c = s.find(":")
    while c >= 0:
        for start in (c - 2, c - 1):
            if start >= pos:
                m = _TIME.match(s, start)
                if m is not None:
                    last = m
                    pos = m.end()
                    break
        c = s.find(":", c + 1)
    return last


def _split_both(both: str) -> tuple[str | None, str | None]:
    """Split "DATE, NAME" (or "DATE NAME") as written before "wrote:"."""
    both = both.strip()
    # The name follows the last time of day ("... at 9:34 AM Name <a@b>").
    last = _last_time(both)
    if last is not None:
        cut = last.end()
        z = _ZONE_AFTER.match(both, cut)
        if z is not None:
            cut = z.end()
        date, name = both[:cut], both[cut:]
        name = name.lstrip(" \t,")
        if name:
            return date.strip().rstrip(","), name.strip()
    # Otherwise at the last comma outside <...>.
    depth = 0
    cut_at = -1
    for k, c in enumerate(both):
        if c == "<":
            depth += 1
        elif c == ">":
            depth = max(0, depth - 1)
        elif c == "," and depth == 0:
            cut_at = k
    if cut_at > 0:
        return both[:cut_at].strip() or None, both[cut_at + 1 :].strip() or None
    return None, both or None


def _tidy_from(value: str) -> str:
    # "Someone <\nsomeone@example.com>" joined over lines leaves "< " behind.
    value = value.replace("< ", "<").replace(" >", ">")
    return value.strip()


_ATTRIBUTION_ENDS = frozenset(":：>")


def _any_attribution() -> re.Pattern[str]:
    """One regex that matches where one of ``ATTRIBUTIONS`` matches: group k+1 is row k.

    Built from the table with the named groups made non-capturing, so a line
    that is no attribution costs one match call instead of one per row; the
    alternation tries the rows in table order, so the first alternative that
    matches is the row the table gives first.
    """
    parts = []
    for att in ATTRIBUTIONS:
        assert not att.regex.flags & re.IGNORECASE, "attribution patterns are case-sensitive"
        parts.append("((?:" + re.sub(r"\(\?P<\w+>", "(?:", att.regex.pattern) + "))")
    return re.compile("|".join(parts))


_ANY_ATTRIBUTION = _any_attribution()


def match_attribution(lines: Sequence[str], start: int) -> AttributionMatch | None:
    """An attribution starting at ``lines[start]``, possibly wrapped over lines."""
    first = lines[start]
    if not first.strip() or len(first) > th.MAX_ATTRIBUTION_LENGTH or first[:1] in " \t>":
        return None
    n = len(lines)
    for extra in range(th.MAX_ATTRIBUTION_LINES):
        k = start + extra
        if extra and (k >= n or not lines[k].strip() or lines[k].startswith(">")):
            return None
        # Every attribution ends with a colon (or, old Gmail, an address in
        # angle brackets): a cheap test that spares the regexes most lines.
        if lines[k].rstrip()[-1:] not in _ATTRIBUTION_ENDS:
            continue
        text = " ".join([ln.strip() for ln in lines[start : k + 1]]) if extra else first.strip()
        if len(text) > th.MAX_ATTRIBUTION_LENGTH:
            return None
        got = _read_attribution(text)
        if got is None:
            continue
        if got is _PROSE:
            return None
        date, who, style, language = got
        return AttributionMatch(start, start + extra + 1, date, who, style, language)
    return None


_PROSE = ("", None, "", "")  # an attribution's form with no date: prose


@lru_cache(maxsize=2048)
def _read_attribution(text: str) -> tuple[str, str | None, str, str] | None:
    """(date, sender, style, language) of the attribution ``text`` (lines joined);
    None when no row matches, ``_PROSE`` when it has no date. Remembered: a
    list message's attribution comes back in every reply that quotes it."""
    # The first row that matches: the first row itself (the most common
    # form), else the row the combined regex finds, read again with its
    # own groups.
    att = ATTRIBUTIONS[0]
    m = att.regex.match(text)
    if m is None:
        got = _ANY_ATTRIBUTION.match(text)
        if got is None or not got.lastindex:
            return None
        att = ATTRIBUTIONS[got.lastindex - 1]
        m = att.regex.match(text)
        if m is None:
            return None
    groups = m.groupdict()
    if groups.get("both") is not None:
        date, who = _split_both(groups["both"])
    else:
        date, who = groups.get("date"), groups.get("from")
    if who is not None:
        who = _tidy_from(who)
    if not date or not any(map(str.isdigit, date)):
        # "On the wiki, Bob wrote:" is prose: a real attribution dates the message.
        return _PROSE
    return date.strip(), who or None, att.style, att.language


def _on_digit(line: str) -> bool:
    """Whether " on " is followed by a digit somewhere in ``line`` ("Name on DATE" needs it)."""
    k = line.find(" on ")
    while k >= 0:
        if line[k + 4 : k + 5].isdigit():
            return True
        k = line.find(" on ", k + 1)
    return False


def match_lotus(lines: Sequence[str], start: int) -> tuple[str, str, int] | None:
    """A Lotus Notes "Name on DATE" block followed closely by To/cc/Subject fields.

    Returns the sender, the date and the line where the fields begin. The
    name and the date may share a line ("Name on DATE") or take one each.
    """
    line = lines[start].strip()
    if len(line) > th.MAX_ATTRIBUTION_LENGTH or not line[-1:].isalnum():
        return None
    if " on " not in line and "/" not in line:
        return None  # neither "Name on DATE" nor a hierarchical Notes name
    m = LOTUS_NAME_ON_DATE.match(line) if _on_digit(line) else None
    if m is not None:
        who, date, nxt = m.group("from"), m.group("date"), start + 1
    else:
        # The two-line form: the date line below starts with a digit.
        if "/" not in line or start + 1 >= len(lines):
            return None
        below = lines[start + 1].strip()
        if not below[:1].isdigit():
            return None
        name = LOTUS_NAME_LINE.match(line)
        if name is None:
            return None
        d = LOTUS_DATE_LINE.match(below)
        if d is None:
            return None
        who, date, nxt = name.group("from"), d.group("date"), start + 2
    for k in range(nxt, min(len(lines), nxt + th.MAX_LOTUS_LOOKAHEAD)):
        if _field_line_fields(lines[k]) & {Field.TO, Field.CC, Field.SUBJECT}:
            return who.strip(), date.strip(), k
    return None
