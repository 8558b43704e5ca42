"""The fast paths of parse_date give what the general path gives."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from mailarchive.model import ZoneKnowledge
from mailarchive.parse import dates


@pytest.mark.parametrize(
    "raw",
    [
        "Mon, 07 Jan 2019 14:48:50 +0530",
        "7 Jan 2019 14:48 -0800",
        "Tue, 1 Feb 2022 00:00:01 +0000 (UTC)",
        "Fri,  3 Mar 2023 10:11:12   +0100",
        "Mon, 07 jan 2019 14:48:50 -0130",
        "Mon, 07 Jan 2019 14:48:50 +0530 (sent 1/2/2019)",
        "Wed, 09 Apr 2014 08:00:00 +0200",
    ],
)
def test_common_form_same_as_stdlib(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    fast = dates.parse_date(raw)
    assert fast.sent_at is not None and fast.sent_at.tzinfo is not None
    monkeypatch.setattr(dates, "_common_date", lambda raw, text, plain=False: None)
    slow = dates.parse_date(raw)
    assert fast == slow
    assert fast.dates.timezone is ZoneKnowledge.KNOWN


def test_common_form_value() -> None:
    got = dates.parse_date("Mon, 07 Jan 2019 14:48:50 -0130")
    assert got.sent_at == datetime(2019, 1, 7, 14, 48, 50, tzinfo=timezone(-timedelta(minutes=90)))
    assert got.sent_at is not None and got.sent_at.astimezone(UTC).hour == 16


@pytest.mark.parametrize(
    "raw",
    ["Mon, 07 Jan 2019 14:48:50 -0000", "Mon, 07 Jan 1960 14:48:50 +0000", "7 Jan 2019 9:48 PM"],
)
def test_common_form_leaves_the_rest(raw: str) -> None:
    text = " ".join(raw.split())
    assert dates._common_date(raw, text) is None


@pytest.mark.parametrize(
    "raw",
    [
        "Thu, 31 Feb 2011 25:61:00 +0000",
        "Sat, 30 Feb 2019 10:00:00 +0100",
        "1 Jan 2019 24:30 +0000",
    ],
)
def test_impossible_date_skips_dateparser(raw: str, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(raw: str, languages: object) -> None:
        raise AssertionError("dateparser reached")

    monkeypatch.setattr(dates, "_dateparser", boom)
    got = dates.parse_date(raw)
    assert got.sent_at is None
    assert got.dates.parser is None
    assert [d.kind for d in got.defects] == ["bad-date"]


def test_impossible_date_same_as_dateparser() -> None:
    raw = "Thu, 31 Feb 2011 25:61:00 +0000"
    fast = dates.parse_date(raw)
    slow = dates.parse_date(raw, languages=["en"])  # the shortcut is off with languages
    assert fast.sent_at is None and slow.sent_at is None
    assert fast.defects == slow.defects
    assert fast.dates.parser == slow.dates.parser


def test_possible_date_still_reaches_fallback() -> None:
    got = dates.parse_date("08/01/2019 10:38")
    assert got.sent_at == datetime(2019, 1, 8, 10, 38)
    assert got.dates.parser == "dateparser"


def test_common_form_comment_is_still_read() -> None:
    got = dates.parse_date("Mon, 07 Jan 2019 14:48:50 +0530 (sent 1/2/2019)")
    assert got.dates.ambiguous is True
    assert got.sent_at is not None
    assert dates.parse_date("Mon, 07 Jan 2019 14:48:50 +0530").dates.ambiguous is False
