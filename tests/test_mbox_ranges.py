"""Big mbox files read in ranges by the workers give exactly the whole-file reading.

``sources.mbox_cuts`` guesses where ranges start; ``api`` checks each guess
in order and reads a range again when the one before ran past its start (a
Content-Length body, an open multipart) or left the reader in another state
(an mboxrd escape, given-up look-aheads). Small CHUNK_BYTES make every
fixture big enough to be cut, at many places.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailarchive import api
from mailarchive.errors import WorkerError
from mailarchive.model import Email
from mailarchive.sources import iter_source, mbox_cuts
from mailarchive.sources.mbox import (
    LINE_LIMIT,
    MboxState,
    iter_mbox,
    iter_mbox_range,
    next_from_line,
    next_from_line_in_file,
)
from mailarchive.thread.threader import Listed, listing_record
from tests.conftest import FIXTURES, SHARED

MBOXES = sorted((FIXTURES / "sources").glob("*.mbox")) + sorted(
    (FIXTURES / "threads").glob("*.mbox")
)
SHARED_MBOXES = sorted(SHARED.glob("corpora/**/*.mbox")) if SHARED.is_dir() else []
# Those that can be cut at all (uncompressed mbox, over four small chunks).
CUTTABLE = [p for p in [*MBOXES, *SHARED_MBOXES] if mbox_cuts(str(p), None, 64) is not None]


def _tricky(path: Path) -> Path:
    """Every way a cut can be wrong, several times over."""
    parts = []
    for i in range(12):
        body = f"line one\nFrom inside the body {i}\nline three\n".encode()
        parts.append(  # mboxcl2: Content-Length hides a From_ line in the body
            b"From a@example.org Mon Jan  1 10:00:00 2024\n"
            + f"Subject: counted {i}\nContent-Length: {len(body)}\n\n".encode()
            + body
            + b"\n"
        )
        parts.append(  # a Content-Length that does not fit (given up after 8)
            b"From b@example.org Mon Jan  1 10:00:00 2024\n"
            + f"Subject: bad length {i}\nContent-Length: 5\n\nlonger body {i}\n\n".encode()
        )
        parts.append(  # an unescaped From_ line inside a multipart, closed after it
            b"From c@example.org Mon Jan  1 10:00:00 2024\n"
            b"Subject: patch\nContent-Type: multipart/mixed; boundary=b\n\n"
            b"--b\n\nFrom d@example.org Mon Jan  1 10:00:00 2024\nSubject: inner\n\n"
            b"--b--\n\n"
        )
        if i == 5:  # an mboxrd escape: later messages are labelled mboxrd
            parts.append(
                b"From e@example.org Mon Jan  1 10:00:00 2024\nSubject: rd\n\n>>From x\n\n"
            )
    path.write_bytes(b"".join(parts))
    return path


def _whole(path: Path) -> list[object]:
    return list(api.iter_emails([str(path)], workers=1))


@pytest.mark.parametrize("chunk", [64, 300, 1500])
@pytest.mark.parametrize("path", CUTTABLE, ids=lambda p: p.name)
def test_ranges_read_what_the_whole_file_reading_reads(
    path: Path, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(api, "CHUNK_BYTES", chunk)
    assert list(api.iter_emails([str(path)], workers=2)) == _whole(path)


@pytest.mark.parametrize("chunk", [40, 200, 700, 3000])
def test_wrong_guesses_are_read_again(
    tmp_path: Path, chunk: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _tricky(tmp_path / "tricky.mbox")
    whole = _whole(path)
    assert {e.source.mbox_format for e in whole} >= {"mboxcl2", "mboxo", "mboxrd"}
    monkeypatch.setattr(api, "CHUNK_BYTES", chunk)
    stats = api.Stats()
    assert list(api.iter_emails([str(path)], workers=2, stats=stats)) == whole
    assert stats.messages == sum(e.derivation is None for e in whole)


def test_the_same_file_twice_is_read_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = _tricky(tmp_path / "tricky.mbox")
    monkeypatch.setattr(api, "CHUNK_BYTES", 300)
    assert list(api.iter_emails([str(path)] * 2, workers=2)) == _whole(path) * 2


@settings(max_examples=40, deadline=None)
@given(
    st.sampled_from(MBOXES),
    st.lists(st.floats(min_value=0, max_value=1), max_size=8),
)
def test_ranges_chained_from_true_cuts_tile_the_file(path: Path, guesses: list[float]) -> None:
    # Cut where the whole-file reading starts a message: chaining ranges, each
    # in the state the one before left, gives the same messages in order.
    size = path.stat().st_size
    with path.open("rb") as fp:
        whole = list(iter_mbox(fp, "x"))
    data = path.read_bytes()
    starts = [o for m in whole if (o := m.source.offset) and data[o : o + 5] == b"From "]
    cuts = sorted({0} | {min(starts, key=lambda s: abs(s - g * size)) for g in guesses if starts})
    got = []
    state, at = MboxState(), 0
    with path.open("rb") as fp:
        for start, stop in zip(cuts, [*cuts[1:], None], strict=True):
            assert start == at
            reader = iter_mbox_range(fp, "x", start, stop, state)
            while True:
                try:
                    got.append(next(reader))
                except StopIteration as done:
                    at, state = done.value
                    break
    assert got == whole
    assert at == size


_LONG = b"x" * (LINE_LIMIT + 10)


@settings(max_examples=60, deadline=None)
@given(
    st.lists(
        st.sampled_from(
            [
                b"From a@example.org Mon Jan  1 10:00:00 2024\n",
                b"From nobody at all\n",  # not a From_ line: the search goes on
                b"From " + _LONG + b"\n",  # longer than a line is read
                b"text\n",
                b"\n",
                _LONG[:300] + b"\n",
            ]
        ),
        max_size=40,
    ),
    st.integers(min_value=0, max_value=300_000),
    st.sampled_from([16, 1000, 256 * 1024]),
)
def test_cut_search_in_windows_is_the_mapped_search(
    tmp_path_factory: pytest.TempPathFactory, lines: list[bytes], at: int, window: int
) -> None:
    # mbox_cuts reads windows with pread (a memory map raised the RSS to the
    # file's size): same answer as next_from_line over the whole data, also
    # when a line or the search runs past a window.
    data = b"".join(lines)
    path = tmp_path_factory.mktemp("cut") / "m.mbox"
    path.write_bytes(data)
    at = min(at, len(data))
    if at > 0 and data[at - 1 : at] != b"\n":
        at = data.rfind(b"\n", 0, at) + 1  # a line start, as the callers give
    with path.open("rb") as fp:
        got = next_from_line_in_file(fp.fileno(), at, len(data), window)
    assert got == next_from_line(data, at)


def test_cuts_stand_on_from_lines(tmp_path: Path) -> None:
    path = _tricky(tmp_path / "tricky.mbox")
    data = path.read_bytes()
    cuts = mbox_cuts(str(path), None, 100)
    assert cuts is not None and cuts[0] == 0 and cuts == sorted(set(cuts))
    for cut in cuts[1:]:
        assert data[cut - 1 : cut + 5] == b"\nFrom "
        assert next_from_line(data, cut) == cut
    assert mbox_cuts(str(path), "eml", 100) is None  # another format named
    assert mbox_cuts(str(path), None, len(data)) is None  # too small to cut


def test_compressed_mbox_is_not_cut(tmp_path: Path) -> None:
    import gzip  # noqa: PLC0415

    path = tmp_path / "a.mbox.gz"
    path.write_bytes(gzip.compress(_tricky(tmp_path / "t.mbox").read_bytes()))
    assert mbox_cuts(str(path), None, 100) is None
    assert [r.source.offset for r in iter_source(str(path))]  # still read, the plain way


@pytest.mark.parametrize("headers_only", [True, False])
def test_thread_listing_from_ranges_equals_the_inline_one(
    tmp_path: Path, headers_only: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    # threads --format table: workers send briefs (listing_record), not Emails.
    path = str(_tricky(tmp_path / "tricky.mbox"))
    inline = api.load_document([path], workers=1, keep_emails=False, headers_only=headers_only)
    monkeypatch.setattr(api, "CHUNK_BYTES", 300)
    stats = api.Stats()
    ranged = api.load_document(
        [path], workers=2, keep_emails=False, headers_only=headers_only, stats=stats
    )
    assert ranged == inline
    assert inline.threads and not inline.emails
    assert stats.messages == sum(e.derivation is None for e in _whole(Path(path)))


@pytest.mark.parametrize("workers", [1, 2])
def test_listing_records_arrive_as_listed(
    tmp_path: Path, workers: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Workers send a Listed as a plain tuple (cheaper to pickle); what
    # iter_emails gives is a Listed again, inline or from worker processes.
    path = str(_tricky(tmp_path / "tricky.mbox"))
    monkeypatch.setattr(api, "CHUNK_BYTES", 300)
    values = list(
        api.iter_emails([path], headers_only=True, workers=workers, transform=listing_record)
    )
    assert values
    assert all(type(v) is Listed or isinstance(v, Email) for v in values)
    assert sum(type(v) is Listed for v in values) >= len(values) // 2


def _die_on_counted(email: object) -> object:
    import os  # noqa: PLC0415
    import signal  # noqa: PLC0415

    if getattr(email, "subject", None) == "counted 7":
        os.kill(os.getpid(), signal.SIGKILL)  # what the out-of-memory killer does
    return email


def test_a_worker_killed_is_one_clear_error_not_a_hang(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _tricky(tmp_path / "tricky.mbox")
    monkeypatch.setattr(api, "CHUNK_BYTES", 300)
    with pytest.raises(WorkerError, match="worker process died"):
        list(api.iter_emails([str(path)], workers=2, transform=_die_on_counted))


def test_stopping_early_does_not_wait_for_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _tricky(tmp_path / "tricky.mbox")
    monkeypatch.setattr(api, "CHUNK_BYTES", 64)
    calls: list[dict[str, object]] = []
    shutdown = api.ProcessPoolExecutor.shutdown

    def spy(self: api.ProcessPoolExecutor, wait: bool = True, **kwargs: bool) -> None:
        calls.append({"wait": wait, **kwargs})
        shutdown(self, wait=wait, **kwargs)

    monkeypatch.setattr(api.ProcessPoolExecutor, "shutdown", spy)
    records = api.iter_emails([str(path)], workers=2)
    assert next(records) == _whole(path)[0]
    records.close()  # the consumer stops (as --strict does on a defect)
    assert calls == [{"wait": False, "cancel_futures": True}]
    assert list(api.iter_emails([str(path)], workers=2)) == _whole(path)
    assert calls[1:] == [{"wait": True}]  # a run read to its end waits for its workers


def test_a_file_cut_short_under_a_reading_worker_is_one_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Workers read ranges through a memory map: a file truncated meanwhile kills the
    # worker that touches the lost pages (SIGBUS). That must end the run with the
    # one-line WorkerError, not a hang and not a traceback.
    from mailarchive.sources import mbox  # noqa: PLC0415

    path = _tricky(tmp_path / "shrinking.mbox")
    monkeypatch.setattr(api, "CHUNK_BYTES", 300)
    mapped = mbox._mapped

    def cut_short(stream):  # type: ignore[no-untyped-def]
        found = mapped(stream)
        with open(path, "r+b") as fp:
            fp.truncate(0)
        return found

    monkeypatch.setattr(mbox, "_mapped", cut_short)
    with pytest.raises(WorkerError, match="cut short"):
        list(api.iter_emails([str(path)], workers=2))
