"""Developer tooling for the parser (not used by the library).

``python -m mailarchive.parse._tools compare CORPORA`` reads every raw
message file of the shared corpora with :func:`parse_message` and with
mail-parser and prints, field by field, where the two readings differ.

``python -m mailarchive.parse._tools bench CORPORA`` prints the
per-message CPU cost of ``parse_message`` against a bare compat32 parse and
the stdlib baseline (compat32 parse + headers + text parts).

CORPORA is the ``shared/corpora`` folder beside the repository.
"""

from __future__ import annotations

import collections
import email
import gc
import logging
import re
import sys
import time
import warnings
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from email.policy import compat32
from pathlib import Path
from typing import Any

from mailarchive.model import Email, SourceKind, SourceRef
from mailarchive.parse import parse_message
from mailarchive.sources.raw import RawMessage

# corpus -> (folder, glob) of its raw message files (as in tests/test_parse_message.py)
CORPORA = {
    "cpython-test_email": ("data", "msg_*.txt"),
    "spamscope-mail-parser": ("tests/mails", "*"),
    "nodemailer-mailparser": ("test/fixtures", "*.eml"),
    "public-inbox": ("t", "**/*.eml"),
    "spamassassin-tdata": ("t/data", "**/*"),
    "james-mime4j": (".", "**/*.msg"),
}
_SKIP = {"LICENSE", "NOTICE", "COPYING", "MANIFEST.md", "LICENSE.txt"}
_WS = re.compile(r"\s+")


def corpus_files(root: Path) -> list[tuple[str, bytes]]:
    """(name, bytes) of every raw message file of the corpora under ``root``."""
    out = []
    for corpus, (sub, pattern) in sorted(CORPORA.items()):
        base = root / corpus / sub
        for path in sorted(base.glob(pattern)):
            if path.is_file() and path.name not in _SKIP:
                out.append((f"{corpus}/{path.relative_to(base)}", path.read_bytes()))
    return out


def _norm(text: object) -> str:
    if isinstance(text, list):
        text = text[0] if text else ""
    return _WS.sub(" ", str(text or "")).strip()


def _texts(email_: Email) -> str:
    parts = email_.text_body
    return _norm(
        "\n".join(
            email_.body_values[p.part_id].value for p in parts if p.part_id in email_.body_values
        )
    )


def _naive_utc(when: datetime | None) -> datetime | None:
    if when is not None and when.tzinfo is not None:
        return when.astimezone(UTC).replace(tzinfo=None)
    return when


def compare(root: Path, samples: int = 5) -> None:
    """Print where parse_message and mail-parser read the corpora differently."""
    import mailparser  # noqa: PLC0415 - tooling only

    logging.getLogger("mailparser").setLevel(logging.CRITICAL)
    warnings.simplefilter("ignore")
    diffs: dict[str, list[tuple[str, object, object]]] = collections.defaultdict(list)
    failures: list[tuple[str, str]] = []
    files = corpus_files(root)
    for name, data in files:
        records = parse_message(RawMessage(data, SourceRef(kind=SourceKind.EML, path=name)))
        mine = records[0]
        try:
            mp = mailparser.MailParser.from_bytes(data)
        except Exception as exc:
            failures.append((name, repr(exc)[:120]))
            continue

        def differ(field: str, theirs: object, ours: object) -> None:
            if theirs != ours:
                diffs[field].append((name, theirs, ours))  # noqa: B023

        differ("subject", _norm(mp.subject) or None, _norm(mine.subject) or None)
        differ(
            "from",
            [a.lower() for _, a in mp.from_],
            [p.email.lower() for p in mine.from_ or () if p.email],
        )
        for field, theirs, ours in (("to", mp.to, mine.to), ("cc", mp.cc, mine.cc)):
            differ(
                field,
                sorted(a.lower() for _, a in theirs),
                sorted(p.email.lower() for p in ours or () if p.email),
            )
        differ(
            "message-id", _norm(mp.message_id).strip("<>") or None, (mine.message_id or (None,))[0]
        )
        differ("date", _naive_utc(mp.date), _naive_utc(mine.sent_at))
        theirs_text, ours_text = _norm("\n".join(mp.text_plain)), _texts(mine)
        if theirs_text != ours_text:
            child_text = " ".join(_texts(child) for child in records[1:]).strip()
            if child_text and child_text in theirs_text:
                diffs["text: mail-parser merged attached-message text"].append(
                    (name, len(theirs_text), len(ours_text))
                )
            else:
                diffs["text"].append((name, theirs_text[:100], ours_text[:100]))
        differ("html-part-count", len(mp.text_html), len(mine.html_body))
        differ("attachment-count", len(mp.attachments), len(mine.attachments))
    print(f"files: {len(files)}; mail-parser raised on {len(failures)}")
    for name, error in failures:
        print(f"  raised: {name}: {error}")
    for field, rows in sorted(diffs.items(), key=lambda kv: -len(kv[1])):
        print(f"\n== {field}: {len(rows)} differ   (file | mail-parser | parse_message)")
        for file_name, theirs_value, ours_value in rows[:samples]:
            print(f"  {file_name} | {str(theirs_value)[:100]!r} | {str(ours_value)[:100]!r}")


def _baseline(raw: bytes) -> object:
    """What the speed target is measured against: compat32 + headers + text parts."""
    msg = email.message_from_bytes(raw, policy=compat32)
    headers = [(k, str(v)) for k, v in msg.items()]
    texts = []
    for part in msg.walk():
        if part.get_content_maintype() == "text":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                try:
                    texts.append(payload.decode(part.get_content_charset() or "ascii", "replace"))
                except LookupError:
                    texts.append(payload.decode("latin-1"))
    return headers, texts


def _cpu(fn: Callable[[Any], object], items: Iterable[Any]) -> float:
    gc.collect()
    start = time.process_time()
    for item in items:
        fn(item)
    return time.process_time() - start


def bench(root: Path, reps: int = 5, max_size: int = 200_000) -> None:
    """Per-message CPU cost (best of ``reps``, interleaved) on messages below ``max_size``."""
    files = [(n, d) for n, d in corpus_files(root) if len(d) < max_size]
    raws = [RawMessage(d, SourceRef(kind=SourceKind.EML, path=n)) for n, d in files]
    data = [d for _, d in files]
    for raw in raws:
        parse_message(raw)  # warm caches and imports
    runs: dict[str, list[float]] = collections.defaultdict(list)
    cases: dict[str, tuple[Callable[[Any], object], list[Any]]] = {
        "bare compat32 parse": (lambda b: email.message_from_bytes(b, policy=compat32), data),
        "baseline (compat32 + headers + text)": (_baseline, data),
        "parse_message": (parse_message, raws),
        "parse_message(headers_only=True)": (lambda r: parse_message(r, headers_only=True), raws),
    }
    for _ in range(reps):
        for label, (fn, items) in cases.items():
            runs[label].append(_cpu(fn, items))
    best = {label: min(times) for label, times in runs.items()}
    n = len(files)
    for label, seconds in best.items():
        print(f"{label:40s} {seconds / n * 1e6:8.0f} us/msg")
    ratio = best["parse_message"] / best["baseline (compat32 + headers + text)"]
    print(f"parse_message / baseline = {ratio:.2f}x; with 2 workers: {2 / ratio:.2f}x the baseline")


def main(argv: list[str]) -> int:
    """Entry point: ``compare|bench CORPORA``."""
    if len(argv) != 2 or argv[0] not in ("compare", "bench"):
        print(__doc__)
        return 2
    root = Path(argv[1])
    if argv[0] == "compare":
        compare(root)
    else:
        bench(root)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
