"""parse_message on hand-made fixtures, the shared corpora, and random input."""

from __future__ import annotations

import pickle
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from mailarchive.ids import content_hash
from mailarchive.model import Defect, DerivationKind, EmailAddress, SourceKind, SourceRef
from mailarchive.parse import parse_message, raw_email_id
from mailarchive.sources.raw import RawMessage
from tests.conftest import FIXTURES, shared_path

MESSAGES = FIXTURES / "messages"


def load(name: str) -> RawMessage:
    data = (MESSAGES / name).read_bytes()
    return RawMessage(data, SourceRef(kind=SourceKind.EML, path=name))


def kinds(email: object) -> set[str]:
    return {d.kind for d in email.defects}  # type: ignore[attr-defined]


def test_headers_rfc2047_ids_addresses() -> None:
    (e,) = parse_message(load("rfc2047-ids.eml"))
    assert e.id == raw_email_id(load("rfc2047-ids.eml"))
    assert e.subject == "Hello Wörld"
    assert e.message_id == ("doubled@example.com",)
    assert e.in_reply_to == ("parent@example.com",)
    assert e.references == ("root@example.com", "parent@example.com", "bare@example.com")
    assert e.from_ == (EmailAddress("André Pirard", "pirard@example.be"),)
    assert e.to == (
        EmailAddress("Doe, John", "jd@example.com"),
        EmailAddress(None, "a@example.org"),
        EmailAddress("B", "b@example.org"),
    )
    assert e.cc == ()
    assert e.bcc is None
    assert e.sent_at == datetime(2001, 3, 12, 10, tzinfo=timezone(timedelta(hours=1)))
    assert e.received_at == datetime(2001, 3, 12, 9, 0, 10, tzinfo=UTC)
    assert e.thread_index == "AcQ1zq8l" and e.thread_topic == "Hello"
    assert e.preview == "Plain body with spaces."
    assert e.content.authored == "Plain body with  spaces.\n"
    assert [p.part_id for p in e.text_body] == ["1"]
    assert e.text_body[0].charset == "utf-8"
    assert "bad-message-id" in kinds(e)


def test_undeclared_8bit_and_broken_message_id() -> None:
    (e,) = parse_message(load("undeclared-8bit.eml"))
    value = e.body_values["1"]
    assert value.value == "café crème\n"
    assert value.is_encoding_problem
    assert "undeclared-charset" in kinds(e)
    assert e.message_id == ("no-brackets-or-at",)
    assert "bad-message-id" in kinds(e)
    assert e.sent_at is None and "bad-date" in kinds(e)


def test_bad_charset_and_absurd_date() -> None:
    (e,) = parse_message(load("bad-charset.eml"))
    assert e.body_values["1"].value == "naïve\n"
    assert e.body_values["1"].is_encoding_problem
    assert "bad-charset" in kinds(e)
    assert e.sent_at is None and "absurd-date" in kinds(e)
    assert e.dates.sent_at_raw == "Fri, 1 Jan 1960 00:00:00 +0000"


def test_html_only_gets_text() -> None:
    (e,) = parse_message(load("html-only.eml"))
    assert e.text_body == () and [p.part_id for p in e.html_body] == ["1"]
    assert e.body_values["1"].value == "Hello there\n\nSecond\nline"
    assert e.preview == "Hello there Second line"
    assert e.sent_at == datetime(2018, 2, 16, 9, 34, tzinfo=UTC)


def test_nested_rfc822_two_deep() -> None:
    raw = load("nested-rfc822.eml")
    outer, middle, inner = parse_message(raw)
    assert outer.id == raw_email_id(raw)
    assert outer.derivation is None
    assert [p.part_id for p in outer.text_body] == ["1"]
    assert [(p.part_id, p.type) for p in outer.attachments] == [
        ("2", "application/octet-stream"),
        ("3", "message/rfc822"),
    ]
    binary = outer.attachments[0]
    assert binary.name == "naïve report.bin"
    assert binary.size == 4 and binary.blob_id == content_hash(b"\x00\x01\x02\x03")
    assert binary.disposition == "attachment"
    assert outer.has_attachment
    assert outer.content.embedded == (middle.id,)
    assert middle.derivation is not None
    assert middle.derivation.parent_email_id == outer.id
    assert middle.derivation.kind is DerivationKind.RFC822_ATTACHMENT
    assert middle.derivation.depth == 1
    assert middle.source.kind is SourceKind.SEGMENT and middle.source.path == raw.source.path
    assert middle.subject == "middle" and middle.message_id == ("middle@example.com",)
    assert middle.content.embedded == (inner.id,)
    assert inner.derivation is not None and inner.derivation.depth == 2
    assert inner.derivation.parent_email_id == middle.id
    assert inner.subject == "inner" and inner.content.authored == "Inner text."
    assert "Inner text" not in outer.content.authored
    assert len({outer.id, middle.id, inner.id}) == 3


def test_headers_only() -> None:
    (e,) = parse_message(load("nested-rfc822.eml"), headers_only=True)
    assert e.subject == "outer" and e.message_id == ("outer@example.com",)
    assert e.text_body == () and e.attachments == () and e.content.embedded == ()


def test_ids_are_stable_and_depend_on_place() -> None:
    raw = load("rfc2047-ids.eml")
    assert parse_message(raw)[0].id == parse_message(raw)[0].id
    moved = RawMessage(raw.data, SourceRef(kind=SourceKind.MBOX, path="x.mbox", offset=10))
    assert raw_email_id(moved) != raw_email_id(raw)


def test_reader_defects_pass_through_and_missing_headers() -> None:
    raw = RawMessage(
        b"no headers here\n\nbody\n",
        SourceRef(kind=SourceKind.EML, path="x"),
        defects=(Defect("bad-from-line", "test"),),
    )
    (e,) = parse_message(raw)
    assert {"bad-from-line", "missing-message-id", "missing-from"} <= kinds(e)


def test_nothing_at_all() -> None:
    (e,) = parse_message(RawMessage(b"", SourceRef(kind=SourceKind.EML, path="empty")))
    assert e.message_id is None and "missing-message-id" in kinds(e)


# Every raw message file of these corpora parses into exactly one top-level record.
CORPORA = {
    "cpython-test_email": ("data", "msg_*.txt"),
    "spamscope-mail-parser": ("tests/mails", "*"),
    "nodemailer-mailparser": ("test/fixtures", "*.eml"),
    "public-inbox": ("t", "**/*.eml"),
    "spamassassin-tdata": ("t/data", "**/*"),
    "james-mime4j": (".", "**/*.msg"),
}
_SKIP = {"LICENSE", "NOTICE", "COPYING", "MANIFEST.md", "LICENSE.txt"}


@pytest.mark.shared
@pytest.mark.parametrize("corpus", sorted(CORPORA))
def test_corpus_parses(corpus: str) -> None:
    sub, pattern = CORPORA[corpus]
    root = shared_path("corpora", corpus, sub)
    files = sorted(p for p in root.glob(pattern) if p.is_file() and p.name not in _SKIP)
    assert files
    for path in files:
        data = path.read_bytes()
        name = str(path.relative_to(root))
        records = parse_message(RawMessage(data, SourceRef(kind=SourceKind.EML, path=name)))
        top = [r for r in records if r.derivation is None]
        assert len(top) == 1, name
        assert records[0] is top[0]
        assert "unparseable" not in kinds(top[0]), name
        for child in records[1:]:
            assert child.derivation is not None
            assert child.derivation.kind is DerivationKind.RFC822_ATTACHMENT
        for record in records:
            for people in (record.from_, record.to, record.cc):
                for p in people or ():
                    assert p.name is not None or p.email is not None


def test_corpus_nested_message() -> None:
    path = shared_path("corpora", "public-inbox", "t", "data", "message_embed.eml")
    records = parse_message(RawMessage(path.read_bytes(), SourceRef(SourceKind.EML, "n.eml")))
    assert len(records) >= 2
    assert records[0].content.embedded


_HEADER_NAMES = st.sampled_from(
    ["From", "To", "Cc", "Subject", "Date", "Message-ID", "References", "In-Reply-To",
     "Content-Type", "Content-Transfer-Encoding", "Content-Disposition", "MIME-Version"]
)  # fmt: skip
_VALUES = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\r\n"), max_size=80
) | st.sampled_from(
    ["multipart/mixed; boundary=x", "message/rfc822", "text/html; charset=bogus", "base64",
     "=?utf-8?B?w6k=?=", "<<a@b>>", "a@b, (c) <d@e>;", "attachment; filename*=x''%FF",
     "Mon, 32 Foo 99999 99:99 +9999"]
)  # fmt: skip


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    headers=st.lists(st.tuples(_HEADER_NAMES, _VALUES), max_size=10),
    body=st.binary(max_size=300),
)
def test_never_raises_on_random_headers(headers: list[tuple[str, str]], body: bytes) -> None:
    head = "".join(f"{k}: {v}\n" for k, v in headers).encode("utf-8", "surrogateescape")
    raw = RawMessage(head + b"\n" + body, SourceRef(kind=SourceKind.EML, path="h"))
    records = parse_message(raw)
    assert records and records[0].derivation is None
    for record in records:
        for people in (record.from_, record.to, record.cc):
            for p in people or ():
                assert p.name is not None or p.email is not None


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=2000))
def test_never_raises_on_random_bytes(data: bytes) -> None:
    records = parse_message(RawMessage(data, SourceRef(kind=SourceKind.EML, path="b")))
    assert len([r for r in records if r.derivation is None]) == 1
    parse_message(RawMessage(data, SourceRef(kind=SourceKind.EML, path="b")), headers_only=True)


def test_fixture_dir_exists() -> None:
    assert Path(MESSAGES).is_dir()


def test_wrong_boundary_is_recovered() -> None:
    (e,) = parse_message(load("wrong-boundary.eml"))
    assert [e.body_values[p.part_id].value for p in e.text_body] == ["message 1\n", "message 2"]
    assert "recovered-boundary" in kinds(e)


def test_part_after_reused_boundary_is_recovered_by_mailparser() -> None:
    (e,) = parse_message(load("reused-boundary.eml"))
    names = [(p.name, p.type) for p in e.attachments]
    assert ("xx.gif", "image/gif") in names
    assert "recovered-part" in kinds(e)


def test_raw_8bit_headers_read_in_body_charset() -> None:
    (e,) = parse_message(load("raw-gb2312-headers.eml"))
    assert e.subject == "Design 全新"
    assert e.from_ == (EmailAddress("台湾", "tw@example.com"),)
    assert e.body_values["1"].value == "全新\n"
    assert "undeclared-charset" in kinds(e)


def test_records_pickle() -> None:
    # Records cross process boundaries (parse workers).
    records = parse_message(load("nested-rfc822.eml"))
    assert pickle.loads(pickle.dumps(records)) == records
    (bad,) = parse_message(RawMessage(b"\xff", SourceRef(kind=SourceKind.EML, path="x")))
    assert pickle.loads(pickle.dumps(bad)) == bad


def test_attachment_names_rfc2047_and_rfc2231_continuations() -> None:
    (e,) = parse_message(load("attachments-2231.eml"))
    assert [(p.part_id, p.name, p.type) for p in e.attachments] == [
        ("1", "résumé.pdf", "application/pdf"),
        ("2", "naïve.txt", "application/octet-stream"),
    ]
    assert e.attachments[1].cid == "cid123@x"
    assert e.attachments[0].size == 4 and e.attachments[0].blob_id == content_hash(b"AAAA")
    assert [p.part_id for p in e.text_body] == ["3"]
    assert e.body_values["3"].value == "café"
    assert not e.body_values["3"].is_encoding_problem


def test_outlook_msg_file_is_a_defect_not_garbage() -> None:
    raw = RawMessage(
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, SourceRef(SourceKind.EML, "x")
    )
    (e,) = parse_message(raw)
    assert kinds(e) == {"not-rfc5322"} and e.text_body == ()
