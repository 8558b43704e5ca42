"""Message-ID, In-Reply-To and References: tokenize and normalize ids.

Input: a header value as text (already unfolded or not). Output: the ids in
header order without angle brackets, deduplicated keeping the first, and the
defects found. Real headers carry more than RFC 5322 section 3.6.4 allows:
folding inside an id, doubled brackets (``<<id>>``), comments, free text
between ids (``In-Reply-To: Your message of ... <id>``), ids without
brackets. Everything is scanned left to right once (no backtracking).
"""

from __future__ import annotations

import re

from mailarchive.model import Defect

# An angle-bracketed token: no nested quantifiers, so linear.
_BRACKETED = re.compile(r"<([^<>]*)>")
_SPACE = re.compile(r"\s+")
_BARE_SPLIT = re.compile(r"[\s,;]+")
# Only well-formed bracketed ids and whitespace. Every repetition starts at a
# '<' that the inner classes exclude, so matching stays linear.
_CLEAN = re.compile(r"\s*(?:<[^<>\s@]+@[^<>\s@]+>\s*)+")
_CLEAN_ID = re.compile(r"<([^<>\s]+)>")
_COMMENT = re.compile(r"\([^()]*\)")
_TRIM = "<>\"'.,;:()[]"


def _strip_comments(value: str) -> tuple[str, bool]:
    """Remove RFC 5322 comments (up to 3 levels of nesting), also those holding ``<...>``."""
    if "(" not in value:
        return value, False
    text = value
    for _ in range(3):
        text, count = _COMMENT.subn(" ", text)
        if not count:
            break
    return text, text != value


# One ``<id@host>`` word (no "<", ">", "@" or blank in either half) between
# blank space; a regex's \s is str.split's blank (both are str.isspace).
_ONE_WORD = re.compile(r"\s*<([^<>@\s]+@[^<>@\s]+)>\s*")


def _simple_ids(value: str) -> tuple[str, ...] | None:
    """The ids of a value made of ``<id@host>`` words between blank space, each
    word one id (no ``<``, ``>``, ``@`` or blank inside either half): what
    ``_CLEAN`` and ``_CLEAN_ID`` read there, without the regex engine. None
    for anything else (ids written together, junk, no id)."""
    m = _ONE_WORD.fullmatch(value)  # the usual Message-ID and In-Reply-To
    if m is not None:
        return (m.group(1),)
    ids: list[str] = []
    for word in value.split():  # str.split's blanks are the regex's \s
        if (
            word[0] != "<"
            or word[-1] != ">"
            or word.count("<") != 1
            or word.count(">") != 1
            or word.count("@") != 1
        ):
            return None
        at = word.index("@")
        if at == 1 or at == len(word) - 2:
            return None
        ids.append(word[1:-1])
    if not ids:
        return None
    return tuple(dict.fromkeys(ids)) if len(ids) > 1 else (ids[0],)


def parse_msgids(
    value: str | None, *, header: str = "References"
) -> tuple[tuple[str, ...], tuple[Defect, ...]]:
    """Ids in ``value`` without ``<>``, in order, deduplicated keeping the first.

    ``header`` names the header for defects; for ``Message-ID`` a single
    bare token without ``@`` is still taken as the id (with a defect).
    """
    if not value:
        return (), ()
    simple = _simple_ids(value)
    if simple is not None:
        return simple, ()
    if _CLEAN.fullmatch(value):  # only well-formed <id@host>
        return tuple(dict.fromkeys(_CLEAN_ID.findall(value))), ()
    defects: list[Defect] = []
    text, _ = _strip_comments(value)
    ids: dict[str, None] = {}  # ordered set: first occurrence wins
    bad: list[str] = []
    add = ids.setdefault

    pos = 0
    junk: list[str] = []
    for m in _BRACKETED.finditer(text):
        junk.append(text[pos : m.start()])
        pos = m.end()
        token = _SPACE.sub("", m.group(1))
        if not token:
            continue
        if "@" not in token:
            bad.append(token)
        add(token, None)
    junk.append(text[pos:])
    outside = " ".join(junk)
    if "<" in outside or ">" in outside:
        defects.append(Defect("bad-message-id", "stray angle bracket", header))
    # Ids written without brackets: words that look like addr-spec.
    bare = [t.strip(_TRIM) for t in _BARE_SPLIT.split(outside) if "@" in t]
    bare = [t for t in bare if t and not t.startswith("@") and not t.endswith("@")]
    if bare:
        defects.append(Defect("bad-message-id", "id without angle brackets", header))
        for token in bare:
            add(token, None)
    if not ids and header.lower() == "message-id":
        words = [t.strip(_TRIM) for t in _BARE_SPLIT.split(outside)]
        words = [w for w in words if w]
        if len(words) == 1:
            defects.append(
                Defect("bad-message-id", f"id without '@' or brackets: {words[0]!r}", header)
            )
            add(words[0], None)
    if bad:
        defects.append(Defect("bad-message-id", f"id without '@': {bad[0]!r}", header))
    if not ids:
        defects.append(Defect("bad-message-id", f"no message id in {value[:80]!r}", header))
    if "<<" in value or ">>" in value:
        defects.append(Defect("bad-message-id", "doubled angle brackets", header))
    return tuple(ids), tuple(defects)
