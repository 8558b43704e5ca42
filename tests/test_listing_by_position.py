"""Listings keyed by place: ``load_document(keep_emails=False, record_ids=False)``.

``threads --format table`` shows no ids, so its records are keyed by their
place in the input (``ids.position_key``) and their bytes are never hashed.
The threads must be those of the listing keyed by id, in the same order,
message for message; and where two messages could share a place (two
sources showing the same name) the ids are used after all, so nothing is
merged that should not be.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailarchive import api
from mailarchive.cli import cli
from mailarchive.export.table import threads_table
from mailarchive.ids import position_key
from mailarchive.model import Document, ThreadNode
from mailarchive.sources import places_distinct
from mailarchive.thread import threader
from tests.conftest import FIXTURES
from tests.test_mbox_ranges import _tricky
from tests.test_thread_listing import MAILBOXES

BROKEN = FIXTURES / "threads" / "broken-headers.mbox"


def _places(path: str, headers_only: bool) -> dict[str, str]:
    """Position key -> Email id of every message of ``path`` (found inside none)."""
    emails = api.iter_emails([path], workers=1, headers_only=headers_only)
    return {
        position_key(e.source.path, e.source.offset): e.id for e in emails if e.derivation is None
    }


def _shape(node: ThreadNode, ids: dict[str, str]) -> tuple[object, ...]:
    # A phantom of a lone ``Re:`` is named after its oldest child's key: not mapped.
    name = ids.get(node.email_id, "phantom" if not node.email_id.startswith("@") else "?")
    return (name, node.relation, tuple(_shape(kid, ids) for kid in node.children))


def _same_listing(named: Document, placed: Document, ids: dict[str, str]) -> None:
    assert threads_table(placed) == threads_table(named)
    assert len(placed.threads) == len(named.threads)
    for a, b in zip(named.threads, placed.threads, strict=True):
        assert (b.subject, b.message_count, b.methods) == (a.subject, a.message_count, a.methods)
        assert (b.participants, b.first_sent_at, b.last_sent_at) == (
            a.participants,
            a.first_sent_at,
            a.last_sent_at,
        )
        mapped = [ids.get(e, e) for e in b.email_ids]
        assert [e for e in mapped if not e.startswith("e")] == []  # every place was a message
        own = {ids[e] for e in b.email_ids if e in ids}
        assert own == {e for e in a.email_ids if e in own}
        assert [_shape(t, ids) for t in b.tree] == [
            _shape(t, {e: e for e in a.email_ids}) for t in a.tree
        ]


@pytest.mark.parametrize("headers_only", [True, False], ids=["headers", "full"])
def test_fixture_listings_by_place_equal_those_by_id(headers_only: bool) -> None:
    read = 0
    for path in MAILBOXES:
        try:
            named = api.load_document(
                [str(path)], workers=1, headers_only=headers_only, keep_emails=False
            )
        except Exception:  # not a mailbox (an unreadable fixture is tested elsewhere)
            continue
        placed = api.load_document(
            [str(path)],
            workers=1,
            headers_only=headers_only,
            keep_emails=False,
            record_ids=False,
        )
        ids = _places(str(path), headers_only)
        # Phantom and embedded ids are the same in both: map them to themselves.
        for doc in (named, placed):
            for thread in doc.threads:
                ids.update({e: e for e in thread.email_ids if not e.startswith("@")})
        _same_listing(named, placed, ids)
        read += 1
    assert read > 10


def test_a_listing_by_place_hashes_no_message(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object) -> str:
        raise AssertionError("hashed")

    path = str(BROKEN)
    monkeypatch.setattr(threader, "raw_email_id", refuse)
    doc = api.load_document(
        [path], workers=1, headers_only=True, keep_emails=False, record_ids=False
    )
    keys = {e for t in doc.threads for e in t.email_ids if not e.startswith("e")}  # not phantoms
    monkeypatch.undo()
    assert keys == set(_places(path, True))


def test_ranges_by_place_equal_the_inline_listing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = str(_tricky(tmp_path / "tricky.mbox"))
    inline = api.load_document(
        [path], workers=1, keep_emails=False, headers_only=True, record_ids=False
    )
    monkeypatch.setattr(api, "CHUNK_BYTES", 300)
    ranged = api.load_document(
        [path], workers=2, keep_emails=False, headers_only=True, record_ids=False
    )
    assert ranged == inline
    named = api.load_document([path], workers=1, keep_emails=False, headers_only=True)
    assert threads_table(ranged) == threads_table(named)


def test_places_distinct(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("a", "b", "a/x", "b/x"):
        (tmp_path / name).mkdir()
    for name in ("a/inbox", "b/inbox", "a/x/m", "b/x/m", "one.mbox"):
        (tmp_path / name).write_bytes(b"")
    assert places_distinct([])
    assert places_distinct([str(tmp_path / "a" / "inbox")])
    assert places_distinct(["a/inbox", "b/inbox", "one.mbox"])  # relative: shown as given
    assert not places_distinct(["a/inbox", "a/inbox"])  # the same source twice
    assert not places_distinct(["-", "-"])
    assert not places_distinct([str(tmp_path / "a/inbox"), str(tmp_path / "b/inbox")])
    assert not places_distinct(["a/x", "b/x"])  # both directories show "x"
    assert not places_distinct([str(tmp_path / "b"), "b/x/m"])  # "b/x/m" twice over
    assert places_distinct(["a/x", "b/x/m"])  # "x/m" and "b/x/m"
    assert places_distinct([os.path.join("a", "x"), "one.mbox"])


_MESSAGE = (
    "From x@example.org Mon Jan  1 10:00:00 2024\n"
    "From: {who}@example.org\nSubject: {subject}\nMessage-ID: <{who}@example.org>\n"
    "Date: Mon, 1 Jan 2024 10:00:00 +0000\n\nbody\n\n"
)


def test_same_names_keep_every_message(tmp_path: Path) -> None:
    """Two absolute paths that show one name: places collide, ids decide."""
    for folder, who in (("a", "ann"), ("b", "bob")):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "inbox").write_text(_MESSAGE.format(who=who, subject=who))
    paths = [str(tmp_path / "a" / "inbox"), str(tmp_path / "b" / "inbox")]
    result = CliRunner().invoke(cli, ["threads", *paths, "--format", "table"])
    assert result.exit_code == 0, result.output
    assert "ann" in result.output and "bob" in result.output
    doc = api.load_document(
        paths, workers=1, headers_only=True, keep_emails=False, record_ids=False
    )
    assert sorted(t.subject for t in doc.threads) == ["ann", "bob"]
    assert all(e.startswith("e") for t in doc.threads for e in t.email_ids)  # hashed after all


def test_cli_table_of_several_sources_equals_the_named_listing(tmp_path: Path) -> None:
    boxes = [str(_tricky(tmp_path / "tricky.mbox")), str(BROKEN)]
    result = CliRunner().invoke(cli, ["threads", *boxes, "--format", "table"])
    assert result.exit_code == 0
    named = api.load_document(boxes, headers_only=True, keep_emails=False)
    assert result.stdout == threads_table(named) + "\n"


@pytest.mark.parametrize(
    "names",
    [
        ["sources/maildir"],
        ["sources/mh"],
        ["sources/eml-tree"],
        ["sources/pipermail"],
        ["sources", "threads"],
        ["threads", "demo", "messages"],
    ],
)
def test_directories_by_place_list_as_by_id(names: list[str]) -> None:
    """Maildir, MH and .eml trees (no offsets: each file its place) and several sources."""
    paths = [str(FIXTURES / name) for name in names]
    named = api.load_document(paths, workers=1, headers_only=True, keep_emails=False)
    placed = api.load_document(
        paths, workers=1, headers_only=True, keep_emails=False, record_ids=False
    )
    assert placed.threads and threads_table(placed) == threads_table(named)
    assert any(e.startswith("@") for t in placed.threads for e in t.email_ids)
