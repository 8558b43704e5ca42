"""Where ``threads --format table`` spends its time: one run, phase by phase.

Runs the ``threads`` command in this process on FILE (output to /dev/null)
and prints, for each phase boundary, the wall time since start and this
process's CPU time, then the CPU time of the worker processes:

- ``imported``: the package and the CLI are imported;
- ``first result`` / ``last result``: the workers' first and last range
  arrive (between them the parent only receives);
- ``thread_headers``, ``_document``, ``threads_table``: the serial tail
  (threading, the Document, the table), each start and end;
- ``done``: the command returned.

The serial tail runs on one core whatever the machine: on more cores the
workers' phase shrinks and the tail's share grows.

    python benchmarks/bench_threads_phases.py benchmarks/data/list-100k.mbox
"""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Callable, Iterator
from typing import Any

START = time.perf_counter()

from _installed import compile_package  # noqa: E402

from mailarchive import api  # noqa: E402
from mailarchive.cli import core_cmds  # noqa: E402
from mailarchive.export import table  # noqa: E402
from mailarchive.thread import threader  # noqa: E402

MARKS: list[tuple[str, float, float]] = []


def mark(name: str) -> None:
    MARKS.append((name, time.perf_counter() - START, time.process_time()))


def _timed(module: Any, name: str) -> None:
    real: Callable[..., Any] = getattr(module, name)

    def timed(*args: Any, **kwargs: Any) -> Any:
        mark(f"{name} start")
        try:
            return real(*args, **kwargs)
        finally:
            mark(f"{name} end")

    setattr(module, name, timed)


def _watch_results() -> None:
    real = api._map_raw

    def watched(*args: Any, **kwargs: Any) -> Iterator[Any]:
        first = True
        for item in real(*args, **kwargs):
            if first:
                mark("first result")
                first = False
            yield item
        mark("last result")

    api._map_raw = watched


def main() -> None:
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    compile_package()
    mark("imported")
    _watch_results()
    for module, name in (
        (threader, "thread_headers"),
        (threader, "_document"),
        (table, "threads_table"),
    ):
        _timed(module, name)
    try:
        core_cmds.threads.main(
            [sys.argv[1], "--format", "table", "-o", "/dev/null"], standalone_mode=False
        )
    finally:
        mark("done")
    for name, wall, cpu in MARKS:
        print(f"{wall:7.3f} s  parent CPU {cpu:6.3f} s  {name}")
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(f"workers' CPU {children.ru_utime + children.ru_stime:.2f} s")


if __name__ == "__main__":
    main()
