"""Shortcuts in the field readers and the JSON writer give what the general code gives.

``parse.msgids._simple_ids`` against the regex reading, ``parse.plain``'s
content-type test against ``Message.get_content_maintype``,
``jsonout.dumps_line_nl`` against ``dumps_line``, and the compiled JSON
converters (nested records inline) against the generic table walk on
records holding unusual values.
"""

from __future__ import annotations

import dataclasses
import json
from email.message import Message
from email.policy import compat32
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from mailarchive.export import jsonout
from mailarchive.model import (
    BodyPart,
    Content,
    Defect,
    Derivation,
    DerivationKind,
    Email,
    EmailAddress,
    SourceKind,
    SourceRef,
    Span,
)
from mailarchive.parse.msgids import _CLEAN, _CLEAN_ID, _simple_ids, parse_msgids
from mailarchive.parse.plain import _structured

_ID_CHARS = st.sampled_from(list("ab.-<>@ \t\n\u00a0\u3000\u00e9x1"))
_MSGID_TEXT = st.lists(
    st.one_of(
        st.text(_ID_CHARS, max_size=12),
        st.builds(
            lambda a, b: f"<{a}@{b}>",
            st.text(_ID_CHARS, max_size=5),
            st.text(_ID_CHARS, max_size=5),
        ),
    ),
    max_size=5,
).map(" ".join)


@settings(max_examples=500, deadline=None)
@given(_MSGID_TEXT)
def test_simple_ids_agree_with_the_regex_reading(value: str) -> None:
    simple = _simple_ids(value)
    if simple is not None:
        assert _CLEAN.fullmatch(value) is not None
        assert simple == tuple(dict.fromkeys(_CLEAN_ID.findall(value)))


def test_simple_ids_examples() -> None:
    assert parse_msgids("<a@b>") == (("a@b",), ())
    assert parse_msgids(" <a@b>\n\t<c@d> <a@b> ") == (("a@b", "c@d"), ())
    assert _simple_ids("<a@b><c@d>") is None  # written together: the regex reads it
    assert parse_msgids("<a@b><c@d>") == (("a@b", "c@d"), ())
    for odd in ("<@b>", "<a@>", "<a@b@c>", "<<a@b>>", "a@b", "<ab>", "", "  "):
        assert _simple_ids(odd) is None


_CTYPES = st.one_of(
    st.none(),
    st.sampled_from(
        [
            "multipart/mixed; boundary=x",
            " Multipart/Alternative",
            "message/rfc822",
            "message/",
            "multipart/a/b",
            "text/plain; charset=utf-8",
            "multipart",
            "messagex/rfc822",
            "message/rfc822 ; x=y",
            "multipart/mixed\udce9",
            "text/pl\udce9ain",
        ]
    ),
    st.text(st.sampled_from(list("multipartmessage/; \t")), max_size=20),
)


@settings(max_examples=300, deadline=None)
@given(_CTYPES, st.booleans())
def test_structured_is_get_content_maintype(ctype: str | None, twice: bool) -> None:
    items = [("Subject", "x")]
    if ctype is not None:
        items.append(("Content-Type", ctype))
        if twice:
            items.append(("content-type", "multipart/mixed"))
    msg = Message(policy=compat32)
    msg.__dict__["_headers"] = items
    assert _structured(msg, items) == (msg.get_content_maintype() in ("multipart", "message"))


_JSON_TEXT = st.text(max_size=20)  # lone surrogates included: the stdlib fallback


@given(st.dictionaries(_JSON_TEXT, _JSON_TEXT | st.integers() | st.none(), max_size=4))
def test_dumps_line_nl_is_dumps_line_and_a_newline(value: Any) -> None:
    assert jsonout.dumps_line_nl(value) == jsonout.dumps_line(value) + "\n"


@dataclasses.dataclass(frozen=True, slots=True)
class _Address(EmailAddress):
    """A subclass: the compiled converters hand it to the generic walk."""

    note: str = "n"


def _odd_emails() -> list[Email]:
    source = SourceRef(kind=SourceKind.SEGMENT, path="p", offset=1)
    base = Email(
        id="e1",
        source=source,
        from_=(EmailAddress("A", "a@x"), _Address("B", "b@x")),
        to=(),
        text_body=(BodyPart("1", "text/plain", 3),),
        content=Content("a", None, ("e2",)),
        derivation=Derivation("e0", DerivationKind.REPLY_QUOTE, 1, Span("1", 0, 3)),
        inferred={"from": "signature"},
        defects=(Defect("k", "d"),),
    )
    return [
        base,
        dataclasses.replace(base, to=None, cc=(), derivation=None, inferred={}),
        dataclasses.replace(base, text_body=[], attachments=[BodyPart("2", "a/b", 1)]),  # type: ignore[arg-type]
        dataclasses.replace(base, derivation=Derivation("e0", DerivationKind.FORWARD, 2)),
    ]


def test_compiled_email_converter_equals_the_table_walk_on_odd_values() -> None:
    for record in _odd_emails():
        fast = jsonout.email_to_json(record)
        slow = jsonout._map(record, jsonout.TABLES[Email])
        assert json.dumps(fast) == json.dumps(slow)
