"""A static, self-contained HTML archive that opens from the file system.

Input: a Document. Output, under ``out_dir``:

- ``index.html``: a table of threads (subject, messages, participants, first
  and last date), sortable by any column with a few lines of inline JS;
- ``t/<threadId>.html``: one page per thread, its messages as a nested tree,
  each an ``<article id="<emailId>">`` (linkable anchor) with sender,
  recipients, date, the authored text, the signature, attachments listed,
  defects, and the quoted or forwarded history folded in a ``<details>``
  element (folding works without JS; JS adds expand-all / collapse-all);
- ``t/unthreaded.html`` when some emails belong to no thread.

No external resources: CSS and JS are inline and a Content-Security-Policy
forbids loading anything, so the archive works offline and leaks nothing.
All text is escaped with :func:`html.escape`. Output is deterministic (no
generation time, ids as file names).
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from datetime import UTC
from pathlib import Path

from mailarchive.export._common import (
    display_name,
    format_addresses,
    history_lines,
    history_text,
    is_phantom,
    rfc3339,
    short_date,
)
from mailarchive.ids import stable_id
from mailarchive.model import Document, Email, Relation, Thread, ThreadNode

CSP = (
    "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; "
    "img-src data:; base-uri 'none'; form-action 'none'"
)

CSS = """
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;margin:0 auto;max-width:60rem;
padding:1rem;color:#1b1b1b;background:#fff}
a{color:#0645ad}
h1{font-size:1.4rem;margin:.2rem 0 .4rem}
.facts{color:#555;margin:.2rem 0 1rem}
table{border-collapse:collapse;width:100%}
th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #ddd;vertical-align:top}
th button{font:inherit;font-weight:600;background:none;border:0;padding:0;cursor:pointer}
th[aria-sort=ascending] button::after{content:" ▲"}
th[aria-sort=descending] button::after{content:" ▼"}
td.num{text-align:right}
td time{white-space:nowrap}
ol.tree,ol.tree ol{list-style:none;margin:0;padding:0}
ol.tree ol{margin-left:1.2rem;border-left:2px solid #e3e3e3;padding-left:.8rem}
article{border:1px solid #ddd;border-radius:6px;padding:.5rem .8rem;margin:.5rem 0;
background:#fafafa}
article:target{outline:2px solid #0645ad}
article.phantom{background:#fff;border-style:dashed;color:#666}
article header{display:flex;flex-wrap:wrap;gap:.2rem .6rem;align-items:baseline}
.relation{font-size:.8rem;color:#555;border:1px solid #ccc;border-radius:3px;padding:0 .3rem}
.from{font-weight:600}
time{color:#555}
a.anchor{margin-left:auto;color:#999;text-decoration:none}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:0 .6rem;margin:.3rem 0;
font-size:.9rem;color:#333}
dl.meta dt{color:#666}dl.meta dd{margin:0}
pre{white-space:pre-wrap;overflow-wrap:anywhere;font:14px/1.4 ui-monospace,Menlo,Consolas,monospace;
margin:.4rem 0}
pre.signature{color:#666}
details.history{margin:.3rem 0;color:#444}
details.history summary{cursor:pointer;color:#555;font-size:.9rem}
details.history pre{border-left:3px solid #ccc;padding-left:.6rem}
ul.attachments{margin:.3rem 0;padding-left:1.2rem;font-size:.9rem}
p.defects{font-size:.8rem;color:#8a4b00;margin:.3rem 0}
.tools button{font:inherit;font-size:.85rem;margin-right:.4rem}
"""

SORT_JS = """
document.querySelectorAll("th button[data-col]").forEach(function (b) {
  b.addEventListener("click", function () {
    var th = b.parentNode, table = th.closest("table"), body = table.tBodies[0];
    var col = +b.dataset.col, num = b.dataset.type === "num";
    var asc = th.getAttribute("aria-sort") !== "ascending";
    table.querySelectorAll("th").forEach(function (h) { h.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", asc ? "ascending" : "descending");
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (x, y) {
      var a = x.cells[col].dataset.value, c = y.cells[col].dataset.value;
      if (num) { a = a === "" ? -Infinity : +a; c = c === "" ? -Infinity : +c; }
      var r = a < c ? -1 : a > c ? 1 : 0;
      return asc ? r : -r;
    });
    rows.forEach(function (r) { body.appendChild(r); });
  });
});
"""

FOLD_JS = """
document.querySelectorAll(".tools button[data-open]").forEach(function (b) {
  b.addEventListener("click", function () {
    var open = b.dataset.open === "1";
    document.querySelectorAll("details.history").forEach(function (d) { d.open = open; });
  });
});
"""

RELATION_LABEL: dict[Relation, str] = {
    Relation.ROOT: "",
    Relation.REPLY: "↳ reply",
    Relation.FORWARD: "⇒ forward",
    Relation.QUOTED: "❝ quoted",
    Relation.DUPLICATE: "≡ duplicate",
}

_SAFE_NAME = re.compile(r"[A-Za-z0-9_-]{1,100}")


def esc(text: object) -> str:
    """HTML-escape anything (quotes too, so it is safe in attributes)."""
    return html.escape(str(text), quote=True)


def page_name(thread_id: str) -> str:
    """File name of a thread's page: its id when that is a safe name, else a hash of it."""
    return thread_id if _SAFE_NAME.fullmatch(thread_id) else stable_id("t", thread_id)


def _page(title: str, body: str, script: str) -> str:
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(CSP)}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        '<meta name="generator" content="mailarchive">\n'
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"{body}\n<script>{script}</script>\n</body>\n</html>\n"
    )


def _when_cell(thread: Thread, first: bool) -> str:
    when = thread.first_sent_at if first else thread.last_sent_at
    if when is None:
        return '<td data-value=""></td>'
    # Sort on the instant (naive times read as UTC), show the local wall time.
    stamp = (when if when.tzinfo is not None else when.replace(tzinfo=UTC)).timestamp()
    time = f'<time datetime="{esc(rfc3339(when))}">{esc(short_date(when))}</time>'
    return f'<td data-value="{stamp:.0f}">{time}</td>'


def index_html(doc: Document, *, unthreaded: int = 0) -> str:
    """The index page: one sortable row per thread."""
    rows = []
    for t in doc.threads:
        subject = t.subject or "(no subject)"
        rows.append(
            '<tr class="thread">'
            f'<td data-value="{esc(subject.casefold())}"><a href="t/{esc(page_name(t.id))}.html">'
            f"{esc(subject)}</a></td>"
            f'<td class="num" data-value="{t.message_count}">{t.message_count}</td>'
            f'<td class="num" data-value="{len(t.participants)}">{len(t.participants)}</td>'
            f"{_when_cell(t, True)}{_when_cell(t, False)}</tr>"
        )
    n = len(doc.threads)
    messages = sum(1 for e in doc.emails.values() if not is_phantom(e))
    heads = [
        ("Subject", "text"),
        ("Messages", "num"),
        ("Participants", "num"),
        ("First", "num"),
        ("Last", "num"),
    ]
    th = "".join(
        f'<th scope="col"><button type="button" data-col="{i}" data-type="{kind}">'
        f"{name}</button></th>"
        for i, (name, kind) in enumerate(heads)
    )
    extra = (
        f'<p><a href="t/unthreaded.html">{unthreaded} message{"s" if unthreaded != 1 else ""} '
        "in no thread</a></p>"
        if unthreaded
        else ""
    )
    body = (
        "<h1>Mail archive</h1>\n"
        f'<p class="facts" id="summary">{n} thread{"s" if n != 1 else ""}, '
        f"{messages} message{'s' if messages != 1 else ''}</p>\n"
        f'<table id="threads">\n<thead><tr>{th}</tr></thead>\n<tbody>\n'
        + "\n".join(rows)
        + f"\n</tbody>\n</table>\n{extra}"
    )
    return _page("Mail archive", body, SORT_JS)


def _addresses_dd(label: str, value: str) -> str:
    return f"<dt>{esc(label)}</dt><dd>{esc(value)}</dd>" if value else ""


def message_html(email: Email | None, email_id: str, relation: Relation) -> str:
    """One message as an ``<article>`` with an anchor named by its id."""
    label = RELATION_LABEL.get(relation, relation.value)
    rel = f'<span class="relation">{esc(label)}</span>' if label else ""
    anchor = f'<a class="anchor" href="#{esc(email_id)}" title="link to this message">#</a>'
    if email is None or is_phantom(email):
        what = (email.subject if email is not None else None) or "(unknown)"
        return (
            f'<article class="message phantom" id="{esc(email_id)}">'
            f'<header>{rel}<span class="missing">missing message</span>'
            f"<span>{esc(what)}</span>{anchor}</header></article>"
        )
    sender = format_addresses(email.from_) or display_name(email.sender) or "(unknown sender)"
    when = email.sent_at or email.received_at
    time = (
        f'<time datetime="{esc(rfc3339(when))}">{esc(short_date(when))}</time>'
        if when is not None
        else "<time>(no date)</time>"
    )
    parts = [
        f'<article class="message" id="{esc(email.id)}">',
        f'<header>{rel}<span class="from">{esc(sender)}</span>{time}{anchor}</header>',
    ]
    meta = "".join(
        (
            _addresses_dd("To", format_addresses(email.to)),
            _addresses_dd("Cc", format_addresses(email.cc)),
            _addresses_dd("Subject", email.subject or ""),
        )
    )
    if meta:
        parts.append(f'<dl class="meta">{meta}</dl>')
    authored = email.content.authored.strip("\n")
    segmented = bool(email.content.authored or email.content.embedded)
    if not segmented:
        authored = email.text.strip("\n")
    parts.append(f'<pre class="authored">{esc(authored)}</pre>' if authored else "")
    if email.content.signature:
        sig = "-- \n" + email.content.signature.strip("\n")
        parts.append(f'<pre class="signature">{esc(sig)}</pre>')
    if segmented and (n := history_lines(email)):
        parts.append(
            '<details class="history">'
            f"<summary>Quoted history ({n} line{'s' if n != 1 else ''})</summary>"
            f"<pre>{esc(history_text(email))}</pre></details>"
        )
    if email.attachments:
        items = "".join(
            f"<li>{esc(a.name or '(unnamed)')} <small>({esc(a.type)}, {a.size} bytes)</small></li>"
            for a in email.attachments
        )
        parts.append(f'<ul class="attachments" aria-label="attachments">{items}</ul>')
    if email.defects:
        kinds = ", ".join(sorted({d.kind for d in email.defects}))
        parts.append(f'<p class="defects">defects: {esc(kinds)}</p>')
    parts.append("</article>")
    return "".join(p for p in parts if p)


def _tree_html(doc: Document, nodes: Sequence[ThreadNode], seen: set[str]) -> str:
    items = []
    for node in nodes:
        if node.email_id in seen:
            continue
        seen.add(node.email_id)
        inner = message_html(doc.emails.get(node.email_id), node.email_id, node.relation)
        kids = _tree_html(doc, node.children, seen)
        items.append(f"<li>{inner}{kids}</li>")
    return f"<ol>{''.join(items)}</ol>" if items else ""


def thread_html(doc: Document, thread: Thread) -> str:
    """A thread's page: heading, facts, and the message tree."""
    seen: set[str] = set()
    tree = _tree_html(doc, thread.tree, seen)
    # Members the tree does not reach are still shown, as roots.
    rest = "".join(
        f"<li>{message_html(doc.emails.get(eid), eid, Relation.ROOT)}</li>"
        for eid in thread.email_ids
        if eid not in seen
    )
    if tree.startswith("<ol>"):
        tree = tree[len("<ol>") : -len("</ol>")]
    tree = f'<ol class="tree">{tree}{rest}</ol>'
    subject = thread.subject or "(no subject)"
    first, last = short_date(thread.first_sent_at), short_date(thread.last_sent_at)
    when = first if first == last else f"{first} – {last}"
    people = ", ".join(display_name((p,)) for p in thread.participants)
    n = thread.message_count
    count = f"{n} message{'s' if n != 1 else ''}"
    facts = " · ".join(x for x in (count, when, people and f"participants: {people}") if x)
    body = (
        '<nav><a href="../index.html">← All threads</a></nav>\n'
        f'<h1 id="subject">{esc(subject)}</h1>\n<p class="facts">{esc(facts)}</p>\n'
        '<p class="tools"><button type="button" data-open="1">Expand all history</button>'
        '<button type="button" data-open="0">Collapse all history</button></p>\n'
        f"{tree}"
    )
    return _page(subject, body, FOLD_JS)


def _unthreaded_html(emails: Sequence[Email]) -> str:
    items = "".join(f"<li>{message_html(e, e.id, Relation.ROOT)}</li>" for e in emails)
    body = (
        '<nav><a href="../index.html">← All threads</a></nav>\n'
        '<h1 id="subject">Messages in no thread</h1>\n'
        '<p class="tools"><button type="button" data-open="1">Expand all history</button>'
        '<button type="button" data-open="0">Collapse all history</button></p>\n'
        f'<ol class="tree">{items}</ol>'
    )
    return _page("Messages in no thread", body, FOLD_JS)


def write_html(doc: Document, out_dir: Path) -> int:
    """Write ``index.html`` and ``t/*.html`` under ``out_dir``; returns pages written."""
    out_dir = Path(out_dir)
    pages = out_dir / "t"
    pages.mkdir(parents=True, exist_ok=True)
    in_threads: set[str] = set()
    for t in doc.threads:
        in_threads.update(t.email_ids)
        _collect(t.tree, in_threads)
    unthreaded = [e for eid, e in doc.emails.items() if eid not in in_threads]
    n = 0
    for t in doc.threads:
        (pages / f"{page_name(t.id)}.html").write_text(
            thread_html(doc, t), encoding="utf-8", newline="\n"
        )
        n += 1
    if unthreaded:
        (pages / "unthreaded.html").write_text(
            _unthreaded_html(unthreaded), encoding="utf-8", newline="\n"
        )
        n += 1
    (out_dir / "index.html").write_text(
        index_html(doc, unthreaded=len(unthreaded)), encoding="utf-8", newline="\n"
    )
    return n + 1


def _collect(nodes: Sequence[ThreadNode], into: set[str]) -> None:
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if node.email_id not in into:
            into.add(node.email_id)
            stack.extend(node.children)
