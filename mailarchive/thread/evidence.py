"""Thread evidence found in bodies: quoted copies, forwards, quoted replies.

Input: Email records, some of them found inside others (``derivation``).
Output: :class:`~mailarchive.thread.core.Link` records for the core.

- A quoted copy: an embedded message that is the same message as another
  record (same Message-ID; otherwise same sender, date within a few minutes,
  same base subject and a matching body fingerprint) becomes a *forced* link
  to that record (relation ``duplicate``): it is not a second message.
- A forward (embedded forward or attached ``message/rfc822``): the message
  that forwards hangs under what it forwards (relation ``forward``).
- A quoted reply segment: the message that quotes it hangs under it
  (relation ``reply``, method ``quote-match``).
- A rebuilt copy (a message mailarchive's mbox export rebuilt from an
  embedded one, read back: ``mailarchive.parse.rebuilt``) is a forced
  duplicate of its twin, the record split again from its container: same
  sender, subject, wall-clock date and text (:func:`copy_key`). Copies are
  matched last, so they never become the canonical record while their twin
  is there; without a twin they are matched like any quoted copy.

Links always point at the canonical record (the original, not a copy).
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterator, Mapping, Sequence
from datetime import datetime
from itertools import islice

from mailarchive.model import DerivationKind, Email, EmailAddress, Relation
from mailarchive.parse.rebuilt import is_rebuilt_copy
from mailarchive.thread.core import FORWARD_MATCH, MESSAGE_ID, QUOTE_MATCH, Link
from mailarchive.thread.subject import subject_key

FINGERPRINT_WORDS = 40  # words compared from the start of the authored text
MIN_FINGERPRINT_WORDS = 3  # shorter texts never match on their own
CLOSE_SECONDS = 5 * 60  # "date within a few minutes"
_MAX_ZONE_SECONDS = 14 * 3600  # a quoted date without zone may be off by any UTC offset
_ZONE_STEP_SECONDS = 15 * 60  # UTC offsets are multiples of 15 minutes
_MAX_TEXT = 20000  # characters read for a fingerprint
_COPY_WORDS = 400  # words of the text compared between a rebuilt copy and its twin

_WORD = re.compile(r"\w+")
_SEGMENT_KINDS = frozenset(
    {DerivationKind.FORWARD, DerivationKind.REPLY_QUOTE, DerivationKind.RFC822_ATTACHMENT}
)


def is_segment(email: Email) -> bool:
    """True for a message found inside another message (not a split text dump)."""
    return email.derivation is not None and email.derivation.kind in _SEGMENT_KINDS


def fingerprint(email: Email) -> tuple[str, ...]:
    """The first words of what the sender wrote, case-folded (quote marks and wrapping ignored)."""
    text = email.content.authored or email.text
    words = islice(_WORD.finditer(text, 0, _MAX_TEXT), FINGERPRINT_WORDS)
    return tuple(word.group().casefold() for word in words)


CopyKey = tuple[str, frozenset[str], str, tuple[str, ...]]


def copy_key(email: Email) -> CopyKey:
    """What a rebuilt copy and the record it was rebuilt from share exactly.

    Subject (whitespace folded), senders (address, else name words),
    wall-clock send time to the second (the export writes a time without
    zone as ``-0000``, read back as UTC) and the words of the text.
    """
    subject = " ".join((email.subject or "").split())
    senders = frozenset(
        a.email.casefold() if a.email else " ".join(_WORD.findall((a.name or "").casefold()))
        for a in email.from_ or ()
    )
    when = ""
    if email.sent_at is not None:
        when = email.sent_at.replace(tzinfo=None, microsecond=0).isoformat()
    words = islice(_WORD.finditer(email.text, 0, _MAX_TEXT), _COPY_WORDS)
    return (subject, senders, when, tuple(w.group().casefold() for w in words))


def _same_fingerprint(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if not short:
        return False
    if len(short) < MIN_FINGERPRINT_WORDS and len(short) != len(long_):
        return False
    return long_[: len(short)] == short


def _name_key(name: str) -> frozenset[str]:
    return frozenset(_WORD.findall(name.casefold()))


def same_sender(a: Sequence[EmailAddress] | None, b: Sequence[EmailAddress] | None) -> bool:
    """True when some sender of ``a`` is some sender of ``b`` (by address, else by name)."""
    if not a or not b:
        return False
    for x in a:
        for y in b:
            if x.email and y.email:
                if x.email.casefold() == y.email.casefold():
                    return True
            elif x.name and y.name and _name_key(x.name) == _name_key(y.name):
                return True
    return False


def close_in_time(a: datetime | None, b: datetime | None) -> bool:
    """Within a few minutes; a date without zone may differ by a whole UTC offset."""
    if a is None or b is None:
        return False
    if (a.tzinfo is None) == (b.tzinfo is None):
        return abs((a - b).total_seconds()) <= CLOSE_SECONDS
    # One side has no zone: compare wall clocks first, then allow any UTC offset.
    wall = abs((a.replace(tzinfo=None) - b.replace(tzinfo=None)).total_seconds())
    if wall <= CLOSE_SECONDS:
        return True
    naive, aware = (a, b) if a.tzinfo is None else (b, a)
    offset = aware.utcoffset()
    utc = aware.replace(tzinfo=None) - offset if offset is not None else aware.replace(tzinfo=None)
    diff = (naive - utc).total_seconds()
    if abs(diff) > _MAX_ZONE_SECONDS + CLOSE_SECONDS:
        return False
    rest = diff % _ZONE_STEP_SECONDS
    return min(rest, _ZONE_STEP_SECONDS - rest) <= CLOSE_SECONDS


def _ancestors(email: Email, by_id: Mapping[str, Email]) -> set[str]:
    seen: set[str] = set()
    current = email
    while current.derivation is not None and current.derivation.parent_email_id not in seen:
        seen.add(current.derivation.parent_email_id)
        parent = by_id.get(current.derivation.parent_email_id)
        if parent is None:
            break
        current = parent
    return seen


def _order_key(email: Email) -> tuple[bool, float, str, int, str]:
    when = email.sort_time
    offset = email.source.offset if email.source.offset is not None else -1
    return (when is None, when or 0.0, email.source.path or "", offset, email.id)


class _Candidates:
    """Records a quoted copy may copy, by base subject and time (only near ones are tried).

    A copy without subject (``On Monday, Ann wrote:`` gives none) is compared
    with every subject: an unknown subject is not a different one.
    """

    def __init__(self) -> None:
        self.by_subject: dict[str, list[tuple[float, int, Email, tuple[str, ...]]]] = {}
        self.count = 0

    def add(self, email: Email, fp: tuple[str, ...]) -> None:
        when = email.sort_time
        if when is None:
            return  # never "within a few minutes" of anything
        self.count += 1
        entry = (when, self.count, email, fp)
        for key in {subject_key(email.subject), ""}:
            bisect.insort(self.by_subject.setdefault(key, []), entry, key=lambda x: x[:2])

    def near(self, email: Email) -> Iterator[tuple[Email, tuple[str, ...]]]:
        when = email.sort_time
        if when is None:
            return
        entries = self.by_subject.get(subject_key(email.subject), [])
        reach = _MAX_ZONE_SECONDS + CLOSE_SECONDS
        start = bisect.bisect_left(entries, (when - reach, -1), key=lambda x: x[:2])
        for k in range(start, len(entries)):
            entry = entries[k]
            if entry[0] > when + reach:
                break
            yield entry[2], entry[3]


def body_links(emails: Sequence[Email], index: Mapping[str, int]) -> tuple[list[Link], list[Link]]:
    """``(forced, links)`` for the core: quoted copies, then forwards and quoted replies."""
    by_id = {e.id: e for e in emails}
    copies = [e for e in emails if is_rebuilt_copy(e)]
    segments = [e for e in emails if is_segment(e) and not is_rebuilt_copy(e)]
    if not segments and not copies:
        return [], []
    canonical: dict[str, str] = {}
    forced: list[Link] = []
    owners: dict[str, Email] = {}
    candidates = _Candidates()
    for e in sorted(
        (e for e in emails if not is_segment(e) and not is_rebuilt_copy(e)), key=_order_key
    ):
        if e.message_id:
            owners.setdefault(e.message_id[0], e)
        fp = fingerprint(e)
        if fp:
            candidates.add(e, fp)
    segments.sort(key=lambda e: (e.derivation.depth if e.derivation else 0, _order_key(e)))
    twins: dict[CopyKey, list[Email]] = {}
    if copies:
        for e in emails:
            if e.derivation is not None and not is_rebuilt_copy(e):
                twins.setdefault(copy_key(e), []).append(e)
        copies.sort(key=lambda e: (e.derivation.depth if e.derivation else 0, _order_key(e)))
    for seg in [*segments, *copies]:
        if twins and is_rebuilt_copy(seg):
            twin = _twin(seg, twins)
            if twin is not None:
                target = canonical.get(twin.id, twin.id)
                canonical[seg.id] = target
                forced.append(Link(index[seg.id], index[target], Relation.DUPLICATE, QUOTE_MATCH))
                continue
        ancestors = _ancestors(seg, by_id)
        original: Email | None = None
        method = MESSAGE_ID
        if seg.message_id:
            owner = owners.get(seg.message_id[0])
            if owner is not None and owner.id not in ancestors:
                original = owner
        fp = fingerprint(seg)
        if original is None and fp:
            method = QUOTE_MATCH
            for cand, cand_fp in candidates.near(seg):
                if (
                    cand.id not in ancestors
                    and same_sender(seg.from_, cand.from_)
                    and close_in_time(seg.sent_at, cand.sent_at)
                    and _same_fingerprint(fp, cand_fp)
                ):
                    original = cand
                    break
        if original is not None:
            canonical[seg.id] = original.id
            forced.append(Link(index[seg.id], index[original.id], Relation.DUPLICATE, method))
            continue
        if seg.message_id:
            owners.setdefault(seg.message_id[0], seg)
        if fp:
            candidates.add(seg, fp)
    links: list[tuple[tuple[object, ...], Link]] = []
    for seg in [*segments, *(c for c in copies if is_segment(c))]:
        derivation = seg.derivation
        assert derivation is not None
        container = by_id.get(derivation.parent_email_id)
        if container is None:
            continue
        child = canonical.get(container.id, container.id)
        parent = canonical.get(seg.id, seg.id)
        if child == parent:
            continue
        if derivation.kind is DerivationKind.REPLY_QUOTE:
            relation, method = Relation.REPLY, QUOTE_MATCH
        else:
            relation, method = Relation.FORWARD, FORWARD_MATCH
        embedded = container.content.embedded
        place = embedded.index(seg.id) if seg.id in embedded else len(embedded)
        sort_key = (_order_key(by_id[child]), place, _order_key(seg))
        links.append((sort_key, Link(index[child], index[parent], relation, method)))
    links.sort(key=lambda item: item[0])
    return forced, [link for _, link in links]


def _twin(copy: Email, twins: Mapping[CopyKey, list[Email]]) -> Email | None:
    """The record split again from the copy's container: same kind first, then the oldest."""
    found = twins.get(copy_key(copy))
    if not found:
        return None
    kind = copy.derivation.kind if copy.derivation is not None else None
    return min(
        found,
        key=lambda e: (e.derivation is None or e.derivation.kind is not kind, _order_key(e)),
    )
