"""``short_date`` builds the text itself: it must equal the strftime it replaces."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone, tzinfo

from hypothesis import given
from hypothesis import strategies as st

from mailarchive.export._common import short_date


def _by_strftime(when: datetime) -> str:
    text = when.strftime("%Y-%m-%d %H:%M")
    if when.tzinfo is not None:
        text += when.strftime(" %z")
    return text


_ZONES = st.one_of(
    st.none(),
    st.timedeltas(
        min_value=timedelta(hours=-23, minutes=-59), max_value=timedelta(hours=23, minutes=59)
    ).map(timezone),
    st.integers(min_value=-1439, max_value=1439).map(lambda m: timezone(timedelta(minutes=m))),
)


@given(st.datetimes(timezones=_ZONES))
def test_short_date_equals_strftime(when: datetime) -> None:
    assert short_date(when) == _by_strftime(when)


def test_short_date_examples() -> None:
    assert short_date(None) == ""
    assert short_date(datetime(2018, 2, 16, 9, 34)) == "2018-02-16 09:34"
    east = timezone(timedelta(hours=1))
    assert short_date(datetime(2018, 2, 16, 9, 34, tzinfo=east)) == "2018-02-16 09:34 +0100"
    west = timezone(timedelta(hours=-3, minutes=-30))
    assert short_date(datetime(2018, 2, 16, 9, 34, tzinfo=west)) == "2018-02-16 09:34 -0330"


def test_short_date_odd_years_and_zones() -> None:
    # isoformat pads years before 1000 and writes a zone's seconds: strftime decides.
    for when in (
        datetime(999, 3, 4, 5, 6),
        datetime(12, 3, 4, 5, 6, tzinfo=timezone(timedelta(hours=2))),
        datetime(2018, 2, 16, 9, 34, tzinfo=timezone(timedelta(hours=1, seconds=30))),
        datetime(2018, 2, 16, 9, 34, tzinfo=timezone(timedelta(hours=-1, microseconds=5))),
        datetime(9999, 12, 31, 23, 59, tzinfo=timezone(timedelta(hours=-23, minutes=-59))),
    ):
        assert short_date(when) == _by_strftime(when)


def test_short_date_zone_without_offset() -> None:
    class Unknown(tzinfo):
        def utcoffset(self, dt: datetime | None) -> None:
            return None

        def dst(self, dt: datetime | None) -> None:
            return None

        def tzname(self, dt: datetime | None) -> None:
            return None

    when = datetime(2018, 2, 16, 9, 34, tzinfo=Unknown())
    assert short_date(when) == _by_strftime(when) == "2018-02-16 09:34 "
