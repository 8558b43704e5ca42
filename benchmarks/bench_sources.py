"""Time the mbox reader (``iter_source``) beside ``mailbox.mbox`` on one file.

Reads every message of the file, best of ``--runs``, and prints
microseconds per message and MB/s for ``iter_source`` and for the standard
library's ``mailbox.mbox`` (``get_bytes`` per key, which is what a program
using it for raw bytes would do). ``--profile`` prints the cProfile top
functions of one ``iter_source`` pass instead.

    python benchmarks/bench_sources.py benchmarks/data/list-5k.mbox
    python benchmarks/bench_sources.py benchmarks/data/list-5k.mbox --profile

Times are CPU time of this process (``time.process_time``), best of the
runs: the machine is often shared, and wall time then measures the load.
"""

from __future__ import annotations

import argparse
import cProfile
import mailbox
import pstats
import time
from collections.abc import Callable
from pathlib import Path

from mailarchive.sources import iter_source


def read_ours(path: Path) -> int:
    return sum(1 for _ in iter_source(str(path)))


def read_stdlib(path: Path) -> int:
    box = mailbox.mbox(str(path), create=False)
    try:
        return sum(1 for key in box.iterkeys() if box.get_bytes(key) is not None)
    finally:
        box.close()


def best(func: Callable[[Path], int], path: Path, runs: int) -> tuple[float, int]:
    """Best CPU seconds of ``runs`` calls, and the message count."""
    times: list[float] = []
    count = 0
    for _ in range(runs):
        start = time.process_time()
        count = func(path)
        times.append(time.process_time() - start)
    return min(times), count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--no-stdlib", action="store_true", help="time iter_source only")
    args = parser.parse_args()
    size = args.path.stat().st_size
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(read_ours, args.path)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
        return
    rows = [("iter_source", read_ours)]
    if not args.no_stdlib:
        rows.append(("mailbox.mbox", read_stdlib))
    print(f"{args.path.name}: {size / 1e6:.1f} MB, best of {args.runs} (CPU time)")
    for name, func in rows:
        seconds, count = best(func, args.path, args.runs)
        per = seconds / count * 1e6 if count else 0.0
        print(
            f"{name:14} {count:8d} msgs {seconds:7.2f} s {per:8.1f} µs/msg "
            f"{size / 1e6 / seconds:8.1f} MB/s"
        )


if __name__ == "__main__":
    main()
