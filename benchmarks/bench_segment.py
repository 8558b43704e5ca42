"""Time the segmenter (``split_email``) alone on the first messages of an mbox.

Messages are read and parsed first (untimed); then ``split_email`` runs over
every parsed record (attached ``message/rfc822`` records included, as
``mailarchive parse`` does), best of ``--runs``. Prints microseconds per
top-level message and MB/s of body text segmented. ``--profile`` prints the
cProfile top functions of one run instead.

    python benchmarks/bench_segment.py benchmarks/data/list-5k.mbox -n 2000
    python benchmarks/bench_segment.py benchmarks/data/personal-5k.mbox --profile

Times are CPU time of this process (``time.process_time``), best of the
runs: the machine is often shared, and wall time then measures the load.
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import pstats
import time
from pathlib import Path

from mailarchive.model import Email
from mailarchive.parse.message import parse_message
from mailarchive.parse.rebuilt import is_rebuilt_copy
from mailarchive.parse.segment import records, split_email
from mailarchive.sources.mbox import iter_mbox


def load(path: Path, count: int) -> tuple[int, list[Email]]:
    """Parse the first ``count`` messages; return their number and every record."""
    out: list[Email] = []
    n = 0
    with path.open("rb") as fh:
        for raw in itertools.islice(iter_mbox(fh, str(path)), count):
            n += 1
            out.extend(e for e in parse_message(raw) if not is_rebuilt_copy(e))
    return n, out


def run(parsed: list[Email]) -> int:
    """Segment every record; return how many records came out.

    The readers' caches (where this version has them) are emptied first:
    each run starts cold, as one ``mailarchive parse`` does.
    """
    for name in ("_parse_date", "_parse_addresses"):
        cached = getattr(records, name, None)
        if cached is not None:
            cached.cache_clear()
    out = 0
    for e in parsed:
        out += len(split_email(e))
    return out


def text_size(parsed: list[Email]) -> int:
    """Bytes (UTF-8) of the body text the segmenter reads."""
    total = 0
    for e in parsed:
        for p in e.text_body or e.html_body:
            v = e.body_values.get(p.part_id)
            if v is not None:
                total += len(v.value.encode("utf-8", "surrogatepass"))
    return total


def main() -> None:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mbox", type=Path)
    ap.add_argument("-n", "--count", type=int, default=2000, help="messages to read")
    ap.add_argument("--runs", type=int, default=3, help="timed runs (best is kept)")
    ap.add_argument("--profile", action="store_true", help="print a cProfile summary")
    args = ap.parse_args()
    n, parsed = load(args.mbox, args.count)
    size = text_size(parsed)
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(run, parsed)
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        return
    best = float("inf")
    out = 0
    for _ in range(args.runs):
        t0 = time.process_time()
        out = run(parsed)
        best = min(best, time.process_time() - t0)
    print(
        f"{args.mbox.name}: {n} messages, {len(parsed)} records in, {out} out; "
        f"split_email {best / n * 1e6:.0f} µs/message, {size / best / 1e6:.2f} MB/s"
    )


if __name__ == "__main__":
    main()
