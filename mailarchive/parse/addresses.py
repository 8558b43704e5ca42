"""Address lists: RFC 5322 headers and the loose forms found in pasted text.

Input: an address header value (RFC 2047 encoded words still in it), or the
value of an ``Cc:`` line copied from a mail client. Output: a tuple of
:class:`~mailarchive.model.EmailAddress` (None when there was no value) and
the defects found. Never raises; never returns a person with neither a name
nor an address.

What is read, beyond RFC 5322 section 3.4:

- name-only lists (``Brian Yang , Grant Wang``: two people, no address);
- semicolon-separated lists, where ``Doe, John; Roe, Jane`` is two people;
- groups (``team: a@x, b@y;``): members flattened, group name dropped;
- an empty group (``Kristofer PISTER:;``) is the person it names, known by
  name only (how mailarchive's mbox export writes such a person), unless its
  name is a placeholder for hidden recipients (``undisclosed-recipients:;``,
  see ``_PLACEHOLDER_GROUPS``), which names no one;
- ``Name [mailto:addr]`` (Outlook pasted text), ``addr (Name)`` (old style),
  ``Name addr`` without brackets, ``user at example.com`` (list archives);
- RFC 2047 encoded names, also inside quotes where RFC 2047 forbids them.

The value is cut into tokens by one regular expression whose alternatives
start with distinct characters (linear time on any input).
"""

from __future__ import annotations

import re
from functools import lru_cache

from mailarchive.model import Defect, EmailAddress, positional
from mailarchive.parse.charsets import decode_words

_TOKEN = re.compile(
    r'"(?:[^"\\]|\\.)*"?'  # quoted string (unterminated: to the end)
    r"|\((?:[^()\\]|\\.)*\)?"  # comment (one level)
    r"|<[^<>]*>?"  # angle-addr
    r"|\[[^\[\]]*\]?"  # [mailto:...] or domain literal
    r"|[,;:]"  # separators
    r'|[^",;:(<\[]+'  # anything else
)
_AT_FORM = re.compile(r"^([^\s@()<>\[\]\",;:]+) at ([A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+)$")
_SPACES = re.compile(r"\s+")
_QUOTED_PAIR = re.compile(r"\\(.)")
_NAME_TRIM = " \t\r\n\"'"
_MAX_LEN = 100_000
# Names that mail software gives an empty group to say the recipients are
# hidden (RFC 5322 section 3.4 example "Undisclosed recipients:;"): no person.
# Compared case-folded, with "-", "_" and "." read as spaces.
_PLACEHOLDER_GROUPS = frozenset(
    {
        "undisclosed recipients",  # RFC 5322 appendix A.1.3; Postfix undisclosed_recipients_header
        "undisclosed recipient",
        "unlisted recipients",
        "recipient list not shown",
        "recipient list suppressed",
        "hidden recipients",
        "undisclosed",
        "empfänger nicht angegeben",  # German clients
        "destinataires inconnus",  # French clients
    }
)

Piece = list[str]


def _is_placeholder(name_tokens: Piece) -> bool:
    name = _clean_name("".join(_unquote(t) for t in name_tokens if not t.startswith("(")))
    if name is None:
        return True
    key = " ".join(name.casefold().replace("-", " ").replace("_", " ").replace(".", " ").split())
    return key in _PLACEHOLDER_GROUPS


def _split(tokens: list[str]) -> list[Piece]:
    """Cut tokens into one list per person (groups flattened, see the module docstring)."""
    semicolons = False
    in_group = False
    current: Piece = []
    for tok in tokens:  # first pass: is ';' the list separator?
        if tok == ":" and not in_group and not _has_address(current):
            in_group = True
            current = []
        elif tok == ";":
            if in_group:
                in_group = False
            else:
                semicolons = True
                break
        elif tok == ",":
            current = []
        else:
            current.append(tok)
    pieces: list[Piece] = []
    current = []
    in_group = False
    group_name: Piece = []
    members = False
    for tok in tokens:
        if tok == ":" and not in_group and not _has_address(current):
            in_group = True  # group display-name: dropped (RFC 5322 section 3.4) ...
            group_name, members = current, False
            current = []
            continue
        if tok == ";" or (tok == "," and not semicolons):
            if in_group and any(t.strip() for t in current):
                members = True
            if tok == ";" and in_group:
                in_group = False
                if not members and not _is_placeholder(group_name):
                    current = group_name  # ... unless the group is empty: then it names a person
            pieces.append(current)
            current = []
            continue
        current.append(tok)
    pieces.append(current)
    if semicolons:
        # Inside a ';' list, commas separate only when every side has an address.
        out: list[Piece] = []
        for piece in pieces:
            subs: list[Piece] = [[]]
            for tok in piece:
                if tok == ",":
                    subs.append([])
                else:
                    subs[-1].append(tok)
            if len(subs) > 1 and all(_has_address(s) for s in subs):
                out.extend(subs)
            else:
                out.append(piece)
        pieces = out
    return [p for p in pieces if any(t.strip() for t in p)]


def _has_address(tokens: Piece) -> bool:
    return any("@" in t for t in tokens if not t.startswith(("(", '"')))


def _clean_name(text: str) -> str | None:
    text = _SPACES.sub(" ", text).strip(_NAME_TRIM + ",;")
    if "\\" in text:
        text = _QUOTED_PAIR.sub(r"\1", text)
    if "=?" in text:
        text = _decoded_name(text)
    return text or None


@lru_cache(maxsize=4096)
def _decoded_name(text: str) -> str:
    """A name's encoded words decoded, blanks folded: remembered, as a list's
    senders with such names recur under different addresses."""
    text, _ = decode_words(text)
    return _SPACES.sub(" ", text).strip(_NAME_TRIM)


def _clean_email(text: str) -> str | None:
    text = _SPACES.sub("", text).strip("<>[]\"',;:.")
    if text[:7].lower() == "mailto:":
        text = text[7:]
    m = _AT_FORM.match(text) if " at " in text else None
    if m:
        text = f"{m.group(1)}@{m.group(2)}"
    local, at, domain = text.rpartition("@")
    if not at or not local or not domain:
        return None
    return text


def _unquote(tok: str) -> str:
    if tok.startswith('"'):
        return tok[1:-1] if tok.endswith('"') and len(tok) > 1 else tok[1:]
    return tok


def _comment_text(tok: str) -> str:
    return tok[1:-1] if tok.endswith(")") else tok[1:]


def _person(piece: Piece, header: str | None) -> tuple[EmailAddress | None, Defect | None]:
    email: str | None = None
    name_parts: list[str] = []
    comments: list[str] = []
    bad: str | None = None
    angle = [t for t in piece if t.startswith("<")]
    square = [t for t in piece if t.startswith("[") and ("@" in t or "mailto:" in t.lower())]
    if angle:
        inner = angle[-1].strip("<>").strip()
        if inner:
            # "user at host" inside brackets (list archives) before the check
            at_form = _AT_FORM.match(_SPACES.sub(" ", inner))
            email = _clean_email(inner) if not at_form else f"{at_form[1]}@{at_form[2]}"
            if email is None:
                bad = inner
        before = True
        for tok in piece:
            if tok is angle[-1]:
                before = False
                continue
            if tok.startswith("(") and not (before and any(p.strip() for p in name_parts)):
                comments.append(_comment_text(tok))
            elif tok.startswith("("):
                # "Jason Lee (=?GB2312?...?=) <addr>": the comment is part of the name shown
                name_parts.append(tok)
            elif tok.startswith("<"):
                bad = bad or tok
            else:
                name_parts.append(_unquote(tok))
    elif square:
        email = _clean_email(square[-1].strip("[]").strip())
        for tok in piece:
            if tok is square[-1]:
                continue
            if tok.startswith("("):
                comments.append(_comment_text(tok))
            else:
                name_parts.append(_unquote(tok))
    else:
        words: list[str] = []
        for tok in piece:
            if tok.startswith("("):
                comments.append(_comment_text(tok))
            elif tok.startswith('"'):
                name_parts.append(_unquote(tok))
            else:
                words.append(tok)
        run = _SPACES.sub(" ", "".join(words)).strip()
        at_form = _AT_FORM.match(run) if " at " in run else None
        if at_form:
            email = f"{at_form[1]}@{at_form[2]}"
        elif "@" in run:
            split = run.split(" ")
            last = max(i for i, w in enumerate(split) if "@" in w)
            email = _clean_email(split[last])
            if email is None:
                bad = split[last]
            rest = [w for i, w in enumerate(split) if i != last]
            rest = [w for w in rest if "@" not in w or _clean_email(w) != email]
            name_parts.append(" ".join(rest))
        else:
            name_parts.append(run)
    name = _clean_name("".join(name_parts))
    if name is None and comments:
        name = _clean_name(" ".join(comments))
    if name is not None and email is not None:
        cmp = name.replace(" at ", "@").replace(" ", "")
        if email in (cmp, name):
            name = None
    if email is None and name is not None and "<" in name and "@" in name:
        # An encoded word that held the whole "Name <addr>".
        again = _TOKEN.findall(name[:_MAX_LEN])
        if any(t.startswith("<") for t in again):
            return _person(again, header)
    defect = None
    if bad is not None:
        defect = Defect("bad-address", f"unreadable address {bad[:80]!r}", header)
    if name is not None and not any(ch.isalnum() for ch in name):
        defect = defect or Defect("bad-address", f"junk in address list: {name[:80]!r}", header)
        name = None
    if name is None and email is None:
        if defect is None:
            text = "".join(piece).strip()
            defect = Defect("bad-address", f"no name or address in {text[:80]!r}", header)
        return None, defect
    return EmailAddress(name=name, email=email), defect


# The forms most headers use, read without the tokenizer: "addr",
# "Name <addr>", '"Name" <addr>', comma-separated.
_SIMPLE_ADDR = re.compile(r"[^\s<>()\[\],;:\"@\\]+@[^\s<>()\[\],;:\"@\\]+")
# The name class excludes "<", so the greedy run cannot backtrack: linear.
_SIMPLE_NAMED = re.compile(
    r'\s*(?:"([^"\\]*)"\s*|([^"<>()\[\],;:@\\=]*))<([^\s<>()\[\],;:"@\\]+@[^\s<>()\[\],;:"@\\]+)>\s*'
)
# One of "();:[]\\": a regex search scans in C (a set's isdisjoint makes a string per character).
_HARD = re.compile(r"[();:\[\]\\]")


# Characters the full reader trims from the ends of an address or a name.
_EMAIL_EDGE = frozenset(".'")
_NAME_EDGE = frozenset(",;")


def _simple_name(raw: str, email: str) -> str | None:
    if "  " in raw or not raw.isprintable():  # else no blank run to fold (the usual name)
        raw = _SPACES.sub(" ", raw)
    name = raw.strip(_NAME_TRIM) or None
    return None if name == email else name


# A letter or digit (str.isalnum): re's \w less "_". One search, not a
# generator over the characters of every name.
_ALNUM = re.compile(r"[^\W_]")
# Made for most people read (model.Positional): the frozen __init__ is slower.
_new_address = positional(EmailAddress).new


def _plain(email: str, name: str | None) -> bool:
    """Whether the full reader keeps ``email`` and ``name`` as they are."""
    if email[0] in _EMAIL_EDGE or email[-1] in _EMAIL_EDGE:
        return False
    if name is None:
        return True
    return (
        name[0] not in _NAME_EDGE
        and name[-1] not in _NAME_EDGE
        and "@" not in name
        and (name[0].isalnum() or _ALNUM.search(name) is not None)
    )


def _fast(text: str) -> tuple[EmailAddress, ...] | None:
    """Common simple lists, or None when the full reader is needed.

    Declines a text with an encoded word, ``" at "`` or one of ``_HARD``'s
    characters. The two patterns exclude those characters outside a quoted
    name, so a one-item text they match needs no ``_HARD`` search of its own
    (a quoted name does).
    """
    if "=?" in text or " at " in text:
        return None
    if '"' in text:
        m = _SIMPLE_NAMED.fullmatch(text)
        if m is None:
            return None
        quoted = m.group(1)
        if quoted is not None and _HARD.search(quoted) is not None:
            return None
        email = m.group(3)
        name = _simple_name(quoted if quoted is not None else m.group(2), email)
        if not _plain(email, name):
            return None
        return (_new_address(name, email),)
    if "," not in text:  # one item, the usual From
        item = text.strip()
        if "<" not in item:  # _SIMPLE_ADDR excludes it, _SIMPLE_NAMED needs it
            if not item:
                return ()
            if _SIMPLE_ADDR.fullmatch(item) is None or not _plain(item, None):
                return None
            return (_new_address(None, item),)
        m = _SIMPLE_NAMED.fullmatch(item)
        if m is None:
            return None
        email = m.group(3)
        name = _simple_name(m.group(2), email)
        if not _plain(email, name):
            return None
        return (_new_address(name, email),)
    if _HARD.search(text) is not None:
        return None
    people: list[EmailAddress] = []
    for raw_item in text.split(","):
        item = raw_item.strip()
        if not item:
            continue
        if "<" not in item:
            if _SIMPLE_ADDR.fullmatch(item) is None or not _plain(item, None):
                return None
            people.append(_new_address(None, item))
            continue
        m = _SIMPLE_NAMED.fullmatch(item)
        if m is None:
            return None
        name = _simple_name(m.group(2) or "", m.group(3))
        if not _plain(m.group(3), name):
            return None
        people.append(_new_address(name, m.group(3)))
    return tuple(people)


def parse_addresses(
    value: str | None, *, header: str | None = None
) -> tuple[tuple[EmailAddress, ...] | None, tuple[Defect, ...]]:
    """Read an address list; ``header`` names the header in defects.

    Returns (None, ()) when ``value`` is None or blank; an empty tuple when
    the list holds no one (``undisclosed-recipients:;``).
    """
    if value is None or not value.strip():
        return None, ()
    defects: list[Defect] = []
    try:
        text = value
        if len(text) > _MAX_LEN:
            defects.append(Defect("bad-address", "address list too long: cut", header))
            text = text[:_MAX_LEN]
        if "\n" in text or "\r" in text:
            text = _SPACES.sub(" ", text)
        fast = _fast(text)
        if fast is not None:
            return fast, tuple(defects)
        people: list[EmailAddress] = []
        for piece in _split(_TOKEN.findall(text)):
            person, defect = _person(piece, header)
            if defect is not None:
                defects.append(defect)
            if person is not None:
                people.append(person)
        return tuple(people), tuple(defects)
    except Exception as exc:  # a bug here must not lose the message
        defects.append(Defect("bad-address", f"address list unreadable: {exc!r}", header))
        return None, tuple(defects)
