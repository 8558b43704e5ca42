"""Headers-only reading without the standard library's parser.

Input: a :class:`~mailarchive.sources.raw.RawMessage` and its record id.
Output: the same :class:`~mailarchive.model.Email` that
``parse_message(raw, headers_only=True)`` builds from a compat32 parse of the
header block, or ``None`` when the header block is not plain enough to be
read here with certainty (the caller then uses the compat32 path).

Why: ``threads --format table|tree`` reads headers only, and there the
feedparser (line by line, a ``Message`` object, every header stored) costs
as much as everything else together. This reader finds the header block's
end with one ``find``, checks every line is a ``Name: value`` line or a
continuation, and keeps the few fields the threader and the listings use,
with the values exactly as compat32 would hold them (``raw_items``: first
line left-stripped, continuation lines kept with their line ends, trailing
line end dropped). Each value then goes through the same readers as the
full parse (msgids, addresses, dates, charsets), in the same order, so
defects come out in the same order too.

Blocks handed back to compat32 (rare): a leading ``From `` line, a line
that is neither a header nor a continuation (compat32 ends the headers
there with ``MissingHeaderBodySeparatorDefect``), a continuation as the
first line, an empty header name, a bare CR (compat32 splits lines on it).

Defects: only those of the header block are reported. MIME structure
(boundaries, parts) cannot be judged without the body, so neither path
reports it in headers-only mode (the compat32 path used to report
``StartBoundaryNotFoundDefect`` and ``MultipartInvariantViolationDefect``
on every multipart message, an artefact of cutting the body off).
"""

from __future__ import annotations

import email.utils
import re
from dataclasses import replace
from datetime import UTC, datetime
from functools import lru_cache
from itertools import chain
from typing import Any

from mailarchive.model import Content, Dates, Defect, Email, EmailAddress, positional
from mailarchive.parse.addresses import _MAX_LEN as _MAX_ADDRESS_TEXT
from mailarchive.parse.addresses import parse_addresses
from mailarchive.parse.charsets import decode_header_value, header_str
from mailarchive.parse.dates import common_sent_at, parse_date
from mailarchive.parse.msgids import _ONE_WORD, _simple_ids, parse_msgids
from mailarchive.sources.raw import RawMessage

_MAX_DEFECTS = 100  # as parse.message: per record
# The header lines read (everything else is skipped without building a value),
# searched in the block with a line end put in front: the name, then the value
# as compat32 keeps it (leading blank space dropped, continuation lines kept).
# Each repetition of the continuation group starts at a line end the classes
# before it exclude, so matching stays linear. The names are grouped by first
# letter (``T(?i:o|hread-index|...)``, see _by_first_letter): re then tries
# one group per line, not every name (a fifth faster).
_WANTED = (
    "message-id",
    "in-reply-to",
    "references",
    "from",
    "sender",
    "reply-to",
    "to",
    "cc",
    "bcc",
    "subject",
    "date",
    "received",
    "thread-index",
    "thread-topic",
    "content-type",
    "x-mailarchive-id",  # only looked for (read_values(unmarked=True))
)


def _by_first_letter(names: tuple[str, ...]) -> str:
    """``names`` (lowercase, each starting with a letter) matched ignoring case,
    grouped by first letter, that letter a literal: every group with its
    letter in upper case (how headers are written), then every group again in
    lower case. re skips an alternative that starts with a literal on one
    comparison of the first character; one that starts with a class (``[mM]``)
    costs a call per line, and one with a letter matched ignoring case is
    entered. Pinned to the single-class grouping it replaced
    (``tests/test_parse_quick_lines.py``)."""
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(name[0], []).append(re.escape(name[1:]))
    return "|".join(
        f"{first}(?i:{'|'.join(rests)})"
        for case in (str.upper, str.lower)
        for first, rests in ((case(first), rests) for first, rests in groups.items())
    )


def _line_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(
        rf"\n(?:({_by_first_letter(names)}):[ \t]*(.*(?:\n[ \t].*)*+)"
        # Or a line that is neither a header nor a continuation (not plain: see
        # the module docstring): an empty name and value, what no header gives.
        # The lookahead reads at most one line, as plain._BAD_LINE does.
        r"|(?![\041-\071\073-\176]+:|[ \t])(?!\Z))",
        # ASCII: the text is decoded ASCII (other bytes are lone surrogates), so
        # only ASCII letters can match a name either way; ASCII case folding is
        # cheaper. Case folding for the names only: "." runs over a value much
        # faster than a class matched ignoring case ("." is [^\n]). The
        # continuation lines are taken possessively (nothing follows them in
        # the pattern: the same match, without keeping a place to go back to).
        re.ASCII,
    )


_WANTED_LINE = _line_pattern(_WANTED)
# What a listing reads (read_listing): Received only when there is no Date.
_LISTING_LINE = _line_pattern(tuple(name for name in _WANTED if name != "received"))
# Names as written -> lowercase, for the few spellings a file uses.
_LOWER: dict[str, str] = {}
_ADDRESS_HEADERS = (  # (lowercase name, name in defects); joined: several headers read as one
    ("from", "From", False),
    ("sender", "Sender", False),
    ("reply-to", "Reply-To", False),
    ("to", "To", True),
    ("cc", "Cc", True),
    ("bcc", "Bcc", True),
)
_CANON = {
    "message-id": "Message-ID",
    "in-reply-to": "In-Reply-To",
    "references": "References",
    "subject": "Subject",
    "date": "Date",
    "thread-index": "Thread-Index",
    "thread-topic": "Thread-Topic",
}


def header_lines(
    data: bytes, pattern: re.Pattern[str] = _WANTED_LINE
) -> dict[str, list[str]] | None:
    """The wanted headers of ``data``'s header block, values as compat32 keeps them.

    Keys are lowercase names; values in order of appearance. ``None`` when
    the block needs compat32 (see the module docstring). ``pattern``: which
    headers are wanted (:func:`listing_lines` wants fewer).

    The block is checked as ``plain.is_plain_block`` checks it, in the same
    pass as the wanted lines are found: ``pattern`` also matches a line that
    is neither a header nor a continuation, with an empty name.

    A block with a CR up to its blank line is read by :func:`_header_lines`;
    the usual block, sooner: the first byte tested as a number (a blank
    line or a continuation first: None), the CR looked for in the decoded
    text (``in`` on a str is a fifth of the cost of ``bytes.find``'s call).
    Pinned to ``_header_lines`` by a property test.
    """
    if not data:
        return None
    first = data[0]
    if first in {10, 32, 9}:
        return None  # a blank line, or a continuation as the first line
    end = data.find(b"\n\n")
    # Up to the first LF LF: a CR there may make an earlier CRLF blank line the end.
    text = (data[: end + 1] if end >= 0 else data).decode("ascii", "surrogateescape")
    if "\r" in text:
        return _header_lines(data, pattern)
    found = pattern.findall("\n" + text)
    lower = _LOWER
    try:  # the usual block: names spelt as before, each once, all lines plain
        headers = {lower[name]: [value] for name, value in found}
    except KeyError:
        return _headers_of(found)
    return headers if len(headers) == len(found) else _headers_of(found)


def _headers_of(found: list[tuple[str, str]]) -> dict[str, list[str]] | None:
    """The headers dict of ``pattern.findall``'s (name, value) pairs (see
    :func:`header_lines`), or None for a line neither a header nor a continuation."""
    lower = _LOWER
    headers: dict[str, list[str]] = {}
    get = headers.get
    for name, value in found:
        key = lower.get(name)
        if key is None:
            if not name:
                return None  # a line neither a header nor a continuation
            key = name.lower()
            if len(lower) < 1024:
                lower[name] = key
        values = get(key)
        if values is None:
            headers[key] = [value]
        else:
            values.append(value)
    return headers


def _header_lines(data: bytes, pattern: re.Pattern[str]) -> dict[str, list[str]] | None:
    """:func:`header_lines` without its shortcuts (any block, CRs too)."""
    if not data or data.startswith((b"\n", b"\r\n")):
        return None
    end = data.find(b"\n\n")
    limit = end + 2 if end >= 0 else len(data)
    # A CR anywhere up to the LF LF (one-character find: cheap): then a CRLF
    # blank line may come first, and bare CRs are looked for.
    cr = data.find(b"\r", 0, limit) >= 0
    if cr:
        crlf = data.find(b"\n\r\n", 0, limit)
        if crlf >= 0:
            end = crlf
    text = (data[: end + 1] if end >= 0 else data).decode("ascii", "surrogateescape")
    if text[0] in " \t":
        return None  # a continuation as the first line
    if cr:
        count = text.count("\r")
        if count and count != text.count("\r\n"):
            return None  # a bare CR: compat32 ends a line there
    headers = _headers_of(pattern.findall("\n" + text))
    if cr and headers is not None:  # drop the CR of each value's last line end
        for values in headers.values():
            values[:] = [value.rstrip("\r\n") for value in values]
    return headers


def listing_lines(data: bytes) -> dict[str, list[str]] | None:
    """:func:`header_lines` but Received, for :func:`read_listing`."""
    return header_lines(data, _LISTING_LINE)


def _charset(headers: dict[str, list[str]]) -> str | None:
    """The body's declared charset, as ``parse.message`` reads it (first Content-Type)."""
    values = headers.get("content-type")
    if not values:
        return None
    from mailarchive.parse.message import _params  # noqa: PLC0415 - import cycle; rare

    charset = _params(header_str(values[0])[0])[1].get("charset")
    if charset is not None:
        charset = charset.strip().strip("\"'").lower() or None
    return charset


def read_headers(raw: RawMessage, eid: str) -> Email | None:
    """The headers-only Email of ``raw`` (id ``eid``), or None to use compat32."""
    values = read_values(raw, eid)
    return None if values is None else _new_email(values)


# How one header value is read (shared by read_values and read_listing). The
# ``hints`` list of a message holds its Content-Type charset once looked up.


def _hint(headers: dict[str, list[str]], value: str, hints: list[str | None]) -> str | None:
    if value.isascii():
        return None
    if not hints:
        hints.append(_charset(headers))
    return hints[0]


def _text(
    headers: dict[str, list[str]], name: str, defects: list[Defect], hints: list[str | None]
) -> str | None:
    """The decoded text of the first ``name`` header (RFC 2047 words decoded)."""
    values = headers.get(name)
    if not values:
        return None
    value = values[0]
    if value.isascii() and "=?" not in value and "\n" not in value and "\r" not in value:
        return value.strip()  # what decode_header_value gives for plain text, sooner
    try:
        value, problem = decode_header_value(value, _hint(headers, value, hints))
    except Exception as exc:
        defects.append(Defect("bad-header", f"{exc!r}"[:200], _CANON[name]))
        return str(values[0])
    if problem:
        defects.append(Defect(problem, "header text in an unknown charset", _CANON[name]))
    return value


def _raw_text(
    headers: dict[str, list[str]],
    name: str,
    label: str,
    defects: list[Defect],
    hints: list[str | None],
    joined: bool = False,
) -> str | None:
    """The first ``name`` header as text, encoded words kept (all of them, comma
    joined, when ``joined``; else a second one is a defect)."""
    values = headers.get(name)
    if not values:
        return None
    if len(values) == 1:
        if values[0].isascii():
            return values[0]  # what header_str gives for ASCII, sooner
    elif not joined:
        defects.append(Defect("bad-header", f"{len(values)} {name} headers", label))
    try:
        read = values if joined else values[:1]
        parts = [header_str(v, _hint(headers, v, hints)) for v in read]
    except Exception as exc:
        defects.append(Defect("bad-header", f"{exc!r}"[:200], label))
        return str(values[0])
    for _, problem in parts:
        if problem:
            defects.append(Defect(problem, "header text in an unknown charset", label))
    return ", ".join(p for p, _ in parts)


def read_values(
    raw: RawMessage,
    eid: str,
    *,
    unmarked: bool = False,
) -> tuple[Any, ...] | None:
    """The field values of :func:`read_headers`' Email in field order, without
    the Email (for callers that read a few of them), or None to use compat32.

    ``unmarked``: None also when the block holds an ``X-Mailarchive-Id``
    header (what ``parse.rebuilt.read_marks`` reads; in a plain block compat32
    sees the same header lines as this reader).
    """
    headers = header_lines(raw.data)
    if headers is None or (unmarked and "x-mailarchive-id" in headers):
        return None
    defects: list[Defect] = list(raw.defects)
    hints: list[str | None] = []

    # Message ids (RFC 5322 section 3.6.4)
    message_id: tuple[str, ...] | None = None
    mid_raw = _raw_text(headers, "message-id", "Message-ID", defects, hints)
    if mid_raw is None:
        defects.append(_NO_MESSAGE_ID)
    else:
        ids, found = parse_msgids(mid_raw, header="Message-ID")
        defects.extend(found)
        if len(ids) > 1:
            defects.append(Defect("bad-message-id", f"{len(ids)} ids", "Message-ID"))
        message_id = _shared(ids[:1]) or None
    in_reply_to = _ids(
        _raw_text(headers, "in-reply-to", "In-Reply-To", defects, hints, True),
        "In-Reply-To",
        defects,
    )
    references = _ids(
        _raw_text(headers, "references", "References", defects, hints, True),
        "References",
        defects,
    )

    people: list[tuple[EmailAddress, ...] | None] = []
    for header, label, joined in _ADDRESS_HEADERS:
        value = (
            _raw_text(headers, header, label, defects, hints, joined) if header in headers else None
        )
        if value is None:
            people.append(None)
            continue
        found_people, found = _addresses(value, label)
        people.append(found_people)
        defects.extend(found)
    if not people[0]:
        defects.append(_NO_FROM)

    subject = _text(headers, "subject", defects, hints)
    date_raw = _text(headers, "date", defects, hints)
    reading = parse_date(date_raw)
    if reading.defects:
        defects.extend(replace(d, header="Date") for d in reading.defects)
    dates = reading.dates if date_raw is not None else _NO_DATES
    received_at = raw.received_at
    if received_at is None:
        received_at = _received_time(headers.get("received"))
    defects = _capped(defects)
    thread_index = _text(headers, "thread-index", defects, hints)
    thread_topic = _text(headers, "thread-topic", defects, hints)
    return (
        eid,
        raw.source,
        None,  # thread_id
        message_id,
        in_reply_to,
        references,
        *people,  # from_, sender, reply_to, to, cc, bcc
        subject,
        reading.sent_at,
        received_at,
        "",  # preview
        False,  # has_attachment
        (),  # text_body
        (),  # html_body
        (),  # attachments
        _NOTHING,  # body_values
        _NO_CONTENT,
        None,  # derivation
        dates,
        _NOTHING,  # inferred
        None,  # threading
        thread_index,
        thread_topic,
        tuple(defects),
    )


def _capped(defects: list[Defect]) -> list[Defect]:
    """``defects`` cut to the first ``_MAX_DEFECTS`` and a count of the rest."""
    if len(defects) <= _MAX_DEFECTS:
        return defects
    extra = len(defects) - _MAX_DEFECTS
    return [*defects[:_MAX_DEFECTS], Defect("too-many-defects", f"{extra} more")]


def read_listing(raw: RawMessage, headers: dict[str, list[str]]) -> tuple[Any, ...]:
    """What a listing of threads keeps of :func:`read_values` (read by
    ``thread.threader.listing_of_raw``), without the values it drops.

    ``headers``: ``raw``'s :func:`listing_lines`, with no ``X-Mailarchive-Id``
    (``read_values`` would be None). Every value is read as ``read_values``
    reads it, in the same order (so the defects come in the same order); the
    common forms are tried inline first: an ASCII Message-ID or In-Reply-To
    or References given once and holding plain ``<id@host>`` words, ASCII
    address headers given once, a plain Date (``dates.common_sent_at``).
    Received is read only when it is used: no Date read, no From_ line time.

    Returns (defects, first Message-ID id, In-Reply-To ids, References ids,
    Subject or else Thread-Topic, sent_at, received_at (None with sent_at),
    (name, address) of each From, To and Cc person, Thread-Index).
    """
    get = headers.get
    defects = list(raw.defects)
    hints: list[str | None] = []
    message_id = None
    values = get("message-id")
    if values is None:
        defects.append(_NO_MESSAGE_ID)
    else:
        value = values[0]
        ids = _clean_ids(value) if len(values) == 1 and value.isascii() else None
        if ids is None:
            text = _raw_text(headers, "message-id", "Message-ID", defects, hints)
            ids, found = parse_msgids(text, header="Message-ID")
            defects.extend(found)
            ids = _shared(ids)
        if len(ids) > 1:
            defects.append(Defect("bad-message-id", f"{len(ids)} ids", "Message-ID"))
        if ids:
            message_id = ids[0]
    # In-Reply-To, then References (a reply's In-Reply-To is a Message-ID
    # read before: _clean_ids' cache looked at here, a call less).
    in_reply_to: tuple[str, ...] | None = ()
    values = get("in-reply-to")
    if values is not None:
        value = values[0]
        in_reply_to = None
        if len(values) == 1 and value.isascii():
            in_reply_to = _CLEAN_IDS.get(value) or _clean_ids(value)
        if in_reply_to is None:
            text = _raw_text(headers, "in-reply-to", "In-Reply-To", defects, hints, True)
            in_reply_to = _ids(text, "In-Reply-To", defects) or ()
    references: tuple[str, ...] | None = ()
    values = get("references")
    if values is not None:
        value = values[0]
        references = _clean_ids(value) if len(values) == 1 and value.isascii() else None
        if references is None:
            text = _raw_text(headers, "references", "References", defects, hints, True)
            references = _ids(text, "References", defects) or ()
    people: tuple[tuple[str | None, str | None], ...] = ()
    anyone_from = False
    persons = _PERSONS
    for name, label, joined in _ADDRESS_HEADERS:
        values = get(name)
        if values is None:
            continue
        address_text = values[0]
        if len(values) != 1 or not address_text.isascii():
            address_text = _raw_text(headers, name, label, defects, hints, joined) or ""
        pairs: tuple[tuple[str | None, str | None], ...]
        known = persons.get(address_text)
        if known is not None:  # read before, without defects
            pairs, anyone = known
        else:
            pairs, found, anyone = _person_reading(address_text, label)
            if found:
                defects.extend(found)
        if name in _LISTED_PEOPLE:
            people += pairs
            if name == "from":
                anyone_from = anyone
    if not anyone_from:
        defects.append(_NO_FROM)
    subject = _plain_or_text(headers, "subject", defects, hints)
    date_raw = _plain_or_text(headers, "date", defects, hints)
    sent_at = received_at = None
    if date_raw is not None:
        sent_at = common_sent_at(date_raw)
        if sent_at is None:
            reading = parse_date(date_raw)
            if reading.defects:
                defects.extend(replace(d, header="Date") for d in reading.defects)
            sent_at = reading.sent_at
    if sent_at is None:
        received_at = raw.received_at
        if received_at is None:
            received_at = _received_time((header_lines(raw.data) or {}).get("received"))
    if len(defects) > _MAX_DEFECTS:
        defects = _capped(defects)
    thread_index = thread_topic = None
    if "thread-index" in headers:
        thread_index = _text(headers, "thread-index", defects, hints)
    if "thread-topic" in headers:
        thread_topic = _text(headers, "thread-topic", defects, hints)
    return (
        tuple(defects),
        message_id,
        in_reply_to,
        references,
        subject or thread_topic,
        sent_at,
        received_at,
        people,
        thread_index,
    )


def _plain_or_text(
    headers: dict[str, list[str]], name: str, defects: list[Defect], hints: list[str | None]
) -> str | None:
    """``_text`` of header ``name``, its plain case (ASCII, one line, no
    encoded word: the value stripped) read without the decoding machinery."""
    values = headers.get(name)
    if values is None:
        return None
    value = values[0]
    if value.isascii() and "=?" not in value and "\n" not in value and "\r" not in value:
        return value.strip()
    return _text(headers, name, defects, hints)


_LISTED_PEOPLE = frozenset(("from", "to", "cc"))  # the people a listing keeps


# One person written the plainest way: a name of ASCII letters, digits, dots
# and hyphens, words one space apart, a space, then <user@host> of ASCII
# word characters. What parse_addresses keeps of such a value is the name
# and the address as written (pinned by a property test). Each repetition of
# a name word starts with the space its class excludes: linear.
_PLAIN_PERSON = re.compile(
    r"([A-Za-z0-9][A-Za-z0-9.\-]*(?: [A-Za-z0-9.\-]+)*) "
    r"<([A-Za-z0-9_+\-]+(?:\.[A-Za-z0-9_+\-]+)*@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*)>",
    re.ASCII,
)


def _plain_person(value: str) -> tuple[str, str] | None:
    """(name, address) of ``value`` when it is one person written the plainest
    way (see ``_PLAIN_PERSON``): what :func:`_people_of` gives then, without
    ``parse_addresses`` (a sender rarely recurs, so its cache seldom helps)."""
    m = _PLAIN_PERSON.fullmatch(value)
    # " at ": parse_addresses reads "user at host"; a longer value is cut.
    if m is None or " at " in value or len(value) > _MAX_ADDRESS_TEXT:
        return None
    name, address = m.groups()
    return name, address


# Address header values read lately without defects -> (pairs, anyone) of
# _people_of (whatever the header: only defects name it). A list's address
# and its regular senders recur in every message; cleared when full.
_PERSONS: dict[str, tuple[tuple[tuple[str | None, str | None], ...], bool]] = {}
_MAX_PERSONS = 4096


def _person_reading(
    value: str, label: str
) -> tuple[tuple[tuple[str | None, str | None], ...], tuple[Defect, ...], bool]:
    """:func:`_people_of` (``_plain_person`` tried first), the reading kept in
    ``_PERSONS`` when it has no defects (``read_listing`` looks there first)."""
    person = _plain_person(value)
    if person is not None:  # one "Name <user@host>": no defects
        pairs: tuple[tuple[str | None, str | None], ...] = (person,)
        found: tuple[Defect, ...] = ()
        anyone = True
    else:
        pairs, found, anyone = _people_of(value, label)
    if not found:
        if len(_PERSONS) >= _MAX_PERSONS:
            _PERSONS.clear()
        _PERSONS[value] = (pairs, anyone)
    return pairs, found, anyone


@lru_cache(maxsize=4096)
def _people_of(
    value: str, label: str
) -> tuple[tuple[tuple[str | None, str | None], ...], tuple[Defect, ...], bool]:
    """(name, address) of each person of an address header, its defects, and
    whether it names anyone: what a listing keeps of ``parse_addresses``,
    cached (list mail repeats its senders and list address)."""
    found_people, found = parse_addresses(value, header=label)
    if not found_people:
        return (), found, False
    return tuple([(a.name, a.email) for a in found_people]), found, True


_NO_MESSAGE_ID = Defect("missing-message-id", "no Message-ID header", "Message-ID")
_NO_FROM = Defect("missing-from", "no sender address or name", "From")
# Message id values read lately that _simple_ids reads (no defects then,
# whatever the header): a reply's In-Reply-To is its parent's Message-ID.
_CLEAN_IDS: dict[str, tuple[str, ...]] = {}


def _clean_ids(value: str) -> tuple[str, ...] | None:
    """``parse_msgids(value)``'s ids (shared) when it reads them without defects
    the quick way (``msgids._simple_ids``), else None."""
    seen = _CLEAN_IDS
    ids = seen.get(value)
    if ids is None:
        # A folded value (References) is not one word: _simple_ids decides.
        m = None if "\n" in value else _ONE_WORD.fullmatch(value)
        if m is not None:
            mid = m.group(1)
            shared = _SEEN_IDS  # _shared((mid,)), inline: one call less per message
            if len(shared) >= _MAX_SEEN_IDS:
                shared.clear()
            ids = (shared.setdefault(mid, mid),)
        else:
            # A References value: each word an id read lately (as a Message-ID
            # or In-Reply-To value, the word alone), else the words are read.
            # Each word is one id exactly when _simple_ids reads the value.
            words = [seen.get(word) for word in value.split()]
            if len(words) > 1 and None not in words:
                ids = tuple(dict.fromkeys(chain.from_iterable(words)))  # type: ignore[arg-type]
            else:
                simple = _simple_ids(value)
                if simple is None:
                    return None
                ids = _shared(simple)
        if len(seen) >= _MAX_SEEN_IDS:
            seen.clear()
        seen[value] = ids
    return ids


# One Email per message, built by position (model.Positional: the slots' own
# setters, half the cost of the frozen __init__). A field added to the model
# makes the build fail: compat32 then reads every message, which
# tests/test_parse_quick.py notices.
_new_email = positional(Email).make


# Records are frozen: every headers-only record can share these (the mappings
# are typed read-only; plain dicts because records are pickled).
_NO_CONTENT = Content()
_NO_DATES = Dates()
_NOTHING: dict[str, Any] = {}
# Message ids read lately, one string per id: a reply repeats its ancestors'
# ids, so at 100k list messages sharing them saves a third of each record.
# Cleared when full, like a cache (a thread spans far fewer messages).
_SEEN_IDS: dict[str, str] = {}
_MAX_SEEN_IDS = 20_000


def _shared(ids: tuple[str, ...]) -> tuple[str, ...]:
    """``ids`` with each id the string read for it before, when it was."""
    if not ids:
        return ids
    seen = _SEEN_IDS
    if len(seen) >= _MAX_SEEN_IDS:
        seen.clear()
    if len(ids) == 1:  # the usual Message-ID and In-Reply-To
        return (seen.setdefault(ids[0], ids[0]),)
    share = seen.setdefault
    return tuple([share(mid, mid) for mid in ids])


@lru_cache(maxsize=4096)
def _addresses(
    value: str, label: str
) -> tuple[tuple[EmailAddress, ...] | None, tuple[Defect, ...]]:
    """``parse_addresses``, cached: list mail repeats its senders and list address."""
    return parse_addresses(value, header=label)


def _ids(value: str | None, header: str, defects: list[Defect]) -> tuple[str, ...] | None:
    if value is None:
        return None
    ids, found = parse_msgids(value, header=header)
    if not ids and not value.strip():
        return None
    defects.extend(found)
    return _shared(ids) or None


def _received_time(values: list[str] | None) -> datetime | None:
    """Time of the topmost Received header, in UTC, when it has a zone (as parse.message)."""
    if not values:
        return None
    value = values[0]
    if ";" not in value:
        return None
    try:
        when = email.utils.parsedate_to_datetime(" ".join(value.rpartition(";")[2].split()))
    except (ValueError, TypeError, IndexError, OverflowError):
        return None
    if not isinstance(when, datetime) or when.tzinfo is None:
        return None
    return when.astimezone(UTC)


__all__ = ["header_lines", "listing_lines", "read_headers", "read_listing", "read_values"]
