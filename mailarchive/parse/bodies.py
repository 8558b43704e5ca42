"""HTML bodies to text, keeping the line structure.

Input: an HTML document or fragment (decoded text). Output: its readable
text, one line per block element or ``<br>``, with scripts, styles and
comments dropped and runs of blank lines collapsed to one. Uses
beautifulsoup4 with the standard library's ``html.parser`` (no C parser
needed). It costs milliseconds per part, so the message parser calls it only
for HTML parts that have no plain-text alternative.
"""

from __future__ import annotations

import html as htmllib
import re
import warnings
from typing import Any

_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
        "table", "tbody", "thead", "tfoot", "tr", "ul",
    }
)  # fmt: skip
_PARAGRAPH = frozenset(
    {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol", "hr"}
)
_CELL = frozenset({"td", "th"})
_DROP = ("script", "style", "head", "noscript", "template")
_MARK = "\ue000"  # a private-use character: a line break to keep
_ANY_SPACE = re.compile(r"\s+")
_INLINE_SPACE = re.compile(r"[ \t\f\v\u00a0\u200b]+")


def html_to_text(html: str) -> str:
    """Readable text of ``html``; never raises (falls back to tag stripping)."""
    if not html:
        return ""
    try:
        return _with_bs4(html)
    except Exception:
        return _strip_tags(html)


def _with_bs4(html: str) -> str:
    from bs4 import BeautifulSoup  # noqa: PLC0415 - slow import, needed for HTML-only mail
    from bs4.element import NavigableString, Tag  # noqa: PLC0415

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(_DROP):
        tag.decompose()
    # One walk in document order with an explicit stack (hostile nesting must
    # not recurse); a block's closing line break is written when it is left.
    out: list[str] = []
    in_pre = 0
    stack: list[tuple[Any, bool]] = [(soup, False)]
    while stack:
        node, leaving = stack.pop()
        if leaving:
            name = node.name
            if name in _BLOCK:
                out.append(_MARK * 2 if name in _PARAGRAPH else _MARK)
            elif name in _CELL:
                out.append(" ")
            if name == "pre":
                in_pre -= 1
            continue
        if type(node) is NavigableString:  # not comments, doctypes, CDATA
            text = str(node)
            out.append(text.replace("\n", _MARK) if in_pre else text)
        elif isinstance(node, Tag):
            name = node.name
            if name in _BLOCK and name != "br":
                out.append(_MARK * 2 if name in _PARAGRAPH else _MARK)
            if name == "pre":
                in_pre += 1
            stack.append((node, True))
            stack.extend((child, False) for child in reversed(node.contents))
    text = _ANY_SPACE.sub(" ", "".join(out)).replace(_MARK, "\n")
    return _tidy(text)


def _tidy(text: str) -> str:
    """Strip each line; keep at most one empty line in a row."""
    out: list[str] = []
    for raw_line in text.split("\n"):
        line = _INLINE_SPACE.sub(" ", raw_line).strip()
        if line or (out and out[-1]):
            out.append(line)
    return "\n".join(out).strip()


_TAG = re.compile(r"<[^<>]{0,10000}>")  # stops at the next "<": linear


def _strip_tags(html: str) -> str:
    text = _TAG.sub("\n", html)
    return _tidy(htmllib.unescape(text))
