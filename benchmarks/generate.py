"""Generate large, realistic, deterministic mbox files for benchmarks.

Two kinds:

``list``
    A mailing-list archive: plain text messages of about 4-6 KB, threads with
    realistic depth (Message-ID / In-Reply-To / References), ``Re:`` subjects
    with a ``[list-tag]``, quoted replies (``> `` under an ``On ... wrote:``
    attribution), signatures, a few forwards with Gmail's
    ``---------- Forwarded message ---------`` banner, body lines starting
    with ``From `` (escaped as mboxrd ``>From ``), a sprinkle of RFC 2047
    subjects and non-ASCII names, and some malformed dates.

``personal``
    A personal mailbox (Google Takeout-like): multipart/alternative text +
    HTML, some base64 attachments (PDF/PNG-like blobs of 10-200 KB),
    ``X-GM-THRID`` / ``X-Gmail-Labels``, Outlook replies with
    ``-----Original Message-----`` blocks.

Same ``--seed`` and ``--count`` give the same bytes. Messages are written one
at a time (memory stays flat whatever the count)::

    python benchmarks/generate.py --kind list --count 100000 --seed 1 \\
        --output benchmarks/data/list-100k.mbox
"""

from __future__ import annotations

import argparse
import base64
import quopri
import random
import sys
from collections import deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from email.header import Header
from email.utils import format_datetime
from pathlib import Path
from typing import BinaryIO

_WORDS_TEXT = (
    "the of and to in is that it for on with as this be are was by not or we an at from "
    "but have if can which you all will one has would there more so when what about patch "
    "kernel build test tests failing error warning commit branch merge release version "
    "config option default value file files path module function method class object "
    "memory buffer cache lock thread process queue request response server client socket "
    "timeout retry latency throughput benchmark performance regression fix bug issue "
    "report review change changes series cover letter maintainer tree upstream backport "
    "stable driver device interface api abi compat legacy deprecated removal cleanup "
    "refactor rename move split helper wrapper macro inline static const pointer struct "
    "array list map hash table index key lookup insert delete update read write open close "
    "flush sync async callback handler event loop signal mutex spinlock atomic barrier "
    "documentation example usage argument parameter return type check validate parse "
    "encode decode format string bytes unicode charset header body message mail archive "
    "think believe agree disagree suggest propose prefer probably maybe actually really "
    "simply just also still already again however although because since unless until "
    "while whereas instead otherwise anyway though perhaps indeed certainly clearly "
    "looks seems works breaks fails passes builds runs crashes hangs leaks spins blocks "
    "good bad better worse simple complex small large fast slow old new first last next "
    "previous same different obvious subtle careful quick minor major critical trivial"
)
WORDS = tuple(_WORDS_TEXT.split())

_FIRST_TEXT = (
    "Alice Bob Carol Dave Erin Frank Grace Heidi Ivan Judy Mallory Niaj Olivia Peggy "
    "Rupert Sybil Trent Victor Walter Yolanda Zoe Arjun Mei Kenji Fatima Lars Ingrid "
    "Pablo Lucia Tomasz Olga Sven Anika Ravi Chen Hiroshi Amara Diego Nadia"
)
FIRST = tuple(_FIRST_TEXT.split())
_LAST_TEXT = (
    "Smith Jones Taylor Brown Williams Wilson Johnson Davies Robinson Wright Thompson "
    "Evans Walker White Roberts Green Hall Wood Jackson Clarke Patel Kumar Nguyen Kim "
    "Garcia Martinez Rossi Muller Schmidt Novak Kowalski Larsen Berg Tanaka Sato Okafor"
)
LAST = tuple(_LAST_TEXT.split())
# Names outside ASCII, written RFC 2047-encoded in headers.
NON_ASCII = (
    "José Müller",
    "Zoë Kowalczyk",
    "François Lefèvre",
    "Søren Kierkegård",
    "Łukasz Żółw",
    "Ηλέκτρα Παπαδοπούλου",
    "Дмитрий Иванов",
    "山田 太郎",
    "Renée Ångström",
)
DOMAINS = ("example.com", "example.org", "example.net", "mail.example.edu", "corp.example")
LIST_TAGS = ("dev", "users", "announce", "kernel-janitors")
TOPICS = (
    "memory leak in the socket cache",
    "build failure on arm64 with the new toolchain",
    "proposal: deprecate the legacy config format",
    "timeout handling in the async client",
    "release notes for the next stable version",
    "regression in parse throughput after merge",
    "question about the lock ordering in the driver",
    "documentation for the new api",
    "flaky test in the queue module",
    "unicode handling in header decode",
    "patch series to split the helper module",
    "crash when the buffer is empty",
    "default value of the retry option",
    "backport request for the mutex fix",
    "benchmark results on the large archive",
)
QP_HEAD = 'Content-Type: text/{}; charset="UTF-8"\nContent-Transfer-Encoding: quoted-printable\n\n'
LABELS = ("Inbox", "Important", "Sent", "Starred", "Category Updates", "Opened", "Travel", "Work")


@dataclass(slots=True)
class Sent:
    """What a later reply needs to know about an earlier message."""

    message_id: str
    references: tuple[str, ...]
    subject: str
    name: str
    addr: str
    date: datetime
    body: list[str]
    thrid: int
    depth: int
    children: int = 0


@dataclass(slots=True)
class Generator:
    """Seeded message factory; ``pool`` keeps recent messages to reply to."""

    kind: str
    rng: random.Random
    now: datetime = field(default_factory=lambda: datetime(2019, 1, 7, 9, 0, tzinfo=UTC))
    pool: deque[Sent] = field(default_factory=lambda: deque(maxlen=300))
    serial: int = 0

    # -- people and headers -------------------------------------------------
    def person(self) -> tuple[str, str, str]:
        """(display name, address, header value) of a random person."""
        r = self.rng
        if r.random() < 0.06:
            name = r.choice(NON_ASCII)
            local = f"user{r.randrange(1000)}"
            shown = Header(name, "utf-8").encode()
        else:
            first, last = r.choice(FIRST), r.choice(LAST)
            name = f"{first} {last}"
            local = f"{first.lower()}.{last.lower()}"
            shown = f'"{last}, {first}"' if r.random() < 0.1 else name
        addr = f"{local}@{r.choice(DOMAINS)}"
        return name, addr, f"{shown} <{addr}>"

    def date_header(self, when: datetime) -> str:
        r = self.rng
        x = r.random()
        if x < 0.01:
            return when.strftime("%d/%m/%Y %H:%M")  # malformed: no RFC 5322 shape
        if x < 0.02:
            return when.strftime("%a, %d %b %Y %H:%M:%S")  # no zone
        if x < 0.025:
            return "Thu, 31 Feb 2011 25:61:00 +0000"  # impossible values
        offset = timedelta(hours=r.choice((-8, -5, 0, 0, 1, 2, 5.5, 9)))
        return format_datetime(when.astimezone(timezone(offset)))

    def new_id(self, domain: str) -> str:
        self.serial += 1
        return f"<{self.serial:08d}.{self.rng.getrandbits(40):010x}@{domain}>"

    # -- text ---------------------------------------------------------------
    def sentence(self) -> str:
        r = self.rng
        words = r.choices(WORDS, k=r.randint(6, 22))
        words[0] = words[0].capitalize()
        return " ".join(words) + r.choice((".", ".", ".", "?", "!"))

    def paragraph(self, width: int = 72) -> list[str]:
        r = self.rng
        text = " ".join(self.sentence() for _ in range(r.randint(2, 6)))
        lines, line = [], ""
        for word in text.split(" "):
            if line and len(line) + 1 + len(word) > width:
                lines.append(line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append(line)
        if r.random() < 0.01:
            # A body line starting with "From " (mboxrd escapes it on write).
            lines.insert(r.randrange(len(lines) + 1), "From what I can tell this is the same bug.")
        return lines

    def code_block(self) -> list[str]:
        r = self.rng
        name = r.choice(WORDS)
        return [
            f"    def {name}_{r.randrange(100)}(self, value):",
            f"        if value is None:  # {r.choice(WORDS)}",
            "            return self.default",
            f"        return self.cache.get(value, {r.randrange(1000)})",
        ]

    def authored(self, target: int) -> list[str]:
        r = self.rng
        out: list[str] = []
        size = 0
        while size < target:
            block = self.code_block() if r.random() < 0.1 else self.paragraph()
            if r.random() < 0.05:
                block.append(f"https://{r.choice(DOMAINS)}/issues/{r.randrange(99999)}")
            out.extend(block)
            out.append("")
            size += sum(len(x) + 1 for x in block)
        return out

    def signature(self, name: str, addr: str) -> list[str]:
        r = self.rng
        if r.random() < 0.25:
            return []
        sig = ["-- ", name]
        if r.random() < 0.5:
            sig.append(
                f"{r.choice(('Senior', 'Staff', 'Principal'))} Engineer, {addr.split('@')[1]}"
            )
        if r.random() < 0.3:
            sig.append(f"+1 555 {r.randrange(100, 999)} {r.randrange(1000, 9999)}")
        return sig

    # -- threads ------------------------------------------------------------
    def pick_parent(self) -> Sent | None:
        r = self.rng
        if not self.pool or r.random() < 0.28:
            return None
        # Favour recent messages and shallow-ish threads: depth grows like a real list.
        idx = len(self.pool) - 1 - min(int(r.expovariate(1 / 12)), len(self.pool) - 1)
        parent = self.pool[idx]
        if parent.depth > 25 or parent.children > 6:
            return None
        return parent

    # -- messages -----------------------------------------------------------
    def message(self) -> tuple[str, bytes]:
        """(envelope sender, message bytes before mbox escaping)."""
        r = self.rng
        self.now += timedelta(seconds=r.randint(30, 5400))
        if self.kind == "list":
            return self.list_message()
        return self.personal_message()

    def list_message(self) -> tuple[str, bytes]:
        r = self.rng
        tag = LIST_TAGS[0] if r.random() < 0.8 else r.choice(LIST_TAGS)
        list_addr = f"{tag}@lists.example.org"
        name, addr, from_hdr = self.person()
        parent = self.pick_parent()
        forward = parent is None and r.random() < 0.03 and bool(self.pool)
        mid = self.new_id(addr.split("@")[1])
        headers: list[tuple[str, str]] = []
        body: list[str] = []
        target = r.randint(2600, 4200)
        if parent is not None:
            subject = (
                parent.subject if parent.subject.startswith("Re:") else f"Re: {parent.subject}"
            )
            if r.random() < 0.05:
                subject = f"RE: {subject[4:]}" if r.random() < 0.5 else f"Re: Re: {subject[4:]}"
            refs = (*parent.references, parent.message_id)[-12:]
            body = self.authored(target // 2)
            body.append(f"On {format_datetime(parent.date)}, {parent.name} <{parent.addr}> wrote:")
            quoted = parent.body[: r.randint(10, 45)]
            body.extend(("> " + q) if q else ">" for q in quoted)
            body.append("")
            if r.random() < 0.5:
                body.extend(self.authored(target // 3))
            headers.append(("In-Reply-To", parent.message_id))
            if r.random() < 0.97:  # some clients drop References
                headers.append(("References", "\n\t".join(refs)))
            thrid, depth = parent.thrid, parent.depth + 1
            parent.children += 1
        else:
            subject = f"[{tag}] {r.choice(TOPICS)}"
            if r.random() < 0.04:
                subject = Header(f"[{tag}] Frage zur Größe des Puffers", "utf-8").encode()
            refs = ()
            thrid, depth = self.serial, 0
            if forward:
                src = r.choice(self.pool)
                subject = f"Fwd: {src.subject}"
                body = self.authored(600)
                body += [
                    "---------- Forwarded message ---------",
                    f"From: {src.name} <{src.addr}>",
                    f"Date: {src.date.strftime('%a, %b %d, %Y at %I:%M %p')}",
                    f"Subject: {src.subject}",
                    f"To: <{list_addr}>",
                    "",
                    *src.body[:60],
                    "",
                ]
            else:
                body = self.authored(target)
        body += self.signature(name, addr)
        body += [
            "_______________________________________________",
            f"{tag} mailing list",
            list_addr,
        ]
        headers = [
            ("Return-Path", f"<{addr}>"),
            (
                "Received",
                f"from mx.{addr.split('@')[1]} (mx [192.0.2.{r.randrange(255)}]) by "
                f"lists.example.org with ESMTP id {r.getrandbits(32):08x}; "
                f"{format_datetime(self.now)}",
            ),
            ("From", from_hdr),
            ("To", list_addr),
            ("Subject", subject),
            ("Date", self.date_header(self.now)),
            ("Message-ID", mid),
            *headers,
            ("List-Id", f"{tag.capitalize()} discussion <{tag}.lists.example.org>"),
            ("List-Post", f"<mailto:{list_addr}>"),
            ("Precedence", "list"),
            ("MIME-Version", "1.0"),
            ("Content-Type", 'text/plain; charset="utf-8"'),
            ("Content-Transfer-Encoding", "8bit"),
        ]
        self.remember(Sent(mid, refs, subject, name, addr, self.now, body, thrid, depth))
        return addr, render(headers, "\n".join(body).encode("utf-8"))

    def personal_message(self) -> tuple[str, bytes]:
        r = self.rng
        name, addr, from_hdr = self.person()
        _, _, to_hdr = self.person()
        parent = self.pick_parent()
        mid = self.new_id(addr.split("@")[1])
        extra: list[tuple[str, str]] = []
        if parent is not None:
            subject = (
                parent.subject if parent.subject[:3].lower() == "re:" else f"RE: {parent.subject}"
            )
            refs = (*parent.references, parent.message_id)[-12:]
            text = self.authored(r.randint(300, 1500))
            if r.random() < 0.5:
                text += [
                    *self.signature(name, addr),
                    "",
                    "-----Original Message-----",
                    f"From: {parent.name} <{parent.addr}>",
                    f"Sent: {parent.date.strftime('%A, %B %d, %Y %I:%M %p')}",
                    f"To: {name}",
                    f"Subject: {parent.subject}",
                    "",
                    *parent.body[:40],
                ]
            else:
                text.append(
                    f"On {format_datetime(parent.date)}, {parent.name} <{parent.addr}> wrote:"
                )
                text += [f"> {q}" if q else ">" for q in parent.body[:30]]
            extra.append(("In-Reply-To", parent.message_id))
            extra.append(("References", " ".join(refs)))
            thrid, depth = parent.thrid, parent.depth + 1
            parent.children += 1
        else:
            subject = r.choice(
                (
                    "Lunch on Friday?",
                    "Invoice",
                    "Photos from the trip",
                    "Meeting notes",
                    "Your order has shipped",
                    "Re: plans",
                    "Quarterly report draft",
                )
            )
            refs = ()
            text = self.authored(r.randint(400, 2500))
            thrid, depth = r.getrandbits(63), 0
        text += self.signature(name, addr)
        labels = ",".join(sorted(set(r.sample(LABELS, r.randint(1, 3)))))
        boundary = f"000000000000{r.getrandbits(48):012x}"
        alt = f"{boundary}a"
        plain = "\n".join(text)
        html = (
            '<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head>'
            '<body><div dir="ltr">'
            + "".join(f"<p>{escape_html(line)}</p>" if line else "<br>" for line in text)
            + '</div><div class="gmail_quote">'
            '<blockquote class="gmail_quote" style="margin:0 0 0 .8ex">'
            "</blockquote></div></body></html>"
        )
        attach = r.random() < 0.08
        parts: list[bytes] = []
        alt_part = (
            f'Content-Type: multipart/alternative; boundary="{alt}"\n\n'
            f"--{alt}\n{QP_HEAD.format('plain')}{qp(plain)}\n"
            f"--{alt}\n{QP_HEAD.format('html')}{qp(html)}\n"
            f"--{alt}--\n"
        ).encode("ascii")
        if attach:
            parts.append(alt_part)
            for _ in range(r.choice((1, 1, 1, 2))):
                size = r.randint(10_000, 200_000)
                if r.random() < 0.5:
                    ctype, fname, blob = (
                        "application/pdf",
                        f"report-{r.randrange(999)}.pdf",
                        b"%PDF-1.4\n",
                    )
                else:
                    ctype, fname, blob = (
                        "image/png",
                        f"IMG_{r.randrange(9999):04d}.png",
                        b"\x89PNG\r\n\x1a\n",
                    )
                blob += r.randbytes(size)
                b64 = base64.encodebytes(blob)
                parts.append(
                    (
                        f'Content-Type: {ctype}; name="{fname}"\nContent-Disposition: attachment; '
                        f'filename="{fname}"\nContent-Transfer-Encoding: base64\n'
                        f"X-Attachment-Id: f_{r.getrandbits(32):08x}\n\n"
                    ).encode("ascii")
                    + b64
                )
            payload = (
                b"".join(f"--{boundary}\n".encode() + p + b"\n" for p in parts)
                + f"--{boundary}--\n".encode()
            )
            ctype_top = f'multipart/mixed; boundary="{boundary}"'
        else:
            payload = alt_part.partition(b"\n\n")[2]
            ctype_top = f'multipart/alternative; boundary="{alt}"'
        headers = [
            ("X-GM-THRID", str(thrid)),
            ("X-Gmail-Labels", labels),
            ("Delivered-To", "me@example.com"),
            (
                "Received",
                f"by 2002:a05:{r.getrandbits(16):04x}::{r.getrandbits(16):x} with SMTP id "
                f"{r.getrandbits(48):x}; {format_datetime(self.now)}",
            ),
            ("MIME-Version", "1.0"),
            ("From", from_hdr),
            ("Date", self.date_header(self.now)),
            ("Message-ID", mid),
            ("Subject", subject),
            ("To", to_hdr),
            *extra,
            ("Content-Type", ctype_top),
        ]
        if parent is not None and r.random() < 0.3:
            headers.append(("Thread-Topic", subject.removeprefix("RE: ")))
            headers.append(("Thread-Index", base64.b64encode(r.randbytes(22)).decode()))
        self.remember(Sent(mid, refs, subject, name, addr, self.now, text, thrid, depth))
        return addr, render(headers, payload)

    def remember(self, sent: Sent) -> None:
        """Keep ``sent`` (its first 80 body lines) as a candidate parent for later replies."""
        sent.body = sent.body[:80]
        self.pool.append(sent)


def escape_html(s: str) -> str:
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def qp(text: str) -> str:
    """Quoted-printable (soft line breaks at 76) of UTF-8 text, as str."""
    return quopri.encodestring(text.encode("utf-8")).decode("ascii")


def render(headers: list[tuple[str, str]], body: bytes) -> bytes:
    head = "".join(f"{k}: {v}\n" for k, v in headers).encode("utf-8")
    return head + b"\n" + body


def mboxrd_escape(data: bytes) -> bytes:
    """mboxrd: every line matching ``>*From `` gets one more ``>``."""
    if b"From " not in data:
        return data
    lines = data.split(b"\n")
    for i, line in enumerate(lines):
        if line.lstrip(b">").startswith(b"From "):
            lines[i] = b">" + line
    return b"\n".join(lines)


def write_mbox(out: BinaryIO, kind: str, count: int, seed: int) -> int:
    """Write ``count`` messages to ``out``; return the number of bytes written."""
    gen = Generator(kind=kind, rng=random.Random(seed))
    total = 0
    for _ in range(count):
        sender, data = gen.message()
        envelope = gen.now.strftime("%a %b %d %H:%M:%S %Y")
        chunk = f"From {sender} {envelope}\n".encode() + mboxrd_escape(data).rstrip(b"\n") + b"\n\n"
        out.write(chunk)
        total += len(chunk)
    return total


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--kind", choices=("list", "personal"), required=True)
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--output", type=Path, required=True)
    args = ap.parse_args(argv)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    with args.output.open("wb", buffering=1 << 20) as out:
        size = write_mbox(out, args.kind, args.count, args.seed)
    print(f"{args.output}: {args.count} messages, {size / 1e6:.1f} MB", file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
