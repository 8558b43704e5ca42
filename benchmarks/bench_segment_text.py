"""Time ``segment_text`` alone (signature included) on the bodies of an mbox.

Messages are read and parsed first (untimed), and the text each
``split_email`` call would segment is kept with its forward flag; then
``segment_text`` runs over those texts, ``--runs`` times. Prints the median
CPU time (``time.process_time``) in microseconds per top-level message.
``--profile`` prints the cProfile top functions of one run instead.

    python benchmarks/bench_segment_text.py benchmarks/data/list-20k.mbox
    python benchmarks/bench_segment_text.py benchmarks/data/personal-2k.mbox -n 2000
"""

from __future__ import annotations

import argparse
import cProfile
import itertools
import pstats
import statistics
import time
from pathlib import Path

from mailarchive.parse.message import parse_message
from mailarchive.parse.rebuilt import is_rebuilt_copy
from mailarchive.parse.segment.records import is_forward_subject
from mailarchive.parse.segment.segmenter import segment_text
from mailarchive.sources.mbox import iter_mbox


def load(path: Path, count: int) -> tuple[int, list[tuple[str, bool]]]:
    """The first body text of every record of the first ``count`` messages, with its flag."""
    out: list[tuple[str, bool]] = []
    n = 0
    with path.open("rb") as fh:
        for raw in itertools.islice(iter_mbox(fh, str(path)), count):
            n += 1
            for e in parse_message(raw):
                if is_rebuilt_copy(e):
                    continue
                for p in e.text_body or e.html_body:
                    v = e.body_values.get(p.part_id)
                    if v is not None:
                        out.append((v.value, is_forward_subject(e.subject)))
                        break
    return n, out


def run(texts: list[tuple[str, bool]]) -> int:
    """Segment every text; return the number of segments found."""
    out = 0
    for text, fwd in texts:
        out += len(segment_text(text, forward_subject=fwd).children)
    return out


def main() -> None:
    """Command line entry point."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("mbox", type=Path)
    ap.add_argument("-n", "--count", type=int, default=20000, help="messages to read")
    ap.add_argument("--runs", type=int, default=3, help="timed runs (the median is kept)")
    ap.add_argument("--profile", action="store_true", help="print a cProfile summary")
    args = ap.parse_args()
    n, texts = load(args.mbox, args.count)
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(run, texts)
        pstats.Stats(prof).sort_stats("tottime").print_stats(25)
        return
    times = []
    out = 0
    for _ in range(args.runs):
        t0 = time.process_time()
        out = run(texts)
        times.append(time.process_time() - t0)
    med = statistics.median(times)
    print(
        f"{args.mbox.name}: {n} messages, {len(texts)} texts, {out} segments; "
        f"segment_text {med / n * 1e6:.1f} µs/message (median of {args.runs}: "
        + ", ".join(f"{t / n * 1e6:.1f}" for t in times)
        + ")"
    )


if __name__ == "__main__":
    main()
