"""HTML bodies to text that keeps the quote structure, for the segmenter.

Input: an HTML body (decoded text). Output: plain text, one line per block
element or ``<br>``, where the content of every quote container is prefixed
with ``> `` per nesting level, and Outlook's header containers are preceded
by an Outlook rule line, so :func:`~.segmenter.segment_text` finds in the
text what the HTML marked up:

* ``blockquote`` (Gmail ``gmail_quote``, Apple/Thunderbird ``type="cite"``,
  any other client): its text is ``>``-quoted;
* ``div.gmail_quote``, ``div.moz-cite-prefix``, ``div.yahoo_quoted``: start
  on a line of their own (their attribution or banner line is then found by
  the text rules);
* ``div#divRplyFwdMsg`` (Outlook on the web) and ``div.OutlookMessageHeader``
  (Outlook desktop): an Outlook rule line is put above them, so their header
  block is found even with no blank line around it.

Built on beautifulsoup4 with the standard library parser; never raises (a
document bs4 cannot read comes back as tag-stripped text).
"""

from __future__ import annotations

import html as htmllib
import re
import warnings

from bs4 import BeautifulSoup
from bs4.element import NavigableString

_BLOCK = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "dd", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
        "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
        "table", "tbody", "thead", "tfoot", "tr", "ul",
    }
)  # fmt: skip
_DROP = ("script", "style", "head", "noscript", "template", "title")
_NL = "\ue000"  # private-use characters: a kept line break, quote open, quote close
_OPEN = "\ue001"
_CLOSE = "\ue002"
_RULE = "_" * 32  # Outlook's plain-text rule (see patterns.OUTLOOK_RULE)
_ANY_SPACE = re.compile(r"\s+")
_INLINE_SPACE = re.compile(r"[ \t\f\v\u00a0\u200b]+")
_TAG = re.compile(r"<[^>]{0,10000}>")

# Containers whose whole content is quoted history (client in the comment).
_QUOTE_CLASSES = frozenset({"gmail_quote"})  # Gmail puts the quote itself in blockquote.gmail_quote
# Containers that hold an Outlook header block.
_OUTLOOK_IDS = frozenset({"divRplyFwdMsg"})  # Outlook on the web / Outlook 2016+
_OUTLOOK_CLASSES = frozenset({"OutlookMessageHeader"})  # Outlook 2003-2013 desktop


def html_to_quoted_text(html: str) -> str:
    """Readable text of ``html`` with quote containers ``>``-quoted; never raises."""
    if not html:
        return ""
    try:
        return _render(html)
    except Exception:  # bs4 on hostile markup (recursion, odd encodings): strip tags instead
        return _tidy(htmllib.unescape(_TAG.sub("\n", html)))


def _classes(tag: object) -> set[str]:
    get = getattr(tag, "get", None)
    if get is None:
        return set()
    value = get("class")
    if isinstance(value, str):
        return set(value.split())
    return set(value or ())


def _render(html: str) -> str:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        soup = BeautifulSoup(html, "html.parser")
    for tag in soup.find_all(_DROP):
        tag.decompose()
    for pre in soup.find_all("pre"):
        for string in pre.find_all(string=True):
            string.replace_with(str(string).replace("\n", _NL))
    for tag in soup.find_all(True):
        name = tag.name
        if name == "blockquote":
            tag.insert_before(_NL + _OPEN + _NL)
            tag.insert_after(_NL + _CLOSE + _NL)
            continue
        if tag.get("id") in _OUTLOOK_IDS or _classes(tag) & _OUTLOOK_CLASSES:
            tag.insert_before(_NL + _NL + _RULE + _NL)
            tag.insert_after(_NL)
            continue
        if name in _BLOCK:
            if name != "br":
                tag.insert_before(_NL)
            tag.insert_after(_NL)
        elif name in ("td", "th"):
            tag.insert_after(" ")
    text = "".join(str(s) for s in soup.descendants if type(s) is NavigableString)
    text = _ANY_SPACE.sub(" ", text).replace(_NL, "\n")
    return _quote(text)


def _quote(text: str) -> str:
    """Apply the quote open/close marks as ``>`` prefixes, line by line."""
    depth = 0
    out: list[str] = []
    for raw in text.split("\n"):
        line = _INLINE_SPACE.sub(" ", raw).strip()
        while line and line[0] in (_OPEN, _CLOSE):
            depth = depth + 1 if line[0] == _OPEN else max(0, depth - 1)
            line = line[1:].strip()
        opens = line.count(_OPEN)
        closes = line.count(_CLOSE)
        line = line.replace(_OPEN, "").replace(_CLOSE, "").strip()
        if depth:
            out.append(">" * depth + (" " + line if line else ""))
        else:
            out.append(line)
        depth = max(0, depth + opens - closes)
    return _tidy("\n".join(out))


_BLANKS = re.compile(r"\n(?:[ \t]*\n){2,}")
_QUOTED_BLANKS = re.compile(r"^(>+)\n(?:\1\n)+", re.MULTILINE)


def _tidy(text: str) -> str:
    text = _BLANKS.sub("\n\n", text)
    text = _QUOTED_BLANKS.sub(r"\1\n", text)
    return text.strip()
