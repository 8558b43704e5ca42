"""Field readers: addresses, message ids, dates, HTML, charsets."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailarchive.model import EmailAddress, ZoneKnowledge
from mailarchive.parse import addresses as addresses_module
from mailarchive.parse.addresses import parse_addresses
from mailarchive.parse.charsets import decode_bytes, decode_words
from mailarchive.parse.dates import parse_date
from mailarchive.parse.msgids import parse_msgids
from mailarchive.parse.segment.html import html_to_quoted_text as html_to_text
from tests.conftest import shared_path


def A(name: str | None, email: str | None) -> EmailAddress:
    return EmailAddress(name=name, email=email)


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # pasted Gmail forward: names without addresses
        (
            "Brian Yang , Grant Wang , Roberto Calandra",
            (A("Brian Yang", None), A("Grant Wang", None), A("Roberto Calandra", None)),
        ),
        # Outlook pasted text: semicolon list of "Last, First"
        ("Doe, John; Roe, Jane", (A("Doe, John", None), A("Roe, Jane", None))),
        ('"Doe, John" <jd@x.com>, b@y.org', (A("Doe, John", "jd@x.com"), A(None, "b@y.org"))),
        # RFC 5322 group: members flattened
        (
            "team: a@x.com, B <b@y.com>;, c@z.com",
            (A(None, "a@x.com"), A("B", "b@y.com"), A(None, "c@z.com")),
        ),
        ("undisclosed-recipients:;", ()),
        # Outlook "Name [mailto:addr]"
        ("John Smith [mailto:js@x.com]", (A("John Smith", "js@x.com"),)),
        # pipermail obfuscation
        ("jdoe at example.com (John Doe)", (A("John Doe", "jdoe@example.com"),)),
        ("=?ISO-8859-1?Q?Andr=E9?= Pirard <p@vm1.be>", (A("André Pirard", "p@vm1.be"),)),
        ('"=?utf-8?q?J=C3=B6rg?=" <j@x.de>', (A("Jörg", "j@x.de"),)),
        ("a@x.com; b@y.com", (A(None, "a@x.com"), A(None, "b@y.com"))),
        ("mailto:foo@bar.com", (A(None, "foo@bar.com"),)),
        ("'Jane Roe' <jr@x.com>", (A("Jane Roe", "jr@x.com"),)),
    ],
)
def test_addresses(value: str, expected: tuple[EmailAddress, ...]) -> None:
    people, defects = parse_addresses(value, header="To")
    assert people == expected
    assert defects == ()


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        # mailarchive's mbox export: a person known only by name is an empty group
        ("Kristofer PISTER:;", (A("Kristofer PISTER", None),)),
        ("Lena Fischer:;, Omar Haddad:;", (A("Lena Fischer", None), A("Omar Haddad", None))),
        ('"Doe, John":;', (A("Doe, John", None),)),
        ("Ann: ;, x@y.com", (A("Ann", None), A(None, "x@y.com"))),
        ("=?utf-8?q?Zo=C3=AB?=:;", (A("Zoë", None),)),
        # placeholders for hidden recipients name no one
        ("undisclosed-recipients:;", ()),
        ("Undisclosed recipients:;", ()),  # RFC 5322 appendix A.1.3
        ("UNDISCLOSED_RECIPIENTS: ;", ()),
        ("recipient list not shown: ;", ()),
        ('"unlisted-recipients":;, a@x.com', (A(None, "a@x.com"),)),
        # a group with members still drops its name
        ("team: a@x.com;", (A(None, "a@x.com"),)),
    ],
)
def test_empty_group_names_a_person_unless_a_placeholder(
    value: str, expected: tuple[EmailAddress, ...]
) -> None:
    people, defects = parse_addresses(value, header="Cc")
    assert people == expected
    assert defects == ()


@pytest.mark.parametrize("junk", ["<>", "@@@", "Name <not-an-address>", ",;:<>()[]\"'"])
def test_address_junk_is_a_defect(junk: str) -> None:
    people, defects = parse_addresses(junk, header="From")
    assert people is not None
    assert all(p.name is not None or p.email is not None for p in people)
    assert defects and all(d.kind == "bad-address" for d in defects)


def test_addresses_absent() -> None:
    assert parse_addresses(None) == (None, ())
    assert parse_addresses("  ") == (None, ())


def test_bigbang_address_variations() -> None:
    path = shared_path("corpora", "bigbang", "tests", "data", "from-header-variations.txt")
    lines = [ln for ln in path.read_text(encoding="utf-8").splitlines() if ln.strip()]
    for line in lines:
        people, _ = parse_addresses(line, header="From")
        assert people is not None and len(people) == 1, line
        person = people[0]
        if "@" in line or " at " in line:
            assert person.email is not None and "@" in person.email, line
            assert " " not in person.email, line


def test_bigbang_address_yaml() -> None:
    yaml_path = shared_path("corpora", "bigbang", "tests", "data", "address_header_test_file.yaml")
    text = yaml_path.read_text(encoding="utf-8")
    # Two cases read by hand from the file (its values are lowercased).
    assert "'abdul rasheed m d rasheed@motorola.com'" in text
    people, _ = parse_addresses("abdul rasheed m d rasheed@motorola.com")
    assert people == (A("abdul rasheed m d", "rasheed@motorola.com"),)
    people, _ = parse_addresses("xingjinqiang@chinamobile.com xingjinqiang@chinamobile.com")
    assert people == (A(None, "xingjinqiang@chinamobile.com"),)


@pytest.mark.parametrize(
    ("value", "header", "ids", "defective"),
    [
        ("<a@x> <b@y>", "References", ("a@x", "b@y"), False),
        ("<<doubled@x>>", "Message-ID", ("doubled@x",), True),
        ("<a@x> (comment <no@no>) <b@y>", "References", ("a@x", "b@y"), False),
        ("<a@\n x>", "References", ("a@x",), False),
        ("Your message of Mon, 12 Mar <p@x>", "In-Reply-To", ("p@x",), False),
        ("bare@x.com <a@x>", "References", ("a@x", "bare@x.com"), True),
        ("<a@x> <a@x> <b@y>", "References", ("a@x", "b@y"), False),
        ("12345.abc", "Message-ID", ("12345.abc",), True),
        ("", "References", (), False),
        ("junk only", "References", (), True),
    ],
)
def test_msgids(value: str, header: str, ids: tuple[str, ...], defective: bool) -> None:
    got, defects = parse_msgids(value, header=header)
    assert got == ids
    assert bool(defects) == defective
    assert all(d.header == header for d in defects)


def test_date_rfc5322_known_zone() -> None:
    r = parse_date("Mon, 12 Mar 2001 10:00:00 +0100")
    assert r.sent_at == datetime(2001, 3, 12, 10, tzinfo=timezone(timedelta(hours=1)))
    assert r.dates.parser == "rfc5322"
    assert r.dates.timezone is ZoneKnowledge.KNOWN
    assert r.dates.sent_at_raw == "Mon, 12 Mar 2001 10:00:00 +0100"
    assert r.defects == ()


def test_date_minus_zero_is_utc_with_unknown_local_zone() -> None:
    r = parse_date("Mon, 12 Mar 2001 10:00:00 -0000")
    assert r.sent_at == datetime(2001, 3, 12, 10, tzinfo=UTC)
    assert r.dates.timezone is ZoneKnowledge.ASSUMED


def test_date_named_zone_outside_stdlib() -> None:
    r = parse_date("Mon, 12 Mar 2001 10:00:00 CET")
    assert r.sent_at is not None and r.sent_at.utcoffset() == timedelta(hours=1)
    assert r.dates.timezone is ZoneKnowledge.KNOWN


def test_date_without_zone_stays_naive() -> None:
    r = parse_date("Mon, 12 Mar 2001 10:00:00")
    assert r.sent_at == datetime(2001, 3, 12, 10)
    assert r.dates.timezone is ZoneKnowledge.UNKNOWN


@pytest.mark.parametrize(
    ("raw", "languages"),
    [
        ("Fri, Feb 16, 2018 at 9:34 AM", None),  # Gmail forward header
        ("Freitag, 16. Februar 2018 09:34", ["de"]),  # German Outlook
        ("Freitag, 16. Februar 2018 09:34", None),  # German, language not known
        ("ven. 16 févr. 2018 à 09:34", ["fr"]),  # French Gmail
    ],
)
def test_date_dateparser_fallback(raw: str, languages: list[str] | None) -> None:
    r = parse_date(raw, languages=languages)
    assert r.sent_at == datetime(2018, 2, 16, 9, 34)
    assert r.sent_at.tzinfo is None
    assert r.dates.parser == "dateparser"
    assert r.dates.timezone is ZoneKnowledge.UNKNOWN
    assert r.defects == ()


@pytest.mark.parametrize(
    ("raw", "ambiguous"), [("05/04/2001 10:00", True), ("13/04/2001 10:00", False)]
)
def test_date_ambiguity(raw: str, ambiguous: bool) -> None:
    assert parse_date(raw).dates.ambiguous is ambiguous


@pytest.mark.parametrize(
    ("raw", "kind"),
    [
        ("Thu, 1 Jan 1920 00:00:00 +0000", "absurd-date"),
        ("Thu, 1 Jan 2999 00:00:00 +0000", "absurd-date"),
        ("not a date at all", "bad-date"),
        ("", "bad-date"),
    ],
)
def test_date_defects(raw: str, kind: str) -> None:
    r = parse_date(raw)
    assert r.sent_at is None
    assert [d.kind for d in r.defects] == [kind]
    assert r.dates.sent_at_raw == raw


def test_date_absent() -> None:
    r = parse_date(None)
    assert r.sent_at is None and r.defects == ()


def test_html_to_text_keeps_lines_and_drops_scripts() -> None:
    html = (
        "<html><head><title>T</title><style>p{}</style></head><body><p>Hello\n  world</p>"
        "b<br>c<script>x()</script><!-- hidden --><div>&amp; end</div></body></html>"
    )
    text = html_to_text(html)
    assert text.splitlines()[0] == "Hello world"
    assert "b\nc" in text
    assert "& end" in text
    assert "x()" not in text and "hidden" not in text and "p{}" not in text


def test_decode_bytes_fallbacks() -> None:
    assert decode_bytes("é".encode(), "utf-8").problem is None
    latin = decode_bytes("café".encode("latin-1"), None)
    assert latin.text == "café" and latin.problem == "undeclared-charset"
    lying = decode_bytes("naïve".encode(), "us-ascii")
    assert lying.text == "naïve" and lying.problem == "bad-charset"
    unknown = decode_bytes("naïve".encode(), "x-no-such")
    assert unknown.text == "naïve" and unknown.problem == "bad-charset"
    not_text = decode_bytes(b"\xff\xfe", "base64")
    assert not_text.problem == "bad-charset"


def test_decode_words_joins_adjacent_words() -> None:
    assert decode_words("=?utf-8?B?SGVsbG8g?= =?utf-8?Q?W=C3=B6rld?=")[0] == "Hello Wörld"
    assert decode_words("a =?bogus?Q?x?= b")[0] == "a x b"


def test_date_pm_is_not_read_by_the_stdlib() -> None:
    # email.utils reads "9:34 PM" as 09:34 in a zone named "PM".
    r = parse_date("Friday, February 16, 2018 9:34 PM")
    assert r.sent_at == datetime(2018, 2, 16, 21, 34)


def test_date_dateparser_keeps_a_given_offset() -> None:
    r = parse_date("16.02.2018 09:34 +0100")
    assert r.sent_at is not None and r.sent_at.utcoffset() == timedelta(hours=1)
    assert r.dates.parser == "dateparser" and r.dates.timezone is ZoneKnowledge.KNOWN


@pytest.mark.parametrize(
    ("raw", "expected", "ambiguous"),
    [
        ("18/01/2019 19:19", datetime(2019, 1, 18, 19, 19), False),  # day first: 18 > 12
        ("01/18/2019 7:19 PM", datetime(2019, 1, 18, 19, 19), False),  # US order
        ("08/01/2019 10:38", datetime(2019, 1, 8, 10, 38), True),  # guessed: day first
        ("2019-01-08 10:38", datetime(2019, 1, 8, 10, 38), False),  # ISO 8601
    ],
)
def test_date_numeric_forms(raw: str, expected: datetime, ambiguous: bool) -> None:
    r = parse_date(raw)
    assert r.sent_at == expected
    assert r.dates.ambiguous is ambiguous
    assert r.dates.parser == "dateparser"


_ADDRESS_PIECES = st.sampled_from(
    ["a@x.com", "B <b@y.org>", '"Doe, J" <j@d.e>', "Name", " , ", ";", ":", "(c)", "<>", "@",
     "=?utf-8?q?J=C3=B6?=", " at ", "x at y.com", "[mailto:m@n.o]", "'Q' <q@r.s>", '"', "\\"]
)  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(_ADDRESS_PIECES | st.text(max_size=8), max_size=8))
def test_address_fast_path_agrees_with_full_reader(pieces: list[str]) -> None:
    value = "".join(pieces)
    fast = parse_addresses(value, header="To")
    with_full = addresses_module._fast
    try:
        addresses_module._fast = lambda _text: None  # type: ignore[assignment]
        full = parse_addresses(value, header="To")
    finally:
        addresses_module._fast = with_full
    assert fast == full
    people, _ = fast
    assert all(p.name is not None or p.email is not None for p in people or ())


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="<>/ abcdivpbrtd=\"'&;!-\n", max_size=300))
def test_html_to_text_never_raises(html: str) -> None:
    assert isinstance(html_to_text(html), str)


def test_html_to_text_deep_nesting_is_linear() -> None:
    assert html_to_text("<div>" * 5000 + "x") == "x"


def test_address_fast_path_leaves_trimmed_edges_to_the_full_reader() -> None:
    for value in ("a@x.com.", "'a@x.com'", "B <b@y.org.>", '"J," <j@d.e>', '"--" <a@b.c>'):
        fast = parse_addresses(value, header="To")
        assert addresses_module._fast(value) is None, value
        assert fast[0] is not None
    assert parse_addresses("a@x.com.", header="To")[0] == (EmailAddress(None, "a@x.com"),)
