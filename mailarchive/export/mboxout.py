"""Threads back to mbox (mboxrd), so any mail client opens the result.

Input: a Document and the original bytes of its real messages, either as
(email id, bytes) pairs streamed in source order (``mailarchive.api.iter_raw``:
the CLI makes a second pass over the sources) or as a lookup function.
Output: one mbox file for everything, or one ``<threadId>.mbox`` per thread.

- Real messages are written back byte for byte as read; only mboxrd
  escaping is applied (a line matching ``>*From `` gets one more ``>``), which
  every mboxrd reader undoes. A message not ending in a newline gets one.
- Messages found inside others (forwards, quoted replies, text dumps) and
  real messages whose bytes cannot be found are synthesized as RFC 5322
  messages from their recovered headers and text, marked with
  ``X-Mailarchive-Id``, ``X-Mailarchive-Derived`` (``forward; depth=1;
  header-style=gmail``, ``synthesized; source=text``, ``phantom``) and, for
  embedded ones, ``X-Mailarchive-Parent`` (the id of the message holding it).
  One without a Message-ID gets the deterministic
  ``<{email id}@mailarchive.invalid>``. A person known only by name is an
  empty group (``Kristofer PISTER:;``), which the address reader reads back
  as that person.
- Phantoms (messages the input lacks) are skipped unless ``phantoms=True``:
  writing them would turn a gap into a fake message. ``derived=False``
  skips the synthesized messages too (only what the sources held).

Streaming: nothing holds an archive's bytes. Real messages are written as
the raw pass yields them (source order, each once; only ids are kept), then
the other messages in tree order, thread by thread. Per thread, files are
opened on demand and appended to, at most ``max_open`` at a time. Same
input, same bytes.

Round trip (issue 5): reading the result back gives the same threads and the
same real messages, with splitting on. The real container of an embedded
message is split again and gives that message a second time, beside its
synthesized copy. The reader recognizes the copy by its marks
(``mailarchive.parse.rebuilt``): its record gets the derivation the marks
name, its invented Message-ID is dropped, it is not split again, and the
threader makes it a duplicate (relation ``duplicate``, never counted in
``messageCount``) of its twin, the record split again from the container
(``mailarchive.thread.evidence``). Every message of the file stays a record;
the trees differ from the original only by these duplicate leaves. Such
copies are not written again by a later export (their twin is), so
exporting what was read back writes as many messages as the first time.
"""

from __future__ import annotations

import re
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from email import policy
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path
from typing import IO, BinaryIO

from mailarchive.export._common import is_phantom, walk
from mailarchive.model import Document, Email, EmailAddress, SourceKind
from mailarchive.parse.rebuilt import is_rebuilt_copy

RawLookup = Callable[[str], bytes | None]
RawSource = RawLookup | Iterable[tuple[str, bytes]]

_POLICY = policy.default.clone(linesep="\n", max_line_length=78)
_POLICY_UTF8 = _POLICY.clone(utf8=True)
_FROM_LINE = re.compile(rb">*From ")
_ATOM_PHRASE = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~ -]+")
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def is_real(email: Email) -> bool:
    """A message read from a source as a whole message (not found inside another)."""
    return (
        email.derivation is None
        and not is_phantom(email)
        and email.source.kind not in (SourceKind.SEGMENT, SourceKind.TEXT)
    )


def escape_mboxrd(data: bytes) -> bytes:
    """mboxrd quoting: one more ``>`` before every line matching ``>*From ``."""
    lines = data.split(b"\n")
    return b"\n".join(b">" + line if _FROM_LINE.match(line) else line for line in lines)


def unescape_mboxrd(data: bytes) -> bytes:
    """Undo :func:`escape_mboxrd` (for readers and tests)."""
    lines = data.split(b"\n")
    return b"\n".join(
        line[1:] if _FROM_LINE.match(line[1:]) and line[:1] == b">" else line for line in lines
    )


def from_line(email: Email, fallback: datetime | None = None) -> bytes:
    """The mbox separator line for ``email`` (without newline).

    The time is when the message arrived (``received_at``), else when it was
    sent, else ``fallback`` (for an embedded message: when its parent
    arrived), else the epoch.
    """
    sender = "MAILER-DAEMON"
    for a in (*(email.from_ or ()), *(email.sender or ())):
        if a.email and not any(c.isspace() for c in a.email) and a.email.isascii():
            sender = a.email
            break
    when = email.received_at or email.sent_at or fallback or _EPOCH
    when = when.replace(tzinfo=UTC) if when.tzinfo is None else when.astimezone(UTC)
    stamp = f"{when:%a %b} {when.day:2d} {when:%H:%M:%S %Y}"
    return f"From {sender} {stamp}".encode("ascii")


def _one_line(text: str) -> str:
    # Header values must not carry line breaks (header injection, and the
    # email package refuses them).
    return " ".join(text.split())


def _phrase(name: str) -> str:
    name = _one_line(name)
    if _ATOM_PHRASE.fullmatch(name) and name.strip():
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"') + '"'


def address_header(addrs: Sequence[EmailAddress]) -> str:
    """An RFC 5322 address list; a person known only by name becomes an empty group
    (``Name:;``, RFC 5322 section 3.4), which keeps the name without inventing an address."""
    out = []
    for a in addrs:
        if a.email:
            addr = _one_line(a.email)
            out.append(f"{_phrase(a.name)} <{addr}>" if a.name else addr)
        elif a.name:
            out.append(f"{_phrase(a.name)}:;")
    return ", ".join(out)


def _set(msg: EmailMessage, name: str, value: str) -> None:
    """Set a header; a value the email package will not take goes in X-Mailarchive-Raw-*."""
    if not value:
        return
    try:
        msg[name] = value
        # Structured headers parse lazily: render now to catch errors here.
        str(msg[name])
    except Exception:
        del msg[name]
        msg[f"X-Mailarchive-Raw-{name}"] = _one_line(value)


def _msgid(mid: str) -> str:
    return "<" + _one_line(mid).strip("<>") + ">"


def synthesize(email: Email) -> bytes:
    """An RFC 5322 message rebuilt from a record's recovered headers and text."""
    msg = EmailMessage(policy=_POLICY)
    for name, addrs in (
        ("From", email.from_),
        ("Sender", email.sender),
        ("Reply-To", email.reply_to),
        ("To", email.to),
        ("Cc", email.cc),
    ):
        if addrs:
            _set(msg, name, address_header(addrs))
    if email.subject is not None:
        _set(msg, "Subject", _one_line(email.subject))
    if email.sent_at is not None:
        # A naive time gives -0000: "no information about the local time zone"
        # (RFC 5322 section 3.3), which is what a naive sent_at means.
        _set(msg, "Date", format_datetime(email.sent_at))
    mids = email.message_id or (f"{email.id}@mailarchive.invalid",)
    _set(msg, "Message-ID", _msgid(mids[0]))
    if email.in_reply_to:
        _set(msg, "In-Reply-To", " ".join(_msgid(m) for m in email.in_reply_to))
    if email.references:
        _set(msg, "References", " ".join(_msgid(m) for m in email.references))
    _set(msg, "X-Mailarchive-Id", email.id)
    _set(msg, "X-Mailarchive-Derived", _derived(email))
    if email.derivation is not None:
        _set(msg, "X-Mailarchive-Parent", email.derivation.parent_email_id)
    msg.set_content(_body(email))
    groups = (email.from_, email.sender, email.reply_to, email.to, email.cc)
    eai = any(a.email and not a.email.isascii() for g in groups for a in g or ())
    return _serialize(msg, utf8_first=eai)


def _serialize(msg: EmailMessage, *, utf8_first: bool = False) -> bytes:
    """The message's bytes: 7-bit headers if possible, else UTF-8 headers.

    An internationalized address (``Dörte@Sörensen.example``) cannot be
    written in 7-bit headers; RFC 6532 allows UTF-8 there. Should even that
    fail, the offending headers are kept as unstructured ``X-Mailarchive-Raw-*``
    headers (RFC 2047 encoded) rather than losing the message.
    """
    # RFC 2047 encoded words are not allowed in an addr-spec (RFC 2047
    # section 5): a non-ASCII address needs UTF-8 headers from the start.
    for pol in (_POLICY_UTF8, _POLICY) if utf8_first else (_POLICY, _POLICY_UTF8):
        try:
            return msg.as_bytes(policy=pol)
        except (UnicodeError, ValueError, TypeError, IndexError, AttributeError):
            continue
    for name, value in list(msg.items()):
        try:
            _POLICY_UTF8.fold_binary(name, value)
        except (UnicodeError, ValueError, TypeError, IndexError, AttributeError):
            del msg[name]
            msg[f"X-Mailarchive-Raw-{name}"] = _one_line(str(value))
    return msg.as_bytes(policy=_POLICY_UTF8)


def _derived(email: Email) -> str:
    if is_phantom(email):
        return "phantom"
    d = email.derivation
    if d is None:
        return f"synthesized; source={email.source.kind.value}"
    parts = [d.kind.value, f"depth={d.depth}"]
    if d.header_style:
        parts.append(f"header-style={d.header_style}")
    return "; ".join(parts)


def _body(email: Email) -> str:
    if is_phantom(email):
        return "(This message is not in the archive; other messages refer to it.)\n"
    text = email.text
    if not text.strip():
        text = email.content.authored
        if email.content.signature:
            text += "\n-- \n" + email.content.signature
    return text if text.endswith("\n") else text + "\n"


def message_bytes(email: Email, raw_lookup: RawLookup) -> bytes:
    """The bytes to store for ``email``: original if real and found, else synthesized."""
    if is_real(email):
        raw = raw_lookup(email.id)
        if raw is not None:
            return raw
    return synthesize(email)


def _entry(email: Email, data: bytes, emails_by_id: Mapping[str, Email]) -> bytes:
    """One mbox entry: ``From `` line, the escaped message, a blank line."""
    body = escape_mboxrd(data)
    if not body.endswith(b"\n"):
        body += b"\n"
    return from_line(email, _ancestor_time(email, emails_by_id)) + b"\n" + body + b"\n"


def write_messages(
    emails: Iterable[Email],
    fp: BinaryIO,
    raw_lookup: RawLookup,
    emails_by_id: Mapping[str, Email] | None = None,
) -> int:
    """Append ``emails`` to an open binary mbox in the order given; returns how many.

    ``emails_by_id`` lets an undated embedded message take its parent's time
    in the ``From `` line.
    """
    n = 0
    for email in emails:
        fp.write(_entry(email, message_bytes(email, raw_lookup), emails_by_id or {}))
        n += 1
    return n


def _ancestor_time(email: Email, emails_by_id: Mapping[str, Email]) -> datetime | None:
    seen = {email.id}
    current = email
    while current.derivation is not None:
        parent = emails_by_id.get(current.derivation.parent_email_id)
        if parent is None or parent.id in seen:
            return None
        seen.add(parent.id)
        when = parent.received_at or parent.sent_at
        if when is not None:
            return when
        current = parent
    return None


def _selected(doc: Document, phantoms: bool, derived: bool) -> list[tuple[str, Email]]:
    """(output name, record) of every record to write, in tree order."""
    out: list[tuple[str, Email]] = []
    for v in walk(doc):
        email = v.email
        if email is None or (is_phantom(email) and not phantoms):
            continue
        if not derived and not is_phantom(email) and not is_real(email):
            continue
        if is_rebuilt_copy(email) and email.threading and email.threading.duplicate_of:
            continue  # read back from an earlier export: the record it copies is written
        out.append((v.thread.id if v.thread is not None else "unthreaded", email))
    return out


class _Outputs:
    """Where entries go: one stream, or one ``<name>.mbox`` per thread in a directory.

    Per thread, at most ``max_open`` files are open at once (least recently
    used closed first); a file is created on its first entry and appended to
    after, so entries can arrive in any thread order.
    """

    def __init__(self, out: str | Path | BinaryIO, per_thread: bool, max_open: int) -> None:
        self.per_thread = per_thread
        self.max_open = max(1, max_open)
        self.files: OrderedDict[str, IO[bytes]] = OrderedDict()
        self.created: set[str] = set()
        self.own: IO[bytes] | None = None
        self.stream: IO[bytes] | None = None
        self.directory: Path | None = None
        if per_thread:
            if not isinstance(out, (str, Path)):
                raise TypeError("per_thread needs a directory path")
            self.directory = Path(out)
            self.directory.mkdir(parents=True, exist_ok=True)
        elif isinstance(out, (str, Path)):
            self.own = self.stream = open(out, "wb")  # noqa: SIM115 - closed in close()
        else:
            self.stream = out

    def write(self, name: str, entry: bytes) -> None:
        if self.stream is not None:
            self.stream.write(entry)
            return
        fp = self.files.get(name)
        if fp is None:
            if len(self.files) >= self.max_open:
                _, oldest = self.files.popitem(last=False)
                oldest.close()
            assert self.directory is not None
            mode = "ab" if name in self.created else "wb"
            fp = self.files[name] = open(self.directory / f"{name}.mbox", mode)  # noqa: SIM115
            self.created.add(name)
        else:
            self.files.move_to_end(name)
        fp.write(entry)

    def close(self) -> None:
        for fp in self.files.values():
            fp.close()
        self.files.clear()
        if self.own is not None:
            self.own.close()


def _raw_pairs(raw: RawSource, selected: list[tuple[str, Email]]) -> Iterator[tuple[str, bytes]]:
    if callable(raw):
        for _, email in selected:
            if is_real(email):
                data = raw(email.id)
                if data is not None:
                    yield email.id, data
    else:
        yield from raw


def write_mbox(
    doc: Document,
    out: str | Path | BinaryIO,
    raw: RawSource,
    *,
    per_thread: bool,
    phantoms: bool = False,
    derived: bool = True,
    max_open: int = 64,
) -> int:
    """Write ``doc`` as mboxrd; returns the number of messages written.

    ``raw`` gives the original bytes of the real messages: (email id, bytes)
    pairs in source order, streaming (``mailarchive.api.iter_raw``: a second
    pass over the sources, so no archive is held in memory), or a lookup
    function. Real messages are written first, as ``raw`` yields them (each
    once; pairs for records not written are skipped), then every other
    message in tree order: the synthesized ones, and real ones whose bytes
    ``raw`` did not give. Only ids are kept while writing.

    With ``per_thread`` ``out`` is a directory (created if needed) that gets one
    ``<threadId>.mbox`` per thread (``unthreaded.mbox`` for emails in no
    thread), with at most ``max_open`` files open at once; otherwise ``out``
    is a file path or an open binary stream. ``derived=False`` writes only the
    messages read from the sources.
    """
    selected = _selected(doc, phantoms, derived)
    real_names = {email.id: name for name, email in selected if is_real(email)}
    written: set[str] = set()
    outputs = _Outputs(out, per_thread, max_open)
    try:
        for eid, data in _raw_pairs(raw, selected):
            name = real_names.get(eid)
            if name is None or eid in written:
                continue
            outputs.write(name, _entry(doc.emails[eid], data, doc.emails))
            written.add(eid)
        for name, email in selected:
            if email.id not in written:
                outputs.write(name, _entry(email, synthesize(email), doc.emails))
    finally:
        outputs.close()
    return len(selected)
