"""Signatures and sender inference from matching sign-offs."""

from __future__ import annotations

import pytest

from mailarchive.model import (
    BodyPart,
    BodyValue,
    Content,
    Email,
    EmailAddress,
    SourceKind,
    SourceRef,
)
from mailarchive.parse.segment import split_email
from mailarchive.parse.segment.signature import split_signature

SIGNED = {
    # RFC 3676 delimiter
    "rfc3676": ("Body.\n\n-- \nJane Roe\nACME Corp", "Body.", "Jane Roe\nACME Corp"),
    # initials on the last line (the reference sample)
    "initials": ("FYI. Roberto is interested.\nksjp", "FYI. Roberto is interested.", "ksjp"),
    # capital initials
    "capital-initials": ("Will do.\nJD", "Will do.", "JD"),
    # a first name under a finished sentence
    "first-name": ("See you then.\nRoberto", "See you then.", "Roberto"),
    # a name right after a valediction
    "valediction": (
        "Numbers attached.\n\nThanks,\nJohn Doe",
        "Numbers attached.\n\nThanks,",
        "John Doe",
    ),
    # German valediction
    "valediction-de": (
        "Zahlen anbei.\n\nViele Grüße\nJana",
        "Zahlen anbei.\n\nViele Grüße",
        "Jana",
    ),
    # "-Name" sign-off
    "dash-name": ("Oh thanks.\n\n-Abhishek Kona", "Oh thanks.", "-Abhishek Kona"),
    # mobile sign-offs
    "iphone": ("Sure.\n\nSent from my iPhone", "Sure.", "Sent from my iPhone"),
    "iphone-de": ("Klar.\n\nVon meinem iPhone gesendet", "Klar.", "Von meinem iPhone gesendet"),
}

UNSIGNED = {
    # a word, not initials
    "word": "test\n\nblah",
    # a made-up word (email_reply_parser)
    "kthxbai": "Stuff happened.\n\nkthxbai",
    # a valediction alone is text
    "thanks": "Numbers attached.\nThanks",
    # "--" inside a line is no delimiter
    "mid-line": "And here is a fix -- this is not a signature.",
    # a one-line message is its own text
    "one-line": "Roberto",
    # a sentence that starts like a mobile sign-off
    "sent-from-my-desk": "Hi\n\nSent from my desk, is much easier then my mobile phone.",
}


@pytest.mark.parametrize("name", list(SIGNED))
def test_signature_found(name: str) -> None:
    text, authored, signature = SIGNED[name]
    assert split_signature(text) == (authored, signature)


@pytest.mark.parametrize("name", list(UNSIGNED))
def test_no_signature(name: str) -> None:
    text = UNSIGNED[name]
    assert split_signature(text) == (text, None)


def _email(text: str, sender: tuple[EmailAddress, ...] | None = None) -> Email:
    return Email(
        id="etop",
        source=SourceRef(SourceKind.EML),
        from_=sender,
        text_body=(BodyPart("1", "text/plain", len(text)),),
        body_values={"1": BodyValue(text)},
        content=Content(authored=text),
    )


FORWARD = (
    "---------- Forwarded message ---------\nFrom: Jane Roe <jane@example.com>\n"
    "Date: Fri, Feb 16, 2018 at 9:34 AM\nSubject: Budget\nTo: John <john@example.com>\n\n"
    "Numbers attached.\nxq\n"
)


def test_sender_inferred_from_matching_signoff() -> None:
    top, fwd = split_email(_email("Have a look.\nxq\n\n" + FORWARD))
    assert top.content.signature == "xq" and fwd.content.signature == "xq"
    assert top.from_ == (EmailAddress("Jane Roe", "jane@example.com"),)
    assert dict(top.inferred) == {"from": "signature"}
    assert dict(fwd.inferred) == {}


def test_repeated_short_line_is_a_signature_even_when_it_looks_like_a_word() -> None:
    # "blah" alone is text, but it ends both messages: a sign-off
    top, fwd = split_email(_email("Have a look.\nblah\n\n" + FORWARD.replace("xq", "blah")))
    assert top.content.signature == "blah" and fwd.content.signature == "blah"
    assert dict(top.inferred) == {"from": "signature"}


def test_no_inference_when_the_sender_is_known() -> None:
    me = (EmailAddress("John", "john@example.com"),)
    top, _ = split_email(_email("Have a look.\nxq\n\n" + FORWARD, sender=me))
    assert top.from_ == me
    assert dict(top.inferred) == {}


def test_no_inference_when_signoffs_differ() -> None:
    top, _ = split_email(_email("Have a look.\nmk\n\n" + FORWARD))
    assert top.from_ is None
    assert dict(top.inferred) == {}


def test_no_inference_when_two_senders_sign_alike() -> None:
    other = FORWARD.replace("Jane Roe <jane@example.com>", "Ann Lee <ann@example.com>")
    text = "Have a look.\nxq\n\n" + FORWARD.replace(
        "Numbers attached.\nxq\n", "Numbers.\nxq\n\n" + other
    )
    records = split_email(_email(text))
    assert records[0].from_ is None
    assert dict(records[0].inferred) == {}


DEMO = (
    "Sharing this with the group.\nAna\n"
    "---------- Forwarded message ---------- From: Tomas Reyes Date: Tue, Mar 5, 2024 at 4:12 PM "
    "Subject: Re: Field trip To: Ana Duarte Cc: Lena Fischer , Omar Haddad\n"
    "Hi Ana,\nThe bus is booked.\n"
    "On Mon, Mar 4, 2024 at 9:02 AM Ana Duarte <ana@example.org> wrote:\n> Can you confirm?\n"
    "> Thanks.\nTomas\n"
)


def test_sender_inferred_from_a_first_name_sign_off() -> None:
    top, fwd, quote = split_email(_email(DEMO))
    assert top.content.signature == "Ana"
    assert top.from_ == (EmailAddress("Ana Duarte", "ana@example.org"),)
    assert dict(top.inferred) == {"from": "signature-name"}
    assert fwd.content.signature == "Tomas"
    assert fwd.from_ == (EmailAddress("Tomas Reyes", None),)
    assert dict(fwd.inferred) == {}
    assert quote.from_ == (EmailAddress("Ana Duarte", "ana@example.org"),)


def test_no_first_name_inference_when_two_people_share_it() -> None:
    text = DEMO.replace("Cc: Lena Fischer", "Cc: Ana Lopez , Lena Fischer")
    top = split_email(_email(text))[0]
    assert top.content.signature == "Ana"
    assert top.from_ is None
    assert dict(top.inferred) == {}
