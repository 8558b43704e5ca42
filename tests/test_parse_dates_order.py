"""Day/month order of ambiguous numeric dates: guessed from the writing, always flagged."""

from __future__ import annotations

from datetime import datetime

import pytest

from mailarchive.parse.dates import parse_date


@pytest.mark.parametrize(
    ("raw", "languages", "expected", "ambiguous"),
    [
        # Outlook en-US "Sent:" line: slash and a 12-hour clock -> month first
        ("3/4/2024 9:02 AM", None, datetime(2024, 3, 4, 9, 2), True),
        # slash in an English header block -> month first
        ("04/03/2024 09:02", ("en",), datetime(2024, 4, 3, 9, 2), True),
        # slash, no language, 24-hour clock -> day first (most of the world)
        ("04/03/2024 09:02", None, datetime(2024, 3, 4, 9, 2), True),
        # German client: dots are day first whatever the labels
        ("4.3.2024 09:02", ("en",), datetime(2024, 3, 4, 9, 2), True),
        ("05/04/2001 10:00", ("de",), datetime(2001, 4, 5, 10, 0), True),
        # the numbers decide when one of them is over 12: not ambiguous
        ("13/04/2001 10:00", ("en",), datetime(2001, 4, 13, 10, 0), False),
        ("4/13/2001 10:00 PM", None, datetime(2001, 4, 13, 22, 0), False),
    ],
)
def test_numeric_day_month_order(
    raw: str, languages: tuple[str, ...] | None, expected: datetime, ambiguous: bool
) -> None:
    reading = parse_date(raw, languages=languages)
    assert reading.sent_at == expected
    assert reading.dates.ambiguous is ambiguous
    assert reading.dates.sent_at_raw == raw
