"""Counts over a Document for ``mailarchive stats``.

``compute_stats(doc)`` returns an :class:`ArchiveStats`: messages (read from
the sources, found inside others, phantoms), threads, distinct participants,
defects by kind, the date range and the top senders. ``stats_text`` renders
it as tabulate tables for people, ``stats_to_json`` as a dict for programs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from tabulate import tabulate

from mailarchive.export._common import format_address, is_phantom, rfc3339, short_date
from mailarchive.model import Document, Email, EmailAddress


@dataclass(frozen=True, slots=True)
class ArchiveStats:
    """What ``mailarchive stats`` reports."""

    messages: int  # records that are not phantoms
    top_level: int  # read from the sources as whole messages
    embedded: int  # found inside another message
    phantoms: int
    threads: int
    participants: int
    defects: tuple[tuple[str, int], ...]  # (kind, count), most frequent first
    first: datetime | None
    last: datetime | None
    top_senders: tuple[tuple[str, int], ...]


def _person_key(a: EmailAddress) -> str:
    return (a.email or "").casefold() or "name:" + (a.name or "").casefold()


def compute_stats(doc: Document, *, top: int = 10) -> ArchiveStats:
    """Count what is in ``doc``; ``top`` senders are listed."""
    people: dict[str, EmailAddress] = {}
    senders: Counter[str] = Counter()
    sender_label: dict[str, str] = {}
    defects: Counter[str] = Counter()
    dated: list[tuple[float, datetime]] = []
    top_level = embedded = phantoms = 0
    for email in doc.emails.values():
        if is_phantom(email):
            phantoms += 1
            continue
        if email.derivation is None:
            top_level += 1
        else:
            embedded += 1
        defects.update(d.kind for d in email.defects)
        for a in _everyone(email):
            people.setdefault(_person_key(a), a)
        for a in (email.from_ or ())[:1]:
            key = _person_key(a)
            senders[key] += 1
            sender_label.setdefault(key, format_address(a))
        ts = email.sort_time
        when = email.sent_at or email.received_at
        if ts is not None and when is not None:
            dated.append((ts, when))
    dated.sort(key=lambda x: x[0])
    ranked = sorted(senders.items(), key=lambda kv: (-kv[1], sender_label[kv[0]]))[:top]
    return ArchiveStats(
        messages=top_level + embedded,
        top_level=top_level,
        embedded=embedded,
        phantoms=phantoms,
        threads=len(doc.threads),
        participants=len(people),
        defects=tuple(sorted(defects.items(), key=lambda kv: (-kv[1], kv[0]))),
        first=dated[0][1] if dated else None,
        last=dated[-1][1] if dated else None,
        top_senders=tuple((sender_label[k], n) for k, n in ranked),
    )


def _everyone(email: Email) -> list[EmailAddress]:
    return [
        a
        for group in (email.from_, email.to, email.cc, email.bcc)
        for a in group or ()
        if a.email or a.name
    ]


def stats_text(s: ArchiveStats) -> str:
    """Three tables: totals, defects by kind, top senders."""
    totals = [
        ("messages", s.messages),
        ("  read from sources", s.top_level),
        ("  found inside others", s.embedded),
        ("missing (phantoms)", s.phantoms),
        ("threads", s.threads),
        ("participants", s.participants),
        ("defects", sum(n for _, n in s.defects)),
        ("first date", short_date(s.first) or "-"),
        ("last date", short_date(s.last) or "-"),
    ]
    out = [tabulate(totals, tablefmt="plain", disable_numparse=True)]
    if s.defects:
        out.append(tabulate(s.defects, headers=("defect", "count"), tablefmt="simple"))
    if s.top_senders:
        out.append(tabulate(s.top_senders, headers=("top sender", "messages"), tablefmt="simple"))
    return "\n\n".join(out) + "\n"


def stats_to_json(s: ArchiveStats) -> dict[str, Any]:
    """The same numbers for programs."""
    return {
        "messages": s.messages,
        "topLevel": s.top_level,
        "embedded": s.embedded,
        "phantoms": s.phantoms,
        "threads": s.threads,
        "participants": s.participants,
        "defects": dict(s.defects),
        "firstSentAt": rfc3339(s.first),
        "lastSentAt": rfc3339(s.last),
        "topSenders": [{"sender": k, "messages": n} for k, n in s.top_senders],
    }
