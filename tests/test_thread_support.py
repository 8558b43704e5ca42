"""Helpers for the threading tests: Email records by hand and read from corpora."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

from mailarchive.model import (
    Content,
    Derivation,
    DerivationKind,
    Document,
    Email,
    EmailAddress,
    SourceKind,
    SourceRef,
    ThreadNode,
)
from mailarchive.parse import parse_message
from mailarchive.sources import iter_source

BASE = datetime(2020, 1, 1, 12, 0, tzinfo=UTC)


def mk(
    name: str,
    *,
    mid: str | None = "",
    irt: Iterable[str] = (),
    refs: Iterable[str] = (),
    subject: str | None = None,
    minutes: float | None = 0,
    sender: str | None = None,
    authored: str = "",
    embedded: Iterable[str] = (),
    derived_from: str | None = None,
    kind: DerivationKind = DerivationKind.REPLY_QUOTE,
    depth: int = 1,
    gm: str | None = None,
    thread_index: str | None = None,
    offset: int = 0,
) -> Email:
    """An Email with id ``e:<name>``; ``mid=""`` means ``<name>@x``, None means no Message-ID."""
    message_id = f"{name}@x" if mid == "" else mid
    irt_t, refs_t = tuple(irt), tuple(refs)
    return Email(
        id=f"e:{name}",
        source=SourceRef(
            kind=SourceKind.SEGMENT if derived_from else SourceKind.MBOX,
            path="box",
            offset=offset,
            gm_thread_id=gm,
        ),
        message_id=(message_id,) if message_id else None,
        in_reply_to=irt_t or None,
        references=refs_t or None,
        subject=subject,
        sent_at=None if minutes is None else BASE + timedelta(minutes=minutes),
        from_=(EmailAddress(sender, f"{sender.lower()}@example.org"),) if sender else None,
        content=Content(authored=authored, embedded=tuple(embedded)),
        derivation=Derivation(derived_from, kind, depth) if derived_from else None,
        thread_index=thread_index,
    )


def parent_map(doc: Document) -> dict[str, str | None]:
    """email id -> parent email id, for every email of the document."""
    return {eid: (e.threading.parent_id if e.threading else None) for eid, e in doc.emails.items()}


def check_forest(doc: Document, inputs: Iterable[Email]) -> None:
    """Every input once in exactly one tree; trees agree with ``threading``; no cycles."""
    seen: dict[str, str] = {}
    for thread in doc.threads:
        stack = [(node, None) for node in thread.tree]
        while stack:
            node, parent = stack.pop()
            assert node.email_id not in seen, f"{node.email_id} twice"
            seen[node.email_id] = thread.id
            record = doc.emails[node.email_id]
            assert record.thread_id == thread.id
            assert record.threading is not None
            assert record.threading.parent_id == parent
            assert record.threading.relation == node.relation
            stack.extend((child, node.email_id) for child in node.children)
        assert sorted(thread.email_ids) == sorted(
            eid for eid, tid in seen.items() if tid == thread.id
        )
    for e in inputs:
        assert e.id in seen, f"{e.id} missing from the forest"
    assert set(seen) == set(doc.emails)


def shape(doc: Document, label: Mapping[str, str] | None = None) -> list[object]:
    """Threads as nested lists of labels (phantoms shown as ``*`` + subject or id)."""

    def name(eid: str) -> str:
        e = doc.emails[eid]
        if e.threading and e.threading.is_phantom:
            return "*" + (e.subject or (e.message_id[0] if e.message_id else "?"))
        if label is not None:
            return label[eid]
        return eid.removeprefix("e:")

    def walk(node: object) -> object:
        assert isinstance(node, ThreadNode)
        if not node.children:
            return name(node.email_id)
        return [name(node.email_id), *[walk(c) for c in node.children]]

    return [walk(t.tree[0]) for t in doc.threads]


def load_messages(path: Path) -> list[Email]:
    """Top-level Email records of a mailbox or message file, headers only."""
    return [parse_message(raw, headers_only=True)[0] for raw in iter_source(str(path))]
