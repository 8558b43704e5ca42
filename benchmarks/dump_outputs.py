"""Dump what mailarchive makes of every test input, to prove a change alters nothing.

Writes one JSON Lines file per input group into OUT: every raw message file
of ../shared/corpora (when present) parsed with ``parse_bytes``, every
fixture and corpus mailbox read with ``iter_emails``, pasted text dumps with
``parse_text``, and each benchmark mbox given with ``--mbox`` (first
``--count`` messages); plus the threads (``load_document``) of the fixture
mailboxes. Compare two dumps with ``diff -r`` or ``cmp``:

    python benchmarks/dump_outputs.py /tmp/before --mbox benchmarks/data/list-5k.mbox
    ... change the code ...
    python benchmarks/dump_outputs.py /tmp/after --mbox benchmarks/data/list-5k.mbox
    diff -rq /tmp/before /tmp/after
"""

from __future__ import annotations

import argparse
import itertools
import sys
from pathlib import Path

from mailarchive import api
from mailarchive.export.jsonout import document_to_json, dumps_line, email_to_json
from mailarchive.parse._tools import corpus_files
from mailarchive.sources import iter_source

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"


def _lines(emails: object) -> str:
    return "".join(dumps_line(email_to_json(e)) + "\n" for e in emails)  # type: ignore[attr-defined]


def _mailboxes() -> list[Path]:
    found = sorted(p for p in (ROOT / "fixtures").rglob("*") if p.is_file())
    found = [p for p in found if p.suffix not in {".md", ".json", ".html", ".csv"}]
    if SHARED.is_dir():
        for pattern in ("**/*.mbox", "**/*.txt", "**/*.gz", "**/*.mbx"):
            found.extend(sorted((SHARED / "corpora").glob(pattern)))
        found.extend(sorted((SHARED / "samples").glob("*")))
    return found


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", type=Path)
    ap.add_argument("--mbox", action="append", default=[], help="a benchmark mbox to dump too")
    ap.add_argument("--count", type=int, default=5000)
    args = ap.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if SHARED.is_dir():
        with (args.out / "corpus-files.jsonl").open("w") as fp:
            for name, data in corpus_files(SHARED / "corpora"):
                fp.write(f"# {name}\n")
                fp.write(_lines(api.parse_bytes(data, path=name)))
    with (args.out / "mailboxes.jsonl").open("w") as fp:
        for path in _mailboxes():
            rel = str(path.relative_to(path.parents[2]))
            fp.write(f"# {rel}\n")
            try:
                fp.write(_lines(api.iter_emails([str(path)], workers=1)))
                doc = api.load_document([str(path)], workers=1)
                fp.write(dumps_line(document_to_json(doc)["threads"]) + "\n")
                doc = api.load_document([str(path)], workers=1, headers_only=True)
                fp.write(dumps_line(document_to_json(doc)) + "\n")
            except Exception as exc:  # recorded, compared like output
                fp.write(f"! {type(exc).__name__}: {exc}\n")
    for mbox in args.mbox:
        raws = itertools.islice(iter_source(mbox), args.count)
        with (args.out / (Path(mbox).name + ".jsonl")).open("w") as fp:
            for raw in raws:
                fp.write(_lines(api.process_raw(raw)))
    print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
