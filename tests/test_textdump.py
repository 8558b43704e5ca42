"""Pasted text dumps: one document, one or many emails (``--input-format text``)."""

from __future__ import annotations

from mailarchive.model import DerivationKind, EmailAddress, SourceKind, SourceRef
from mailarchive.parse.segment import parse_text_dump
from mailarchive.sources.raw import RawMessage


def dump(text: str | bytes, path: str = "dump.txt") -> RawMessage:
    data = text.encode("utf-8") if isinstance(text, str) else text
    return RawMessage(data, SourceRef(SourceKind.TEXT, path=path))


ONE_WITH_HEADERS = (
    "From: Jane Roe <jane@example.com>\nSent: Friday, February 16, 2018 09:34\n"
    "To: John Doe <john@example.com>\nSubject: Budget\n\nNumbers attached.\n\nJane\n"
)


def test_one_email_with_a_leading_header_block() -> None:
    (top,) = parse_text_dump(dump(ONE_WITH_HEADERS))
    assert top.source.kind is SourceKind.TEXT
    assert top.derivation is None
    assert top.from_ == (EmailAddress("Jane Roe", "jane@example.com"),)
    assert top.to == (EmailAddress("John Doe", "john@example.com"),)
    assert top.subject == "Budget"
    assert top.sent_at is not None and top.sent_at.isoformat() == "2018-02-16T09:34:00"
    assert top.content.authored == "Numbers attached.\n\nJane"
    assert top.body_values["1"].value.startswith("Numbers attached.")


def test_one_email_with_a_flattened_header() -> None:
    text = (
        "From: Jane Roe Sent: Friday, February 16, 2018 09:34 To: John Doe Subject: Budget\n"
        "Numbers attached.\n"
    )
    (top,) = parse_text_dump(dump(text))
    assert top.from_ == (EmailAddress("Jane Roe", None),)
    assert top.subject == "Budget"
    assert top.content.authored == "Numbers attached."


def test_one_email_without_headers() -> None:
    (top,) = parse_text_dump(dump("Just some pasted text.\nTwo lines.\n"))
    assert top.from_ is None and top.subject is None and top.sent_at is None
    assert top.content.authored == "Just some pasted text.\nTwo lines."


def test_several_emails_separated_by_rules() -> None:
    text = (
        "Exhibit 12\n\n"
        "==========\n"
        "From: Jane Roe <jane@example.com>\nDate: Fri, 16 Feb 2018 09:34:00 +0100\n"
        "To: John Doe <john@example.com>\nSubject: Budget\n\nNumbers attached.\n"
        "==========\n"
        "A part with no headers at all.\n"
        "=== Message 3 ===\n"
        "From: John Doe <john@example.com>\nDate: Fri, 16 Feb 2018 10:00:00 +0100\n"
        "To: Jane Roe <jane@example.com>\nSubject: Re: Budget\n\nThanks!\n"
    )
    records = parse_text_dump(dump(text))
    top, first, second, third = records
    assert top.content.authored == "Exhibit 12"
    assert top.content.embedded == (first.id, second.id, third.id)
    for rec in (first, second, third):
        assert rec.derivation is not None
        assert rec.derivation.kind is DerivationKind.TEXT_DUMP
        assert rec.derivation.parent_email_id == top.id
        assert rec.derivation.depth == 1
        span = rec.derivation.span
        assert span is not None and text[span.start : span.end].strip()
    assert first.from_ == (EmailAddress("Jane Roe", "jane@example.com"),)
    assert first.content.authored == "Numbers attached."
    assert second.from_ is None and second.subject is None and second.sent_at is None
    assert second.content.authored == "A part with no headers at all."
    assert third.subject == "Re: Budget"
    assert third.content.authored == "Thanks!"


def test_header_blocks_after_two_blank_lines_start_new_emails() -> None:
    text = ONE_WITH_HEADERS + "\n\n" + ONE_WITH_HEADERS.replace("Budget", "Budget 2")
    records = parse_text_dump(dump(text))
    assert [r.subject for r in records[1:]] == ["Budget", "Budget 2"]
    assert all(r.derivation and r.derivation.kind is DerivationKind.TEXT_DUMP for r in records[1:])


def test_outlook_history_in_a_dump_is_embedded_not_a_new_email() -> None:
    text = (
        "From: John Doe <john@example.com>\nSent: Friday, February 16, 2018 10:00\n"
        "To: Jane Roe <jane@example.com>\nSubject: RE: Budget\n\nThanks!\n\n"
        "From: Jane Roe <jane@example.com>\nSent: Friday, February 16, 2018 09:34\n"
        "To: John Doe <john@example.com>\nSubject: Budget\n\nNumbers attached.\n"
    )
    top, quoted = parse_text_dump(dump(text))
    assert top.subject == "RE: Budget"
    assert top.content.authored == "Thanks!"
    assert quoted.derivation is not None
    assert quoted.derivation.kind is DerivationKind.REPLY_QUOTE
    assert quoted.derivation.parent_email_id == top.id
    assert quoted.subject == "Budget"
    assert quoted.content.authored == "Numbers attached."


def test_sender_inferred_across_parts_of_a_dump() -> None:
    text = (
        "==========\nCan you check the figures?\nThanks,\nRoberto\n"
        "==========\n"
        "From: Roberto Calandra <roberto@example.com>\nDate: Fri, 16 Feb 2018 09:34:00 +0100\n"
        "Subject: Figures\nTo: Kris <kris@example.com>\n\nHere they are.\nThanks,\nRoberto\n"
    )
    top, first, second = parse_text_dump(dump(text))
    assert top.content.embedded == (first.id, second.id)
    assert first.content.signature == "Roberto"
    assert first.from_ == (EmailAddress("Roberto Calandra", "roberto@example.com"),)
    assert dict(first.inferred) == {"from": "signature"}
    assert second.content.signature == "Roberto"
    assert dict(second.inferred) == {}


def test_not_utf8_is_read_and_flagged() -> None:
    (top,) = parse_text_dump(dump("Grüße aus Köln\n".encode("latin-1")))
    assert top.content.authored == "Grüße aus Köln"
    assert top.body_values["1"].is_encoding_problem is True
    assert top.defects


def test_utf8_bom_and_crlf() -> None:
    (top,) = parse_text_dump(dump(b"\xef\xbb\xbfHello\r\nWorld\r\n"))
    assert top.content.authored == "Hello\r\nWorld"
    assert top.defects == ()


def test_empty_document() -> None:
    (top,) = parse_text_dump(dump(b""))
    assert top.content.authored == ""
    assert top.content.embedded == ()


def test_ids_are_stable_and_depend_on_content() -> None:
    a = parse_text_dump(dump(ONE_WITH_HEADERS))
    b = parse_text_dump(dump(ONE_WITH_HEADERS))
    c = parse_text_dump(dump(ONE_WITH_HEADERS + "x"))
    assert [r.id for r in a] == [r.id for r in b]
    assert a[0].id != c[0].id


def test_no_split_keeps_the_document_whole() -> None:
    (top,) = parse_text_dump(dump(ONE_WITH_HEADERS), split=False)
    assert top.content.authored == ONE_WITH_HEADERS
    assert top.content.embedded == ()


def test_raw_headers_pasted_whole_keep_message_ids() -> None:
    text = (
        "From: Jane Roe <jane@example.com>\nDate: Fri, 16 Feb 2018 09:34:00 +0100\n"
        "Message-ID: <abc@example.com>\nIn-Reply-To: <xyz@example.com>\n"
        "To: John <john@example.com>\nSubject: Re: Budget\n\nOK.\n"
    )
    (top,) = parse_text_dump(dump(text))
    assert top.message_id == ("abc@example.com",)
    assert top.in_reply_to == ("xyz@example.com",)
    assert top.sent_at is not None and top.sent_at.isoformat() == "2018-02-16T09:34:00+01:00"
    assert top.content.authored == "OK."


def test_embedded_text_of_a_badly_decoded_body_is_flagged_too() -> None:
    text = "Grüße.\n\n> zitiert\n> noch mehr\n"
    top, quoted = parse_text_dump(dump(text.encode("latin-1")))
    assert top.body_values["1"].is_encoding_problem
    assert quoted.body_values["1"].is_encoding_problem
    assert quoted.content.authored == "zitiert\nnoch mehr"


def test_numbered_banners_separate_pasted_emails() -> None:
    text = (
        "Message 1 of 2\n"
        "From: Jane Roe <jane@example.com>\nDate: Fri, 16 Feb 2018 09:34:00 +0100\n"
        "Subject: Budget\nTo: John <john@example.com>\n\nNumbers attached.\n\n"
        "Message 2 of 2\n"
        "From: John <john@example.com>\nDate: Fri, 16 Feb 2018 10:00:00 +0100\n"
        "Subject: Re: Budget\nTo: Jane Roe <jane@example.com>\n\nThanks!\n"
    )
    top, first, second = parse_text_dump(dump(text))
    assert top.content.embedded == (first.id, second.id)
    assert (first.subject, first.content.authored) == ("Budget", "Numbers attached.")
    assert (second.subject, second.content.authored) == ("Re: Budget", "Thanks!")


def test_a_message_line_in_prose_is_no_separator() -> None:
    text = "Please read message 2 of the thread.\nMessage 2 is the one.\n"
    (top,) = parse_text_dump(dump(text))
    assert top.content.authored == text.strip()
