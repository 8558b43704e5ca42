"""Sources: read mail archives as a stream of raw messages.

Input: paths (files, directories, ``-`` for stdin). Output:
:class:`~mailarchive.sources.raw.RawMessage` records, one at a time; memory
does not grow with the size of an archive.

Formats (:data:`INPUT_FORMATS`), found from the content unless named:

* ``mbox``: mboxo, mboxrd, mboxcl, mboxcl2 (:mod:`.mbox`), Google Takeout
  labels and thread ids included;
* ``maildir`` and ``mh``: directories (:mod:`.tree`, :mod:`.maildir`, :mod:`.mh`);
* ``eml``: one message per file, or a tree of them;
* ``pipermail``: Mailman monthly archives (:mod:`.pipermail`);
* ``text``: a pasted-text dump, one record for the whole file (:mod:`.text`).

gzip, bzip2 and xz are undone transparently (:mod:`.compression`).
``source.path`` is never absolute: a relative argument as given (with
forward slashes), an absolute one by its base name, a file inside a
directory argument as ``<directory name>/<path inside it>``, stdin as ``-``.

Raises :class:`~mailarchive.errors.SourceNotFoundError` for a missing path,
:class:`~mailarchive.errors.UnknownFormatError` for content in no format we
read, :class:`~mailarchive.errors.SourceError` for anything else that stops
a source from being read. Problems inside a source are defects on records.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator, Sequence
from pathlib import Path, PurePath

from mailarchive.errors import SourceError, SourceNotFoundError
from mailarchive.sources.compression import PEEK_SIZE, peek_decompressed
from mailarchive.sources.detect import sniff
from mailarchive.sources.mbox import next_from_line_in_file
from mailarchive.sources.raw import RawMessage
from mailarchive.sources.reader import STDIN, content_format, opened, read_file
from mailarchive.sources.tree import directory_format, read_entry_warning, walk

__all__ = [
    "INPUT_FORMATS",
    "RawMessage",
    "detect_format",
    "iter_source",
    "iter_sources",
    "mbox_cuts",
    "places_distinct",
    "shown_path",
]

INPUT_FORMATS: tuple[str, ...] = ("mbox", "maildir", "mh", "eml", "pipermail", "text")


def shown_path(path: str) -> str:
    """What ``source.path`` says for an argument ``path`` (never absolute)."""
    if path == STDIN:
        return STDIN
    pure = PurePath(path)
    if pure.is_absolute():
        return pure.name or pure.as_posix()
    return pure.as_posix()


def places_distinct(paths: Sequence[str]) -> bool:
    """Whether no two messages of ``paths`` can have the same place
    (``source.path`` and ``source.offset``): true for one path, and for paths
    whose shown names are distinct and none inside another's. Two absolute
    paths can show the same name (``/a/inbox``, ``/b/inbox``), and so can two
    directories (``a/inbox``, ``b/inbox``); then places are not distinct.
    """
    if len(paths) < 2:
        return True
    names: set[str] = set()
    for path in paths:
        name = _directory_name(path) if path != STDIN and os.path.isdir(path) else shown_path(path)
        if name in names:
            return False
        names.add(name)
    for name in names:
        parts = name.split("/")
        if any("/".join(parts[:i]) in names for i in range(1, len(parts))):
            return False
    return True


def _directory_name(path: str) -> str:
    name = PurePath(path).name
    if not name or name in (".", ".."):
        name = Path(path).resolve().name
    return name or "root"


def _check_format(input_format: str | None) -> None:
    if input_format is not None and input_format not in INPUT_FORMATS:
        raise ValueError(f"unknown input format {input_format!r}; use one of {INPUT_FORMATS}")


def detect_format(path: str) -> str:
    """The input format of ``path`` (one of :data:`INPUT_FORMATS`), from its content.

    An empty file is ``text`` (it yields nothing). For stdin the first bytes
    are peeked without being consumed, as far as the buffer allows.
    """
    shown = shown_path(path)
    if path == STDIN:
        buffered = sys.stdin.buffer
        first = buffered.peek(PEEK_SIZE) if hasattr(buffered, "peek") else b""
        found = content_format(peek_decompressed(first), shown)
        return "text" if found == "empty" else found
    if os.path.isdir(path):
        return directory_format(Path(path))
    if not os.path.lexists(path):
        raise SourceNotFoundError(f"no such file or directory: {shown}")
    with opened(path, shown) as (_, _compression, prefix):
        found = content_format(prefix, shown)
    return "text" if found == "empty" else found


def iter_source(path: str, input_format: str | None = None) -> Iterator[RawMessage]:
    """Yield the raw messages of one path (file, directory, or ``-``).

    ``input_format`` (one of :data:`INPUT_FORMATS`) overrides detection; for
    a directory it applies to every file in it.
    """
    _check_format(input_format)
    if path == STDIN:
        if input_format in ("maildir", "mh"):
            raise SourceError(f"{input_format} input must be a directory, not stdin")
        yield from read_file(STDIN, STDIN, input_format)
        return
    if os.path.isdir(path):
        forced = None if input_format in (None, "maildir", "mh") else input_format
        for entry in walk(Path(path), _directory_name(path), forced):
            fmt = entry.format
            if fmt is None:
                with opened(entry.path, entry.shown) as (_, _compression, prefix):
                    sniffed = sniff(prefix, entry.shown)
                if sniffed == "binary":
                    read_entry_warning(entry, "binary data, not mail")
                    continue
                fmt = sniffed
            if fmt == "empty":
                continue
            yield from read_file(
                entry.path, entry.shown, fmt, received_at=entry.received_at, flags=entry.flags
            )
        return
    if not os.path.lexists(path):
        raise SourceNotFoundError(f"no such file or directory: {shown_path(path)}")
    yield from read_file(path, shown_path(path), input_format)


def mbox_cuts(path: str, input_format: str | None, chunk_bytes: int) -> list[int] | None:
    """Offsets at which a big mbox file can be read in independent ranges.

    For an uncompressed, regular mbox file of at least four chunks: 0, then
    the first From_ line at or after every ``chunk_bytes``
    (:func:`~mailarchive.sources.mbox.next_from_line_in_file`). ``None`` for anything
    else (read it with :func:`iter_source`). Each range ``[cut[i], cut[i+1])``
    is read with :func:`~mailarchive.sources.mbox.iter_mbox_range`; finding
    the cuts touches only the pages around them.
    """
    if path == STDIN or input_format not in (None, "mbox") or not os.path.isfile(path):
        return None
    try:
        size = os.path.getsize(path)
        if size < 4 * chunk_bytes:
            return None
        with opened(path, shown_path(path)) as (_, compression, prefix):
            if compression is not None or (input_format or sniff(prefix)) != "mbox":
                return None
        with open(path, "rb") as fp:
            cuts = [0]
            at = chunk_bytes
            while at < size:
                cut = next_from_line_in_file(fp.fileno(), at, size)
                if cut < 0:
                    break
                cuts.append(cut)
                at = cut + chunk_bytes
    except (OSError, ValueError, SourceError):
        return None  # read it the plain way, which reports the problem
    return cuts


def iter_sources(paths: Sequence[str], input_format: str | None = None) -> Iterator[RawMessage]:
    """Yield the raw messages of every path in turn (see :func:`iter_source`)."""
    for path in paths:
        yield from iter_source(path, input_format)
