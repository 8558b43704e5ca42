"""The library's front door: sources in, Email records and threads out.

``iter_emails`` runs the pipeline sources -> parse -> segment on any number of
sources, streaming: raw messages are read one at a time and handed to worker
processes in small batches, with a bounded number of batches in flight, so
memory does not grow with the archive. Records come out in input order.

``load_document`` adds threading and returns a :class:`~mailarchive.model.Document`.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from mailarchive.errors import DefectError
from mailarchive.model import Defect, Document, Email, SourceKind, SourceRef
from mailarchive.parse import parse_message, raw_email_id
from mailarchive.parse.rebuilt import is_rebuilt_copy, read_marks
from mailarchive.parse.segment import parse_text_dump, split_email
from mailarchive.sources import iter_sources
from mailarchive.sources.raw import RawMessage
from mailarchive.thread import build_threads

# Batches handed to a worker: small enough to keep memory flat, big enough
# that pickling overhead per batch is amortised.
BATCH_MESSAGES = 64
BATCH_BYTES = 4 * 1024 * 1024
# Inputs smaller than this are parsed in-process: a pool costs more than it saves.
INLINE_THRESHOLD = 256


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

    def count(self, email: Email | _Stub) -> None:
        if self.on_count is not None:
            self.on_count()
        rebuilt = email.rebuilt if isinstance(email, _Stub) else is_rebuilt_copy(email)
        if email.derivation is None or rebuilt:  # a rebuilt copy is a message of the source
            self.messages += 1
        else:
            self.embedded += 1
        if email.defects:
            self.with_defects += 1
            for d in email.defects:
                self.defect_kinds[d.kind] = self.defect_kinds.get(d.kind, 0) + 1


def process_raw(raw: RawMessage, options: Options = Options()) -> tuple[Email, ...]:
    """Parse one raw message into its records (the message first, then what it embeds)."""
    if raw.source.kind is SourceKind.TEXT:
        return parse_text_dump(raw, split=options.split)
    parsed = parse_message(raw, headers_only=options.headers_only)
    if parsed:
        # A message mailarchive's mbox export rebuilt from an embedded one
        # (see mailarchive.parse.rebuilt): not split again, its container is.
        parsed = (read_marks(raw.data, parsed[0]), *parsed[1:])
    if not options.split or options.headers_only:
        return parsed
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


def _process_batch(
    batch: list[RawMessage], options: Options, transform: Callable[[Email], Any] | None
) -> list[tuple[Any, ...]]:
    out = []
    for raw in batch:
        records = process_raw(raw, options)
        out.append(tuple(transform(r) for r in records) if transform else records)
    return out


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


def _map_raw(
    raws: Iterator[RawMessage],
    options: Options,
    transform: Callable[[Email], Any] | None,
    workers: int,
) -> Iterator[tuple[RawMessage | None, tuple[Any, ...]]]:
    """(raw or None, records) per raw message, in order, in worker processes when it pays."""
    head: list[RawMessage] = []
    for raw in raws:
        head.append(raw)
        if len(head) >= INLINE_THRESHOLD:
            break
    if workers <= 1 or len(head) < INLINE_THRESHOLD:
        for raw in head:
            yield raw, _process_batch([raw], options, transform)[0]
        for raw in raws:
            yield raw, _process_batch([raw], options, transform)[0]
        return

    def everything() -> Iterator[RawMessage]:
        yield from head
        yield from raws

    ctx = multiprocessing.get_context("fork")
    pending: deque[Any] = deque()
    with ctx.Pool(workers) as pool:
        for batch in _batches(everything()):
            pending.append(pool.apply_async(_process_batch, (batch, options, transform)))
            del batch
            while len(pending) > workers * 3:
                for records in pending.popleft().get():
                    yield None, records
        while pending:
            for records in pending.popleft().get():
                yield None, records


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
    ``workers`` None means one per core, or one (in-process) with ``headers_only``.
    """
    stats = stats if stats is not None else Stats()
    stats.sources = len(paths)
    options = Options(split=split, headers_only=headers_only)
    n_workers = workers
    if n_workers is None:
        # Headers only is cheaper inline: a worker's parse (~0.1 ms) costs less
        # than pickling the raw message to it and the record back (measured:
        # benchmarks/bench_threads_table.py, pool 1.4-2x slower on 5k mboxes).
        n_workers = 1 if headers_only else default_workers()
    wrapped = _Checked(transform) if transform is not None else None
    for _raw, records in _map_raw(iter_sources(paths, input_format), options, wrapped, n_workers):
        for item in records:
            if wrapped is not None:
                email_stub, value = item
                _account(email_stub, stats, strict)
                yield value
            else:
                _account(item, stats, strict)
                yield item


@dataclass(frozen=True, slots=True)
class _Stub:
    """What the parent needs of a record transformed in a worker."""

    id: str
    derivation: object | None
    defects: tuple[Defect, ...]
    where: str | None
    rebuilt: bool = False  # a rebuilt copy read back (mailarchive.parse.rebuilt)


@dataclass(frozen=True, slots=True)
class _Checked:
    """Apply ``transform`` in the worker but keep what stats/strict need."""

    transform: Callable[[Email], Any]

    def __call__(self, email: Email) -> tuple[_Stub, Any]:
        stub = _Stub(
            email.id, email.derivation, email.defects, email.source.path, is_rebuilt_copy(email)
        )
        return stub, self.transform(email)


def _account(email: Email | _Stub, stats: Stats, strict: bool) -> None:
    stats.count(email)
    if strict and email.defects:
        where = email.where if isinstance(email, _Stub) else email.source.path
        raise DefectError(email.defects[0], where)


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
) -> Document:
    """Read every source and return the Document (threaded unless ``thread`` is False)."""
    emails = iter_emails(
        paths,
        input_format=input_format,
        split=split,
        strict=strict,
        headers_only=headers_only,
        workers=workers,
        stats=stats,
    )
    if thread:
        return build_threads(
            emails, subject_grouping=subject_grouping, subject_window=subject_window
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
