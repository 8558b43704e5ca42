"""No over-splitting: text that looks a little like mail history but is not.

Each case must come out as one message whose authored text is the whole input
(a split needs a banner, an attribution, or several header fields together;
see ``mailarchive/parse/segment/thresholds.py``).
"""

from __future__ import annotations

import pytest

from mailarchive.parse.segment import segment_text

NOT_HISTORY = {
    # prose that starts a line with "From:"
    "prose-from": (
        "Timeline of the project\n\n"
        "From: the start, we wanted the robots to walk on sand.\n"
        "Later we added gravel and grass.\n"
    ),
    # prose with "From:" and "To:" on consecutive lines (a route, not a header)
    "itinerary": (
        "Our itinerary:\n\nFrom: Berlin Hauptbahnhof.\nTo: Paris Gare du Nord.\n\nSee you there!\n"
    ),
    # a shell prompt pasted into a mail
    "shell-prompt": (
        "Try this:\n\n> ls -la /var/log\n> cat /var/log/syslog | grep error\n\nThen tell me.\n"
    ),
    # a Python REPL session (">>>" prompts)
    "python-repl": (
        "It works for me:\n\n>>> import math\n>>> print(math.pi)\n3.141592653589793\n\nOdd.\n"
    ),
    # a single quoted line is not a quoted message (quotequail)
    "one-quoted-line": "hello world\n\nHey: This is very important\n\n> No quoted message.\n",
    # math with ">" inside lines, not at line starts
    "math": "We need x > 5 and y > 3.\nSo x + y > 8 holds.\n",
    # code quoting in a fenced block
    "fenced-code": (
        "Here is the config:\n\n```\n> From: this is a literal line\n> To: also literal\n"
        "From: a@example.com\nTo: b@example.com\nSubject: template\n```\n\nThanks.\n"
    ),
    # indented code with ">" inside
    "indented-code": (
        "Example:\n\n    if a > b:\n        > not a quote\n        > either\n\nDone.\n"
    ),
    # a pasted application log with From/To tokens on every line
    "app-log": (
        "The relay logged this:\n\n"
        "From: relay1 To: relay2 Subject: retry Date: 2021-03-01 02:00:01\n"
        "From: relay2 To: relay3 Subject: retry Date: 2021-03-01 02:00:02\n"
        "From: relay3 To: relay1 Subject: retry Date: 2021-03-01 02:00:03\n"
    ),
    # a postfix log
    "postfix-log": (
        "Mar  1 02:00:01 mx postfix/qmgr[123]: 4F2: from=<a@example.com>, size=1234, nrcpt=1\n"
        "Mar  1 02:00:02 mx postfix/smtp[124]: 4F2: to=<b@example.com>, relay=none, status=sent\n"
    ),
    # a line that starts with "On" and ends with a colon but has no "wrote"
    "on-prose": "On your remote host you can run:\n\n     telnet 127.0.0.1 52698\n\nThat's it.\n",
    # a table of key: value lines (only one mail label)
    "key-values": "Phone: 12345\nFax: 67890\nSkype: foobar\nTo: the whole team\n",
    # "On ... wrote:" in prose, with no date, above text that is not quoted
    "on-wrote-prose": (
        "Background\n\nOn the project wiki, Bob wrote:\nThe robots walk on sand.\n"
        "They need new legs.\n"
    ),
    # a dash rule in prose, with no header block after it
    "dash-rule": "Results\n----------------------------------------\nAll 42 tests passed.\n",
}


@pytest.mark.parametrize("name", list(NOT_HISTORY))
def test_no_split(name: str) -> None:
    text = NOT_HISTORY[name]
    node = segment_text(text)
    assert node.children == (), [s.fields for s in node.children]
    assert node.authored.replace("\n", "") in text.replace("\n", "")


def test_forwarded_build_report_is_split_once() -> None:
    """The forward is split; the build log inside it is not."""
    text = (
        "FYI, the nightly failed again.\n\n"
        "---------- Forwarded message ---------\n"
        "From: Jenkins <ci@example.com>\nDate: Mon, Mar 1, 2021 at 2:00 AM\n"
        "Subject: Build #123 failed\nTo: dev@example.com\n\n"
        "Build #123 failed\n"
        "From: origin/main\nTo: release/1.2\n"
        "> make test\n> FAILED test_walk (tests/test_gait.py)\n"
        "Date: 2021-03-01 02:00:00\n"
        "Subject: unit tests\n"
        "-- \n"
        "Jenkins\n"
    )
    node = segment_text(text)
    assert len(node.children) == 1
    fwd = node.children[0]
    assert fwd.node.children == ()
    assert "From: origin/main" in fwd.node.authored
    assert "> make test" in fwd.node.authored
    assert fwd.node.signature == "Jenkins"
