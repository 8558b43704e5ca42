"""``api.iter_encoded`` (``parse --format jsonl``) writes what ``iter_emails`` gives,
record for record, whether records come packed from range workers, from batch
workers or one by one; ``strict`` stops at the same record with the same output."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest

from mailarchive import api
from mailarchive.cli.common import email_json_line
from mailarchive.errors import DefectError
from tests.conftest import FIXTURES

MBOXES = sorted((FIXTURES / "sources").glob("*.mbox")) + sorted(
    (FIXTURES / "threads").glob("*.mbox")
)


def _expected(paths: list[str]) -> tuple[bytes, api.Stats]:
    stats = api.Stats()
    lines = api.iter_emails(paths, transform=email_json_line, stats=stats, workers=1)
    return b"".join(lines), stats


def _encoded(paths: list[str], workers: int) -> tuple[bytes, api.Stats]:
    stats = api.Stats()
    blocks = api.iter_encoded(paths, email_json_line, stats=stats, workers=workers)
    return b"".join(blocks), stats


def _counts(stats: api.Stats) -> tuple[int, int, int, dict[str, int]]:
    return stats.messages, stats.embedded, stats.with_defects, stats.defect_kinds


@pytest.mark.parametrize("path", MBOXES, ids=lambda p: p.name)
def test_ranges_give_the_records_of_iter_emails(
    path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "CHUNK_BYTES", 200)  # every fixture is cut into ranges
    want, want_stats = _expected([str(path)])
    got, got_stats = _encoded([str(path)], workers=2)
    assert got == want
    assert _counts(got_stats) == _counts(want_stats)


def _many(tmp_path: Path) -> Path:
    """A gzip mbox of 300 messages, some defective: read in batches by the workers."""
    parts = []
    for i in range(300):
        head = f"From a@example.org Mon Jan  1 10:00:00 2024\nSubject: s{i}\n"
        head += "" if i % 50 == 7 else f"Message-ID: <m{i}@example.org>\n"
        parts.append(head + f"From: a@example.org\n\nbody {i}\n> quoted {i}\n\n")
    path = tmp_path / "many.mbox.gz"
    path.write_bytes(gzip.compress("".join(parts).encode()))
    return path


def test_batches_give_the_records_of_iter_emails(tmp_path: Path) -> None:
    path = str(_many(tmp_path))
    want, want_stats = _expected([path])
    got, got_stats = _encoded([path], workers=2)
    assert got == want and want.count(b"\n") >= 300
    assert _counts(got_stats) == _counts(want_stats)
    assert got_stats.with_defects == 6


@pytest.mark.parametrize("workers", [1, 2])
def test_strict_stops_after_the_records_before_the_first_defect(
    tmp_path: Path, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "CHUNK_BYTES", 300)
    path = str(_many(tmp_path))
    plain = tmp_path / "many.mbox"
    plain.write_bytes(gzip.decompress(Path(path).read_bytes()))  # cut into ranges
    for source in (path, str(plain)):
        written: list[bytes] = []
        with pytest.raises(DefectError) as got:
            written.extend(
                api.iter_encoded([source], email_json_line, strict=True, workers=workers)
            )
        records = list(api.iter_emails([source], transform=email_json_line, workers=1))
        first_bad = next(i for i, e in enumerate(api.iter_emails([source], workers=1)) if e.defects)
        assert b"".join(written) == b"".join(records[:first_bad])
        assert "missing-message-id" in str(got.value)
