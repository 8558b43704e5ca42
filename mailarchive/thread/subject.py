"""Base subjects (RFC 5256 section 2.1), with localized reply/forward prefixes.

``base_subject("AW: [list] Re: Fwd: Meeting notes (fwd)")`` is
``"Meeting notes"``. The steps follow the RFC: collapse whitespace, strip
``(fwd)`` trailers, strip leaders (``Re:`` and friends from ``prefixes.py``,
each optionally preceded by list tags such as ``[list-name]``), strip a
leading list tag when something is left after it, unwrap ``[Fwd: ...]``, and
repeat until nothing changes. ``subject_key`` is what subjects are compared
by (case-folded). Every pattern is anchored and bounded, so hostile subjects
cost linear time per step.
"""

from __future__ import annotations

import re
from functools import lru_cache

from mailarchive.thread.prefixes import ALL_PREFIXES

_MAX_SUBJECT = 2000  # a subject longer than this is cut before extraction (bounded work)

_BLOB = r"\[[^\[\]]{0,200}\]"
# RFC 5256 subj-leader: *subj-blob subj-refwd, where subj-refwd is a prefix, an
# optional counter (Re[2]: Re(2): Re^2:), optional blanks and list tag, then a colon.
_LEADER = re.compile(
    rf"(?:{_BLOB}\s*)*(?:{'|'.join(re.escape(p) for p in ALL_PREFIXES)})"
    rf"\s*(?:\[\d{{1,4}}\]|\(\d{{1,4}}\)|\^\d{{1,4}})?\s*(?:{_BLOB}\s*)?[:：]\s*",
    re.IGNORECASE,
)
_LEADING_BLOB = re.compile(rf"{_BLOB}\s*")
_TRAILER = "(fwd)"
_FWD_WRAP = "[fwd:"


def _collapse(text: str) -> str:
    return " ".join(text[:_MAX_SUBJECT].split())


@lru_cache(maxsize=65536)
def split_subject(subject: str | None) -> tuple[str, bool]:
    """``(base subject, is_reply_or_forward)`` of ``subject`` (RFC 5256 section 2.1)."""
    if not subject:
        return "", False
    text = _collapse(subject)
    is_reply = False
    while True:
        # Step 2: trailing "(fwd)" and blanks.
        while text.lower().endswith(_TRAILER):
            text = text[: -len(_TRAILER)].rstrip()
            is_reply = True
        # Steps 3-5: leaders and a leading list tag, until neither applies.
        while True:
            match = _LEADER.match(text)
            if match:
                text = text[match.end() :]
                is_reply = True
                continue
            match = _LEADING_BLOB.match(text)
            if match and match.end() < len(text):
                text = text[match.end() :]
                continue
            break
        # Step 6: "[fwd: subject]" wraps the whole subject.
        if text[:5].lower() == _FWD_WRAP and text.endswith("]"):
            text = text[5:-1].strip()
            is_reply = True
            continue
        return text.strip(), is_reply


def base_subject(subject: str | None) -> str:
    """The RFC 5256 base subject: ``Re:``/``Fwd:``/``AW:``... and list tags removed."""
    return split_subject(subject)[0]


def is_reply_subject(subject: str | None) -> bool:
    """True when ``subject`` carries a reply or forward marker (``Re:``, ``(fwd)``, ...)."""
    return split_subject(subject)[1]


def subject_key(subject: str | None) -> str:
    """What two subjects are compared by: the base subject, case-folded."""
    return split_subject(subject)[0].casefold()
