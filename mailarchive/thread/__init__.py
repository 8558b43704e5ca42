"""Threading: Email records in, a forest of threads out.

``build_threads`` links messages by their headers (JWZ / RFC 5256 REFERENCES
with loop-safe linking, phantom parents and pruning), by other thread
evidence (Gmail ``X-GM-THRID``, Outlook ``Thread-Index``), by what their
bodies show (forwards, quoted copies, quoted replies in text dumps) and,
as a choice, by subject. ``thread_headers`` is the same algorithm over
light :class:`Header` records, for callers that only have headers.
"""

from __future__ import annotations

from mailarchive.thread.core import SUBJECT_GROUPING, Forest, Header, Link, thread_headers
from mailarchive.thread.subject import base_subject, is_reply_subject, subject_key
from mailarchive.thread.threader import build_threads

__all__ = [
    "SUBJECT_GROUPING",
    "Forest",
    "Header",
    "Link",
    "base_subject",
    "build_threads",
    "is_reply_subject",
    "subject_key",
    "thread_headers",
]
