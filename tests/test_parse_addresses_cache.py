"""parse.addresses remembers decoded names: the cache must not change a reading."""

from __future__ import annotations

import pytest

from mailarchive.parse import addresses


@pytest.mark.parametrize(
    "value",
    [
        "=?utf-8?b?RnJhbsOnb2lzIExlZsOodnJl?= <user811@example.org>",
        "=?utf-8?q?Zo=C3=AB_Kowalczyk?= <user510@example.org>",
        "=?utf-8?q?Zo=C3=AB_Kowalczyk?= <other@example.org>, =?bogus?q?x?= <a@b.org>",
        '"=?iso-8859-1?q?Andr=E9?=  " <andre@example.org>',
        "=?utf-8?b?broken <x@y.org>",
    ],
)
def test_decoded_names_read_the_same_from_the_cache(value: str) -> None:
    addresses._decoded_name.cache_clear()
    first = addresses.parse_addresses(value, header="From")
    again = addresses.parse_addresses(value, header="From")  # names from the cache
    assert again == first
    assert addresses._decoded_name.cache_info().hits >= 1 or "=?" not in value
    addresses._decoded_name.cache_clear()
    assert addresses.parse_addresses(value, header="From") == first


def test_decoded_name_is_the_uncached_reading() -> None:
    text = "=?utf-8?q?Zo=C3=AB_Kowalczyk?="
    assert (
        addresses._decoded_name(text)
        == addresses._decoded_name.__wrapped__(text)
        == "Zoë Kowalczyk"
    )
