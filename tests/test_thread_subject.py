"""Base subjects (RFC 5256 section 2.1) with localized prefixes and list tags."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailarchive.thread import base_subject, is_reply_subject, subject_key


@pytest.mark.parametrize(
    ("subject", "base", "reply"),
    [
        ("Meeting notes", "Meeting notes", False),  # plain
        ("Re: Meeting notes", "Meeting notes", True),  # RFC 5256 subj-refwd
        ("RE: re: Re:Meeting notes", "Meeting notes", True),  # repeated, any case, no blank
        ("Fwd: Meeting notes", "Meeting notes", True),  # RFC 5256 fwd
        ("FW: Meeting notes", "Meeting notes", True),  # Outlook forward
        ("Re[3]: Meeting notes", "Meeting notes", True),  # counter (Eudora, The Bat!)
        ("Re(2): Meeting notes", "Meeting notes", True),  # counter, parentheses
        ("Re^2: Meeting notes", "Meeting notes", True),  # counter, caret
        ("Meeting notes (fwd)", "Meeting notes", True),  # RFC 5256 subj-trailer
        ("[Fwd: Meeting notes]", "Meeting notes", True),  # RFC 5256 subj-fwd
        ("[list-name] Meeting notes", "Meeting notes", False),  # list tag
        ("[list-name] Re: [list-name] Meeting notes", "Meeting notes", True),  # tag twice
        ("Re: [list-name] Meeting notes", "Meeting notes", True),  # tag after prefix
        ("[list-name]", "[list-name]", False),  # a tag alone is the subject
        ("AW: Meeting notes", "Meeting notes", True),  # German reply (Antwort)
        ("WG: Meeting notes", "Meeting notes", True),  # German forward (Weitergeleitet)
        ("SV: Meeting notes", "Meeting notes", True),  # Swedish/Danish/Norwegian reply
        ("VS: Meeting notes", "Meeting notes", True),  # Finnish reply / Danish forward
        ("RV: Meeting notes", "Meeting notes", True),  # Spanish forward (Reenviado)
        ("TR: Meeting notes", "Meeting notes", True),  # French forward (Transféré)
        ("Antw: Meeting notes", "Meeting notes", True),  # Dutch reply (Antwoord)
        ("Doorst: Meeting notes", "Meeting notes", True),  # Dutch forward (Doorgestuurd)
        ("Odp: Meeting notes", "Meeting notes", True),  # Polish reply (Odpowiedz)
        ("PD: Meeting notes", "Meeting notes", True),  # Polish forward (Przekazane dalej)
        ("ENC: Meeting notes", "Meeting notes", True),  # Portuguese forward (Encaminhado)
        ("R: Meeting notes", "Meeting notes", True),  # Italian reply (Risposta)
        ("I: Meeting notes", "Meeting notes", True),  # Italian forward (Inoltrato)
        ("答复: Meeting notes", "Meeting notes", True),  # Chinese Outlook reply
        ("回复：Meeting notes", "Meeting notes", True),  # Chinese reply, full-width colon
        ("转发: Meeting notes", "Meeting notes", True),  # Chinese forward
        ("RE : Meeting notes", "Meeting notes", True),  # French spacing before the colon
        ("Rebuild: the plan", "Rebuild: the plan", False),  # a word, not a prefix
        ("Ad: Re: x", "Ad: Re: x", False),  # unknown prefix stops stripping (dovecot case)
        ("  Many   blanks\there ", "Many blanks here", False),  # whitespace collapsed
        ("", "", False),  # empty
        (None, "", False),  # missing
    ],
)
def test_base_subject(subject: str | None, base: str, reply: bool) -> None:
    assert base_subject(subject) == base
    assert is_reply_subject(subject) is reply


def test_subject_key_ignores_case() -> None:
    assert subject_key("RE: Budget") == subject_key("budget") == "budget"


def test_hostile_subjects_finish() -> None:
    for subject in ["[" * 50000, "Re: " * 50000, "[a]" * 30000 + "x", "(fwd)" * 40000]:
        assert isinstance(base_subject(subject), str)


@given(st.text(max_size=200))
def test_base_subject_is_idempotent_on_plain_results(subject: str) -> None:
    base = base_subject(subject)
    assert base == base.strip()
    assert len(base) <= len(subject)
