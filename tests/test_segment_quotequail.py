"""quotequail's own test cases (../shared/corpora/quotequail, MIT), read in place.

For every plain-text case: the reply/forward header fields (raw, as written)
and the text parts (text before, embedded text, text after) must match what
quotequail expects. Differences where mailarchive is right on purpose are
listed in ``KNOWN_DIFFERENCES`` with the reason (and in the helper note).
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from mailarchive.model import DerivationKind
from mailarchive.parse.segment import segment_text
from mailarchive.parse.segment.headers import match_attribution
from mailarchive.parse.segment.patterns import Field
from tests.conftest import SHARED, shared_path

CASES_FILE = SHARED / "corpora" / "quotequail" / "expected" / "cases.jsonl"


def _cases(test: str) -> list[dict[str, Any]]:
    if not CASES_FILE.exists():
        return [{"skip": True}]
    rows = [json.loads(line) for line in CASES_FILE.read_text().splitlines() if line.strip()]
    return [r for r in rows if r["test"] == test]


def _id(row: dict[str, Any]) -> str:
    return f"{row.get('test', 'absent')}-{row.get('case', 0)}"


def _load(row: dict[str, Any]) -> dict[str, Any]:
    if row.get("skip"):
        shared_path("corpora", "quotequail", "expected", "cases.jsonl")
    return row


_KEYS = {
    Field.FROM: "from",
    Field.TO: "to",
    Field.CC: "cc",
    Field.DATE: "date",
    Field.SUBJECT: "subject",
    Field.REPLY_TO: "reply-to",
}

# Cases where quotequail's "type" differs from mailarchive's derivation kind,
# and why mailarchive is right. quotequail calls every header block a
# "forward"; mailarchive calls a header block with no forward banner a quoted
# reply (Outlook writes the same block above replies and forwards) unless the
# message's own subject says it is a forward (Fwd:, WG:, TR:, ...).
KIND_DIFFERENCES = {
    5: "bare header block, subject 'AW: AW:' (German Re:): a quoted reply",
    6: "'>'-quoted bare header block, subject 'AW: AW:': a quoted reply",
    7: "Thunderbird 'Original Message' banner: the reply header, not the forward one",
    8: "Outlook '-----Original Message-----' banner (replies and forwards alike)",
    16: "French Outlook bare header block, subject 'Re:': a quoted reply",
}
_KIND = {"forward": DerivationKind.FORWARD, "reply": DerivationKind.REPLY_QUOTE}


@pytest.mark.parametrize("row", _cases("test_parse_reply"), ids=_id)
def test_reply_lines(row: dict[str, Any]) -> None:
    row = _load(row)
    got = match_attribution([row["line"]], 0)
    assert got is not None
    assert {"date": got.date, "from": got.from_} == row["expected"]


@pytest.mark.parametrize("row", _cases("test_quote"), ids=_id)
def test_quote(row: dict[str, Any]) -> None:
    row = _load(row)
    text = row["text"]
    (_, visible), (hidden_flag, hidden) = row["expected_quote_intro_line"]
    assert hidden_flag is False
    node = segment_text(text)
    assert len(node.children) == 1
    seg = node.children[0]
    assert text[seg.start : seg.end] == hidden
    assert node.authored == visible.strip()


@pytest.mark.parametrize("row", _cases("test_unwrap"), ids=_id)
def test_unwrap(row: dict[str, Any]) -> None:
    row = _load(row)
    text, expected = row["text"], row["expected"]
    node = segment_text(text)
    if expected is None:
        assert node.children == ()
        return
    assert len(node.children) >= 1
    seg = node.children[0]
    fields = {_KEYS[f]: v for f, v in seg.fields if f in _KEYS}
    for key in ("from", "to", "cc", "date", "subject", "reply-to"):
        assert fields.get(key) == expected.get(key), key
    want = _KIND.get(expected["type"], DerivationKind.REPLY_QUOTE)  # "quote": a quoted reply
    if row["case"] in KIND_DIFFERENCES:
        assert (want, seg.kind) == (DerivationKind.FORWARD, DerivationKind.REPLY_QUOTE)
    else:
        assert seg.kind is want
    assert seg.node.text.strip() == expected["text"]
    assert (text[: seg.start].strip() or None) == expected.get("text_top")
    assert (text[seg.end :].strip() or None) == expected.get("text_bottom")
    outside = (text[: seg.start] + text[seg.end :]).split()
    inside = (node.authored + " " + (node.signature or "")).split()
    assert [w for w in outside if w not in ("--", "-- ")] == inside
