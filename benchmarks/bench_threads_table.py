"""``threads --format table`` against ``parse --format jsonl`` on the same mbox (issue 4).

Goal: the headers-only listing at least 4x faster than the full parse.
For every FILE and every run, the two commands run back to back as child
processes (so machine load hits both alike)::

    mailarchive parse FILE --format jsonl -o /dev/null
    mailarchive threads FILE --format table -o /dev/null

and one line each is printed: wall seconds, CPU seconds (the child and its
reaped workers), messages per second (messages counted from the command's
summary line on stderr), the 1-minute load average before the command, and
for the threads row the ratio parse wall / threads wall. With
``--with-json``, ``parse FILE -o /dev/null`` (its default output, one JSON
document) runs between them and the threads row gives both ratios
(jsonl first).

    python benchmarks/bench_threads_table.py benchmarks/data/list-100k.mbox --runs 2
    python benchmarks/bench_threads_table.py benchmarks/data/list-100k.mbox --with-json
    python benchmarks/bench_threads_table.py benchmarks/data/list-5k.mbox --only threads
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

from _installed import compile_package

COMMANDS = {
    "parse": ("parse", "--format", "jsonl", "-o", "/dev/null"),
    # ``parse`` as typed, with its default output (one JSON document)
    "parse-json": ("parse", "-o", "/dev/null"),
    "threads": ("threads", "--format", "table", "-o", "/dev/null"),
}
_COUNT = re.compile(r"^(?:parsed|threaded) (\d+) message", re.MULTILINE)


def _cli() -> list[str]:
    found = shutil.which("mailarchive", path=str(Path(sys.executable).parent))
    return [found] if found else [sys.executable, "-m", "mailarchive"]


def run_one(name: str, path: str) -> tuple[float, float, int, float, int]:
    """(wall s, cpu s, messages, load before, exit code) of one command on ``path``."""
    load = os.getloadavg()[0]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    argv = [*_cli(), COMMANDS[name][0], path, *COMMANDS[name][1:]]
    start = time.perf_counter()
    done = subprocess.run(argv, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    m = _COUNT.search(done.stderr)
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
    return wall, cpu, int(m.group(1)) if m else 0, load, done.returncode


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("files", nargs="+")
    ap.add_argument("--runs", type=int, default=2, help="parse+threads pairs per file")
    ap.add_argument("--only", choices=sorted(COMMANDS), help="run one command only")
    ap.add_argument(
        "--with-json",
        action="store_true",
        help="also time parse with its default output (one JSON document)",
    )
    args = ap.parse_args(argv)
    names = [args.only] if args.only else ["parse", "threads"]
    if args.with_json and not args.only:
        names.insert(1, "parse-json")
    compile_package()  # start as an installed package does (see _installed.py)
    print(
        f"{'file':<22} {'run':>3} {'command':<10} {'wall s':>8} {'cpu s':>8} "
        f"{'msg/s':>8} {'load':>5} {'ratio':>6}",
        flush=True,
    )
    status = 0
    for path in args.files:
        for run in range(1, args.runs + 1):
            walls: dict[str, float] = {}
            for name in names:
                wall, cpu, count, load, code = run_one(name, path)
                status |= code
                walls[name] = wall
                ratio = ""
                if name == "threads":  # each parse run's wall over this one's
                    ratio = " ".join(
                        f"{walls[p] / wall:.2f}" for p in ("parse", "parse-json") if p in walls
                    )
                rate = f"{count / wall:.0f}" if count else "?"
                print(
                    f"{Path(path).name:<22} {run:>3} {name:<10} {wall:>8.2f} {cpu:>8.2f} "
                    f"{rate:>8} {load:>5.2f} {ratio:>6}",
                    flush=True,
                )
    return 1 if status else 0


if __name__ == "__main__":
    sys.exit(main())
