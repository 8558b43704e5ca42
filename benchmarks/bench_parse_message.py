"""Time ``parse_message`` beside a bare compat32 parse of the same messages.

Reads the first N raw messages of a source with ``iter_source``, warms up
(dateparser's one-time initialisation is kept out of the timing), then times
``parse_message`` over them and ``email.message_from_bytes(policy=compat32)``
over them: CPU time, best of ``--runs``, printed in microseconds a message.
``--profile`` adds a cProfile listing of ``parse_message`` (which inflates
code made of many small calls: compare with the plain timings).

    python benchmarks/bench_parse_message.py /tmp/pm/list-5k.mbox --count 2000
    python benchmarks/bench_parse_message.py /tmp/pm/list-5k.mbox --profile 30
"""

from __future__ import annotations

import argparse
import cProfile
import email
import io
import itertools
import pstats
import time
from collections.abc import Callable
from email.policy import compat32

from mailarchive.parse import dates
from mailarchive.parse.message import parse_message
from mailarchive.sources import iter_source
from mailarchive.sources.raw import RawMessage


def best_cpu(func: Callable[[], object], runs: int) -> float:
    """Best CPU time of ``runs`` calls, in seconds."""
    best = float("inf")
    for _ in range(runs):
        start = time.process_time()
        func()
        best = min(best, time.process_time() - start)
    return best


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("source")
    parser.add_argument("--count", type=int, default=2000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", type=int, default=0, help="print the top N functions")
    args = parser.parse_args()
    raws: list[RawMessage] = list(itertools.islice(iter_source(args.source), args.count))
    if not raws:
        raise SystemExit("no messages")
    dates.parse_date("Freitag, 16. Februar 2018 09:34")  # dateparser's one-time init
    for raw in raws[:50]:
        parse_message(raw)

    def bare() -> None:
        for raw in raws:
            email.message_from_bytes(raw.data, policy=compat32)

    def full() -> None:
        dates._dateparser.cache_clear()  # each run as a single pass would see it
        for raw in raws:
            parse_message(raw)

    n = len(raws)
    t_bare = best_cpu(bare, args.runs) / n * 1e6
    t_full = best_cpu(full, args.runs) / n * 1e6
    print(f"{n} messages from {args.source}")
    print(f"compat32 parse      {t_bare:8.1f} us/msg")
    print(f"parse_message       {t_full:8.1f} us/msg")
    print(f"beyond the parse    {t_full - t_bare:8.1f} us/msg")
    if args.profile:
        prof = cProfile.Profile()
        prof.runcall(full)
        out = io.StringIO()
        pstats.Stats(prof, stream=out).sort_stats("tottime").print_stats(args.profile)
        print(out.getvalue())


if __name__ == "__main__":
    main()
