"""The library's front door: sources in, Email records and threads out.

``iter_emails`` runs the pipeline sources -> parse -> segment on any number of
sources, streaming, in one worker process per core: a big uncompressed mbox is
cut into ranges that the workers read from the file themselves; anything else
(directories, compressed files, stdin) is read here and handed over in small
batches. A bounded number of ranges or batches is in flight, so memory does
not grow with the archive. Records come out in input order. ``iter_encoded``
is the same with each record encoded in the workers (JSON Lines), given as
blocks of bytes: the parent does nothing per record but count it.

``load_document`` adds threading and returns a :class:`~mailarchive.model.Document`.
"""

from __future__ import annotations

import itertools
import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from contextlib import nullcontext
from dataclasses import dataclass, field, replace
from datetime import timedelta
from typing import Any, NamedTuple, cast

from mailarchive.errors import DefectError, SourceError, WorkerError
from mailarchive.model import Defect, Document, Email, SourceKind, SourceRef
from mailarchive.parse import parse_message, raw_email_id
from mailarchive.parse.rebuilt import is_rebuilt_copy, read_marks
from mailarchive.sources import iter_source, iter_sources, mbox_cuts, places_distinct, shown_path
from mailarchive.sources.mbox import MboxState, iter_mbox_range
from mailarchive.sources.raw import RawMessage
from mailarchive.thread import build_threads
from mailarchive.thread.core import gc_paused
from mailarchive.thread.threader import Listed, listing_of_raw, listing_record, listing_record_at

# Batches handed to a worker: small enough to keep memory flat, big enough
# that pickling overhead per batch is amortised.
BATCH_MESSAGES = 64
BATCH_BYTES = 4 * 1024 * 1024
# Inputs smaller than this are parsed in-process: a pool costs more than it saves.
INLINE_THRESHOLD = 256
# Big mbox files are read by the workers in ranges of about this size.
CHUNK_BYTES = 2 << 20


@dataclass(frozen=True, slots=True)
class Options:
    """What to do with each raw message (picklable: it travels to workers)."""

    split: bool = True
    headers_only: bool = False


@dataclass(slots=True)
class Stats:
    """Counts for the CLI's summary line, filled while records stream out."""

    sources: int = 0
    messages: int = 0  # records read from the sources themselves
    embedded: int = 0  # records found inside other records
    with_defects: int = 0
    defect_kinds: dict[str, int] = field(default_factory=dict)
    on_count: Callable[[], None] | None = None  # e.g. a progress display's tick

    def count(self, message: bool, defects: tuple[Defect, ...]) -> None:
        """Count one record: a message of a source or one found inside another."""
        if self.on_count is not None:
            self.on_count()
        if message:
            self.messages += 1
        else:
            self.embedded += 1
        if defects:
            self.with_defects += 1
            for d in defects:
                self.defect_kinds[d.kind] = self.defect_kinds.get(d.kind, 0) + 1


def process_raw(raw: RawMessage, options: Options = Options()) -> tuple[Email, ...]:
    """Parse one raw message into its records (the message first, then what it embeds)."""
    # The segmenter is imported when first needed: a listing of threads never
    # splits, and importing it is a tenth of a listing's start (28 ms).
    if raw.source.kind is SourceKind.TEXT:
        from mailarchive.parse.segment import parse_text_dump  # noqa: PLC0415

        return parse_text_dump(raw, split=options.split)
    parsed = parse_message(raw, headers_only=options.headers_only)
    if parsed:
        # A message mailarchive's mbox export rebuilt from an embedded one
        # (see mailarchive.parse.rebuilt): not split again, its container is.
        parsed = (read_marks(raw.data, parsed[0]), *parsed[1:])
    if not options.split or options.headers_only:
        return parsed
    from mailarchive.parse.segment import split_email  # noqa: PLC0415

    out: list[Email] = []
    for email in parsed:
        out.extend((email,) if is_rebuilt_copy(email) else split_email(email))
    return tuple(out)


def parse_bytes(data: bytes, *, split: bool = True, path: str | None = None) -> tuple[Email, ...]:
    """Parse one RFC 5322 message given as bytes; the message first, then what it embeds."""
    raw = RawMessage(data=data, source=SourceRef(kind=SourceKind.EML, path=path))
    return process_raw(raw, Options(split=split))


def parse_text(text: str, *, split: bool = True, path: str | None = None) -> tuple[Email, ...]:
    """Parse pasted text (one or many emails, headers flattened or not)."""
    raw = RawMessage(data=text.encode("utf-8"), source=SourceRef(kind=SourceKind.TEXT, path=path))
    return process_raw(raw, Options(split=split))


def _records(
    raw: RawMessage, options: Options, transform: Callable[[Email], Any] | None
) -> tuple[Any, ...]:
    if options.headers_only and transform is not None and _is_listing(transform):
        # A listing of threads: the Listed straight from the header block
        # when the headers-only path would build it from a quick read.
        by_position = cast(_Checked, transform).transform is listing_record_at
        fast = listing_of_raw(raw, by_position=by_position)
        if fast is not None:
            defects, listed = fast
            # Sent as a plain tuple (iter_emails makes it a Listed again): a
            # namedtuple pickles through Python code, a tuple in C.
            return (((True, defects, raw.source.path), tuple(listed)),)
    records = process_raw(raw, options)
    return tuple(transform(r) for r in records) if transform else records


_new_listed = tuple.__new__  # (Listed, values): Listed._make without its checks


def _is_listing(transform: Callable[[Email], Any]) -> bool:
    """Whether ``transform`` is one ``load_document`` gives a listing (checked)."""
    return type(transform) is _Checked and (
        transform.transform is listing_record or transform.transform is listing_record_at
    )


def _process_batch(
    batch: list[RawMessage], options: Options, transform: Callable[[Email], Any] | None
) -> list[Any]:
    return _packed([_records(raw, options, transform) for raw in batch], transform)


class _Packed(NamedTuple):
    """The encoded records of a range or batch as one block (see :func:`iter_encoded`):
    what stats and ``strict`` need of each record, where each one ends, the bytes."""

    checks: list[tuple[bool, tuple[Defect, ...], str | None]]
    ends: list[int]
    data: bytes


def _packed(out: list[tuple[Any, ...]], transform: Callable[[Email], Any] | None) -> list[Any]:
    """``out`` (records per message) as one :class:`_Packed` when ``transform``
    encodes (:class:`_Encoded`): one object to send and to write, not one per record."""
    if type(transform) is not _Encoded:
        return out
    checks: list[tuple[bool, tuple[Defect, ...], str | None]] = []
    ends: list[int] = []
    parts: list[bytes] = []
    size = 0
    for records in out:
        for check, data in records:
            checks.append(check)
            parts.append(data)
            size += len(data)
            ends.append(size)
    return [_Packed(checks, ends, b"".join(parts))] if checks else []


@dataclass(frozen=True, slots=True)
class _Range:
    """Messages of one mbox file whose From_ line starts in ``[start, stop)``."""

    number: int  # which of the paths
    path: str
    shown: str
    start: int
    stop: int | None  # None: to the end of the file
    state: MboxState  # the reader's state assumed at ``start``


@dataclass(slots=True)
class _Cursor:
    """How far the ranges of one file have been read, as one whole-file reading would."""

    offset: int = 0
    state: MboxState = field(default_factory=MboxState)


def _process_range(
    task: _Range, options: Options, transform: Callable[[Email], Any] | None
) -> tuple[int, MboxState, list[Any]]:
    """(where the next message starts, reader state there, records per message
    or one :class:`_Packed`)."""
    out: list[tuple[Any, ...]] = []
    try:
        # Headers only: small acyclic records, nothing for the collector to
        # find; its passes over them cost a few per cent.
        with (
            open(task.path, "rb") as stream,
            gc_paused() if options.headers_only else nullcontext(),
        ):
            messages = iter_mbox_range(stream, task.shown, task.start, task.stop, task.state)
            while True:
                try:
                    raw = next(messages)
                except StopIteration as done:
                    end, state = done.value
                    return end, state, _packed(out, transform)
                out.append(_records(raw, options, transform))
    except OSError as exc:
        raise SourceError(f"cannot read {task.shown}: {exc.strerror or exc}") from None


def _batches(raws: Iterable[RawMessage]) -> Iterator[list[RawMessage]]:
    batch: list[RawMessage] = []
    size = 0
    for raw in raws:
        batch.append(raw)
        size += len(raw.data)
        if len(batch) >= BATCH_MESSAGES or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


def default_workers() -> int:
    """Worker processes to use: one per available core."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not Linux
        return max(1, os.cpu_count() or 1)


def _tasks(
    paths: Sequence[str], input_format: str | None, cuts: list[list[int] | None]
) -> Iterator[list[RawMessage] | _Range]:
    """The work, in input order: big mbox files as ranges, the rest as batches of messages."""
    for number, (path, file_cuts) in enumerate(zip(paths, cuts, strict=True)):
        if file_cuts is None:
            yield from _batches(iter_source(path, input_format))
            continue
        for start, stop in zip(file_cuts, [*file_cuts[1:], None], strict=True):
            yield _Range(number, path, shown_path(path), start, stop, MboxState())


def _map_raw(
    paths: Sequence[str],
    input_format: str | None,
    options: Options,
    transform: Callable[[Email], Any] | None,
    workers: int,
) -> Iterator[tuple[Any, ...]]:
    """The records of each raw message, in input order, in worker processes when it pays
    (from workers, an :class:`_Encoded` transform's come as :class:`_Packed` blocks).

    Big mbox files are cut into ranges (``sources.mbox_cuts``) that workers
    read themselves, so the parent neither reads nor ships message bytes.
    The cuts are a guess: a range is only right if the previous one ended
    exactly at its start, in the reader state it assumed (a Content-Length
    body or an open multipart can run past a cut; an mboxrd escape changes
    how later messages are labelled). Results are checked in order, and a
    range that guessed wrong is read again from where the previous one ended.
    """
    cuts = [mbox_cuts(path, input_format, CHUNK_BYTES) if workers > 1 else None for path in paths]
    tasks: Iterator[list[RawMessage] | _Range]
    if any(cuts):
        tasks = _tasks(paths, input_format, cuts)
    else:
        raws = iter_sources(paths, input_format)
        head = list(itertools.islice(raws, INLINE_THRESHOLD))
        if workers <= 1 or len(head) < INLINE_THRESHOLD or options.headers_only:
            # Small inputs: a pool costs more than it saves.
            for raw in itertools.chain(head, raws):
                yield _records(raw, options, transform)
            return
        tasks = _batches(itertools.chain(head, raws))

    pending: deque[tuple[_Range | None, Future[Any]]] = deque()
    cursors: dict[int, _Cursor] = {}

    def finish(task: _Range | None, result: Future[Any]) -> list[tuple[Any, ...]]:
        done = result.result()
        if task is None:
            return cast(list[tuple[Any, ...]], done)
        end, state, records = done
        cursor = cursors.setdefault(task.number, _Cursor())
        if task.start != cursor.offset or task.state != cursor.state:
            if task.stop is not None and cursor.offset >= task.stop:
                return []  # the previous range read every message of this one
            again = replace(task, start=cursor.offset, state=cursor.state)
            end, state, records = _process_range(again, options, transform)
        cursor.offset, cursor.state = end, state
        return cast(list[tuple[Any, ...]], records)

    # A pool that notices a dead worker (multiprocessing.Pool would wait for
    # its task forever); forked, so workers start with everything imported
    # (the segmenter too, once, when they will split).
    if options.split and not options.headers_only:
        import mailarchive.parse.segment  # noqa: F401, PLC0415
    pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork"))
    try:
        for task in tasks:
            if isinstance(task, _Range):
                cursor = cursors.get(task.number)
                guess = task if cursor is None else replace(task, state=cursor.state)
                pending.append((guess, pool.submit(_process_range, guess, options, transform)))
            else:  # the batch itself is not kept: its bytes are in the pool's queue
                pending.append((None, pool.submit(_process_batch, task, options, transform)))
            del task
            while len(pending) > workers * 3:
                yield from finish(*pending.popleft())
        while pending:
            yield from finish(*pending.popleft())
    except BrokenProcessPool:  # at submit or at result, whichever comes first
        pool.shutdown(wait=False, cancel_futures=True)
        raise WorkerError(
            "a worker process died (killed, out of memory, or a file cut short while "
            "it was read?): the run was stopped"
        ) from None
    except BaseException:  # also when the consumer stops early (--strict): no waiting
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def iter_emails(
    paths: Sequence[str],
    *,
    input_format: str | None = None,
    split: bool = True,
    strict: bool = False,
    headers_only: bool = False,
    workers: int | None = None,
    stats: Stats | None = None,
    transform: Callable[[Email], Any] | None = None,
) -> Iterator[Any]:
    """Every record of every source, in input order, streaming.

    ``transform`` (a picklable module-level function) is applied to each
    record inside the worker, so e.g. JSON encoding runs in parallel too;
    with a transform, ``strict`` and ``stats`` need the records themselves and
    are checked before it is applied.
    Raises :class:`~mailarchive.errors.SourceError` for unreadable sources and,
    with ``strict``, :class:`~mailarchive.errors.DefectError` on the first defect.
    ``workers`` None means one per core. With ``headers_only`` only big mbox
    files go to workers (read in ranges there): for anything else a header
    read (~0.05 ms) costs less than shipping the message to a worker.
    """
    stats = stats if stats is not None else Stats()
    stats.sources = len(paths)
    options = Options(split=split, headers_only=headers_only)
    n_workers = default_workers() if workers is None else workers
    wrapped = _Checked(transform) if transform is not None else None
    listing = wrapped is not None and _is_listing(wrapped)
    for records in _map_raw(paths, input_format, options, wrapped, n_workers):
        for item in records:
            if wrapped is not None:
                (message, defects, where), value = item
                stats.count(message, defects)
                if strict and defects:
                    raise DefectError(defects[0], where)
                if listing and type(value) is tuple:  # a Listed sent plain (see _records)
                    value = _new_listed(Listed, value)
                yield value
            else:
                stats.count(_is_message(item), item.defects)
                if strict and item.defects:
                    raise DefectError(item.defects[0], item.source.path)
                yield item


def _is_message(email: Email) -> bool:
    """Whether a record counts as a message of its source (not one found inside another)."""
    return email.derivation is None or is_rebuilt_copy(email)  # a rebuilt copy read back


@dataclass(frozen=True, slots=True)
class _Checked:
    """Apply ``transform`` in the worker but keep what stats and strict need.

    That is a plain tuple (message or embedded, defects, path): it crosses the
    process boundary once per record, where every dataclass costs.
    """

    transform: Callable[[Email], Any]

    def __call__(self, email: Email) -> tuple[tuple[bool, tuple[Defect, ...], str | None], Any]:
        return (_is_message(email), email.defects, email.source.path), self.transform(email)


@dataclass(frozen=True, slots=True)
class _Encoded(_Checked):
    """A :class:`_Checked` whose values are bytes (``transform`` encodes a record):
    workers send each range's or batch's as one :class:`_Packed` block."""


def iter_encoded(
    paths: Sequence[str],
    encode: Callable[[Email], bytes],
    *,
    input_format: str | None = None,
    split: bool = True,
    strict: bool = False,
    workers: int | None = None,
    stats: Stats | None = None,
) -> Iterator[bytes]:
    """Every record of every source, encoded by ``encode`` (a picklable
    module-level function, run in the workers), in input order, as blocks of
    bytes to write one after the other: ``iter_emails(..., transform=encode)``
    joined, without the parent handling each record (JSON Lines output).

    ``stats`` and ``strict`` as :func:`iter_emails`: with ``strict``, what
    precedes the first record with a defect is given, then DefectError raised.
    """
    stats = stats if stats is not None else Stats()
    stats.sources = len(paths)
    options = Options(split=split)
    n_workers = default_workers() if workers is None else workers
    for item in _map_raw(paths, input_format, options, _Encoded(encode), n_workers):
        if isinstance(item, _Packed):
            start = 0
            for (message, defects, where), end in zip(item.checks, item.ends, strict=True):
                stats.count(message, defects)
                if strict and defects:
                    if start:
                        yield item.data[:start]
                    raise DefectError(defects[0], where)
                start = end
            yield item.data
            continue
        for (message, defects, where), data in item:  # read here: one message's records
            stats.count(message, defects)
            if strict and defects:
                raise DefectError(defects[0], where)
            yield data


def load_document(
    paths: Sequence[str],
    *,
    input_format: str | None = None,
    split: bool = True,
    strict: bool = False,
    headers_only: bool = False,
    thread: bool = True,
    subject_grouping: str = "auto",
    subject_window: timedelta = timedelta(days=28),
    workers: int | None = None,
    stats: Stats | None = None,
    keep_emails: bool = True,
    record_ids: bool = True,
) -> Document:
    """Read every source and return the Document (threaded unless ``thread`` is False).

    ``keep_emails=False``: the threads only (``emails`` empty), for listings
    of threads, in less memory (see :func:`~mailarchive.thread.build_threads`).
    With it, ``record_ids=False`` is for listings that show no ids (``threads
    --format table``): messages are keyed by their place in the input
    (:func:`~mailarchive.thread.threader.listing_record_at`), so their bytes
    are not hashed (a quarter of a headers-only read); the threads and their
    order are the same, but thread ids and emailIds are not export ids.
    Ignored where two messages could share a place
    (:func:`~mailarchive.sources.places_distinct`).
    """
    listing = thread and not keep_emails
    by_position = listing and not record_ids and places_distinct(paths)
    emails = iter_emails(
        paths,
        input_format=input_format,
        split=split,
        strict=strict,
        headers_only=headers_only,
        workers=workers,
        stats=stats,
        # A listing keeps a brief of each message: made in the workers, it
        # crosses the process boundary instead of the whole record.
        transform=(listing_record_at if by_position else listing_record) if listing else None,
    )
    if thread:
        return build_threads(
            emails,
            subject_grouping=subject_grouping,
            subject_window=subject_window,
            keep_emails=keep_emails,
        )
    by_id: dict[str, Email] = {}
    for email in emails:
        by_id[email.id] = email
    return Document(threads=(), emails=by_id)


def iter_raw(paths: Sequence[str], input_format: str | None = None) -> Iterator[tuple[str, bytes]]:
    """(Email id, original bytes) of every real message, streaming, in input order.

    For exports that write messages back byte for byte: a second pass over
    the sources instead of holding every message's bytes in memory.
    """
    for raw in iter_sources(paths, input_format):
        if raw.source.kind is not SourceKind.TEXT:
            yield raw_email_id(raw), raw.data


def read(
    path: str | Sequence[str], *, input_format: str | None = None, split: bool = True
) -> Iterator[Email]:
    """Every Email record in ``path`` (a file, directory, ``-`` for stdin, or a list of them)."""
    paths = [path] if isinstance(path, str) else list(path)
    return iter_emails(paths, input_format=input_format, split=split)


__all__ = [
    "Options",
    "Stats",
    "iter_emails",
    "iter_raw",
    "load_document",
    "parse_bytes",
    "parse_text",
    "process_raw",
    "read",
]
