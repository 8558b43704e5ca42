"""The people- and tool-facing exporters: CSV, tables, trees, Markdown, HTML, stats."""

from __future__ import annotations

import csv
import io
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from mailarchive.export import csvout, html, markdown, stats, table, tree
from mailarchive.export._common import walk
from mailarchive.model import (
    Content,
    Document,
    Email,
    EmailAddress,
    Relation,
    SourceKind,
    SourceRef,
    Thread,
)
from mailarchive.model import ThreadNode as Node
from tests.test_export_data import T2, A, B, C, D, F, P, T, sample_document, unthreaded_document

# --- CSV


def test_csv_parses_back_one_row_per_message_in_tree_order() -> None:
    doc = sample_document()
    buf = io.StringIO(newline="")
    csvout.write_csv(doc, buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue(), newline="")))
    assert tuple(rows[0]) == csvout.COLUMNS
    assert len(rows) == len(doc.emails)
    assert [(r["depth"], r["relation"]) for r in rows[3:]] == [
        ("0", "root"),
        ("1", "reply"),
        ("2", "duplicate"),
        ("1", "reply"),
    ]
    alice = rows[3]
    assert alice["thread_id"] == T2
    assert alice["from"] == "Alice Example <alice@example.org>"
    assert alice["date"] == "2018-03-05T10:00:00+01:00"
    # Multi-line text survives the round trip through the csv module.
    assert alice["authored"] == doc.emails[A].content.authored
    assert "\n" in alice["authored"]
    forwarded = rows[1]
    assert forwarded["from"] == "Kristofer PISTER"
    assert forwarded["to"] == "Daniel Contreras"
    phantom = rows[0]
    assert (phantom["relation"], phantom["from"], phantom["subject"]) == (
        "root",
        "",
        "Microrobot simulation",
    )


def test_csv_quotes_names_with_commas() -> None:
    doc = sample_document()
    emails = dict(doc.emails)
    emails[A] = replace(emails[A], from_=(EmailAddress("Example, Alice", "alice@example.org"),))
    buf = io.StringIO(newline="")
    csvout.write_csv(Document(doc.threads, emails), buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue(), newline="")))
    assert rows[3]["from"] == '"Example, Alice" <alice@example.org>'


def test_csv_keeps_emails_in_no_thread() -> None:
    doc = unthreaded_document()
    buf = io.StringIO(newline="")
    csvout.write_csv(doc, buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue(), newline="")))
    assert len(rows) == len(doc.emails)
    assert {r["thread_id"] for r in rows} == {""}


# --- tables and trees


def test_emails_table_columns_and_defects() -> None:
    text = table.emails_table(unthreaded_document().emails.values())
    header = text.splitlines()[0].split()
    assert header == ["date", "from", "subject", "defects"]
    assert "2: missing-references, undeclared-charset" in text
    assert "2018-03-05 08:30 -0500" in text
    assert len(text.splitlines()) == 2 + len(unthreaded_document().emails)


def test_threads_table() -> None:
    lines = table.threads_table(sample_document()).splitlines()
    assert lines[0].split() == ["subject", "messages", "participants", "first", "last"]
    assert lines[3].split()[:5] == ["Release", "planning", "<v2>", "4", "4"]


def test_cut_keeps_cells_on_one_line() -> None:
    assert table.cut("a\nb", 10) == "a b"
    assert table.cut("x" * 20, 10) == "x" * 9 + "…"


def test_tree_markers_and_phantom() -> None:
    text = tree.render_tree(sample_document())
    lines = text.splitlines()
    assert lines[1] == "● [missing] Microrobot simulation"
    assert lines[2].startswith("└─ ↳ reply 2018-02-16 09:34 Kristofer PISTER")
    assert lines[3].startswith("   └─ ⇒ fwd ")
    assert "├─ ↳ reply 2018-03-05 08:30 -0500 Bob" in text
    assert "│  └─ ≡ dup " in text
    assert "[quoted history" not in text


def test_tree_bodies_fold_history_to_one_line() -> None:
    text = tree.render_tree(sample_document(), bodies=True)
    assert "Friday works. Beware <script>alert(1)</script> & friends." in text
    assert "[quoted history: 3 lines]" in text
    assert "> Shall we cut" not in text  # folded, not shown
    assert "[attachments: notes.pdf]" in text


def test_tree_of_unsegmented_message_shows_its_body() -> None:
    doc = sample_document()
    bare = Email(
        id="ex",
        source=SourceRef(kind=SourceKind.EML),
        subject="whole",
        body_values=doc.emails[A].body_values,
        text_body=doc.emails[A].text_body,
        content=Content(),
    )
    t = Thread("tx", ("ex",), "whole", (Node("ex", Relation.ROOT),), (), None, None, 1, ())
    text = tree.render_tree(Document((t,), {"ex": bare}), bodies=True)
    assert "Shall we cut 2.0 on Friday?" in text


def test_tree_survives_a_cyclic_tree() -> None:
    loop = Node("a", Relation.ROOT, (Node("b", Relation.REPLY, (Node("a", Relation.REPLY),)),))
    t = Thread("tx", ("a", "b"), "s", (loop,), (), None, None, 2, ())
    emails = {i: Email(id=i, source=SourceRef(kind=SourceKind.EML)) for i in "ab"}
    assert len(list(walk(Document((t,), emails)))) == 2
    assert tree.render_tree(Document((t,), emails)).count("(no subject)") == 2


# --- Markdown


def test_markdown_conversation() -> None:
    buf = io.StringIO()
    markdown.write_markdown(sample_document(), buf)
    text = buf.getvalue()
    assert text.count("\n# ") + text.startswith("# ") == 2
    assert "# Release planning \\<v2\\>" in text
    for eid in (A, B, C, D, F, T, P):
        assert f'<a id="{eid}"></a>' in text
    assert f"*in reply to [Alice Example](#{A})*" in text
    assert f"*forwarding [Kristofer PISTER](#{F})*" in text
    assert "*missing message: Microrobot simulation*" in text
    assert "```text\nFriday works. Beware <script>alert(1)</script> & friends.\n```" in text
    assert "> *quoted history: 3 lines folded*" in text
    assert "- notes.pdf (application/pdf, 9 bytes)" in text


def test_markdown_fence_outgrows_backticks_in_text() -> None:
    assert markdown.fence("a ``` b") == "````text\na ``` b\n````"
    assert markdown.fence("plain") == "```text\nplain\n```"


# --- HTML


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self.scripts += tag == "script"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def _parse(path: Path) -> _Page:
    page = _Page()
    page.feed(path.read_text("utf-8"))
    page.close()
    return page


def test_html_index_and_pages(tmp_path: Path) -> None:
    doc = sample_document()
    html.write_html(doc, tmp_path)
    index = _parse(tmp_path / "index.html")
    rows = [a for tag, a in index.tags if tag == "tr" and a.get("class") == "thread"]
    assert len(rows) == 2
    links = [a["href"] for tag, a in index.tags if tag == "a" and a.get("href")]
    assert links == [f"t/{html.page_name(t.id)}.html" for t in doc.threads]
    for link in links:
        assert (tmp_path / str(link)).is_file()
    page = _parse(tmp_path / "t" / f"{html.page_name(T2)}.html")
    ids = [a["id"] for tag, a in page.tags if tag == "article"]
    assert ids == [A, B, D, C]
    details = [a for tag, a in page.tags if tag == "details"]
    assert len(details) == 2 and all("open" not in a for a in details)
    assert page.scripts == 1
    text = "".join(page.text)
    assert "Friday works. Beware <script>alert(1)</script> & friends." in text
    assert "notes.pdf" in text


def test_html_is_self_contained(tmp_path: Path) -> None:
    html.write_html(sample_document(), tmp_path)
    for path in tmp_path.rglob("*.html"):
        page = _parse(path)
        for tag, attrs in page.tags:
            for name in ("src", "href", "action", "srcset"):
                value = attrs.get(name) or ""
                assert "://" not in value and not value.startswith("//"), (path, tag, value)
            assert tag not in {"link", "img", "iframe", "object", "embed"}
        csp = [a for t, a in page.tags if t == "meta" and a.get("http-equiv")]
        assert csp and "default-src 'none'" in str(csp[0]["content"])
        raw = path.read_text("utf-8")
        assert "<script>alert" not in raw  # escaped, never live


def test_html_escapes_attributes_and_unsafe_thread_ids(tmp_path: Path) -> None:
    e = Email(
        id='e"><x',
        source=SourceRef(kind=SourceKind.EML),
        subject='"><img src=x>',
        thread_id="../../evil",
    )
    t = Thread("../../evil", (e.id,), '"><b>', (Node(e.id, Relation.ROOT),), (), None, None, 1, ())
    html.write_html(Document((t,), {e.id: e}), tmp_path)
    files = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.html"))
    assert files == ["index.html", f"t/{html.page_name(t.id)}.html"]
    assert html.page_name(t.id).startswith("t") and "/" not in html.page_name(t.id)
    page = (tmp_path / "t" / f"{html.page_name(t.id)}.html").read_text("utf-8")
    assert "<img" not in page and "<b>" not in page.replace("<body>", "")
    assert 'id="e&quot;&gt;&lt;x"' in page


def test_html_lists_emails_in_no_thread(tmp_path: Path) -> None:
    html.write_html(unthreaded_document(), tmp_path)
    assert (tmp_path / "t" / "unthreaded.html").is_file()
    page = _parse(tmp_path / "t" / "unthreaded.html")
    assert len([1 for tag, _ in page.tags if tag == "article"]) == 6


# --- stats


def test_stats_counts() -> None:
    s = stats.compute_stats(sample_document())
    assert (s.messages, s.top_level, s.embedded, s.phantoms, s.threads) == (6, 5, 1, 1, 2)
    # Kristofer, Daniel, Brian, Grant, Roberto, Alice, list, Bob, Zoë.
    assert s.participants == 9
    assert dict(s.defects) == {
        "missing-date": 1,
        "missing-references": 1,
        "undeclared-charset": 1,
    }
    assert s.top_senders[0] == ("Bob <bob@example.com>", 2)
    assert str(s.first) == "2018-02-16 09:34:00"
    assert s.last is not None and s.last.isoformat() == "2018-03-06T09:15:00+01:00"
    text = stats.stats_text(s)
    assert "top sender" in text and "missing-date" in text


def test_stats_of_nothing() -> None:
    s = stats.compute_stats(Document((), {}))
    assert (s.messages, s.threads, s.first, s.last) == (0, 0, None, None)
    assert "first date           -" in stats.stats_text(s)


# --- any text, any exporter: no crash, no markup from the input

_hostile = st.lists(
    st.one_of(
        st.text(max_size=10),
        st.sampled_from(["<script>x</script>", "<img src=x>", "<b>", "&amp;", '"', "\r\n", "`"]),
    ),
    max_size=6,
).map("".join)


@settings(max_examples=60, deadline=None)
@given(
    _hostile,
    _hostile,
    st.one_of(st.none(), _hostile),
)
def test_every_text_exporter_takes_any_text(authored: str, subject: str, name: str | None) -> None:
    e = Email(
        id="e1",
        source=SourceRef(kind=SourceKind.EML),
        subject=subject,
        from_=(EmailAddress(name, "a@example.org"),),
        content=Content(authored=authored),
    )
    t = Thread("t1", ("e1",), subject, (Node("e1", Relation.ROOT),), (), None, None, 1, ())
    doc = Document((t,), {"e1": e})
    buf = io.StringIO(newline="")
    csvout.write_csv(doc, buf)
    rows = list(csv.DictReader(io.StringIO(buf.getvalue(), newline="")))
    assert rows[0]["authored"] == authored
    markdown.write_markdown(doc, io.StringIO())
    tree.render_tree(doc, bodies=True)
    page = html.message_html(e, e.id, Relation.ROOT)
    for dangerous in ("<script", "<img", "<b>"):
        if dangerous not in (authored + subject + (name or "")):
            continue
        assert dangerous not in page
