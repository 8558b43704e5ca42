"""The header scan against its reference rules (the old field regex, multipart_boundary)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from mailarchive.sources import headerscan
from mailarchive.sources.headerscan import (
    HeaderScan,
    _fields,
    _scan_fields,
    multipart_boundary,
    scan_header_block,
    scan_header_window,
    split_labels,
)

_REFERENCE = re.compile(
    rb"\n(content-length|content-type|x-gm-thrid|x-gmail-labels)[ \t]*:", re.IGNORECASE
)


def _reference_fields(header_block: bytes) -> dict[bytes, bytes]:
    """The regex rule: first occurrence of each wanted field, unfolded."""
    block = b"\n" + header_block
    found: dict[bytes, bytes] = {}
    for match in _REFERENCE.finditer(block):
        key = match.group(1).lower()
        if key in found:
            continue
        end = block.find(b"\n", match.end())
        value = block[match.end() : end if end >= 0 else len(block)].strip()
        while end >= 0 and block[end + 1 : end + 2] in (b" ", b"\t"):
            next_end = block.find(b"\n", end + 1)
            value += b" " + block[end + 1 : next_end if next_end >= 0 else len(block)].strip()
            end = next_end
        found[key] = value
    return found


_PIECES = [
    b"Content-Type",
    b"content-TYPE",
    b"CONTENT-LENGTH",
    b"Content-Length",
    b"Content-Transfer-Encoding",
    b"X-GM-THRID",
    b"x-gmail-labels",
    b"X-Gm",
    b"Xontent-Type",
    b"c-gm-thrid",
    b"content-",
    b": ",
    b":",
    b" \t",
    b"\t",
    b" ",
    b"\n",
    b"\r\n",
    b"text/plain",
    b"multipart/mixed; boundary=b",
    b'MULTIPART/alternative; boundary="q r"',
    b"m",
    b"42",
    b"x",
    b"X-GM",
    b"x-gM-thrid:1",
    b"MultiPart/",
    b"Content-LENGTH: 7",
    b"X-Gmail-Labels: Inbox,Sent",
    b'x-gmail-labels: "Work, old",=?utf-8?q?Caf=C3=A9?=',
    b"Content-Length: x1",
    b"\x0b",
    b"\x0c",
    b"\r",
    b"\n\t",
    b"\n ",
]


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25).map(b"".join))
def test_fields_same_as_the_regex_rule(block: bytes) -> None:
    assert _fields(block) == _reference_fields(block)
    content_type = _reference_fields(block).get(b"content-type")
    boundary = multipart_boundary(content_type) if content_type is not None else None
    assert scan_header_block(block).boundary == boundary


def test_fields_reads_the_usual_block() -> None:
    block = (
        b"From: a@example.com\nContent-Type: multipart/mixed;\n boundary=x\n"
        b"content-length : 12\nX-GM-THRID: 7\nContent-Type: text/plain\n"
        b"X-Gmail-Labels \t:Inbox,Sent\nx-gm-thrid:8\n"
    )
    assert _fields(block) == {
        b"content-type": b"multipart/mixed; boundary=x",
        b"content-length": b"12",
        b"x-gm-thrid": b"7",
        b"x-gmail-labels": b"Inbox,Sent",
    }
    assert _fields(block) == _reference_fields(block)


@pytest.mark.parametrize(
    "value",
    [b"text/plain", b"multipart/mixed; boundary=b", b'MULTIPART/alternative; boundary="q r"', b"m"],
)
def test_usual_block_boundary_same_as_multipart_boundary(value: bytes) -> None:
    block = b"Subject: s\nContent-Type:  " + value + b"\n"
    assert scan_header_block(block).boundary == multipart_boundary(value)


@pytest.mark.parametrize("name", [b"Xontent-Type", b"c-gm-thrid", b"CONTENT-type", b"x-GM-thrid"])
def test_field_names_whole(name: bytes) -> None:
    block = b"Subject: s\n" + name + b": v\n"
    assert _fields(block) == _reference_fields(block)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25).map(b"".join))
def test_scan_shortcut_same_as_the_field_scan(block: bytes) -> None:
    """The substring shortcut never changes what the field regex finds."""
    assert scan_header_block(block) == _scan_fields(block)


@pytest.mark.parametrize(
    "block",
    [
        b"Subject: s\nContent-Type: text/plain\n",
        b"Subject: s\ncontent-LENGTH: 3\n",
        b"X-Gm-Thrid: 5\n",
        b"Content-Type:\n MULTIPART/mixed; boundary=z\n",
        b"Content-Type: \r\n\t\x0bmultipart/mixed; boundary=z\n",
        b"content-type\t:\n\n multipart/mixed; boundary=z\n",
    ],
)
def test_scan_shortcut_usual_blocks(block: bytes) -> None:
    assert scan_header_block(block) == _scan_fields(block)


def _reference_scan(block: bytes) -> HeaderScan:
    """The scan written plainly: the reference fields, keywords, no remembered labels."""
    found = _reference_fields(block)
    raw_length = found.get(b"content-length")
    number = raw_length is not None and raw_length.isdigit() and len(raw_length) <= 15
    content_type = found.get(b"content-type")
    thread = found.get(b"x-gm-thrid")
    labels = found.get(b"x-gmail-labels")
    return HeaderScan(
        content_length=int(raw_length) if raw_length is not None and number else None,
        content_length_raw=raw_length.decode("latin-1")
        if raw_length is not None and not number
        else None,
        gm_thread_id=thread.decode("utf-8", "replace") if thread else None,
        labels=split_labels(labels.decode("utf-8", "replace")) if labels else (),
        boundary=multipart_boundary(content_type) if content_type else None,
    )


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=25).map(b"".join))
def test_scan_same_as_plain_reference(block: bytes) -> None:
    assert scan_header_block(block) == _reference_scan(block)
    assert scan_header_block(block) == _reference_scan(block)  # labels remembered


def test_remembered_labels_bounded(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(headerscan, "_LABELS", {})
    monkeypatch.setattr(headerscan, "_LABELS_KEPT", 3)
    for n in range(10):
        block = b"X-Gmail-Labels: a%d,b\n" % n
        assert scan_header_block(block).labels == (f"a{n}", "b")
        assert len(headerscan._LABELS) <= 3


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from([b"", b"x", b"From a Mon Jan  7 09:18:50 2019\n", b"\r\n", b"z\r"]),
    st.lists(st.sampled_from(_PIECES), max_size=25).map(b"".join),
    st.sampled_from([b"", b"\n", b"\nContent-Length: 3\n", b"Content-Type: multipart/x"]),
)
def test_scan_in_the_window_same_as_scan_of_the_block(
    before: bytes, block: bytes, after: bytes
) -> None:
    """``scan_header_window`` on the buffer is ``scan_header_block`` of the slice."""
    data = before + block + after
    start, end = len(before), len(before) + len(block)
    assert scan_header_window(data, start, end) == scan_header_block(block)
