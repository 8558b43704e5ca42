"""email_reply_parser corpora (github/email_reply_parser and zapier/email-reply-parser, MIT).

The authored text mailarchive finds must equal the *visible reply* of each
fixture: what email_reply_parser shows (fragments that are neither quoted
nor hidden: no quoted history, no signature). The expected texts below were
written from email_reply_parser's own assertions in its test suites (fragment
flags and ``reply``/``parse_reply`` equalities); they are compared with
whitespace runs collapsed, since fragment joining does not keep blank lines.
Reads ../shared in place; skips when it is absent.
"""

from __future__ import annotations

import pytest

from mailarchive.parse.segment import segment_text
from tests.conftest import shared_path

ZAPIER = "email-reply-parser-zapier"
GITHUB = "email_reply_parser-github"

RIAK_QUESTION = (
    "Hi folks\n\nWhat is the best way to clear a Riak bucket of all key, values after\n"
    "running a test?\nI am currently using the Java HTTP API."
)
RIAK_ANSWER_START = "Hi,\n\nYou can list the keys for the bucket and call delete for each."
RIAK_ANSWER_END = 'the keys in a bucket, you’ll need to delete them all individually."'
TEXTMATE = (
    "On your remote host you can run:\n\n     telnet 127.0.0.1 52698\n\n"
    "This should connect to TextMate (on your Mac, via the tunnel). If that\n"
    "fails, the tunnel is not working."
)

# file -> (expected visible reply, expected signature or None); "..." joins a
# start and an end when the middle is long.
VISIBLE: dict[str, tuple[str, str | None]] = {
    # signature after "-- " is hidden
    "correct_sig.txt": ("this is an email with a correct -- signature.", "rick"),
    # "-Name" sign-off and the Mailman footer are signature fragments
    "email_1_1.txt": (RIAK_QUESTION, "-Abhishek Kona"),
    # reply between quotes; the trailing quote is hidden, the footer is the signature
    "email_1_2.txt": (
        RIAK_ANSWER_START + " ... " + RIAK_ANSWER_END,
        "_______________________________________________\nriak-users mailing list",
    ),
    # top post above a quoted history
    "email_1_3.txt": ("Oh thanks.\n\nHaving the function would be great.", "-Abhishek Kona"),
    # "On ... wrote:" with the address glued to the name
    "email_1_4.txt": ("Awesome! I haven't had another problem with it.", None),
    # one fragment: nothing to split
    "email_1_5.txt": (
        "One: Here's what I've got. ... This is a paragraph that talks about a bunch of stuff. "
        "It goes on and on\nfor a while.",
        None,
    ),
    # attribution wrapped over three lines; "Sent from a ..." is not a mobile signature
    "email_1_6.txt": (
        "I get proper rendering as well.\n\nSent from a magnificent torch of pixels",
        None,
    ),
    # "<addr>wrote:" with no space, Windows line ends
    "email_1_7.txt": (":+1:", None),
    # inline replies between quote blocks
    "email_1_8.txt": (
        "I will reply under this one\n\nand under this.",
        "Hey there, this is my signature",
    ),
    # Outlook bold header block under a dash rule
    "email_2_1.txt": ("Outlook with a reply", None),
    # Outlook header block right under an underscore rule
    "email_2_2.txt": ("Outlook with a reply directly above line", None),
    # BlackBerry mobile signature
    "email_BlackBerry.txt": ("Here is another email", "Sent from my BlackBerry"),
    # "-- " then a bold name
    "email_bullets.txt": (
        "test 2 this should list second\n\nand have spaces\n\nand retain this formatting\n\n\n"
        "   - how about bullets\n   - and another",
        "*Joe Smith | Director, Product Management*",
    ),
    # Gmail (Inbox) attribution with no ">" below it
    "email_gmail.txt": ("This is a test for inbox replying to a github message.", None),
    # Outlook header block with no rule above it
    "email_headers_no_delimiter.txt": ("And another reply!", None),
    # iPhone mobile signature
    "email_iPhone.txt": ("Here is another email", "Sent from my iPhone"),
    "email_multi_word_sent_from_my_mobile_device.txt": (
        "Here is another email",
        "Sent from my Verizon Wireless BlackBerry",
    ),
    # "On Oct 1, 2012, at 11:55 PM, Dave Tapley wrote:" is history, not text
    "email_one_is_not_on.txt": (
        "Thank, this is really helpful.\n\nOne outstanding question I had:\n\n"
        "Locally (on development), when I run...",
        None,
    ),
    # a line starting with "On" that is no attribution stays
    "email_partial_quote_header.txt": (TEXTMATE, None),
    "greedy_on.txt": (TEXTMATE, None),
    # "Sent from my desk, ..." is a sentence, not a mobile signature
    "email_sent_from_my_not_signature.txt": (
        "Here is another email\n\nSent from my desk, is much easier then my mobile phone.",
        None,
    ),
    # "--" in the middle of a line is no delimiter
    "email_sig_delimiter_in_middle_of_line.txt": (
        "Hi there!\n\nStuff happened.\n\nAnd here is a fix -- this is not a signature.\n\nkthxbai",
        None,
    ),
    # a long quoted reply
    "pathological.txt": (
        "I think you're onto something. I will try to fix the problem as soon as I\n"
        "get back to a computer.",
        None,
    ),
}
ZAPIER_ONLY = {
    # Outlook bold header block without a rule
    "email_2_3.txt": ("Outlook with a reply above headers using unusual format", None),
}
GITHUB_ONLY = {
    # Outlook header block followed by a ">" quoted body
    "email_2_3.txt": ("Outlook with a reply directly above line", None),
    # a 700 kB line of ">" marks (no text) between text lines
    "email_long_quote.txt": (
        RIAK_QUESTION.replace("I am currently", "asdf\nA" + ">" * 707605 + "\nI am currently"),
        "-Abhishek Kona",
    ),
}


def _rows() -> list[tuple[str, str, str, str | None]]:
    rows = []
    for corpus, extra in ((ZAPIER, ZAPIER_ONLY), (GITHUB, GITHUB_ONLY)):
        table = {**VISIBLE, **extra}
        if corpus == GITHUB:
            table.pop("email_gmail.txt")
            table.pop("email_headers_no_delimiter.txt")
            table.pop("email_partial_quote_header.txt")
        for name, (visible, sig) in sorted(table.items()):
            rows.append((corpus, name, visible, sig))
    return rows


def _norm(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize(("corpus", "name", "visible", "signature"), _rows())
def test_visible_reply(corpus: str, name: str, visible: str, signature: str | None) -> None:
    path = shared_path("corpora", corpus, "test", "emails", name)
    text = path.read_text(encoding="utf-8")
    node = segment_text(text)
    got = _norm(node.authored)
    if " ... " in visible:
        start, end = visible.split(" ... ")
        assert got.startswith(_norm(start)), got[:200]
        assert got.endswith(_norm(end)), got[-200:]
    else:
        assert got == _norm(visible)
    if signature is None:
        assert node.signature is None
    else:
        assert node.signature is not None
        assert _norm(node.signature).startswith(_norm(signature))


def test_every_fixture_has_an_expectation() -> None:
    for corpus, extra in ((ZAPIER, ZAPIER_ONLY), (GITHUB, GITHUB_ONLY)):
        folder = shared_path("corpora", corpus, "test", "emails")
        names = {p.name for p in folder.glob("*.txt")}
        assert names <= set(VISIBLE) | set(extra), names - set(VISIBLE) - set(extra)
