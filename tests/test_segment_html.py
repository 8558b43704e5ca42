"""HTML quote containers: gmail_quote, blockquote type=cite, divRplyFwdMsg,
OutlookMessageHeader, yahoo_quoted, moz-cite-prefix (through beautifulsoup4).

The quotequail HTML cases (../shared, MIT) are checked in place: header
fields as written and the visible text; our own small examples cover the
containers quotequail has no case for.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from mailarchive.model import DerivationKind
from mailarchive.parse.segment import segment_text
from mailarchive.parse.segment.html import html_to_quoted_text
from mailarchive.parse.segment.patterns import Field
from tests.conftest import SHARED, shared_path

QQ = SHARED / "corpora" / "quotequail"
_KEYS = {Field.FROM: "from", Field.TO: "to", Field.DATE: "date", Field.SUBJECT: "subject"}


def _rows(*tests: str) -> list[dict[str, Any]]:
    path = QQ / "expected" / "cases.jsonl"
    if not path.exists():
        return [{"absent": True, "test": "absent", "case": 0}]
    rows = [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
    return [r for r in rows if r["test"] in tests]


def _id(row: dict[str, Any]) -> str:
    return f"{row['test']}-{row.get('file') or row['case']}"


def _norm(text: str) -> str:
    return " ".join(text.split())


def _html(row: dict[str, Any]) -> str:
    if row.get("absent"):
        shared_path("corpora", "quotequail", "expected", "cases.jsonl")
    if "file" in row:
        return (QQ / "tests" / "files" / row["file"]).read_text(encoding="utf-8")
    html: str = row["html"]
    return html


@pytest.mark.parametrize("row", _rows("test_quote_html"), ids=_id)
def test_quotequail_quote_html(row: dict[str, Any]) -> None:
    html = _html(row)
    node = segment_text(html_to_quoted_text(html))
    assert len(node.children) == 1
    (_, visible_html), (_, _hidden) = row["expected_quote_intro_line"]
    visible = html_to_quoted_text(visible_html)
    assert _norm(node.authored + " " + (node.signature or "")) == _norm(visible)


@pytest.mark.parametrize("row", _rows("test_unwrap_html_simple", "test_unwrap_html_file"), ids=_id)
def test_quotequail_unwrap_html(row: dict[str, Any]) -> None:
    html = _html(row)
    expected = row["expected"]
    node = segment_text(html_to_quoted_text(html))
    if expected is None:
        assert node.children == ()
        return
    seg = node.children[0]
    fields = {_KEYS[f]: v for f, v in seg.fields if f in _KEYS}
    for key in ("from", "to", "date", "subject"):
        assert fields.get(key) == expected.get(key), key
    want = DerivationKind.FORWARD if expected["type"] == "forward" else DerivationKind.REPLY_QUOTE
    assert seg.kind is want
    if "html_top" in expected:
        assert _norm(node.authored) == _norm(html_to_quoted_text(expected["html_top"]))


def _one(html: str) -> tuple[str, Any]:
    node = segment_text(html_to_quoted_text(html))
    assert len(node.children) == 1, html_to_quoted_text(html)
    return node.authored, node.children[0]


def test_outlook_web_divrplyfwdmsg() -> None:
    # Outlook on the web: <hr> then the header block in div#divRplyFwdMsg, body as siblings
    html = (
        '<div dir="ltr">Sounds good.</div><hr style="display:inline-block;width:98%">'
        '<div id="divRplyFwdMsg" dir="ltr"><font face="Calibri"><b>From:</b> Jane Roe '
        "&lt;jane@example.com&gt;<br><b>Sent:</b> Friday, February 16, 2018 9:34 AM<br>"
        "<b>To:</b> John Doe<br><b>Subject:</b> Budget</font><div>&nbsp;</div></div>"
        "<div>Numbers attached.</div>"
    )
    authored, seg = _one(html)
    assert authored == "Sounds good."
    assert seg.style == "outlook"
    assert {f.value: v for f, v in seg.fields}["from"] == "Jane Roe <jane@example.com>"
    assert seg.node.authored == "Numbers attached."


def test_outlook_desktop_outlookmessageheader() -> None:
    # Outlook 2003-2013: div.OutlookMessageHeader, no blank line after the block
    html = (
        "<p>See below.</p><div class=OutlookMessageHeader><font>-----Original Message-----"
        "<br><b>From:</b> Jane Roe [mailto:jane@example.com]<br><b>Sent:</b> Friday, "
        "February 16, 2018 9:34 AM<br><b>To:</b> John Doe<br><b>Subject:</b> Budget</font></div>"
        "<p>Numbers attached.</p>"
    )
    authored, seg = _one(html)
    assert authored == "See below."
    assert seg.node.authored == "Numbers attached."
    assert ("subject", "Budget") in [(f.value, v) for f, v in seg.fields]


def test_yahoo_quoted() -> None:
    # Yahoo Mail: div.yahoo_quoted holds the attribution and the quoted message
    html = (
        '<div>Thanks!</div><div class="yahoo_quoted"><div>On Friday, February 16, 2018, '
        "9:34:00 AM GMT, Jane Roe &lt;jane@yahoo.com&gt; wrote:</div><div><br></div>"
        "<div><div>Numbers attached.</div></div></div>"
    )
    authored, seg = _one(html)
    assert authored == "Thanks!"
    assert seg.kind is DerivationKind.REPLY_QUOTE
    assert seg.node.authored == "Numbers attached."


def test_thunderbird_moz_cite_prefix() -> None:
    # Thunderbird: div.moz-cite-prefix then blockquote type=cite
    html = (
        '<p>Agreed.</p><div class="moz-cite-prefix">On 16/02/2018 09:34, Jane Roe wrote:<br>'
        '</div><blockquote type="cite"><p>Numbers attached.</p><p>Jane</p></blockquote>'
    )
    authored, seg = _one(html)
    assert authored == "Agreed."
    assert seg.style == "on-wrote"
    assert seg.node.text == "Numbers attached.\n>\nJane".replace("\n>\n", "\n\n")


def test_nested_blockquotes_give_nested_messages() -> None:
    html = (
        '<div>Top.</div><div class="gmail_quote">On Fri, Feb 16, 2018 at 10:00 AM, John '
        '&lt;john@example.com&gt; wrote:<blockquote class="gmail_quote"><div>Middle.</div>'
        '<div class="gmail_quote">On Fri, Feb 16, 2018 at 9:34 AM, Jane &lt;jane@example.com&gt; '
        'wrote:<blockquote class="gmail_quote"><div>Bottom one.</div><div>Bottom two.</div>'
        "</blockquote></div></blockquote></div>"
    )
    node = segment_text(html_to_quoted_text(html))
    assert node.authored == "Top."
    (middle,) = node.children
    assert middle.node.authored == "Middle."
    (bottom,) = middle.node.children
    assert bottom.node.authored == "Bottom one.\n\nBottom two."
    assert {f.value: v for f, v in bottom.fields}["from"] == "Jane <jane@example.com>"


def test_broken_html_never_raises() -> None:
    for html in ("<blockquote>" * 3000 + "x", "<div", "</blockquote></blockquote>x", "\x00<p>"):
        segment_text(html_to_quoted_text(html))
