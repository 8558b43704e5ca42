"""The collector settings threading uses are temporary and keep freeing young cycles."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from mailarchive.model import Email, SourceKind, SourceRef
from mailarchive.thread import build_threads
from mailarchive.thread.core import gc_paused, gc_young_only
from mailarchive.thread.threader import Listed, listing_record


class _Cyclic:
    def __init__(self) -> None:
        self.me = self


def test_young_only_restores_thresholds_and_still_frees_young_cycles() -> None:
    before = gc.get_threshold()
    with gc_young_only():
        young, middle, old = gc.get_threshold()
        assert (young, middle) == before[:2]
        assert old > 1_000_000  # no full collection while records pile up
        item = _Cyclic()
        ref = weakref.ref(item)
        del item
        gc.collect(0)  # a young collection, as the allocator triggers
        assert ref() is None
    assert gc.get_threshold() == before


def _emails(n: int) -> Iterator[Email]:
    for i in range(n):
        yield Email(
            id=f"e{i}",
            source=SourceRef(kind=SourceKind.MBOX, path="x", offset=i),
            message_id=(f"m{i}@x",),
            in_reply_to=(f"m{i - 1}@x",) if i else None,
            subject="s",
        )


@pytest.mark.parametrize("keep", [True, False])
def test_build_threads_restores_the_collector(keep: bool) -> None:
    before = gc.get_threshold()
    enabled = gc.isenabled()
    doc = build_threads(_emails(5), keep_emails=keep)
    assert doc.threads[0].message_count == 5
    assert gc.get_threshold() == before
    assert gc.isenabled() == enabled


def test_build_threads_restores_the_collector_on_error() -> None:
    before = gc.get_threshold()
    listed = listing_record(next(_emails(1)))
    assert isinstance(listed, Listed)
    with pytest.raises(ValueError, match="keep_emails=False"):
        build_threads([listed], keep_emails=True)
    assert gc.get_threshold() == before
    assert gc.isenabled()


def _in_generation(obj: object, generation: int) -> bool:
    return any(o is obj for o in gc.get_objects(generation=generation))


def test_paused_moves_what_it_built_to_the_oldest_generation() -> None:
    # The first young collection after the pause must not rescan every record built.
    enabled = gc.isenabled()
    gc.enable()
    try:
        with gc_paused():
            assert not gc.isenabled()
            built = [[i] for i in range(3)]
            assert _in_generation(built, 0)
        assert gc.isenabled()
        assert not _in_generation(built, 0)
        assert _in_generation(built, 2)
        assert gc.get_freeze_count() == 0
    finally:
        if not enabled:
            gc.disable()


def test_paused_leaves_an_application_freeze_alone() -> None:
    enabled = gc.isenabled()
    gc.enable()
    kept = [["frozen by the application"]]
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with gc_paused():
            pass
        assert gc.get_freeze_count() == frozen  # not unfrozen
        assert not any(o is kept for g in range(3) for o in gc.get_objects(generation=g))
    finally:
        gc.unfreeze()
        if not enabled:
            gc.disable()


def test_paused_inside_a_pause_changes_nothing() -> None:
    enabled = gc.isenabled()
    gc.disable()
    try:
        with gc_paused():
            built = [[1]]
        assert not gc.isenabled()
        assert _in_generation(built, 0)
    finally:
        if enabled:
            gc.enable()
