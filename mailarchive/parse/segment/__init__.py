"""segment: messages embedded in bodies become records of their own.

``split_email(email)`` takes a record from the parser and returns it updated
(``content``: authored text, signature, embedded ids; ``inferred``) followed
by every message found inside its body, at any depth, pre-order: forwards,
quoted replies (``>`` blocks, attributions, Outlook/Apple/Gmail/Lotus header
blocks, flattened or not, in many languages). ``parse_text_dump(raw)`` reads
a pasted-text document (one or many emails) the same way.

Modules: ``patterns`` (the table of labels, banners and attributions, one
entry per client and language), ``thresholds`` (how much evidence a split
needs), ``headers`` (header blocks and attributions), ``segmenter`` (the
per-line scan), ``signature``, ``records`` (segments to Email records),
``textdump``, ``html`` (quote containers of HTML bodies). Records that are
``message/rfc822`` attachments are separate records from the parser and are
not entered here.
"""

from __future__ import annotations

from dataclasses import replace

from mailarchive.model import Defect, Email
from mailarchive.parse.segment.records import build_records, is_forward_subject
from mailarchive.parse.segment.segmenter import Node, Segment, segment_text
from mailarchive.parse.segment.textdump import parse_text_dump

__all__ = ["Node", "Segment", "body_to_split", "parse_text_dump", "segment_text", "split_email"]


def body_to_split(email: Email) -> tuple[str, str, str] | None:
    """(part id, text, the other body parts' text) that ``split_email`` reads:
    the first text part (else HTML part) with a value; None when there is none."""
    parts = email.text_body or email.html_body
    if len(parts) == 1:  # the usual case, without the lists below
        value = email.body_values.get(parts[0].part_id)
        return None if value is None else (parts[0].part_id, value.value, "")
    values = [
        (p.part_id, email.body_values[p.part_id].value)
        for p in parts
        if p.part_id in email.body_values
    ]
    if not values:
        return None
    part_id, text = values[0]
    return part_id, text, "\n".join(v for _, v in values[1:])


def split_email(email: Email) -> tuple[Email, ...]:
    """``email`` with its content split, then every embedded message (pre-order).

    Never raises: should the segmenter fail on some input it was not built
    for, the record comes back whole with a ``segment-failed`` defect.
    """
    found = body_to_split(email)
    if found is None:
        return (email,)
    part_id, text, extra = found
    try:
        node = segment_text(text, forward_subject=is_forward_subject(email.subject))
        return build_records(email, node, part_id, extra)
    except Exception as exc:  # a safety net: a defect, never a traceback
        defect = Defect("segment-failed", f"body kept whole: {type(exc).__name__}: {exc}"[:200])
        return (replace(email, defects=(*email.defects, defect)),)
