"""CPU instructions per message of one worker, counted by valgrind (stable run to run).

Wall and CPU times on a shared host drift by ±25 % between identical runs;
instruction counts do not, so small changes can be judged by them (they
miss cache and memory effects: a proxy for CPU time, not a replacement).

For FILE (an uncompressed mbox), the worker loop of ``bench_worker.py``
(``api._process_range`` over the ranges ``mailarchive.api`` would cut, the
result pickled) runs under ``valgrind --tool=cachegrind`` twice: over the
ranges of about ``--count`` messages, then of twice as many; the difference
divided by the extra messages is printed (start-up, imports and first-time
costs such as regex compiling and warming caches cancel out). ``--headers-only`` measures the
listing worker of ``threads --format table``; the default, the full parse of
``parse --format jsonl``.

    python benchmarks/bench_instructions.py benchmarks/data/list-5k.mbox
    python benchmarks/bench_instructions.py benchmarks/data/list-5k.mbox --headers-only
"""

from __future__ import annotations

import argparse
import pickle
import re
import shutil
import subprocess
import sys
from pathlib import Path

_REFS = re.compile(rb"I\s+refs:\s+([\d,]+)")


def _loop(path: str, headers_only: bool, count: int) -> int:
    """The worker loop over the ranges holding the first ``count`` messages; messages read."""
    from bench_worker import range_tasks  # noqa: PLC0415 - only in the child

    from mailarchive import api  # noqa: PLC0415
    from mailarchive.cli.common import email_json_line  # noqa: PLC0415
    from mailarchive.thread.threader import listing_record_at  # noqa: PLC0415

    options = api.Options(headers_only=headers_only)
    transform = api._Checked(listing_record_at) if headers_only else api._Encoded(email_json_line)
    messages = 0
    for task in range_tasks(path):
        if messages >= count:
            break
        result = api._process_range(task, options, transform)
        pickle.dumps(result)
        if headers_only:  # one entry per message
            messages += len(result[2])
        else:  # packed blocks: one check per record, (is a message, defects, path)
            messages += sum(check[0] for block in result[2] for check in block.checks)
    return messages


def _instructions(argv: list[str]) -> tuple[int, str]:
    done = subprocess.run(
        [
            "valgrind",
            "--tool=cachegrind",
            "--cache-sim=no",
            "--cachegrind-out-file=/dev/null",
            *argv,
        ],
        capture_output=True,
        check=True,
    )
    found = _REFS.search(done.stderr)
    if found is None:
        raise SystemExit(done.stderr.decode(errors="replace")[-2000:])
    return int(found.group(1).replace(b",", b"")), done.stdout.decode().strip()


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mbox")
    ap.add_argument("--headers-only", action="store_true")
    ap.add_argument("--count", type=int, default=2000, help="about this many messages")
    ap.add_argument("--child", type=int, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.child is not None:
        print(_loop(args.mbox, args.headers_only, args.child))
        return 0
    if shutil.which("valgrind") is None:
        raise SystemExit("valgrind is not installed")
    me = [sys.executable, str(Path(__file__).resolve()), args.mbox]
    if args.headers_only:
        me.append("--headers-only")
    first, first_n = _instructions([*me, "--child", str(args.count)])
    both, both_n = _instructions([*me, "--child", str(2 * args.count)])
    n = int(both_n) - int(first_n)
    if n <= 0:
        raise SystemExit("the file holds too few messages for --count")
    kind = "headers-only listing" if args.headers_only else "full parse"
    print(
        f"{kind}: {(both - first) / n:,.0f} instructions per message (messages {first_n}-{both_n})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
