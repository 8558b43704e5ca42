"""Walk a directory argument: Maildirs, MH folders and trees of files.

Input: a directory. Output: the files to read, in a deterministic order
(names compared with numbers as numbers, so MH message 2 comes before 10),
each with how to read it.

How a file is classed when no format is forced:

* in a ``cur/`` or ``new/`` directory, or named with a Maildir ``:2,``
  info part -> a Maildir message (flags and delivery time from the name);
  ``tmp/`` beside ``cur``/``new`` holds deliveries in progress and is skipped;
* a numbered file in an MH folder (one with ``.mh_sequences``, or whose
  files are all numbered) -> an MH message (flags from the sequences);
* anything else -> sniffed like a file argument (mbox, pipermail, eml,
  text); binary files are skipped with a warning on the
  ``mailarchive.sources`` logger, since a tree may hold non-mail files.

Dot files (``.mh_sequences``, ``.DS_Store``), Dovecot/Courier index files
and version-control directories are skipped; Maildir++ folders (``.Sent``)
are read. Symbolic links to directories are not followed (no loops).

``source.path`` is the directory's name, ``/``, and the path inside it.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from mailarchive.errors import SourceError
from mailarchive.sources.maildir import has_maildir_info, maildir_flags, maildir_time
from mailarchive.sources.mh import SEQUENCES_FILE, Sequences

logger = logging.getLogger("mailarchive.sources")

_SKIP_DIRS = frozenset({".git", ".hg", ".svn", "__pycache__"})
_SKIP_FILE_PREFIXES = ("dovecot", "courierimap", "maildirfolder", "subscriptions")
_DIGITS = re.compile(r"(\d+)")


@dataclass(frozen=True, slots=True)
class FileEntry:
    """One file of a directory tree and how to read it."""

    path: str  # on disk
    shown: str  # for source.path
    format: str | None  # "maildir", "mh", or None: sniff the content
    flags: tuple[str, ...] = ()
    received_at: datetime | None = None


def natural_key(name: str) -> tuple[tuple[int, int, str], ...]:
    """Sort key comparing digit runs as numbers (``2`` < ``10``), ties by text."""
    return tuple(
        (0, int(part), part) if part.isdigit() else (1, 0, part)
        for part in _DIGITS.split(name)
        if part
    )


def _skip_file(name: str) -> bool:
    return name.startswith(".") or name.lower().startswith(_SKIP_FILE_PREFIXES)


def _entries(directory: Path, shown: str) -> list[os.DirEntry[str]]:
    try:
        with os.scandir(directory) as it:
            return sorted(it, key=lambda entry: natural_key(entry.name))
    except PermissionError:
        raise SourceError(f"permission denied: {shown}") from None
    except OSError as exc:
        raise SourceError(f"cannot read {shown}: {exc.strerror or exc}") from None


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:
        return False


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def walk(directory: Path, shown: str, forced: str | None = None) -> Iterator[FileEntry]:
    """Files under ``directory`` in order, classed as the module doc says.

    ``forced`` (an explicit input format) is passed on for every file.
    """
    entries = _entries(directory, shown)
    names = {entry.name for entry in entries}
    files = [e for e in entries if _is_file(e) and not _skip_file(e.name)]
    in_maildir = directory.name in ("cur", "new")
    is_mh = SEQUENCES_FILE in names or (
        bool(files) and not in_maildir and all(e.name.isdigit() for e in files)
    )
    maildir_parent = bool(names & {"cur", "new"})
    sequences = Sequences.read(directory) if is_mh else None
    for entry in entries:
        child = f"{shown}/{entry.name}"
        if _is_dir(entry):
            if entry.name in _SKIP_DIRS or (entry.name == "tmp" and maildir_parent):
                continue
            yield from walk(Path(entry.path), child, forced)
        elif entry in files:
            if forced is not None:
                yield FileEntry(entry.path, child, forced)
            elif in_maildir or has_maildir_info(entry.name):
                yield FileEntry(
                    entry.path,
                    child,
                    "maildir",
                    maildir_flags(entry.name),
                    maildir_time(entry.name),
                )
            elif sequences is not None and entry.name.isdigit():
                yield FileEntry(entry.path, child, "mh", sequences.flags(int(entry.name)))
            else:
                yield FileEntry(entry.path, child, None)


def directory_format(directory: Path) -> str:
    """``maildir``, ``mh`` or ``eml``: what a directory argument mostly is."""
    for root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        if Path(root).name in ("cur", "new") and files:
            return "maildir"
        if any(has_maildir_info(name) for name in files):
            return "maildir"
    for _root, dirs, files in os.walk(directory):
        dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
        visible = [name for name in files if not _skip_file(name)]
        if SEQUENCES_FILE in files or (visible and all(name.isdigit() for name in visible)):
            return "mh"
    return "eml"


def read_entry_warning(entry: FileEntry, reason: str) -> None:
    """Log why a file of a tree was skipped."""
    logger.warning("skipped %s: %s", entry.shown, reason)
