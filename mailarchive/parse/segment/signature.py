"""Find the signature at the end of authored text.

Input: the authored text of one message (embedded messages already cut
out). Output: ``(authored, signature)`` where ``signature`` is None when
none was found. Recognised, in order: the RFC 3676 section 4.3 ``-- ``
delimiter (and ``--``/``__``) with a short block after it; mobile sign-offs
("Sent from my iPhone"); a "-Name" sign-off; a short name line right after a
valediction ("Thanks," / "Best,"). Sign-offs with no such cue (initials
like ``ksjp`` on their own) are found across messages by
:func:`split_repeated_signoff`: a short last line that also ends another
message of the same tree is a signature.
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
    return all(ch.isalpha() or ch in " .'’-" for ch in s)


def _lines(text: str) -> list[str]:
    return text.split("\n")


def _rstrip_lines(lines: list[str]) -> list[str]:
    while lines and not lines[-1].strip():
        lines.pop()
    return lines


def split_signature(text: str) -> tuple[str, str | None]:
    """Cut the signature off ``text``: ``(authored, signature or None)``."""
    lines = _rstrip_lines(_lines(text))
    n = len(lines)
    if n == 0:
        return "", None
    # RFC 3676 "-- " delimiter (the last one), with a short block after it; a
    # sign-off right above a mailing-list footer rule belongs to the signature.
    for k in range(n - 1, max(-1, n - 2 - th.MAX_SIGNATURE_LINES), -1):
        if SIGNATURE_DELIMITER.match(lines[k].rstrip("\r")) and k > 0:
            sig = "\n".join(lines[k + 1 :]).strip()
            if sig:
                if lines[k].startswith("_"):
                    above_rest, above = _signoff(_rstrip_lines(lines[:k]))
                    footer = "\n".join(lines[k:]).rstrip()
                    return above_rest, footer if above is None else above + "\n" + footer
                return "\n".join(_rstrip_lines(lines[:k])), sig
    return _signoff(lines)


def _signoff(lines: list[str]) -> tuple[str, str | None]:
    """A one-line sign-off at the end of ``lines`` (trailing blanks already gone)."""
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
    return "\n".join(lines), None


def last_line(text: str) -> str | None:
    """The last non-blank line of ``text`` if it could be a sign-off."""
    lines = _rstrip_lines(_lines(text))
    if len(lines) < 2:
        return None
    s = lines[-1].strip()
    return s if is_signoff_line(s) else None


def split_repeated_signoff(text: str) -> tuple[str, str]:
    """Cut the last line (already known to repeat elsewhere) off ``text``."""
    lines = _rstrip_lines(_lines(text))
    return "\n".join(_rstrip_lines(lines[:-1])), lines[-1].strip()
