"""Every message source in ../shared/corpora goes through the whole pipeline.

The invariant on every corpus: no exception, and messages in == records out
(each raw message the readers find gives exactly one top-level record, whatever
else is split out of it). Skips cleanly when ../shared is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mailarchive import api
from mailarchive.sources import iter_source
from tests.conftest import SHARED, shared_path

CORPORA = SHARED / "corpora"

# Single-message files: each must give exactly one top-level record.
MESSAGE_GLOBS = [
    "cpython-test_email/data/msg_*.txt",
    "spamscope-mail-parser/tests/mails/*",
    "nodemailer-mailparser/test/fixtures/*.eml",
    "public-inbox/t/*.eml",
    "james-mime4j/core/src/test/resources/testmsgs/*.msg",
    "james-mime4j/core/src/test/resources/mimetools-testmsgs/*.msg",
    "spamassassin-tdata/t/data/nice/*",
    "spamassassin-tdata/t/data/spam/*",
    "perceval/tests/data/nntp/*.txt",
    "perceval/tests/data/utils/email_*.txt",
]

# Archives: mbox files, pipermail months and Maildir trees.
ARCHIVE_GLOBS = [
    "perceval/tests/data/mbox/*.mbox",
    "perceval/tests/data/pipermail/*.mbox",
    "perceval/tests/data/hyperkitty/*.mbox",
    "bigbang/tests/data/2001-November.txt",
    "bigbang/tests/data/3GPP_mbox/*",
    "b4/src/tests/samples/*.mbox",
    "dovecot-imaptest/src/tests/*.mbox",
    "james-mime4j/mbox/src/test/resources/test-1/mbox.rlug",
    "notmuch/test/corpora/*",
]


def expand(globs: list[str]) -> list[str]:
    if not CORPORA.exists():
        return []
    found: list[str] = []
    for pattern in globs:
        found.extend(
            str(p.relative_to(CORPORA))
            for p in sorted(CORPORA.glob(pattern))
            if p.name not in {"MANIFEST.md"} and not p.name.endswith((".yaml", ".md"))
        )
    return found


MESSAGES = expand(MESSAGE_GLOBS)
ARCHIVES = expand(ARCHIVE_GLOBS)


def top_level(path: Path, input_format: str | None = None) -> int:
    return sum(
        1
        for e in api.iter_emails([str(path)], input_format=input_format, workers=1)
        if e.derivation is None
    )


@pytest.mark.shared
@pytest.mark.parametrize("name", MESSAGES or ["(no corpora)"])
def test_message_file_gives_one_record(name: str) -> None:
    path = shared_path("corpora", name) if MESSAGES else shared_path("corpora", "MISSING")
    if path.is_dir():
        pytest.skip("a directory, not a message file")
    assert top_level(path, "eml") == 1


@pytest.mark.shared
@pytest.mark.parametrize("name", ARCHIVES or ["(no corpora)"])
def test_archive_messages_in_equal_records_out(name: str) -> None:
    path = shared_path("corpora", name) if ARCHIVES else shared_path("corpora", "MISSING")
    messages_in = sum(1 for _ in iter_source(str(path)))
    assert messages_in > 0
    assert top_level(path) == messages_in


@pytest.mark.shared
def test_pipermail_month_count() -> None:
    # bigbang's MANIFEST: the numpy-discussion 2001-November month holds 164 messages.
    path = shared_path("corpora", "bigbang", "tests", "data", "2001-November.txt")
    assert top_level(path) == 164


@pytest.mark.shared
def test_notmuch_maildir_counts_files() -> None:
    # notmuch indexes every file of its corpus (Maildir cur/ and new/ and loose
    # message files beside them); its MANIFEST counts 53 in `default`.
    root = shared_path("corpora", "notmuch", "test", "corpora", "default")
    files = [p for p in root.rglob("*") if p.is_file()]
    assert len(files) == 53
    assert top_level(root) == len(files)
