"""The record-building shortcuts give exactly what the plain code gives.

``model.Positional.new`` / ``replacer`` against the dataclass ``__init__`` and
``dataclasses.replace``; ``parse.message._decoded_payload`` against
``Message.get_payload(decode=True)``; the previews against collapsing the
whole head.
"""

from __future__ import annotations

import dataclasses
import email
from email.message import Message
from email.policy import compat32

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailarchive.model import (
    BodyPart,
    Content,
    Dates,
    Derivation,
    DerivationKind,
    Email,
    EmailAddress,
    SourceKind,
    SourceRef,
    Span,
    ZoneKnowledge,
    positional,
)
from mailarchive.parse.message import _decoded_payload


def _email() -> Email:
    return Email(
        id="e1",
        source=SourceRef(kind=SourceKind.MBOX, path="a.mbox", offset=7),
        subject="hi",
        from_=(EmailAddress("Ann", "ann@example.org"),),
        derivation=Derivation("e0", DerivationKind.FORWARD, 1, Span("1", 2, 3)),
    )


def test_new_equals_init_with_defaults_and_factories() -> None:
    new = positional(Email).new
    made = new(id="e1", source=SourceRef(kind=SourceKind.MBOX))
    assert made == Email(id="e1", source=SourceRef(kind=SourceKind.MBOX))
    assert type(made) is Email
    other = new(id="e2", source=SourceRef(kind=SourceKind.MBOX))
    # default factories give a fresh value per record, as __init__ does
    assert made.body_values is not other.body_values
    assert made.inferred is not other.inferred
    assert made.content == Content() and made.dates == Dates()
    full = _email()
    assert new(*positional(Email).values(full)) == full
    assert positional(Dates).new("x", "rfc5322", ZoneKnowledge.KNOWN) == Dates(
        "x", "rfc5322", ZoneKnowledge.KNOWN
    )
    assert positional(BodyPart).new("1", "text/plain", 3) == BodyPart("1", "text/plain", 3)
    with pytest.raises(TypeError):
        new(source=SourceRef(kind=SourceKind.MBOX))  # id has no default
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.subject = "x"  # type: ignore[misc]


def test_records_filled_as_twins_are_plain_records() -> None:
    # model._twin: filled as a plain slots class, then given the record's class.
    import pickle  # noqa: PLC0415

    from mailarchive.model import _twin  # noqa: PLC0415

    assert _twin(EmailAddress) is not None and _twin(Email) is not None
    made = positional(EmailAddress).new("Ann", "ann@example.org")
    same = EmailAddress("Ann", "ann@example.org")
    assert type(made) is EmailAddress and made == same and hash(made) == hash(same)
    assert not hasattr(made, "__dict__")
    assert pickle.loads(pickle.dumps(made)) == same
    with pytest.raises(dataclasses.FrozenInstanceError):
        made.name = "Bob"  # type: ignore[misc]

    @dataclasses.dataclass(frozen=True, slots=True)
    class Sub(EmailAddress):
        note: str = ""

    assert _twin(Sub) is None  # not straight on object: filled by descriptors
    assert positional(Sub).new("a", "b", "c") == Sub("a", "b", "c")


def test_replacer_equals_replace() -> None:
    full = _email()
    how = positional(Email)
    swap = how.replacer("preview", "subject", "defects")
    assert swap(full, "p", "s", ()) == dataclasses.replace(
        full, preview="p", subject="s", defects=()
    )
    assert how.replacer()(full) == full
    with pytest.raises(TypeError):
        how.replacer("nope")
    with pytest.raises(TypeError):
        how.replacer("subject", "subject")


_CTE = st.sampled_from(
    [None, "7bit", "8bit", "binary", "BASE64", "base64", "quoted-printable", "uuencode", "8bit "]
)
_BODY = st.binary(max_size=200) | st.sampled_from(
    [b"aGVsbG8=\n", b"caf=C3=A9 =\n", "café\n".encode(), b"begin 644 x\n#86)C\n`\nend\n"]
)


@settings(max_examples=300, deadline=None)
@given(_CTE, _BODY)
def test_decoded_payload_equals_get_payload(cte: str | None, body: bytes) -> None:
    head = b"Content-Type: text/plain\n"
    if cte is not None:
        head += f"Content-Transfer-Encoding: {cte}\n".encode()
    msg = email.message_from_bytes(head + b"\n" + body, policy=compat32)
    payload = msg.__dict__.get("_payload")
    assert _decoded_payload(msg, payload) == msg.get_payload(decode=True)


def test_decoded_payload_text_set_by_hand() -> None:
    # Not what message_from_bytes stores: real non-ASCII text goes to the stdlib.
    for text in ("café", "caf\udce9", "caf\udce9é", "plain"):
        msg = Message(policy=compat32)
        msg.set_payload(text)
        try:
            expected: object = msg.get_payload(decode=True)
        except UnicodeError as exc:
            expected = type(exc)
        try:
            got: object = _decoded_payload(msg, text)
        except UnicodeError as exc:
            got = type(exc)
        assert got == expected
