"""split_signature searches the text for delimiters: the same result as line by line.

``signature.split_signature`` finds delimiter lines with ``rfind`` from the
end of the text and cuts out only the lines it tests;
``signature._split_signature_lines`` splits the text into lines and reads
them one by one (with its tail shortcut turned off here, every line). Both
must give the same ``(authored, signature)`` on every text.
"""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from mailarchive.parse.segment import signature
from mailarchive.parse.segment import thresholds as th

_LINES = st.sampled_from(
    [
        *[""] * 10,
        " ",
        "\t",
        "\x1c",
        "\xa0",
        "-- ",
        "--",
        "-- \t",
        "--\r",
        "-",
        "---",
        "-- x",
        "__",
        "__ ",
        "________",
        "_" * 81,
        "_x",
        "Thanks,",
        "Best regards",
        "Cheers!",
        "Ana",
        "Roberto",
        "ksjp",
        "JD",
        "-Bob",
        "- Bob Smith",
        "Sent from my iPhone",
        "Von meinem iPhone gesendet",
        "Some text of the message.",
        "Is it?",
        "more text here",
        "> quoted",
        "Mailing list footer",
        "http://lists.example.org/listinfo",
        "text\r",
        "  indented -- text",
    ]
)


def _by_lines(text: str) -> tuple[str, str | None]:
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(signature, "_tail_lines", lambda body: None)
        return signature._split_signature_lines(text)


@given(st.lists(_LINES, max_size=50).map("\n".join), st.sampled_from(["", "\n", "\n\n ", " "]))
# A delimiter exactly at the edge of the lines searched, and one line above it.
@example("\n".join(["a", *["x"] * (th.MAX_SIGNATURE_LINES + 1), "-- ", "sig"]), "")
@example("\n".join(["a", "-- ", *["x"] * (th.MAX_SIGNATURE_LINES + 1)]), "")
@example("\n".join(["a", "-- ", *["x"] * th.MAX_SIGNATURE_LINES]), "")
@example("\n".join(["-- ", "sig"]), "")
@example("\n".join(["a", "Thanks,", *[""] * 14, "________", "list footer", "x"]), "")
@example("\n".join(["", "", "________", "list footer"]), "")
@settings(max_examples=3000, deadline=None)
def test_text_search_is_the_line_by_line_reading(text: str, end: str) -> None:
    text += end
    assert signature.split_signature(text) == _by_lines(text)
    assert signature._split_signature_lines(text) == _by_lines(text)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("hello\n-- \nBob", ("hello", "Bob")),
        ("hello\n-- \n", ("hello\n-- ", None)),
        ("hi\n\nThanks,\nAna\n__\nlist\nfooter", ("hi\n\nThanks,", "Ana\n__\nlist\nfooter")),
        ("hi\n\nok.\n\n__\nlist", ("hi\n\nok.", "__\nlist")),
        ("one line", ("one line", None)),
        ("text.\nSent from my iPhone", ("text.", "Sent from my iPhone")),
        ("Done.\nRoberto", ("Done.", "Roberto")),
        ("", ("", None)),
        ("  \n \n", ("", None)),
    ],
)
def test_known_signatures(text: str, expected: tuple[str, str | None]) -> None:
    assert signature.split_signature(text) == expected
    assert _by_lines(text) == expected


def _signoff_by_chars(line: str) -> bool:
    s = line.strip()
    if not s or len(s) > th.MAX_SIGNOFF_LENGTH or len(s.split()) > th.MAX_SIGNOFF_WORDS:
        return False
    if s[-1] in ".?!:;,)]}>" or not s[0].isalpha():
        return False
    return all(ch.isalpha() or ch in " .'’-" for ch in s)


@given(st.text(alphabet=st.sampled_from("aZé\u0301ß1 .'’-_,\t\xa0Жx"), max_size=30))
@settings(max_examples=2000, deadline=None)
def test_signoff_line_is_letters_and_name_marks(line: str) -> None:
    assert signature.is_signoff_line(line) == _signoff_by_chars(line)


@given(
    st.lists(st.sampled_from(["x" * 60, "y" * 150, ""]), min_size=10, max_size=40),
    st.lists(_LINES, max_size=25),
)
# A delimiter above the window: the last lines are long.
@example(["a"] * 10, ["-- ", *["y" * 150] * th.MAX_SIGNATURE_LINES])
@settings(max_examples=1500, deadline=None)
def test_long_texts_searched_in_a_window_as_line_by_line(top: list[str], tail: list[str]) -> None:
    """Texts longer than the window, with lines short and long (a window of fewer lines)."""
    text = "\n".join([*top, *tail])
    assert signature.split_signature(text) == _by_lines(text)
