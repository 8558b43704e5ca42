"""Time ``mailarchive parse`` beside the standard library on the same mbox.

Runs, in one invocation and interleaved (so machine load hits both alike):

``stdlib``
    ``mailbox.mbox(FILE)`` iterated, each message parsed with
    ``email.message_from_bytes(policy=compat32)``, reading From/To/Subject/
    Date/Message-ID and the decoded text of every text/plain part; one
    process. This is the reference: ``speed`` is its time over each row's.
``parse`` / ``parse --no-split``
    ``mailarchive parse FILE --format jsonl --output /dev/null``.
``threads``
    ``mailarchive threads FILE --format table`` (stdout to /dev/null).

Every row is a child process: wall time, the peak RSS of its biggest
process (``wait4`` ``ru_maxrss``, includes reaped descendants) and the peak
of the whole process tree sampled from ``/proc`` (PSS summed, so pages
shared by forked workers count once). Commands that are not available print
"not available" instead of a row.

    python benchmarks/bench_parse.py benchmarks/data/list-100k.mbox --runs 1
    python benchmarks/bench_parse.py benchmarks/data/list-100k.mbox --rss-curve
    python benchmarks/bench_parse.py benchmarks/data/list-100k.mbox --profile 2000
"""

from __future__ import annotations

import argparse
import cProfile
import email
import email.policy
import io
import json
import mailbox
import mmap
import os
import pstats
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _installed import compile_package

HEADERS = ("From", "To", "Subject", "Date", "Message-ID")
HERE = Path(__file__).resolve().parent
SAMPLE_EVERY = 0.1  # seconds between /proc samples of the process tree


# -- the standard library reference --------------------------------------------
def stdlib_parse(path: str) -> dict[str, int]:
    """The stdlib baseline: what a careful script would do with mailbox + email."""
    messages = chars = 0
    mb = mailbox.mbox(path, create=False)
    for key in mb.iterkeys():
        parsed = email.message_from_bytes(mb.get_bytes(key), policy=email.policy.compat32)
        for h in HEADERS:
            parsed.get(h)
        for part in parsed.walk():
            if part.get_content_type() == "text/plain":
                payload = part.get_payload(decode=True)
                if isinstance(payload, bytes):
                    chars += len(payload.decode(part.get_content_charset() or "utf-8", "replace"))
        messages += 1
    return {"messages": messages, "text_chars": chars}


# -- running children and measuring them ---------------------------------------
@dataclass(slots=True)
class Run:
    """One child process, measured."""

    name: str
    seconds: float
    max_rss_mb: float  # biggest single process (sampled VmHWM)
    tree_mb: float  # peak of the sampled PSS sum over the process tree
    returncode: int
    load: float
    cpu_seconds: float = 0.0  # user+system of the child and all its (reaped) descendants
    parent_cpu: float = 0.0  # of the child process itself (last sample)
    stdout: str = ""
    stderr: str = ""


def _children_map() -> dict[int, list[int]]:
    kids: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with open(f"/proc/{entry.name}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        # pid (comm) state ppid ...: comm may hold spaces, so split after the last ")".
        ppid = int(stat[stat.rindex(b")") + 2 :].split()[1])
        kids.setdefault(ppid, []).append(int(entry.name))
    return kids


def _proc_kb(pid: int, fname: str, key: bytes) -> int:
    try:
        with open(f"/proc/{pid}/{fname}", "rb") as f:
            for line in f:
                if line.startswith(key):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        pass
    return 0


def _cpu_seconds(pid: int) -> float:
    """utime + stime of ``pid`` so far (0 when gone)."""
    try:
        with open(f"/proc/{pid}/stat", "rb") as f:
            stat = f.read()
    except OSError:
        return 0.0
    fields = stat[stat.rindex(b")") + 2 :].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _tree_kb(root: int) -> tuple[int, int]:
    """(PSS summed over the tree, biggest VmHWM in the tree) in kB.

    VmHWM is each process's own peak RSS since its exec. (``ru_maxrss`` from
    ``wait4`` is not used for the table: Linux carries the spawning parent's
    RSS over the fork/exec into it.)
    """
    kids = _children_map()
    total = hwm = 0
    todo = [root]
    while todo:
        pid = todo.pop()
        total += _proc_kb(pid, "smaps_rollup", b"Pss:") or _proc_kb(pid, "status", b"VmRSS:")
        hwm = max(hwm, _proc_kb(pid, "status", b"VmHWM:"))
        todo.extend(kids.get(pid, ()))
    return total, hwm


def run_child(name: str, cmd: list[str], *, capture_stdout: bool = False) -> Run:
    """Run ``cmd``, sampling its process tree's memory; stdout to /dev/null unless captured."""
    load = os.getloadavg()[0]
    peak = hwm = 0
    parent_cpu = 0.0
    done = threading.Event()
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE if capture_stdout else subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )

    def sample() -> None:
        nonlocal peak, hwm, parent_cpu
        while not done.wait(SAMPLE_EVERY):
            tree, top = _tree_kb(proc.pid)
            peak, hwm = max(peak, tree), max(hwm, top)
            parent_cpu = max(parent_cpu, _cpu_seconds(proc.pid))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    # Drain the pipes in threads so a chatty child never blocks on a full pipe.
    outs: dict[str, bytes] = {}

    def drain(key: str, stream: io.BufferedReader | None) -> None:
        outs[key] = stream.read() if stream is not None else b""

    drains = [
        threading.Thread(target=drain, args=("out", proc.stdout)),
        threading.Thread(target=drain, args=("err", proc.stderr)),
    ]
    for t in drains:
        t.start()
    try:
        _, status, usage = os.wait4(proc.pid, 0)
    except BaseException:
        proc.kill()  # interrupted: take the child (and, as its pool dies with it, its workers) down
        raise
    seconds = time.perf_counter() - t0
    proc.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    for t in drains:
        t.join()
    return Run(
        name=name,
        seconds=seconds,
        max_rss_mb=hwm / 1024,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        parent_cpu=parent_cpu,
        tree_mb=max(peak, 0) / 1024,
        returncode=proc.returncode,
        load=load,
        stdout=outs.get("out", b"").decode("utf-8", "replace"),
        stderr=outs.get("err", b"").decode("utf-8", "replace"),
    )


def mailarchive_exe() -> str | None:
    """The ``mailarchive`` console script beside this Python, else on PATH."""
    beside = Path(sys.executable).with_name("mailarchive")
    if beside.exists():
        return str(beside)
    return shutil.which("mailarchive")


def has_command(exe: str | None, command: str, flag: str | None = None) -> bool:
    """Whether ``mailarchive COMMAND --help`` works (and mentions ``flag``)."""
    if exe is None:
        return False
    try:
        out = subprocess.run(
            [exe, command, "--help"], capture_output=True, text=True, timeout=60, check=False
        )
    except (OSError, subprocess.TimeoutExpired):
        return False
    return out.returncode == 0 and (flag is None or flag in out.stdout)


def commands(path: str, only: set[str]) -> list[tuple[str, list[str] | None]]:
    """(row name, argv or None when not available), in run order."""
    exe = mailarchive_exe()
    me = [sys.executable, str(Path(__file__).resolve())]
    rows: list[tuple[str, list[str] | None]] = [("stdlib", [*me, "--stdlib-child", path])]
    parse_ok = has_command(exe, "parse")
    parse = [str(exe), "parse", path, "--format", "jsonl", "--output", os.devnull]
    rows.append(("parse", parse if parse_ok else None))
    if has_command(exe, "parse", "--no-split"):
        rows.append(("parse --no-split", [*parse, "--no-split"]))
    elif not parse_ok:
        rows.append(("parse --no-split", None))
    threads_ok = has_command(exe, "threads")
    rows.append(
        ("threads", [str(exe), "threads", path, "--format", "table"] if threads_ok else None)
    )
    if only:
        rows = [r for r in rows if r[0].replace(" --", "-") in only]
    return rows


# -- the report -----------------------------------------------------------------
def count_messages(path: str) -> int:
    """Messages in an mbox: From_ lines at the start of the file or after a blank line."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        n = 1 if mm[:5] == b"From " else 0
        pos = 0
        while (i := mm.find(b"\n\nFrom ", pos)) >= 0:
            n += 1
            pos = i + 2
    return n


def _paired_speeds(base: list[Run], rows: list[Run]) -> list[float]:
    """stdlib seconds / row seconds of each run in which both succeeded."""
    return [
        b.seconds / r.seconds
        for b, r in zip(base, rows, strict=False)
        if b.returncode == 0 and r.returncode == 0 and r.seconds > 0
    ]


def table(path: str, messages: int, runs: dict[str, list[Run]], missing: list[str]) -> str:
    size_mb = os.path.getsize(path) / 1e6
    head = (
        f"{'command':<18} {'msgs':>7} {'MB':>7} {'s':>8} {'msg/s':>8} {'MB/s':>6} "
        f"{'maxRSS':>7} {'treePSS':>7} {'speed':>6} {'CPU s':>7} {'cores':>5} {'CPUx':>5} "
        f"{'load':>5}"
    )
    lines = [f"{path}: {messages} messages, {size_mb:.1f} MB", head, "-" * len(head)]
    base = min((r.seconds for r in runs.get("stdlib", [])), default=None)
    base_cpu = min((r.cpu_seconds for r in runs.get("stdlib", [])), default=None)
    for name, rs in runs.items():
        ok = [r for r in rs if r.returncode == 0]
        if not ok:
            err = rs[-1].stderr.strip().splitlines()[-1:] if rs else []
            lines.append(f"{name:<18} failed (exit {rs[-1].returncode}): {' '.join(err)[:80]}")
            continue
        best = min(ok, key=lambda r: r.seconds)
        speed = f"{base / best.seconds:6.2f}" if base else "     -"
        lines.append(
            f"{name:<18} {messages:>7} {size_mb:>7.1f} {best.seconds:>8.2f} "
            f"{messages / best.seconds:>8.0f} {size_mb / best.seconds:>6.1f} "
            f"{max(r.max_rss_mb for r in ok):>7.0f} {max(r.tree_mb for r in ok):>7.0f} "
            f"{speed} {best.cpu_seconds:>7.1f} {best.cpu_seconds / best.seconds:>5.2f} "
            f"{best.cpu_seconds / base_cpu if base_cpu else 0:>5.2f} {best.load:>5.2f}"
        )
        if len(ok) > 1:
            lines.append(
                f"{'':<18} runs: {', '.join(f'{r.seconds:.2f}' for r in ok)} s "
                f"(median {statistics.median(r.seconds for r in ok):.2f})"
            )
        paired = _paired_speeds(runs.get("stdlib", []), rs) if name != "stdlib" else []
        if len(paired) > 1:
            # Each run's stdlib row and this row ran minutes apart at most: their
            # ratio shrugs off a host whose speed drifts between runs.
            lines.append(
                f"{'':<18} speed run by run: {', '.join(f'{p:.2f}' for p in paired)} "
                f"(median {statistics.median(paired):.2f})"
            )
    lines.extend(f"{name:<18} not available" for name in missing)
    lines.append(
        "speed = stdlib seconds / row seconds (target >= 0.80); maxRSS = biggest process's "
        "VmHWM (MB); treePSS = peak PSS of the whole process tree (MB); CPU s = user+system of "
        "the tree; cores = CPU s / s; CPUx = CPU s / stdlib CPU s (with 2 free cores and no "
        "other bottleneck, speed would be about 2 / CPUx); load = 1-min load average at start"
    )
    return "\n".join(lines)


def bench(path: str, n_runs: int, only: set[str]) -> str:
    rows = commands(path, only)
    missing = [name for name, cmd in rows if cmd is None]
    runs: dict[str, list[Run]] = {name: [] for name, cmd in rows if cmd is not None}
    for _ in range(n_runs):
        for name, cmd in rows:
            if cmd is not None:
                run = run_child(name, cmd)
                runs[name].append(run)
                print(
                    f"  {name}: {run.seconds:.2f} s, maxRSS {run.max_rss_mb:.0f} MB, "
                    f"tree {run.tree_mb:.0f} MB, CPU {run.cpu_seconds:.1f} s (of which the "
                    f"main process {run.parent_cpu:.1f} s), exit {run.returncode} "
                    f"[load {run.load:.2f}]",
                    file=sys.stderr,
                    flush=True,
                )
    return table(path, count_messages(path), runs, missing)


def prefix_file(path: str, count: int, out: Path) -> int:
    """Write the first ``count`` messages of mbox ``path`` to ``out``; return how many."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        pos, n = 0, 0
        while n < count:
            i = mm.find(b"\n\nFrom ", pos)
            n += 1
            if i < 0:
                pos = len(mm)
                break
            pos = i + 2
    with open(path, "rb") as src, out.open("wb") as dst:
        left = pos
        while left:  # copy in 1 MiB pieces: this process stays small (children inherit its RSS)
            chunk = src.read(min(left, 1 << 20))
            if not chunk:
                break
            dst.write(chunk)
            left -= len(chunk)
    return n


def rss_curve(path: str, sizes: list[int], only: set[str]) -> str:
    """Run the commands on the first N messages of ``path`` for each N: RSS should stay flat."""
    out = [f"RSS curve on prefixes of {path}"]
    head = f"{'command':<18} " + " ".join(f"{n:>12}" for n in sizes)
    per: dict[str, list[str]] = {}
    secs: dict[str, list[str]] = {}
    tmpdir = HERE / "data"
    tmpdir.mkdir(exist_ok=True)
    for size in sizes:
        tmp = tmpdir / f".prefix-{size}.mbox"
        got = prefix_file(path, size, tmp)
        try:
            for name, cmd in commands(str(tmp), only):
                if cmd is None:
                    per.setdefault(name, []).append("n/a")
                    continue
                run = run_child(name, cmd)
                cell = (
                    f"{run.max_rss_mb:.0f}/{run.tree_mb:.0f}" if run.returncode == 0 else "failed"
                )
                per.setdefault(name, []).append(cell)
                secs.setdefault(name, []).append(f"{got / run.seconds:.0f}")
                print(
                    f"  {size} {name}: {run.seconds:.2f} s {cell} MB", file=sys.stderr, flush=True
                )
        finally:
            tmp.unlink(missing_ok=True)
    out.append("peak RSS MB (biggest process / process-tree PSS) at N messages")
    out.append(head)
    out.extend(f"{name:<18} " + " ".join(f"{c:>12}" for c in cells) for name, cells in per.items())
    out.append("messages/s")
    out.extend(f"{name:<18} " + " ".join(f"{c:>12}" for c in cells) for name, cells in secs.items())
    return "\n".join(out)


def _json_line_fn() -> Any:
    """The function the CLI applies to each record for ``--format jsonl`` (it has moved before)."""
    import importlib  # noqa: PLC0415

    for module in ("mailarchive.cli.common", "mailarchive.cli"):
        try:
            return importlib.import_module(module).email_json_line
        except (ImportError, AttributeError):
            continue
    raise ImportError("no email_json_line in mailarchive.cli.common or mailarchive.cli")


def stage_times(raws: list[Any]) -> str:
    """Per-message cost of each stage of a worker, without a profiler (µs/msg)."""
    from mailarchive.api import Options, process_raw  # noqa: PLC0415 - optional
    from mailarchive.parse import parse_message  # noqa: PLC0415
    from mailarchive.parse.segment import split_email  # noqa: PLC0415

    email_json_line = _json_line_fn()
    n = len(raws)
    for raw in raws[: min(50, n)]:  # one-time costs (lazy imports, regex compiles) first
        for rec in process_raw(raw, Options()):
            email_json_line(rec)
    t0 = time.perf_counter()
    for raw in raws:
        email.message_from_bytes(raw.data, policy=email.policy.compat32)
    t_compat = time.perf_counter() - t0
    t0 = time.perf_counter()
    parsed = [parse_message(raw) for raw in raws]
    t_parse = time.perf_counter() - t0
    t0 = time.perf_counter()
    split = [rec for recs in parsed for e in recs for rec in split_email(e)]
    t_split = time.perf_counter() - t0
    t0 = time.perf_counter()
    for rec in split:
        email_json_line(rec)
    t_json = time.perf_counter() - t0
    t0 = time.perf_counter()
    for raw in raws:
        for rec in process_raw(raw, Options()):
            email_json_line(rec)
    t_all = time.perf_counter() - t0

    def us(t: float) -> str:
        return f"{t / n * 1e6:.0f}"

    return (
        f"stages, no profiler, {n} messages -> {len(split)} records "
        f"(us/msg) [load {os.getloadavg()[0]:.2f}]: compat32 parse alone {us(t_compat)}; "
        f"parse_message {us(t_parse)}; split_email {us(t_split)}; email_json_line "
        f"{us(t_json)}; whole worker (process_raw + json) {us(t_all)}"
    )


def profile_mailarchive(path: str, count: int, top: int = 15) -> str:
    """cProfile of what one worker does (read, parse, split, JSON line) on ``count`` messages."""
    try:
        from mailarchive.api import Options, process_raw  # noqa: PLC0415 - optional
        from mailarchive.sources import iter_sources  # noqa: PLC0415

        email_json_line = _json_line_fn()
    except ImportError as exc:
        return f"mailarchive worker profile: not available ({exc})"
    raws = []
    t0 = time.perf_counter()
    for raw in iter_sources([path], None):
        raws.append(raw)
        if len(raws) >= count:
            break
    read = time.perf_counter() - t0
    options = Options()
    lines = [stage_times(raws)]
    prof = cProfile.Profile()
    t0 = time.perf_counter()
    prof.enable()
    records = 0
    for raw in raws:
        for rec in process_raw(raw, options):
            email_json_line(rec)
            records += 1
    prof.disable()
    wall = time.perf_counter() - t0
    lines.append(
        f"worker profile: {len(raws)} messages -> {records} records; reading {read:.2f} s, "
        f"parse+split+json {wall:.2f} s under cProfile ({wall / len(raws) * 1e6:.0f} us/msg)"
    )
    for key in ("tottime", "cumulative"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).sort_stats(key).print_stats(top)
        text = buf.getvalue().splitlines()
        start = next(i for i, line in enumerate(text) if "ncalls" in line)
        lines.append(f"-- top {top} by {key}")
        for line in text[start : start + top + 1]:
            lines.append(line.replace(str(Path(email.__file__).parent.parent), "<stdlib>"))
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("mbox")
    ap.add_argument("--runs", type=int, default=1)
    ap.add_argument("--only", default="", help="comma list of: stdlib,parse,parse-no-split,threads")
    ap.add_argument("--rss-curve", action="store_true")
    ap.add_argument("--sizes", default="10000,50000,100000")
    ap.add_argument("--profile", type=int, metavar="N", help="cProfile a worker on N messages")
    ap.add_argument("--stdlib-child", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if not Path(args.mbox).is_file():
        ap.error(f"no such file: {args.mbox}")
    if args.stdlib_child:
        print(json.dumps(stdlib_parse(args.mbox)))
        return 0
    only = set(filter(None, args.only.split(",")))
    compile_package()  # start as an installed package does (see _installed.py)
    print(f"# {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}, {os.cpu_count()} CPUs")
    if args.profile:
        print(profile_mailarchive(args.mbox, args.profile))
    elif args.rss_curve:
        print(rss_curve(args.mbox, [int(s) for s in args.sizes.split(",")], only))
    else:
        print(bench(args.mbox, args.runs, only))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
