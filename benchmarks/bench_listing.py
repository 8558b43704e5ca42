"""CPU per message of the headers-only listing worker, and of its parts.

What a worker of ``threads --format table|tree`` does with one range of a
big mbox, in this process, over every range of FILE (as ``mailarchive.api``
cuts it), each stage ``--runs`` times; the median is printed:

* ``reader``: ``sources.mbox.iter_mbox_range`` alone (RawMessage records);
* ``listing``: ``api._process_range`` with the listing transform, the
  results pickled as a worker sends them (what ``bench_worker.py
  --headers-only`` prints as "one process");
* ``listing, full path``: the same through ``process_raw`` and
  ``listing_record`` (the Email built first), for comparison.

    python benchmarks/bench_listing.py benchmarks/data/list-20k.mbox --runs 5
"""

from __future__ import annotations

import argparse
import pickle
import statistics
import time
from collections.abc import Callable
from typing import Any

from bench_worker import range_tasks

from mailarchive import api
from mailarchive.model import Email
from mailarchive.sources.mbox import iter_mbox_range
from mailarchive.thread.threader import listing_record


def _reader(tasks: list[api._Range]) -> int:
    count = 0
    for task in tasks:
        with open(task.path, "rb") as stream:
            for _ in iter_mbox_range(stream, task.shown, task.start, task.stop, task.state):
                count += 1
    return count


def _worker(tasks: list[api._Range], transform: Callable[[Email], Any]) -> int:
    options = api.Options(headers_only=True)
    count = 0
    for task in tasks:
        result = api._process_range(task, options, transform)
        count += len(result[2])
        pickle.dumps(result)
    return count


def _full_listing(email: Email) -> Any:
    return listing_record(email)  # not the transform api recognises: no fast path


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mbox")
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    tasks = range_tasks(args.mbox)
    stages: list[tuple[str, Callable[[], int]]] = [
        ("reader", lambda: _reader(tasks)),
        ("listing", lambda: _worker(tasks, api._Checked(listing_record))),
        ("listing, full path", lambda: _worker(tasks, api._Checked(_full_listing))),
    ]
    for name, run in stages:
        figures = []
        for _ in range(args.runs):
            start = time.process_time()
            count = run()
            figures.append((time.process_time() - start) / count * 1e6)
        shown = " ".join(f"{f:.1f}" for f in figures)
        print(f"{name:20s} {statistics.median(figures):6.1f} µs CPU per message ({shown})")


if __name__ == "__main__":
    main()
