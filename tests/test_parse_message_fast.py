"""The shortcuts of parse.message give what the plain reading gives."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from mailarchive.parse.message import _PREVIEW, _preview, _received_time, collapse_blanks


def _plain_preview(text: str) -> str:
    return " ".join(text[: _PREVIEW * 8].split())[:_PREVIEW]


_WORDS = st.lists(
    st.tuples(
        st.text(alphabet="ab\u00e9\u4e2d", min_size=1, max_size=300),
        st.text(alphabet=" \t\n\r\u3000\xa0", min_size=0, max_size=40),
    ),
    max_size=60,
).map(lambda pairs: "".join(w + s for w, s in pairs))


@settings(max_examples=300, deadline=None)
@given(_WORDS)
def test_preview_same_as_collapsing_the_whole_head(text: str) -> None:
    assert _preview(text) == _plain_preview(text)


@settings(max_examples=300, deadline=None)
@given(_WORDS)
def test_collapse_blanks_same_as_split_and_join(text: str) -> None:
    assert collapse_blanks(text) == " ".join(text.split())
    flat = text.replace("\t", " ").replace("\r", "\n").replace("\u3000", "").replace("\xa0", "")
    assert collapse_blanks(flat) == " ".join(flat.split())


def test_collapse_blanks_every_blank_and_edge() -> None:
    # Every character str.split splits at, alone, doubled, between words and at the edges.
    blanks = [chr(c) for c in range(0x3001) if chr(c).isspace()]
    assert len(blanks) > 20
    for b in blanks:
        for text in (b, "a" + b + "b", "a " + b + "b", b + "a b", "a b" + b, "a\n" + b + "b"):
            assert collapse_blanks(text) == " ".join(text.split()), repr(text)
    for text in ("", "a", "a b\nc", "a\n\nb", "\u200ba b", "a\x00b c"):
        assert collapse_blanks(text) == " ".join(text.split()), repr(text)


def test_preview_long_blank_runs() -> None:
    # Heads that collapse to less than a preview: the longer heads are read.
    for text in ("a " + " " * 400 + "b " * 300, "\n" * 700 + "x " * 300, "y" * 3000, ""):
        assert _preview(text) == _plain_preview(text)


def test_preview_examples() -> None:
    long_word = "x" * 600
    for text in ("", "  a \n b  ", "w " * 400, long_word, "ab " * 85 + long_word, "a" * 511 + " b"):
        assert _preview(text) == _plain_preview(text)


def test_received_time_common_and_other_forms() -> None:
    common = ["from a by b; Mon, 07 Jan 2019 14:48:50 +0530 (IST)"]
    assert _received_time(common) == datetime(2019, 1, 7, 9, 18, 50, tzinfo=UTC)
    folded = ["from a by b;\n\tMon, 7 Jan 2019 14:48:50 -0800"]
    assert _received_time(folded) == datetime(2019, 1, 7, 22, 48, 50, tzinfo=UTC)
    # not the common form: the stdlib reads it (two-digit year, zone name)
    assert _received_time(["x; 7 Jan 19 14:48:50 EST"]) == datetime(
        2019, 1, 7, 19, 48, 50, tzinfo=UTC
    )
    assert _received_time(["x; Mon, 07 Jan 2019 14:48:50 -0000"]) is None  # zone unknown
    assert _received_time(["x; Mon, 31 Feb 2019 14:48:50 +0000"]) is None
    assert _received_time(["no date here"]) is None


def test_mime_info_cache_same_as_reading() -> None:
    import email  # noqa: PLC0415
    from email.policy import compat32  # noqa: PLC0415

    from mailarchive.parse import message  # noqa: PLC0415

    heads = [
        "Content-Type: text/plain; charset=UTF-8\n",
        'Content-Type: application/pdf; name="a.pdf"\nContent-Disposition: attachment\n',
        "Content-Type: application/pdf\nContent-Disposition: attachment;"
        " filename*=utf-8''%C3%A9t%C3%A9.pdf\n",
        "Content-Type: image/png\nContent-ID: <img1@x>\n",
        "",
    ]
    for head in heads:
        part = email.message_from_string(head + "\nbody\n", policy=compat32)
        first = message._mime_info(part)
        second = message._mime_info(part)  # from the cache when cacheable
        ctype = part.get("content-type")
        disp = part.get("content-disposition")
        read = message._read_mime_info(
            part, ctype, disp, part.get("content-id"), "text/plain", rfc2231=True
        )
        assert first == second == read
    pdf = email.message_from_string(heads[2] + "\n\n", policy=compat32)
    assert message._mime_info(pdf).name == "été.pdf"
    cid = email.message_from_string(heads[3] + "\n\n", policy=compat32)
    assert message._mime_info(cid).cid == "img1@x"


def test_remembered_addresses_same_as_reading() -> None:
    from mailarchive.parse import message  # noqa: PLC0415
    from mailarchive.parse.addresses import parse_addresses  # noqa: PLC0415

    values = [
        None,
        "",
        "A <a@x.org>",
        "a@x.org, b@y.org",
        "bad <>",
        "<junk>",
        "x" * 1200 + " <l@x.org>",
    ]
    for value in values:
        for _ in range(2):
            assert message.read_addresses(value, "To") == parse_addresses(value, header="To")
    # the header name is part of what is remembered (it is in the defects)
    assert message.read_addresses("<junk>", "Cc")[1][0].header == "Cc"
    assert message.read_addresses("<junk>", "To")[1][0].header == "To"


def test_quoted_addresses_read_through_the_parser_cache_as_read_alone() -> None:
    # segment.records reads quoted senders through parse.message's cache, under
    # the parser's header label, then names their defects by its own field.
    from mailarchive.parse.addresses import parse_addresses  # noqa: PLC0415
    from mailarchive.parse.segment import records  # noqa: PLC0415

    values = [None, "", "A <a@x.org>", "a@x.org, b@y.org", "bad <>", "<junk>", "a, <b@", "x" * 1200]
    assert set(records._PARSER_LABELS) == set(records._ADDRESS_FIELDS)
    for f in records._PARSER_LABELS:
        for value in values:
            for _ in range(2):  # read, then remembered
                got = records._read_addresses(value, f)
                assert got == parse_addresses(value, header=f.value), (f, value)
    assert records._read_addresses("<junk>", records.Field.CC)[1][0].header == "cc"
