"""The library pipeline: parallel workers give exactly what one process gives."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from mailarchive import api
from mailarchive.errors import SourceNotFoundError
from mailarchive.model import Email
from tests.conftest import FIXTURES


def write_mbox(path: Path, count: int) -> Path:
    """An mbox whose messages forward, quote and reply, so every record kind crosses processes."""
    with path.open("wb") as fh:
        for i in range(count):
            parent = f"In-Reply-To: <m{i - 1}@example.org>\n" if i else ""
            body = (
                f"Message number {i}.\n\n"
                f"On Mon, Jan 1, 2024 at 10:00 AM Bob <bob@example.org> wrote:\n"
                f"> earlier text {i}\n>\n> more\n\n"
                "---------- Forwarded message ---------\n"
                "From: Carol <carol@example.org>\n"
                "Date: Tue, Jan 2, 2024 at 11:00 AM\n"
                f"Subject: Item {i}\n"
                "To: Alice <alice@example.org>\n\n"
                f"Forwarded text {i}.\n"
            )
            fh.write(
                (
                    f"From alice@example.org Mon Jan  1 10:00:00 2024\n"
                    f"From: Alice <alice@example.org>\nTo: Bob <bob@example.org>\n"
                    f"Subject: Re: Topic {i % 7}\nDate: Mon, 1 Jan 2024 10:{i % 60:02d}:00 +0000\n"
                    f"Message-ID: <m{i}@example.org>\n{parent}\n{body}\n"
                ).encode()
            )
    return path


def test_parallel_equals_inline(tmp_path: Path) -> None:
    source = str(write_mbox(tmp_path / "big.mbox", api.INLINE_THRESHOLD + 150))
    inline = list(api.iter_emails([source], workers=1))
    parallel = list(api.iter_emails([source], workers=2))
    assert parallel == inline
    top = [e for e in inline if e.derivation is None]
    assert len(top) == api.INLINE_THRESHOLD + 150
    assert len(inline) > len(top)  # forwards and quotes were split out


def test_transform_runs_in_workers_and_keeps_stats(tmp_path: Path) -> None:
    source = str(write_mbox(tmp_path / "big.mbox", api.INLINE_THRESHOLD + 10))
    stats = api.Stats()
    ids = list(api.iter_emails([source], workers=2, transform=_email_id, stats=stats))
    assert ids == [e.id for e in api.iter_emails([source], workers=1)]
    assert stats.messages == api.INLINE_THRESHOLD + 10
    assert stats.messages + stats.embedded == len(ids)


def _email_id(email: Email) -> str:
    return email.id


def test_no_split_keeps_bodies_whole(tmp_path: Path) -> None:
    source = str(write_mbox(tmp_path / "small.mbox", 3))
    records = list(api.iter_emails([source], split=False))
    assert len(records) == 3
    assert all(r.derivation is None for r in records)
    assert "Forwarded text 0." in records[0].content.authored


def test_parse_bytes_and_text() -> None:
    (email,) = api.parse_bytes(b"From: A <a@example.org>\nSubject: hi\n\nbody\n")
    assert email.subject == "hi"
    records = api.parse_text(
        "See below.\n\n-----Original Message-----\nFrom: Bob Smith\n"
        "Sent: Monday, March 4, 2024 9:02 AM\nTo: Ana Duarte\nSubject: Budget\n\n"
        "Numbers attached.\n"
    )
    assert len(records) == 2
    assert records[1].subject == "Budget"
    assert records[1].from_ is not None and records[1].from_[0].name == "Bob Smith"


def test_missing_source_raises() -> None:
    with pytest.raises(SourceNotFoundError):
        list(api.iter_emails(["/nonexistent/archive.mbox"]))


def test_records_built_by_position_equal_their_init() -> None:
    # model.positional: the fast constructor and replace used by the parser,
    # the segmenter and the threader give what the dataclass itself gives.
    import dataclasses  # noqa: PLC0415
    import pickle  # noqa: PLC0415

    from mailarchive.model import EmailAddress, SourceKind, SourceRef, positional  # noqa: PLC0415

    email = Email(
        id="e1",
        source=SourceRef(kind=SourceKind.MBOX, path="a.mbox", offset=7),
        subject="hi",
        from_=(EmailAddress("Ann", "ann@example.org"),),
        body_values={},
        inferred={},
    )
    how = positional(Email)
    assert how.make(how.values(email)) == email
    assert how.replace(email, subject="re") == dataclasses.replace(email, subject="re")
    assert pickle.loads(pickle.dumps(email)) == email
    assert type(pickle.loads(pickle.dumps(email))) is Email


def test_a_listing_does_not_import_the_segmenter() -> None:
    """``threads --format table`` never splits: its start skips the segmenter's import."""
    script = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from mailarchive.cli import cli\n"
        f"box = {str(FIXTURES / 'threads' / 'broken-headers.mbox')!r}\n"
        "result = CliRunner().invoke(cli, ['threads', box, '--format', 'table'])\n"
        "assert result.exit_code == 0, result.output\n"
        "print('mailarchive.parse.segment' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script],
        capture_output=True,
        text=True,
        check=True,
        cwd=FIXTURES.parent,
    )
    assert done.stdout.strip() == "False"
