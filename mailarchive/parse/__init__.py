"""parse: raw message bytes to Email records.

``parse_message`` reads one :class:`~mailarchive.sources.raw.RawMessage`
(an RFC 5322 message) into its Email record and the records of the messages
attached to it; ``raw_email_id`` recomputes the top-level record's id. The
field readers (``addresses``, ``dates``, ``msgids``, ``bodies``,
``charsets``) are usable on their own, e.g. on headers found in pasted text.
Pasted-text documents (``source.kind == text``) go to the segmenter instead.
"""

from __future__ import annotations

from mailarchive.parse.message import parse_message, raw_email_id

__all__ = ["parse_message", "raw_email_id"]
