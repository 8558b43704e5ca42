"""Threading against corpora with known answers (read from ../shared, skipped when absent).

- notmuch (GPL test data, not copied): with subject grouping off, the parent
  of every message is the one notmuch 0.37 gives (expected/*.parents.tsv;
  notmuch omits ghost parents, so we compare with the nearest real ancestor).
- dovecot imaptest (MIT): the RFC 5256 ``THREAD REFERENCES`` answers.
- python-emailthreads (MIT): reply chains of patch reviews.
"""

from __future__ import annotations

import csv
import json
import re
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from mailarchive.model import Document, Email, ThreadNode
from mailarchive.thread import build_threads, subject_key
from tests.conftest import shared_path
from tests.test_thread_support import check_forest, load_messages

pytestmark = pytest.mark.shared

NOTMUCH_CORPORA = ["default", "threading", "broken", "duplicate"]


def _real_parent(doc: Document, email: Email) -> str | None:
    """Message-ID of the nearest ancestor that is a real message (notmuch omits ghosts)."""
    current = email
    while current.threading is not None and current.threading.parent_id is not None:
        current = doc.emails[current.threading.parent_id]
        if not current.threading or not current.threading.is_phantom:
            return current.message_id[0] if current.message_id else current.id
    return None


@pytest.mark.parametrize("corpus", NOTMUCH_CORPORA)
def test_notmuch_parents(corpus: str) -> None:
    root = shared_path("corpora", "notmuch")
    expected_file = root / "expected" / f"{corpus}.parents.tsv"
    with expected_file.open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    emails = load_messages(root / "test" / "corpora" / corpus)
    doc = build_threads(emails, subject_grouping="off")
    check_forest(doc, emails)
    ours: dict[str, str | None] = {}
    for e in emails:
        record = doc.emails[e.id]
        assert record.threading is not None
        if e.message_id and record.threading.duplicate_of is None:
            ours[e.message_id[0]] = _real_parent(doc, record)
    expected = {row["message_id"]: (row["parent_message_id"] or None) for row in rows}
    assert ours == expected
    # The threads themselves (which messages belong together) are notmuch's too.
    their_threads: dict[str, set[str]] = {}
    for row in rows:
        their_threads.setdefault(row["thread_index"], set()).add(row["message_id"])
    our_threads: dict[str, set[str]] = {}
    for e in emails:
        record = doc.emails[e.id]
        if e.message_id and record.threading and record.threading.duplicate_of is None:
            our_threads.setdefault(str(record.thread_id), set()).add(e.message_id[0])
    assert sorted(map(sorted, our_threads.values())) == sorted(map(sorted, their_threads.values()))


def test_notmuch_duplicates_are_kept_and_marked() -> None:
    root = shared_path("corpora", "notmuch", "test", "corpora", "duplicate")
    emails = load_messages(root)
    doc = build_threads(emails, subject_grouping="off")
    dups = [e for e in doc.emails.values() if e.threading and e.threading.duplicate_of]
    assert len(emails) == 9
    assert len(dups) == 6  # 9 files, 3 distinct Message-IDs
    for dup in dups:
        assert dup.threading is not None and dup.threading.duplicate_of is not None
        original = doc.emails[dup.threading.duplicate_of]
        assert original.message_id == dup.message_id
        assert original.threading is not None and original.threading.duplicate_of is None
    assert sum(t.message_count for t in doc.threads) == 3


def _dovecot_cases() -> list[dict[str, object]]:
    path = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "dovecot-imaptest"
    answers = path / "expected" / "thread_first_responses.json"
    if not answers.exists():
        return []
    cases = json.loads(answers.read_text(encoding="utf-8"))
    return [c for c in cases if c["algorithm"] == "REFERENCES"]


def _strip(nodes: list[dict[str, object]]) -> list[object]:
    return [(n["seq"], _strip(n["children"])) for n in nodes]  # type: ignore[arg-type]


def _case_id(case: dict[str, object] | None) -> str:
    return str(case["test"]) if case else "absent"


@pytest.mark.parametrize("case", _dovecot_cases() or [None], ids=_case_id)
def test_dovecot_thread_references(case: dict[str, object] | None) -> None:
    root = shared_path("corpora", "dovecot-imaptest")
    assert case is not None
    used = int(re.search(r"first (\d+) messages", str(case["messages_used"])).group(1))  # type: ignore[union-attr]
    emails = load_messages(root / str(case["mbox"]))[:used]
    seq = {e.id: k + 1 for k, e in enumerate(emails)}
    doc = build_threads(emails, subject_grouping="on")
    check_forest(doc, emails)

    def convert(node: ThreadNode) -> tuple[object, list[object]]:
        return (seq.get(node.email_id), [convert(c) for c in node.children])

    ours = [convert(t.tree[0]) for t in doc.threads]
    assert ours == _strip(case["expected_tree"])  # type: ignore[arg-type]


_THREAD_LINE = re.compile(r"^((?:\| )*)\[(?:inline|standalone) thread by .* at (.+)\]$")


@pytest.mark.parametrize("case", ["multiple-replies", "scissor"])
def test_emailthreads_reply_chains(case: str) -> None:
    root = shared_path("corpora", "emailthreads-emersion", "test", "data", case)
    emails = [m for eml in sorted(root.glob("*.eml")) for m in load_messages(eml)]
    doc = build_threads(emails)
    check_forest(doc, emails)
    assert len(doc.threads) == 1
    expected: dict[object, int] = {}
    for output in root.glob("output*.txt"):
        for line in output.read_text(encoding="utf-8").splitlines():
            match = _THREAD_LINE.match(line)
            if match:
                when = parsedate_to_datetime(match.group(2))
                depth = len(match.group(1)) // 2 + 1  # the patch itself is the root
                expected[when] = min(depth, expected.get(when, depth))
    ours = {}
    for e in emails:
        record = doc.emails[e.id]
        assert record.threading is not None
        ours[e.sent_at] = record.threading.depth
    assert expected
    for when, depth in expected.items():
        assert ours[when] == depth


def _orderedsubject_cases() -> list[dict[str, object]]:
    path = Path(__file__).resolve().parents[1].parent / "shared" / "corpora" / "dovecot-imaptest"
    answers = path / "expected" / "thread_first_responses.json"
    if not answers.exists():
        return []
    cases = json.loads(answers.read_text(encoding="utf-8"))
    return [c for c in cases if c["algorithm"] == "ORDEREDSUBJECT"]


@pytest.mark.parametrize("case", _orderedsubject_cases() or [None], ids=_case_id)
def test_dovecot_orderedsubject_base_subjects(case: dict[str, object] | None) -> None:
    """RFC 5256 ORDEREDSUBJECT groups by base subject: our subject keys give the same groups."""
    root = shared_path("corpora", "dovecot-imaptest")
    assert case is not None
    used = int(re.search(r"first (\d+) messages", str(case["messages_used"])).group(1))  # type: ignore[union-attr]
    emails = load_messages(root / str(case["mbox"]))[:used]
    ours: dict[str, set[int]] = {}
    for seq, e in enumerate(emails, start=1):
        ours.setdefault(subject_key(e.subject), set()).add(seq)
    expected = []
    for node in case["expected_tree"]:  # type: ignore[attr-defined]
        expected.append({node["seq"], *(child["seq"] for child in node["children"])})
    assert sorted(map(sorted, ours.values())) == sorted(map(sorted, expected))
