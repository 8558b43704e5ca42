"""Helpers shared by the exporters: tree walks, dates, addresses, folded history.

Every exporter visits messages in the same order (:func:`walk`): threads in
document order, each thread's tree depth first, children in the order the
threader gave; emails that no thread reaches come last, in document order, so
no record is ever dropped from an export.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timezone, tzinfo

from mailarchive.model import Document, Email, EmailAddress, Relation, Thread, ThreadNode

_SPECIALS = re.compile(r'[()<>\[\]:;@\\,."]')


@dataclass(frozen=True, slots=True)
class Visit:
    """One message met in a walk: its thread (None if unthreaded), depth and relation."""

    thread: Thread | None
    email_id: str
    email: Email | None  # None when the tree names an id the document lacks
    depth: int
    relation: Relation
    last: tuple[bool, ...]  # for each level down to this one: is it the last sibling?
    parent_id: str | None = None  # the node this one hangs from in the tree


def walk(doc: Document) -> Iterator[Visit]:
    """Every node of every thread, depth first, then the emails no thread reaches."""
    seen: set[str] = set()
    for thread in doc.threads:
        yield from _walk_nodes(
            doc, thread, thread.tree, depth=0, last=(), seen=seen, parent_id=None
        )
        # Members listed in emailIds but missing from the tree still get exported.
        for eid in thread.email_ids:
            if eid not in seen:
                seen.add(eid)
                yield Visit(thread, eid, doc.emails.get(eid), 0, Relation.ROOT, (True,))
    for eid, email in doc.emails.items():
        if eid not in seen:
            seen.add(eid)
            yield Visit(None, eid, email, 0, Relation.ROOT, (True,))


def _walk_nodes(
    doc: Document,
    thread: Thread,
    nodes: Sequence[ThreadNode],
    *,
    depth: int,
    last: tuple[bool, ...],
    seen: set[str],
    parent_id: str | None,
) -> Iterator[Visit]:
    # Iterative over siblings, recursive over depth: thread trees are shallow,
    # but guard against a cyclic tree all the same.
    for i, node in enumerate(nodes):
        if node.email_id in seen:
            continue
        seen.add(node.email_id)
        here = (*last, i == len(nodes) - 1)
        email = doc.emails.get(node.email_id)
        yield Visit(thread, node.email_id, email, depth, node.relation, here, parent_id)
        yield from _walk_nodes(
            doc,
            thread,
            node.children,
            depth=depth + 1,
            last=here,
            seen=seen,
            parent_id=node.email_id,
        )


def thread_emails(doc: Document, thread: Thread) -> list[Email]:
    """The thread's emails in tree order (then any member the tree misses)."""
    single = Document(threads=(thread,), emails=doc.emails)
    return [v.email for v in walk(single) if v.thread is not None and v.email is not None]


def is_phantom(email: Email) -> bool:
    """True for a message other messages point to but the input lacks."""
    return email.threading is not None and email.threading.is_phantom


def rfc3339(when: datetime | None) -> str | None:
    """RFC 3339 keeping the original offset; naive datetimes stay without offset."""
    if when is None:
        return None
    return when.isoformat()


def rfc3339_utc(when: datetime | None) -> str | None:
    """RFC 3339 in UTC with ``Z`` (naive datetimes are taken as UTC)."""
    if when is None:
        return None
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    return when.isoformat().replace("+00:00", "Z")


def short_date(when: datetime | None) -> str:
    """A compact date for people: ``2018-02-16 09:34 +0100`` (no zone when unknown).

    What ``strftime("%Y-%m-%d %H:%M")`` and ``strftime(" %z")`` give; a
    table of threads makes two per row. Fixed offsets of whole minutes and
    naive times from the year 1000 on are written from the fields (no
    ``isoformat``, the zone's text made once per offset); anything else
    goes by :func:`_short_date_iso`.
    """
    if when is None:
        return ""
    zone = when.tzinfo
    if zone is None:
        if when.year >= 1000:
            return "%04d-%02d-%02d %02d:%02d" % (  # noqa: UP031 - twice an f-string's speed
                when.year,
                when.month,
                when.day,
                when.hour,
                when.minute,
            )
    elif type(zone) is timezone:
        text = _ZONES.get(zone)
        if text is None:
            text = _zone_text(zone)
        if text and when.year >= 1000:
            return "%04d-%02d-%02d %02d:%02d%s" % (  # noqa: UP031 - as above
                when.year,
                when.month,
                when.day,
                when.hour,
                when.minute,
                text,
            )
    return _short_date_iso(when)


_ZONES: dict[tzinfo, str] = {}  # " +0100" for each fixed offset of whole minutes met


def _zone_text(zone: timezone) -> str:
    """``strftime(" %z")`` of a fixed offset of whole minutes (kept in
    ``_ZONES``); empty for one with seconds."""
    offset = zone.utcoffset(None)
    if offset.seconds % 60 or offset.microseconds:
        return ""
    minutes = offset.days * 1440 + offset.seconds // 60
    sign = "-" if minutes < 0 else "+"
    hours, minutes = divmod(abs(minutes), 60)
    text = _ZONES[zone] = f" {sign}{hours:02d}{minutes:02d}"
    return text


def _short_date_iso(when: datetime) -> str:
    """:func:`short_date` of any datetime, from ``isoformat`` (else ``strftime``)."""
    # What strftime gives, from isoformat (one C call): "2018-02-16
    # 09:34+01:00" becomes "2018-02-16 09:34 +0100". isoformat pads years
    # before 1000 (strftime does not) and writes a zone's seconds: such
    # dates (text starting with "0", or of another length) go to strftime.
    text = when.isoformat(" ", "minutes")
    if text[0] != "0":
        if len(text) == 22:  # a zone of whole minutes
            return f"{text[:16]} {text[16:19]}{text[20:]}"
        if len(text) == 16:  # naive, or a zone with no offset (strftime's " %z" is " ")
            return text if when.tzinfo is None else text + " "
    text = when.strftime("%Y-%m-%d %H:%M")
    if when.tzinfo is not None:
        text += when.strftime(" %z")
    return text


def format_address(addr: EmailAddress) -> str:
    """``Name <a@b>``, ``Name`` alone, or ``a@b`` alone, for people (Unicode kept).

    A name with RFC 5322 specials (``,`` ``;`` ``<`` ...) is quoted so a list
    of addresses stays readable and parseable.
    """
    name = " ".join((addr.name or "").split())
    if addr.email is None:
        return name
    if not name:
        return addr.email
    if _SPECIALS.search(name):
        name = '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'
    return f"{name} <{addr.email}>"


def format_addresses(addrs: Sequence[EmailAddress] | None, sep: str = ", ") -> str:
    """Several addresses joined for display."""
    return sep.join(format_address(a) for a in addrs or ())


def display_name(addrs: Sequence[EmailAddress] | None) -> str:
    """The first sender's name, else address, else empty."""
    for a in addrs or ():
        if a.name:
            return a.name
        if a.email:
            return a.email
    return ""


def history_text(email: Email) -> str:
    """The quoted or forwarded history inside ``email``'s body, as it stands there.

    That is the body text without the authored text and the signature (the
    segmenter's spans point into the same body); empty when nothing else is
    there, e.g. before segmentation or for a message that quotes nothing.
    """
    body = email.text
    if not body:
        return ""
    authored = email.content.authored.strip()
    signature = (email.content.signature or "").strip()
    rest = body
    if authored and authored in rest:
        rest = rest.replace(authored, "", 1)
    if signature and signature in rest:
        rest = rest.replace(signature, "", 1)
    rest = rest.strip("\n")
    if not rest.strip() or rest.strip() in {"--", "-- "}:
        return ""
    return rest


def history_lines(email: Email) -> int:
    """How many lines of history :func:`history_text` holds."""
    text = history_text(email)
    return len(text.splitlines()) if text else 0
