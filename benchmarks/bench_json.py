"""Benchmark: JSON export cost per record (``email_to_json`` and the jsonl line).

Reads the first N messages (default 2000) of an mbox, parses and splits them
(untimed), then times per record, best of ``--repeat`` rounds:

* ``email_to_json`` alone (model record -> plain dict),
* ``email_json_line`` (what ``mailarchive parse --format jsonl`` runs per record:
  ``email_to_json`` + ``json.dumps``),
* ``json.dumps`` alone of the already-converted dicts (the floor),
* ``thread_to_json`` per thread of the same records after threading.

    /work/venv/bin/python benchmarks/bench_json.py benchmarks/data/list-5k.mbox [--count 2000]
"""

from __future__ import annotations

import argparse
import json
import os
import time
from collections.abc import Callable, Sequence
from typing import Any

from mailarchive.api import Options, process_raw
from mailarchive.cli.common import email_json_line
from mailarchive.export.jsonout import email_to_json, thread_to_json
from mailarchive.model import Email
from mailarchive.sources import iter_sources
from mailarchive.thread import build_threads


def _records(path: str, count: int) -> list[Email]:
    out: list[Email] = []
    for i, raw in enumerate(iter_sources([path], None)):
        if i >= count:
            break
        out.extend(process_raw(raw, Options()))
    return out


def _best(fn: Callable[[Any], Any], items: Sequence[Any], repeat: int) -> float:
    """Best µs per item over ``repeat`` rounds."""
    best = float("inf")
    for _ in range(repeat):
        t0 = time.perf_counter()
        for item in items:
            fn(item)
        best = min(best, time.perf_counter() - t0)
    return best / max(len(items), 1) * 1e6


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("mbox")
    ap.add_argument("--count", type=int, default=2000, help="messages to read (default 2000)")
    ap.add_argument("--repeat", type=int, default=3, help="timed rounds, best kept (default 3)")
    args = ap.parse_args()

    records = _records(args.mbox, args.count)
    dicts = [email_to_json(e) for e in records]
    doc = build_threads(records)
    threads = list(doc.threads)
    print(
        f"{args.count} messages -> {len(records)} records, {len(threads)} threads "
        f"[load {os.getloadavg()[0]:.2f}]"
    )
    rows = [
        ("email_to_json", _best(email_to_json, records, args.repeat)),
        ("email_json_line", _best(email_json_line, records, args.repeat)),
        ("json.dumps only", _best(lambda d: json.dumps(d, ensure_ascii=False), dicts, args.repeat)),
    ]
    for name, us in rows:
        print(f"{name:<16} {us:8.1f} µs/record")
    print(f"{'thread_to_json':<16} {_best(thread_to_json, threads, args.repeat):8.1f} µs/thread")


if __name__ == "__main__":
    main()
