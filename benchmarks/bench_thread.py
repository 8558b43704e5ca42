"""Benchmark: thread N synthetic header records (default 1,000,000).

Generates conversations of 1-40 messages (most References chains complete,
some roots missing, some In-Reply-To only, a few duplicates and loops), then
times ``thread_headers`` (the algorithm ``build_threads`` runs) and reports
time and peak RSS. ``--emails N`` also times ``build_threads`` on N full
Email records, with and without keeping them (``keep_emails=False``, the
thread listings).

    /work/venv/bin/python benchmarks/bench_thread.py [--count 1000000] [--emails 100000]
"""

from __future__ import annotations

import argparse
import random
import resource
import sys
import time
from datetime import UTC, datetime, timedelta

from mailarchive.model import Email, EmailAddress, SourceKind, SourceRef
from mailarchive.thread import Header, build_threads, thread_headers


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synthetic(count: int, seed: int = 1) -> list[Header]:
    """``count`` headers in conversations; message-ids ``<n>@bench``."""
    rnd = random.Random(seed)
    out: list[Header] = []
    start = 1_500_000_000.0
    n = 0
    thread = 0
    while n < count:
        size = min(rnd.randint(1, 40), count - n)
        base = n
        missing_root = rnd.random() < 0.05
        when = start + thread * 600.0
        subject = f"Topic {thread % 50_000}"
        chains: list[tuple[str, ...]] = []
        for k in range(size):
            mid = f"{n}@bench"
            if k == 0:
                refs: tuple[str, ...] = (f"gone{thread}@bench",) if missing_root else ()
            else:
                parent = base + rnd.randrange(k)
                refs = (*chains[parent - base][-9:], f"{parent}@bench")
            chains.append(refs)
            irt = refs[-1:] if rnd.random() < 0.7 else ()
            refs_given = refs if rnd.random() < 0.9 else ()
            out.append(
                Header(
                    key=f"e{n}",
                    message_id=mid if rnd.random() > 0.001 else f"{base}@bench",
                    in_reply_to=irt,
                    references=refs_given,
                    subject=subject if k == 0 else "Re: " + subject,
                    time=when + k * 60.0,
                    position=("bench.mbox", n),
                )
            )
            n += 1
        thread += 1
    return out


def to_emails(headers: list[Header]) -> list[Email]:
    epoch = datetime(1970, 1, 1, tzinfo=UTC)
    return [
        Email(
            id=h.key,
            source=SourceRef(kind=SourceKind.MBOX, path=h.position[0], offset=h.position[1]),
            message_id=(h.message_id,) if h.message_id else None,
            in_reply_to=h.in_reply_to or None,
            references=h.references or None,
            subject=h.subject,
            sent_at=epoch + timedelta(seconds=h.time or 0.0),
            from_=(EmailAddress(None, f"user{i % 997}@bench"),),
        )
        for i, h in enumerate(headers)
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=1_000_000)
    parser.add_argument("--emails", type=int, default=0, help="also time build_threads on N Emails")
    parser.add_argument("--subject-grouping", default="auto")
    args = parser.parse_args()

    t0 = time.perf_counter()
    headers = synthetic(args.count)
    t1 = time.perf_counter()
    rss_input = _rss_mb()
    forest = thread_headers(headers, subject_grouping=args.subject_grouping)
    t2 = time.perf_counter()
    roots = len(forest.roots())
    print(f"generated {len(headers):,} headers in {t1 - t0:.1f} s (peak RSS {rss_input:.0f} MB)")
    print(
        f"thread_headers: {t2 - t1:.2f} s, {roots:,} threads, {forest.size - forest.inputs:,} "
        f"phantoms made, peak RSS {_rss_mb():.0f} MB (+{_rss_mb() - rss_input:.0f} MB)"
    )
    if args.emails:
        emails = to_emails(headers[: args.emails])
        del headers, forest
        for keep in (True, False):
            t3, c3 = time.perf_counter(), time.process_time()
            doc = build_threads(emails, subject_grouping=args.subject_grouping, keep_emails=keep)
            t4, c4 = time.perf_counter(), time.process_time()
            print(
                f"build_threads(keep_emails={keep}) on {len(emails):,} Emails: {t4 - t3:.2f} s, "
                f"CPU {c4 - c3:.2f} s ({(c4 - c3) / len(emails) * 1e6:.1f} us/msg), "
                f"{len(doc.threads):,} threads, peak RSS {_rss_mb():.0f} MB"
            )
            del doc
    return 0


if __name__ == "__main__":
    sys.exit(main())
