"""parse.plain builds exactly the compat32 Message the feedparser builds, or declines."""

from __future__ import annotations

import email
from email.message import Message
from email.policy import compat32

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from mailarchive.parse._tools import corpus_files
from mailarchive.parse.plain import plain_message
from tests.conftest import FIXTURES, shared_path


def _state(msg: Message) -> tuple[object, ...]:
    """Everything of a parsed Message the parser reads afterwards."""
    return (
        msg._headers,
        msg._payload,
        msg._unixfrom,
        msg.preamble,
        msg.epilogue,
        [type(d).__name__ for d in msg.defects],
        msg.get_default_type(),
        msg.is_multipart(),
    )


def _check(data: bytes) -> bool:
    """Whether the fast path took ``data``; fails if it built something else."""
    fast = plain_message(data)
    if fast is None:
        return False
    assert _state(fast) == _state(email.message_from_bytes(data, policy=compat32))
    return True


_NAME = st.text(alphabet=st.characters(min_codepoint=0x21, max_codepoint=0x7E), min_size=1)
_LINE_END = st.sampled_from(["\n", "\r\n", "\r", ""])
_VALUE = st.lists(
    st.sampled_from([*"ab :;\t\r\n\u00e9=?<>@", "From ", "--x", "multipart/mixed"]), max_size=12
).map("".join)


@st.composite
def _messages(draw: st.DrawFn) -> bytes:
    lines = []
    for _ in range(draw(st.integers(0, 6))):
        kind = draw(st.sampled_from(["header", "header", "continuation", "junk", "ctype"]))
        if kind == "header":
            lines.append(draw(_NAME) + ":" + draw(_VALUE))
        elif kind == "continuation":
            lines.append(draw(st.sampled_from([" ", "\t"])) + draw(_VALUE))
        elif kind == "ctype":
            lines.append(
                "Content-Type: "
                + draw(
                    st.sampled_from(
                        [
                            "text/plain",
                            "message/rfc822",
                            "multipart/mixed; boundary=x",
                            "multipart",
                            "text/html",
                        ]
                    )
                )
            )
        else:
            lines.append(draw(_VALUE))
    ends = [draw(_LINE_END) for _ in lines]
    head = "".join(line + end for line, end in zip(lines, ends, strict=True))
    blank = draw(st.sampled_from(["\n", "\r\n", ""]))
    body = "".join(draw(st.lists(st.sampled_from([*"ab\r\n>-", "From ", "--x\n"]))))
    return (head + blank + body).encode("utf-8", "surrogateescape")


@given(_messages())
@example(b"Subject: a\n b\n\nbody\n")
@example(b"Subject:\n  folded\r\nTo: x\r\n\r\nbody\r\n")
@example(b"Subject: only headers")
@example(b"Subject: x\rTo: y\n\nbody")  # a bare CR: declined
@example(b"Content-Type: multipart/mixed; boundary=x\n\n--x\n\n--x--\n")
def test_plain_message_equals_the_feedparser_or_declines(data: bytes) -> None:
    _check(data)


def test_plain_list_mail_takes_the_fast_path() -> None:
    data = (FIXTURES / "sources" / "single.eml").read_bytes()
    assert _check(b"From: a@example.org\nSubject: hi\n\nHello\n")
    assert _check(b"Subject: 8-bit \xc3\xa9\r\nContent-Type: text/plain\r\n\r\nbody \xff\r\n")
    assert not _check(b"From a@b Mon Jan  1 00:00:00 2024\nSubject: x\n\n")
    assert not _check(b"Subject: x\nnot a header line\n\nbody\n")
    _check(data)


@pytest.mark.parametrize("kind", ["multipart/alternative; boundary=b", "message/rfc822"])
def test_structured_types_go_to_the_feedparser(kind: str) -> None:
    assert plain_message(f"Content-Type: {kind}\n\nbody\n".encode()) is None


def test_every_corpus_message_equals_the_feedparser() -> None:
    root = shared_path("corpora")
    taken = sum(_check(data) for _, data in corpus_files(root))
    assert taken > 50  # most single-part corpus messages take the fast path
