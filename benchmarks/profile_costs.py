"""Per-message costs of the building blocks a parser can be made of.

Reads one mbox into memory (use a small one: 5k messages) and prints, per
message, the cost of: reading the mbox with ``mailbox.mbox``; a bare
compat32 parse; the stdlib baseline (compat32 + headers + decoded text/plain);
``policy.default``; ``mailparser.parse_from_bytes``; ``MailParser(msg)`` on
an already parsed message; date parsers; HTML to text; pickling an
``Email`` and a two-worker ``multiprocessing.Pool``. Then a cProfile of
``MailParser(msg)``.

    python benchmarks/profile_costs.py benchmarks/data/list-5k.mbox [--only NAME,...]
"""

from __future__ import annotations

import argparse
import copyreg
import cProfile
import email
import email.header
import email.policy
import email.utils
import html.parser
import importlib.util
import io
import itertools
import json
import mailbox
import mmap
import multiprocessing
import os
import pickle
import pstats
import time
import warnings
from collections.abc import Callable, Iterable
from email.headerregistry import HeaderRegistry
from email.message import Message
from types import MappingProxyType
from typing import Any

import dateparser
import mailparser
from bs4 import BeautifulSoup
from mailparser.dates import parse_mail_date

from mailarchive.model import BodyPart, BodyValue, Email, EmailAddress, SourceKind, SourceRef

COMPAT32 = email.policy.compat32
DEFAULT = email.policy.default
HEADERS = ("From", "To", "Subject", "Date", "Message-ID")


def load(path: str) -> list[bytes]:
    mb = mailbox.mbox(path, create=False)
    return [mb.get_bytes(k) for k in mb.iterkeys()]


def timeit(
    label: str, fn: Callable[[Any], object], items: Iterable[Any], n: int | None = None
) -> float:
    items = list(items)
    t0 = time.perf_counter()
    for it in items:
        fn(it)
    dt = time.perf_counter() - t0
    n = n or len(items)
    print(f"  {label:<58} {dt / max(n, 1) * 1e6:9.0f} us/msg  ({dt:6.2f} s, n={n})", flush=True)
    return dt


def text_of(msg: Message) -> list[str]:
    out = []
    for part in msg.walk():
        if part.get_content_type() == "text/plain":
            payload = part.get_payload(decode=True)
            if isinstance(payload, bytes):
                out.append(payload.decode(part.get_content_charset() or "utf-8", "replace"))
    return out


def stdlib_baseline(raw: bytes) -> object:
    msg = email.message_from_bytes(raw, policy=COMPAT32)
    heads = [msg.get(h) for h in HEADERS]
    return heads, text_of(msg)


def policy_default(raw: bytes) -> object:
    msg = email.message_from_bytes(raw, policy=DEFAULT)
    heads = [str(msg.get(h)) for h in HEADERS]  # structured header parse happens on access
    body = msg.get_body(("plain",))
    return heads, body.get_content() if body is not None else None


def fake_email(raw: bytes) -> Email:
    """An Email about as full as the parser's output will be (for pickle/IPC cost)."""
    msg = email.message_from_bytes(raw, policy=COMPAT32)
    texts = text_of(msg)
    values = {str(i + 1): BodyValue(t) for i, t in enumerate(texts)}
    parts = tuple(
        BodyPart(str(i + 1), "text/plain", len(t), charset="utf-8") for i, t in enumerate(texts)
    )
    name, addr = email.utils.parseaddr(msg.get("From", ""))
    return Email(
        id="e0123456789abcdef0123",
        source=SourceRef(SourceKind.MBOX, path="x.mbox", offset=0, length=len(raw)),
        message_id=(str(msg.get("Message-ID", "")).strip("<>"),),
        references=tuple(str(msg.get("References", "")).split()),
        from_=(EmailAddress(name or None, addr or None),),
        to=(EmailAddress(None, str(msg.get("To", ""))),),
        subject=str(msg.get("Subject", "")),
        preview=(texts[0] if texts else "")[:256],
        text_body=parts,
        body_values=MappingProxyType(values),
    )


def _mappingproxy(d: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(d)


def _reduce_mappingproxy(m: MappingProxyType[Any, Any]) -> tuple[Any, tuple[dict[Any, Any]]]:
    # MappingProxyType cannot be pickled (not even by reference): rebuild it from a dict.
    return _mappingproxy, (dict(m),)


def worker_noop(raw: bytes) -> int:
    return len(raw)


_MM: mmap.mmap | None = None


def _init_mmap(path: str) -> None:
    global _MM  # noqa: PLW0603 - per-worker state set by the Pool initializer
    with open(path, "rb") as f:
        _MM = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)


def email_json(e: Email) -> bytes:
    """A rough stand-in for the JSONL exporter (same size of output)."""
    return json.dumps(
        {
            "id": e.id,
            "subject": e.subject,
            "messageId": e.message_id,
            "references": e.references,
            "from": [[a.name, a.email] for a in e.from_ or ()],
            "bodyValues": {k: v.value for k, v in e.body_values.items()},
        },
        ensure_ascii=False,
    ).encode()


def worker_ranges(ranges: list[tuple[int, int]]) -> tuple[bytes, float]:
    """Parse messages at byte ranges of the mmap'ed mbox; return their JSONL and the CPU used."""
    assert _MM is not None
    c0 = time.process_time()
    out = []
    for a, b in ranges:
        raw = _MM[a:b]
        out.append(email_json(fake_email(raw[raw.index(b"\n") + 1 :])))
    return b"\n".join(out), time.process_time() - c0


def mbox_ranges(path: str) -> list[tuple[int, int]]:
    """(start, end) of each message (From_ line included), by find() on an mmap."""
    with open(path, "rb") as f, mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ) as mm:
        starts = [0]
        pos = 0
        while (i := mm.find(b"\n\nFrom ", pos)) >= 0:
            starts.append(i + 2)
            pos = i + 2
        starts.append(len(mm))
    return list(itertools.pairwise(starts))


def section(title: str) -> None:
    print(f"\n== {title}  [load {os.getloadavg()[0]:.2f}]", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("mbox")
    ap.add_argument("--only", default="")
    ap.add_argument("--profile-n", type=int, default=1000)
    args = ap.parse_args()
    only = set(filter(None, args.only.split(",")))

    def want(name: str) -> bool:
        return not only or name in only

    warnings.simplefilter("ignore")
    t0 = time.perf_counter()
    raws = load(args.mbox)
    dt = time.perf_counter() - t0
    n = len(raws)
    mb = sum(map(len, raws)) / 1e6
    print(f"{args.mbox}: {n} messages, {mb:.1f} MB, mean {mb * 1e6 / n:.0f} B")
    print(f"  {'mailbox.mbox load (get_bytes per key)':<58} {dt / n * 1e6:9.0f} us/msg")
    parsed = [email.message_from_bytes(r, policy=COMPAT32) for r in raws]

    if want("parse"):
        section("parsers (us per message)")
        timeit(
            "message_from_bytes(compat32), bare",
            lambda r: email.message_from_bytes(r, policy=COMPAT32),
            raws,
        )
        timeit("stdlib baseline: compat32 + 5 headers + text/plain decode", stdlib_baseline, raws)
        timeit(
            "message_from_bytes(policy.default), bare",
            lambda r: email.message_from_bytes(r, policy=DEFAULT),
            raws,
        )
        timeit("policy.default + 5 headers (str) + get_body().get_content()", policy_default, raws)
        timeit("mailparser.parse_from_bytes(raw)", mailparser.parse_from_bytes, raws)
        timeit("mailparser.MailParser(msg) on parsed compat32 msg", mailparser.MailParser, parsed)

    if want("pieces"):
        section("pieces of a parse (us per message)")
        timeit(
            "decode_header(Subject) + make_header",
            lambda m: str(
                email.header.make_header(email.header.decode_header(m.get("Subject", "")))
            ),
            parsed,
        )
        timeit(
            "email.utils.getaddresses(From+To)",
            lambda m: email.utils.getaddresses([m.get("From", ""), m.get("To", "")]),
            parsed,
        )
        reg: Any = HeaderRegistry()
        timeit(
            "headerregistry From+To (policy.default style)",
            lambda m: (
                reg("from", m.get("From", "")).addresses,
                reg("to", m.get("To", "")).addresses,
            ),
            parsed,
        )
        timeit(
            "walk + get_payload(decode=True) all leaves",
            lambda m: [p.get_payload(decode=True) for p in m.walk() if not p.is_multipart()],
            parsed,
        )

    if want("dates"):
        section("dates (us per Date header)")
        dates = [str(m.get("Date", "")) for m in parsed]

        def rfc(d: str) -> object:
            try:
                return email.utils.parsedate_to_datetime(d)
            except (TypeError, ValueError):
                return None

        timeit("email.utils.parsedate_to_datetime", rfc, dates)
        timeit("mailparser.dates.parse_mail_date", parse_mail_date, dates)
        t0 = time.perf_counter()
        dateparser.parse("Mon, 7 Jan 2019 09:00:00 +0000")
        print(f"  dateparser first call (import/warm-up): {time.perf_counter() - t0:.2f} s")
        sample = dates[:500]
        timeit("dateparser.parse (all dates)", dateparser.parse, sample)
        settings = {"PREFER_DAY_OF_MONTH": "first", "RETURN_AS_TIMEZONE_AWARE": False}
        timeit(
            "dateparser.parse(languages=['en'], settings)",
            lambda d: dateparser.parse(d, languages=["en"], settings=settings),
            sample,
        )
        bad = [d for d in dates if rfc(d) is None]
        print(f"  ({len(bad)} of {len(dates)} dates fail parsedate_to_datetime)")
        if bad:
            timeit("dateparser.parse on the failing ones only", dateparser.parse, bad)

    if want("html"):
        section("HTML to text (us per text/html part)")
        payloads = [
            p.get_payload(decode=True)
            for m in parsed
            for p in m.walk()
            if p.get_content_type() == "text/html"
        ]
        htmls = [h.decode("utf-8", "replace") for h in payloads if isinstance(h, bytes)][:2000]
        if not htmls:
            print("  no text/html parts in this file")
        else:
            print(f"  mean html part {sum(map(len, htmls)) / len(htmls):.0f} chars")
            timeit(
                "bs4 html.parser get_text",
                lambda h: BeautifulSoup(h, "html.parser").get_text("\n"),
                htmls,
            )
            if importlib.util.find_spec("lxml") is not None:
                timeit(
                    "bs4 lxml get_text", lambda h: BeautifulSoup(h, "lxml").get_text("\n"), htmls
                )
            else:
                print("  lxml: not installed")

            class Text(html.parser.HTMLParser):
                def __init__(self) -> None:
                    super().__init__(convert_charrefs=True)
                    self.out: list[str] = []

                def handle_data(self, data: str) -> None:
                    self.out.append(data)

            def stdlib_html(h: str) -> str:
                p = Text()
                p.feed(h)
                p.close()
                return "".join(p.out)

            timeit("stdlib html.parser.HTMLParser handle_data only", stdlib_html, htmls)

    if want("pickle"):
        section("pickling Email records between processes")
        emails = [fake_email(r) for r in raws]
        try:
            pickle.dumps(emails[0])
            print("  Email with MappingProxyType body_values pickles as is")
        except TypeError as exc:
            print(f"  pickle.dumps(Email) FAILS: {exc} -> registering copyreg reducer")
        copyreg.pickle(MappingProxyType, _reduce_mappingproxy)
        blobs: list[bytes] = []
        timeit(
            "pickle.dumps(Email, protocol 5)",
            lambda e: blobs.append(pickle.dumps(e, protocol=5)),
            emails,
        )
        print(
            f"  mean pickle size {sum(map(len, blobs)) / len(blobs):.0f} B "
            f"(raw mean {sum(map(len, raws)) / len(raws):.0f} B)"
        )
        timeit("pickle.loads", pickle.loads, blobs)

    if want("mp"):
        section(f"multiprocessing.Pool(2) (fork), {n} messages, wall time")
        copyreg.pickle(MappingProxyType, _reduce_mappingproxy)
        t0 = time.perf_counter()
        serial = [fake_email(r) for r in raws]
        ts = time.perf_counter() - t0
        print(f"  serial compat32 -> Email: {ts:.2f} s ({ts / n * 1e6:.0f} us/msg)")
        del serial
        ctx = multiprocessing.get_context("fork")
        for chunk in (64, 256):
            with ctx.Pool(2) as pool:
                t0 = time.perf_counter()
                out = list(pool.imap(worker_noop, raws, chunksize=chunk))
                tn = time.perf_counter() - t0
                t0 = time.perf_counter()
                out2 = list(pool.imap(fake_email, raws, chunksize=chunk))
                tp = time.perf_counter() - t0
            assert len(out) == len(out2) == n
            print(
                f"  chunksize {chunk:3}: no-op round trip {tn / n * 1e6:5.0f} us/msg; "
                f"parse -> Email {tp:.2f} s ({tp / n * 1e6:.0f} us/msg, speed-up {ts / tp:.2f}x)"
            )

    if want("mp-ranges"):
        section("Pool(2) given byte ranges, workers mmap + parse + return JSONL bytes per chunk")
        ranges = mbox_ranges(args.mbox)
        _init_mmap(args.mbox)
        ctx = multiprocessing.get_context("fork")
        with ctx.Pool(2, initializer=_init_mmap, initargs=(args.mbox,)) as pool:
            for _ in range(3):
                t0 = time.perf_counter()
                _, cs_cpu = worker_ranges(ranges)
                ts = time.perf_counter() - t0
                res = []
                for cs in (16, 64, 256):
                    chunks = [ranges[i : i + cs] for i in range(0, len(ranges), cs)]
                    t0, c0 = time.perf_counter(), time.process_time()
                    results = list(pool.imap(worker_ranges, chunks))
                    wall, parent = time.perf_counter() - t0, time.process_time() - c0
                    cpu = parent + sum(c for _, c in results)
                    res.append(
                        f"chunk {cs}: {ts / wall:.2f}x (CPU {cpu / cs_cpu:.2f}x serial, "
                        f"parent {parent / len(ranges) * 1e6:.0f} us/msg)"
                    )
                print(
                    f"  serial {ts / len(ranges) * 1e6:.0f} us/msg; wall speed-up "
                    + "; ".join(res)
                    + f"  [load {os.getloadavg()[0]:.2f}]",
                    flush=True,
                )
            del results

    if want("profile"):
        section(f"cProfile MailParser(msg) on {args.profile_n} parsed messages")
        prof = cProfile.Profile()
        sub = parsed[: args.profile_n]
        prof.enable()
        for m in sub:
            mailparser.MailParser(m)
        prof.disable()
        for key in ("cumulative", "tottime"):
            buf = io.StringIO()
            pstats.Stats(prof, stream=buf).sort_stats(key).print_stats(18)
            lines = buf.getvalue().splitlines()
            start = next(i for i, line in enumerate(lines) if "ncalls" in line)
            print(f"  -- by {key}")
            for line in lines[start : start + 19]:
                print(
                    "  "
                    + line.replace(os.path.dirname(email.__file__), "<stdlib>/email").replace(
                        os.path.dirname(mailparser.__file__), "<mailparser>"
                    )
                )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
