"""Fast paths of the listing readers, each pinned to the code it replaced.

- ``quick.header_lines`` checks the block in the pass that finds the wanted
  lines (the old way: ``plain.is_plain_block``, then a ``findall`` of the
  wanted lines alone);
- ``dates.common_sent_at`` reads a Date without collapsing its blanks when it
  needs no collapsing, and the common form without a zone: both as
  ``parse_date`` reads them;
- ``addresses._fast`` skips the ``_HARD`` search where its patterns exclude
  those characters anyway, and tries the one pattern an item can match.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailarchive.model import EmailAddress
from mailarchive.parse import addresses, dates, msgids, quick
from mailarchive.parse.plain import is_plain_block

# -- header_lines --------------------------------------------------------------------


def _old_pattern(names: tuple[str, ...]) -> re.Pattern[str]:
    groups: dict[str, list[str]] = {}
    for name in names:
        groups.setdefault(name[0], []).append(re.escape(name[1:]))
    alternatives = "|".join(f"{first}(?:{'|'.join(rests)})" for first, rests in groups.items())
    return re.compile(rf"\n((?i:{alternatives})):[ \t]*(.*(?:\n[ \t].*)*)", re.ASCII)


_OLD_WANTED = _old_pattern(quick._WANTED)


def _old_header_lines(data: bytes) -> dict[str, list[str]] | None:
    """``quick.header_lines`` as it was (plainness checked apart)."""
    if not data or data.startswith((b"\n", b"\r\n")):
        return None
    end = data.find(b"\n\n")
    crlf = data.find(b"\n\r\n", 0, end + 2 if end >= 0 else len(data))
    if crlf >= 0:
        end = crlf
    block = data[: end + 1] if end >= 0 else data
    text = block.decode("ascii", "surrogateescape")
    if not is_plain_block(text):
        return None
    headers: dict[str, list[str]] = {}
    for name, value in _OLD_WANTED.findall("\n" + text):
        headers.setdefault(name.lower(), []).append(value)
    if "\r" in text:
        for values in headers.values():
            values[:] = [value.rstrip("\r\n") for value in values]
    return headers


_LINES = st.sampled_from(
    [
        b"From: a@x\n",
        b"FROM: b@y\n",
        b"from:c@z\n",
        b"To: d@x,\n e@y\n",
        b"Subject: hi\r\n",
        b"Subject: again\n",
        b"Message-ID: <1@x>\n",
        b"Message-Id:<2@x>\n",
        b"In-Reply-To: <1@x>\n",
        b"References: <0@x>\n\t<1@x>\n",
        b"Date: Mon, 07 Jan 2019 09:18:50 +0000\n",
        b"Received: by x; Mon, 07 Jan 2019 09:18:50 +0100\n",
        b"Content-Type: text/plain\n",
        b"X-Other: yes\n",
        b"X-Mailarchive-Id: e1\n",
        b"To-Not: x\n",
        b"Fromage: x\n",
        b" continued\n",
        b"\tcontinued\r\n",
        b"not a header\n",
        b": nameless\n",
        b"From a@b Mon Jan  7 09:18:50 2019\n",
        b"Bad Name: x\n",
        b"Subject: bare\rCR\n",
        b"\r\n",
        b"\n",
        b"Subject: \xe9t\xe9\n",
        b"Subject: no line end",
    ]
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(_LINES, max_size=10), st.binary(max_size=6))
def test_header_lines_is_the_old_reader(lines: list[bytes], tail: bytes) -> None:
    data = b"".join(lines) + tail
    assert quick.header_lines(data) == _old_header_lines(data)


@settings(max_examples=500, deadline=None)
@given(st.binary(max_size=200))
def test_header_lines_is_the_old_reader_on_any_bytes(data: bytes) -> None:
    assert quick.header_lines(data) == _old_header_lines(data)


@pytest.mark.parametrize(
    "data",
    [
        b"Subject: x\nnot a header\n\n",
        b"not a header\nSubject: x\n\n",
        b"Subject: x\n: nameless\n\n",
        b" folded\nSubject: x\n\n",
        b"Subject: x\rTo: a@b\n\n",
        b"X-Other: 1\nFrom a@b Mon Jan  7 09:18:50 2019\n\n",
    ],
)
def test_blocks_that_are_not_plain_are_refused(data: bytes) -> None:
    assert quick.header_lines(data) is None
    assert quick.listing_lines(data) is None


# -- common_sent_at ------------------------------------------------------------------

_WEEKDAYS = st.sampled_from(["", "Mon, ", "sat, ", "CET, ", "MET, ", "Xyz, ", "Mon,", "Mon "])
_MONTHS = st.sampled_from(["Jan", "jan", "FEB", "Xyz", "May", "Sept", "jAN", "dEc"])
_ZONES = st.sampled_from(
    ["", " +0000", " -0000", " +0530", " -0130", " +9999", " +0099", " CET", " EST", " (CET)",
     " -\u0660\u0660\u0660\u0660", " +\u0660\u0665\u0663\u0660", " +2400", " -2359"]
)  # fmt: skip
_COMMENTS = st.sampled_from(["", " (CET)", " (UTC)", " (sent 1/2/2019)"])


@st.composite
def _dates(draw: st.DrawFn) -> str:
    day = draw(st.sampled_from(["1", "07", "31", "29", "0", "\u0660\u0667", "123"]))
    year = draw(st.sampled_from(["2019", "1969", "0099", "2099", "\u0662\u0660\u0661\u0669"]))
    clock = draw(st.sampled_from(["09:18:50", "9:18", "23:59", "24:00", "10:61:00", "00:00:60"]))
    text = f"{draw(_WEEKDAYS)}{day} {draw(_MONTHS)} {year} {clock}{draw(_ZONES)}{draw(_COMMENTS)}"
    if draw(st.booleans()):
        text = text.replace(" ", draw(st.sampled_from(["  ", "\t", " \n "])))
    return draw(st.sampled_from(["", " "])) + text


def _same(a: object, b: object) -> bool:
    """Equal, with the same zone (aware datetimes of one instant compare equal)."""
    return repr(a) == repr(b)


@settings(max_examples=1500, deadline=None)
@given(_dates())
def test_common_sent_at_is_parse_date(raw: str) -> None:
    fast = dates.common_sent_at(raw)
    if fast is not None:
        reading = dates.parse_date(raw)
        assert _same(fast, reading.sent_at)
        assert not reading.defects


@settings(max_examples=1500, deadline=None)
@given(_dates())
def test_parse_date_common_path_is_the_general_path(raw: str) -> None:
    fast = dates.parse_date(raw)
    saved = dates._common_date
    try:
        dates._common_date = lambda raw, text, plain=False: None  # type: ignore[assignment]
        slow = dates.parse_date(raw)
    finally:
        dates._common_date = saved
    assert _same(fast, slow)


@pytest.mark.parametrize(
    ("raw", "naive"),
    [
        ("Sat, 12 Jan 2019 00:27:27", True),
        ("12 Jan 2019 00:27", True),
        ("Mon, 07 Jan 2019 14:48:50 +0530", False),
        ("Mon,  07 Jan 2019\t14:48:50 +0530", False),
    ],
)
def test_common_sent_at_reads_these(raw: str, naive: bool) -> None:
    got = dates.common_sent_at(raw)
    assert got is not None and (got.tzinfo is None) is naive
    assert _same(got, dates.parse_date(raw).sent_at)


@pytest.mark.parametrize(
    "raw",
    [
        "CET, 12 Jan 2019 00:27:27",  # the stdlib reads the weekday as a zone
        "Sat, 12 Jan 2019 00:27:27 (CET)",  # and a zone name in a comment
        "Mon, 07 Jan 2019 14:48:50 -0000",
        "Thu, 31 Feb 2011 25:61:00 +0000",
    ],
)
def test_common_sent_at_leaves_these(raw: str) -> None:
    assert dates.common_sent_at(raw) is None


def test_impossible_is_remembered() -> None:
    dates._impossible.cache_clear()
    assert dates._impossible("Thu, 31 Feb 2011 25:61:00 +0000")
    assert dates._impossible("Thu, 31 Feb 2011 25:61:00 +0000")
    assert dates._impossible.cache_info().hits == 1


# -- addresses._fast -----------------------------------------------------------------


def _old_fast(text: str) -> tuple[EmailAddress, ...] | None:
    """``addresses._fast`` as it was."""
    if "=?" in text or " at " in text or addresses._HARD.search(text) is not None:
        return None
    items = text.split(",") if '"' not in text else None
    if items is None:
        m = addresses._SIMPLE_NAMED.fullmatch(text)
        if m is None:
            return None
        name = addresses._simple_name(
            m.group(1) if m.group(1) is not None else m.group(2), m.group(3)
        )
        if not addresses._plain(m.group(3), name):
            return None
        return (EmailAddress(name, m.group(3)),)
    people: list[EmailAddress] = []
    for raw_item in items:
        item = raw_item.strip()
        if not item:
            continue
        if addresses._SIMPLE_ADDR.fullmatch(item):
            if not addresses._plain(item, None):
                return None
            people.append(EmailAddress(None, item))
            continue
        m = addresses._SIMPLE_NAMED.fullmatch(item)
        if m is None:
            return None
        name = addresses._simple_name(m.group(2) or "", m.group(3))
        if not addresses._plain(m.group(3), name):
            return None
        people.append(EmailAddress(name, m.group(3)))
    return tuple(people)


_PIECES = st.sampled_from(
    ["a@x.com", "B <b@y.org>", "B", " ", ",", '"', '"Doe, J"', '"Q (x)"', "<", ">", "<q@r.s>",
     "(", ")", ";", ":", "[", "]", "\\", "=?", "=", " at ", "@", ".", "'", "\t", "\x1c", "é",
     "_", "-"]
)  # fmt: skip


@settings(max_examples=3000, deadline=None)
@given(st.lists(_PIECES | st.text(max_size=3), max_size=9))
def test_fast_addresses_are_the_old_fast_path(pieces: list[str]) -> None:
    text = "".join(pieces)
    assert addresses._fast(text) == _old_fast(text)


@pytest.mark.parametrize(
    "text",
    [
        "Alice Nguyen <alice@x.org>",
        '"Doe, J" <j@d.e>',
        '"Doe (IT)" <j@d.e>',
        "a@x.com",
        "a@x.com, B <b@y.org>",
        "  ",
        "_ <a@x>",
        "é <a@x>",
        "'a@x.com'",
    ],
)
def test_fast_addresses_examples(text: str) -> None:
    assert addresses._fast(text) == _old_fast(text)


# -- message ids ---------------------------------------------------------------------


def _old_simple_ids(value: str) -> tuple[str, ...] | None:
    """``msgids._simple_ids`` as it was (word by word)."""
    ids: list[str] = []
    for word in value.split():
        if (
            word[0] != "<"
            or word[-1] != ">"
            or word.count("<") != 1
            or word.count(">") != 1
            or word.count("@") != 1
        ):
            return None
        at = word.index("@")
        if at == 1 or at == len(word) - 2:
            return None
        ids.append(word[1:-1])
    if not ids:
        return None
    return tuple(dict.fromkeys(ids)) if len(ids) > 1 else (ids[0],)


_ID_PIECES = st.sampled_from(
    ["<a@x>", "<b@y>", "<a@x>", " ", "\t", "\n ", "\x1c", "\xa0", "<", ">", "@", "a", "<@x>",
     "<a@>", "<a@b@c>", "<<a@x>>", "(c)", "\u2003"]
)  # fmt: skip


def test_split_blanks_are_the_regex_blanks() -> None:
    blank = re.compile(r"\s")
    for char in map(chr, range(0x110000)):
        assert (blank.match(char) is not None) == (len(f"a{char}b".split()) == 2)


@settings(max_examples=2000, deadline=None)
@given(st.lists(_ID_PIECES | st.text(max_size=3), max_size=8))
def test_simple_ids_is_the_old_reader(pieces: list[str]) -> None:
    value = "".join(pieces)
    assert msgids._simple_ids(value) == _old_simple_ids(value)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.lists(_ID_PIECES, max_size=6).map("".join), max_size=12))
def test_clean_ids_reads_as_simple_ids(values: list[str]) -> None:
    # Values read in turn (the cache holds the earlier ones, words alone too).
    quick._CLEAN_IDS.clear()
    for value in values:
        for word in value.split():
            assert quick._clean_ids(word) == _old_simple_ids(word)
        assert quick._clean_ids(value) == _old_simple_ids(value)
        assert quick._clean_ids(value) == _old_simple_ids(value)  # now from the cache


# -- read_listing's people -----------------------------------------------------------


@settings(max_examples=300, deadline=None)
@given(st.lists(_PIECES | st.text(max_size=3), max_size=9), st.sampled_from(["From", "To", "Cc"]))
def test_people_of_is_what_parse_addresses_reads(pieces: list[str], label: str) -> None:
    value = "".join(pieces)
    found_people, found = addresses.parse_addresses(value, header=label)
    pairs, defects, anyone = quick._people_of(value, label)
    assert pairs == tuple((a.name, a.email) for a in found_people or ())
    assert defects == found
    assert anyone == bool(found_people)


_PERSON_PIECES = st.sampled_from(
    ["Erin", "Hall", " ", "  ", ".", "-", "'", '"', ",", ";", "@", " at ", "at", "<", ">", "_",
     "+", "=?", "(x)", "\t", "\u00e9", "1", "a", "example.org", "erin.hall", "O'Brien", "\\"]
)  # fmt: skip


@st.composite
def _persons(draw: st.DrawFn) -> str:
    # Mostly plain pieces, so that about half the values are read the plain way.
    if draw(st.booleans()):  # plain words, now and then a tricky piece
        words = st.sampled_from(["Erin", "Hall", "J.", "x1", "Doe-Smith", "a.b", "."])
        words = words | _PERSON_PIECES if draw(st.booleans()) else words
        name = " ".join(draw(st.lists(words, min_size=1, max_size=3)))
        local = draw(st.sampled_from(["erin", "e_x", "a+b", "erin.hall", "-"]) | words)
        host = draw(st.sampled_from(["example.org", "mail.example.edu", "x-y.org"]) | words)
    else:
        name = "".join(draw(st.lists(_PERSON_PIECES, max_size=6)))
        local = "".join(draw(st.lists(_PERSON_PIECES, min_size=1, max_size=3)))
        host = "".join(draw(st.lists(_PERSON_PIECES, min_size=1, max_size=3)))
    value = f"{name}{draw(st.sampled_from([' ', ' ', ' ', '', '  ']))}<{local}@{host}>"
    return value + draw(st.sampled_from(["", "", "", "", " ", ",", "x"]))


@settings(max_examples=2000, deadline=None)
@given(_persons() | st.lists(_PIECES | st.text(max_size=3), max_size=9).map("".join))
def test_plain_person_is_what_people_of_reads(value: str) -> None:
    person = quick._plain_person(value)
    if person is not None:
        assert quick._people_of.__wrapped__(value, "From") == ((person,), (), True)


@pytest.mark.parametrize(
    ("value", "person"),
    [
        ("Erin Hall <erin.hall@mail.example.edu>", ("Erin Hall", "erin.hall@mail.example.edu")),
        ("J. R. Doe-Smith <j_r+x@example.org>", ("J. R. Doe-Smith", "j_r+x@example.org")),
        ("Erin Hall. <e@x.org>", ("Erin Hall.", "e@x.org")),
        ("Erin  Hall <e@x.org>", None),  # a blank run: folded by the general path
        ("Jim at Home <j@x.org>", None),
        ("O'Brien <o@x.org>", None),
        ("e@x.org", None),
        ("Erin <e.@x.org>", None),
    ],
)
def test_plain_person_of_these(value: str, person: tuple[str, str] | None) -> None:
    assert quick._plain_person(value) == person
    if person is not None:
        assert quick._people_of.__wrapped__(value, "From") == ((person,), (), True)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(
        st.tuples(
            _persons() | st.lists(_PIECES | st.text(max_size=3), max_size=6).map("".join),
            st.sampled_from(["From", "To", "Cc", "Sender"]),
        ),
        max_size=10,
    )
)
def test_persons_kept_are_what_people_of_reads(values: list[tuple[str, str]]) -> None:
    # Values read in turn, each twice, under any header: what read_listing
    # takes (from _PERSONS when there, else _person_reading) is parse_addresses'.
    quick._PERSONS.clear()
    for value, label in values * 2:
        known = quick._PERSONS.get(value)
        if known is not None:
            reading = (known[0], (), known[1])
        else:
            reading = quick._person_reading(value, label)
        assert reading == quick._people_of.__wrapped__(value, label)
