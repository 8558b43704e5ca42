"""Maildir file names: flags and delivery time.

Input: a Maildir message file name such as
``1234567890.M12P34.host:2,FRS``. Output: its flags (``("F", "R", "S")``)
and the delivery time the name starts with.

The info part follows ``:2,`` (``!2,`` or ``;2,`` on file systems that
forbid colons); its letters are the flags (D draft, F flagged, P passed,
R replied, S seen, T trashed; lower-case letters are Dovecot keywords),
kept in file-name order. The name's leading number is the delivery time in
seconds since the epoch (cr.yp.to/proto/maildir.html); names that do not
start with a plausible one (fewer than 9 digits) give no time. The file's
modification time is not used: it changes with every copy, and output must
depend on the input only.
"""

from __future__ import annotations

from datetime import UTC, datetime

_INFO_MARKERS = (":2,", "!2,", ";2,")


def maildir_flags(name: str) -> tuple[str, ...]:
    """Flags from a Maildir file name; () when it has no info part."""
    for marker in _INFO_MARKERS:
        _, found, info = name.rpartition(marker)
        if found:
            return tuple(dict.fromkeys(char for char in info if char.isalpha()))
    return ()


def has_maildir_info(name: str) -> bool:
    """True when ``name`` carries a Maildir ``:2,`` info part."""
    return any(marker in name for marker in _INFO_MARKERS)


def maildir_time(name: str) -> datetime | None:
    """Delivery time from the leading seconds of a Maildir file name."""
    digits = name.split(".", 1)[0]
    if not digits.isdigit() or not 9 <= len(digits) <= 11:
        return None
    try:
        return datetime.fromtimestamp(int(digits), UTC)
    except (OverflowError, OSError, ValueError):
        return None
