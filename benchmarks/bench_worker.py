"""What a worker costs per message, alone and two at a time.

Cuts FILE into the ranges ``mailarchive.api`` gives its workers and runs
``api._process_range`` over them as ``parse --format jsonl`` (or, with
``--headers-only``, as ``threads --format table``) does: first in this
process (CPU µs per message, everything included: reading, parsing,
splitting, encoding, pickling the result), then in a pool of ``--workers``
processes (wall time, and how many times faster than one process).

    python benchmarks/bench_worker.py benchmarks/data/list-20k.mbox
    python benchmarks/bench_worker.py benchmarks/data/list-20k.mbox --headers-only
"""

from __future__ import annotations

import argparse
import multiprocessing
import pickle
import resource
import time
from typing import Any

from mailarchive import api
from mailarchive.cli.common import email_json_line
from mailarchive.sources import mbox_cuts
from mailarchive.sources.mbox import MboxState
from mailarchive.thread.threader import listing_record_at


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def range_tasks(path: str) -> list[api._Range]:
    """The ranges ``mailarchive.api`` gives its workers for the mbox ``path``."""
    cuts = mbox_cuts(path, None, api.CHUNK_BYTES)
    if cuts is None:
        raise SystemExit("not an uncompressed mbox of at least four ranges")
    return [
        api._Range(0, path, path, start, stop, MboxState())
        for start, stop in zip(cuts, [*cuts[1:], None], strict=True)
    ]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mbox")
    ap.add_argument("--headers-only", action="store_true")
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    tasks = range_tasks(args.mbox)
    options = api.Options(headers_only=args.headers_only)
    transform = api._Checked(listing_record_at if args.headers_only else email_json_line)
    messages = 0
    start_cpu, start = time.process_time(), time.perf_counter()
    for task in tasks:
        result: Any = api._process_range(task, options, transform)
        messages += len(result[2])
        pickle.dumps(result)  # what a worker pays to send it
    one = time.perf_counter() - start
    cpu = time.process_time() - start_cpu
    print(f"one process: {one:.2f} s, {cpu / messages * 1e6:.0f} µs CPU per message ({messages})")
    start, before = time.perf_counter(), _children_cpu()
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        pending = [pool.apply_async(api._process_range, (t, options, transform)) for t in tasks]
        for item in pending:
            item.get()
    wall = time.perf_counter() - start
    print(
        f"{args.workers} workers: {wall:.2f} s ({one / wall:.2f}x one process), "
        f"workers' CPU {(_children_cpu() - before) / messages * 1e6:.0f} µs per message"
    )


if __name__ == "__main__":
    main()
