"""Time the record-building stages of ``parse --format jsonl`` one by one.

Reads the raw messages of an mbox once (``iter_source``), then times, each
alone over every message (CPU time, median of ``--runs``; every cache of the
parse modules emptied before each run, as a single pass would start):

- ``parse_message``: raw bytes to the message's records;
- ``build_records``: the records part of ``split_email`` (the segmenter's
  tree is made beforehand, untimed);
- ``json``: ``email_to_json`` + ``dumps_line`` of every final record;
- ``all``: ``api.process_raw`` + ``email_json_line``, everything a worker
  does per message after reading it.

Prints microseconds per top-level message: the median of the runs and the
best (the machine is shared: the best is the least disturbed).

    python benchmarks/bench_records.py benchmarks/data/list-5k.mbox
    python benchmarks/bench_records.py benchmarks/data/personal-2k.mbox --runs 5
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from types import ModuleType

from mailarchive import api
from mailarchive.cli.common import email_json_line
from mailarchive.export import jsonout
from mailarchive.model import Email
from mailarchive.parse import addresses, charsets, dates, message, msgids, plain
from mailarchive.parse.rebuilt import is_rebuilt_copy
from mailarchive.parse.segment import body_to_split, records
from mailarchive.parse.segment.segmenter import Node, segment_text
from mailarchive.sources import iter_source
from mailarchive.sources.raw import RawMessage

_MODULES: tuple[ModuleType, ...] = (
    addresses,
    charsets,
    dates,
    message,
    msgids,
    plain,
    records,
    jsonout,
)


def clear_caches() -> None:
    """Empty every lru_cache and ``*_CACHE`` dict of the parse modules."""
    for module in _MODULES:
        for name, value in vars(module).items():
            if callable(getattr(value, "cache_clear", None)):
                value.cache_clear()
            elif name.endswith("_CACHE") and isinstance(value, dict):
                value.clear()


def cpu_times(func: Callable[[], object], runs: int) -> list[float]:
    """CPU seconds of ``runs`` calls of ``func``, each after :func:`clear_caches`."""
    times = []
    for _ in range(runs):
        clear_caches()
        start = time.process_time()
        func()
        times.append(time.process_time() - start)
    return times


def _split_inputs(email: Email) -> tuple[Node, str, str] | None:
    """What ``split_email`` hands to ``build_records`` (None: no text to split)."""
    found = body_to_split(email)
    if found is None:
        return None
    part_id, text, extra = found
    subject = records.is_forward_subject(email.subject)
    return segment_text(text, forward_subject=subject), part_id, extra


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("source")
    ap.add_argument("--count", type=int, default=0, help="first N messages (0: all)")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--only", default="", help="comma-separated stages to time")
    args = ap.parse_args()
    raws: list[RawMessage] = list(iter_source(args.source))
    if args.count:
        raws = raws[: args.count]
    dates.parse_date("Freitag, 16. Februar 2018 09:34")  # dateparser's one-time init
    options = api.Options()
    parsed = [message.parse_message(raw) for raw in raws]
    jobs: list[tuple[Email, Node, str, str]] = []
    for group in parsed:
        for email in group:
            if is_rebuilt_copy(email):
                continue
            found = _split_inputs(email)
            if found is not None:
                jobs.append((email, *found))
    finals = [r for raw in raws for r in api.process_raw(raw, options)]

    def stage_parse() -> None:
        for raw in raws:
            message.parse_message(raw)

    def stage_build() -> None:
        build = records.build_records
        for email, node, part_id, extra in jobs:
            build(email, node, part_id, extra)

    def stage_json() -> None:
        for email in finals:
            jsonout.dumps_line(jsonout.email_to_json(email))

    def stage_all() -> None:
        for raw in raws:
            for r in api.process_raw(raw, options):
                email_json_line(r)

    stages = {
        "parse_message": stage_parse,
        "build_records": stage_build,
        "json": stage_json,
        "all": stage_all,
    }
    only = [s for s in args.only.split(",") if s] or list(stages)
    n = len(raws)
    print(f"{n} messages, {len(finals)} records, from {args.source}")
    total = [0.0, 0.0]
    for name in only:
        times = cpu_times(stages[name], args.runs)
        median, best = statistics.median(times) / n * 1e6, min(times) / n * 1e6
        if name != "all":
            total = [total[0] + median, total[1] + best]
        print(f"{name:14} {median:8.1f} µs/msg (best {best:.1f})", flush=True)
    if len([s for s in only if s != "all"]) > 1:
        print(f"{'stages summed':14} {total[0]:8.1f} µs/msg (best {total[1]:.1f})")


if __name__ == "__main__":
    main()
