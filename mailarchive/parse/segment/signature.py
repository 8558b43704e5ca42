"""Find the signature at the end of authored text.

Input: the authored text of one message (embedded messages already cut
out). Output: ``(authored, signature)`` where ``signature`` is None when
none was found. Recognised, in order: the RFC 3676 section 4.3 ``-- ``
delimiter (and ``--``, and a Mailman ``____`` footer rule) with a short block
after it; mobile sign-offs ("Sent from my iPhone"); a "-Name" sign-off; a
short name line right after a valediction ("Thanks," / "Best,"); initials
(``ksjp``, ``JD``) or one capitalized first name on the last line under a
finished sentence. Other short last lines are signatures when they repeat:
:func:`split_repeated_signoff` cuts a short last line that also ends
another message of the same tree.
"""

from __future__ import annotations

import re

from mailarchive.parse.segment import thresholds as th
from mailarchive.parse.segment.patterns import MOBILE_SIGNATURE, SIGNATURE_DELIMITER

_DASH_SIGNOFF = re.compile(
    r"^[-–—~][ \t]?(?P<name>[^\W\d_][\w.'’-]{0,20}(?: [\w.'’-]{1,20}){0,2})$"
)
_VALEDICTION = re.compile(
    r"^(?:thanks|thank you|thx|cheers|best|best regards|regards|kind regards|warm regards|"
    r"br|mfg|viele grüße|beste grüße|gruß|grüße|merci|cordialement|bien à vous|saludos|"
    r"un saludo|atentamente|cordiali saluti|saluti|grazie|obrigado|abraços|groeten|"
    r"met vriendelijke groet|mvh|med vänlig hälsning|hälsningar|pozdrawiam|"
    r"с уважением|спасибо|yours|sincerely|all the best|take care|love)[ \t]?[,.!]?$",
    re.IGNORECASE,
)


def is_signoff_line(line: str) -> bool:
    """A short line that could be a name or initials closing a message."""
    s = line.strip()
    if not s or len(s) > th.MAX_SIGNOFF_LENGTH or len(s.split()) > th.MAX_SIGNOFF_WORDS:
        return False
    if s[-1] in ".?!:;,)]}>" or not s[0].isalpha():
        return False
    # Letters and " .'’-" only: what is left without those marks is letters
    # (and not empty: s[0] is a letter).
    return s.translate(_NAME_MARKS).isalpha()


_NAME_MARKS = str.maketrans("", "", " .'’-")


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _rstrip_lines(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def _without_blank_end(text: str) -> str:
    """``text`` up to the end of its last non-blank line.

    The same as ``"\\n".join(_rstrip_lines(_lines(text)))``: the last
    non-blank line holds the last non-whitespace character.
    """
    r = len(text.rstrip())
    if r == 0:
        return ""
    end = text.find("\n", r)
    return text if end < 0 else text[:end]


# Lines of the end of a text that split_signature reads one by one; the
# text above them is kept as one element (see _tail_lines).
_TAIL = th.MAX_SIGNATURE_LINES + 6


def _tail_lines(body: str) -> list[str] | None:
    """``body`` as [everything above the tail, *the last _TAIL lines], or None.

    split_signature reads lines only within ``MAX_SIGNATURE_LINES + 2`` of the
    end, and strips blank lines upwards from there; two non-blank lines just
    below the cut (tail lines 1 to 4) stop that stripping before it reaches
    the joined head, so the result is the same as with every line. None when
    that does not hold (or the text is short): split every line then.
    """
    parts = body.rsplit("\n", _TAIL)  # [head, *the last _TAIL lines] when there are enough
    if len(parts) <= _TAIL:
        return None
    if sum(1 for ln in parts[2 : _TAIL - th.MAX_SIGNATURE_LINES] if ln.strip()) < 2:
        return None
    return parts


# A delimiter is searched for only among the last ``_DELIMITER_LINES`` lines
# (never the first line of the text).
_DELIMITER_LINES = th.MAX_SIGNATURE_LINES + 1
_WINDOW = 1024  # characters at the end of a text that usually hold those lines


def split_signature(text: str) -> tuple[str, str | None]:
    """Cut the signature off ``text``: ``(authored, signature or None)``.

    Works on the text itself, not a list of lines: a delimiter line starts
    with "-" or "_", so the candidates are found with ``rfind("\\n-")`` and
    ``rfind("\\n_")`` from the end, and only the lines the tests read are
    cut out (the same result as :func:`_split_signature_lines`, pinned by
    tests/test_seg_signature.py).
    """
    body = _without_blank_end(text)
    if not body:
        return "", None
    # RFC 3676 "-- " delimiter (the last one), with a short block after it; a
    # sign-off right above a mailing-list footer rule belongs to the signature.
    found = _delimiter(body)
    if found is None:
        return _signoff_text(body)
    pos, line, sig = found
    above = _without_blank_end(body[:pos])
    if line.startswith("_"):
        above_rest, signoff = _signoff_text(above)
        footer = body[pos + 1 :].rstrip()
        return above_rest, footer if signoff is None else signoff + "\n" + footer
    return above, sig


def _delimiter(body: str) -> tuple[int, str, str] | None:
    """The last delimiter line with a signature below it: (the "\\n" before it, it, signature).

    The delimiter lines lie within the last _DELIMITER_LINES "\\n" of the
    text: searched in its last _WINDOW characters first, and above them only
    when those hold fewer "\\n".
    """
    start = max(0, len(body) - _WINDOW)
    hi = len(body)
    while True:
        dash = body.rfind("\n-", start, hi)
        under = body.rfind("\n_", start, hi)
        while dash >= 0 or under >= 0:
            pos = dash if dash > under else under  # the "\n" before the delimiter line
            if body.count("\n", pos + 1) >= _DELIMITER_LINES:
                return None  # above the lines a delimiter may sit on (and so is every other)
            end = body.find("\n", pos + 1)
            line = body[pos + 1 :] if end < 0 else body[pos + 1 : end]
            if SIGNATURE_DELIMITER.match(line.rstrip("\r")):
                sig = body[end + 1 :].strip() if end >= 0 else ""
                if sig:
                    return pos, line, sig
            if pos == dash:
                dash = body.rfind("\n-", start, pos + 1)
            else:
                under = body.rfind("\n_", start, pos + 1)
        if start == 0 or body.count("\n", start) >= _DELIMITER_LINES:
            return None
        start, hi = 0, start + 1


def _signoff_text(body: str) -> tuple[str, str | None]:
    """:func:`_signoff` of ``body.split("\\n")`` (``body``: trailing blank lines already gone)."""
    if not body:
        return "", None
    nl = body.rfind("\n")
    if nl < 0:
        return body, None  # one line: nothing above a sign-off
    last = body[nl + 1 :].strip()
    # Mobile sign-off or "-Name" sign-off on the last line.
    if MOBILE_SIGNATURE.match(last) or _DASH_SIGNOFF.match(last):
        return _without_blank_end(body[:nl]), last
    if len(last) > _LONGEST_NAME:
        return body, None  # no name, no initials (the tests below all want a short line)
    above = body[body.rfind("\n", 0, nl) + 1 : nl]
    # A name right after a valediction.
    if is_signoff_line(last) and _VALEDICTION.match(above.strip()):
        return body[:nl].rstrip(), last
    # Initials ("ksjp", "JD") or a lone first name under a finished sentence.
    if _is_initials(last) or _is_first_name(last, above):
        return _without_blank_end(body[:nl]), last
    return body, None


_DELIMITER_STARTS = frozenset("-_")


def _split_signature_lines(text: str) -> tuple[str, str | None]:
    """:func:`split_signature` line by line: the reference the text search is tested against."""
    body = _without_blank_end(text)
    lines = (_tail_lines(body) or _lines(body)) if body else []
    n = len(lines)
    if n == 0:
        return "", None
    for k in range(n - 1, max(0, n - 2 - th.MAX_SIGNATURE_LINES), -1):
        # Every delimiter starts with "-" or "_": a cheap test before the regex.
        if lines[k][:1] in _DELIMITER_STARTS and SIGNATURE_DELIMITER.match(lines[k].rstrip("\r")):
            sig = "\n".join(lines[k + 1 :]).strip()
            if sig:
                if lines[k].startswith("_"):
                    above_rest, above = _signoff(_rstrip_lines(lines[:k]))
                    footer = "\n".join(lines[k:]).rstrip()
                    return above_rest, footer if above is None else above + "\n" + footer
                return "\n".join(_rstrip_lines(lines[:k])), sig
    return _signoff(lines, body)


def _signoff(lines: list[str], joined: str | None = None) -> tuple[str, str | None]:
    """A one-line sign-off at the end of ``lines`` (trailing blanks already gone).

    ``joined``: ``"\\n".join(lines)`` when the caller has it.
    """
    n = len(lines)
    if n == 0:
        return "", None
    last = lines[-1].strip()
    # Mobile sign-off on the last line.
    if MOBILE_SIGNATURE.match(last) and n > 1:
        return "\n".join(_rstrip_lines(lines[:-1])), last
    # "-Name" sign-off.
    if _DASH_SIGNOFF.match(last) and n > 1:
        return "\n".join(_rstrip_lines(lines[:-1])), last
    # A name right after a valediction.
    if n > 1 and is_signoff_line(last) and _VALEDICTION.match(lines[-2].strip()):
        return "\n".join(lines[:-1]).rstrip(), last
    # Initials ("ksjp", "JD") or a lone first name under a finished sentence.
    if n > 1 and (_is_initials(last) or _is_first_name(last, lines[-2])):
        return "\n".join(_rstrip_lines(lines[:-1])), last
    return ("\n".join(lines) if joined is None else joined), None


# Short words people end a message with that are not names or initials.
_NOT_A_SIGNOFF = frozenset(
    {
        "ok", "okay", "yes", "no", "yep", "nope", "bye", "thx", "ty", "lol", "cya", "tia",
        "fyi", "asap", "hi", "hey", "yo", "np", "omg", "btw", "imo", "ps", "pls", "plz",
        "sure", "done", "nah", "thanks", "cheers", "best", "regards", "hello", "agreed",
        "later", "ciao", "love", "yours", "sincerely", "everyone", "all", "again", "anyway",
        "tomorrow", "today", "soon", "please", "merci", "danke", "gracias", "grazie", "tack",
        "end", "eom", "fin", "test", "todo", "note", "update", "attached", "enjoy",
    }
)  # fmt: skip


def _is_initials(line: str) -> bool:
    """Initials: two to four lower-case consonants ("ksjp") or 2-3 capitals ("JD").

    Lower-case words have vowels ("blah", "kthxbai"); initials mostly do not.
    """
    s = line.strip()
    if not s.isascii() or not s.isalpha() or s.lower() in _NOT_A_SIGNOFF:
        return False
    if s.islower():
        return 2 <= len(s) <= _MAX_INITIALS and not set(s) & set("aeiou")
    return s.isupper() and 2 <= len(s) <= 3


_MAX_FIRST_NAME = 15
_MAX_INITIALS = 4
# The longest last line is_signoff_line, _is_initials or _is_first_name accept.
_LONGEST_NAME = max(th.MAX_SIGNOFF_LENGTH, _MAX_FIRST_NAME, _MAX_INITIALS)


def _is_first_name(line: str, above: str) -> bool:
    """One capitalized word right under a line that ends a sentence."""
    s = line.strip()
    return (
        2 <= len(s) <= _MAX_FIRST_NAME
        and s.isalpha()
        and s[0].isupper()
        and s[1:].islower()
        and s.lower() not in _NOT_A_SIGNOFF
        and above.rstrip()[-1:] in (".", "!", "?", ")")
    )


def last_line(text: str) -> str | None:
    """The last non-blank line of ``text`` if it could be a sign-off."""
    body = _without_blank_end(text)
    cut = body.rfind("\n")
    if cut < 0:
        return None  # fewer than two lines
    s = body[cut + 1 :].strip()
    return s if is_signoff_line(s) else None


def split_repeated_signoff(text: str) -> tuple[str, str]:
    """Cut the last line (already known to repeat elsewhere) off ``text``."""
    lines = _rstrip_lines(_lines(text))
    return "\n".join(_rstrip_lines(lines[:-1])), lines[-1].strip()
