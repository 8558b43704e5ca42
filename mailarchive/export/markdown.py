"""A thread as a readable Markdown conversation.

Per thread: a ``#`` heading with the subject, a line of facts (messages,
dates, participants), then each message in tree order as a ``###`` heading
(relation marker, sender, date) with an anchor named by its email id, its
recipients, the authored text in a fenced block (so the sender's ``*`` and
``#`` stay text), the signature, attachments, and a one-line note of the
quoted history it held. Phantoms are one italic line.
"""

from __future__ import annotations

import re
from typing import IO

from mailarchive.export._common import (
    Visit,
    display_name,
    format_addresses,
    history_lines,
    is_phantom,
    rfc3339,
    short_date,
    walk,
)
from mailarchive.model import Document, Email, Relation, Thread

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~])")

WORDS: dict[Relation, str] = {
    Relation.ROOT: "",
    Relation.REPLY: "↳ reply",
    Relation.FORWARD: "⇒ forward",
    Relation.QUOTED: "❝ quoted",
    Relation.DUPLICATE: "≡ duplicate",
}

PHRASES: dict[Relation, str] = {
    Relation.REPLY: "in reply to",
    Relation.FORWARD: "forwarding",
    Relation.QUOTED: "quoting",
    Relation.DUPLICATE: "duplicate of",
}


def escape(text: str) -> str:
    """Text on one line with Markdown's special characters backslashed."""
    return _MD_SPECIAL.sub(r"\\\1", " ".join(text.split()))


def fence(text: str) -> str:
    """``text`` in a fenced block whose fence is longer than any backtick run inside."""
    longest = max((len(m) for m in re.findall(r"`+", text)), default=0)
    bar = "`" * max(3, longest + 1)
    return f"{bar}text\n{text}\n{bar}"


def _thread_heading(t: Thread) -> list[str]:
    first, last = short_date(t.first_sent_at), short_date(t.last_sent_at)
    when = first if first == last else f"{first} – {last}"
    people = ", ".join(escape(display_name((p,))) for p in t.participants)
    n = t.message_count
    facts = [f"{n} message{'s' if n != 1 else ''}"]
    if when:
        facts.append(when)
    if people:
        facts.append(f"participants: {people}")
    return [f"# {escape(t.subject or '(no subject)')}", "", "*" + " · ".join(facts) + "*", ""]


def _sender(email: Email | None) -> str:
    if email is None or is_phantom(email):
        return "a missing message"
    return escape(display_name(email.from_) or display_name(email.sender) or "unknown sender")


def _message(doc: Document, v: Visit) -> list[str]:
    email = v.email
    word = WORDS.get(v.relation, v.relation.value)
    lead = f"{word} " if word else ""
    anchor = f'<a id="{v.email_id}"></a>'
    if email is None or is_phantom(email):
        what = escape(email.subject) if email is not None and email.subject else v.email_id
        return [anchor, "", f"*missing message: {what}*", ""]
    when = rfc3339(email.sent_at) or "no date"
    out = [anchor, "", f"### {lead}{_sender(email)} — {when}", ""]
    meta = []
    if v.parent_id is not None:
        parent = _sender(doc.emails.get(v.parent_id))
        phrase = PHRASES.get(v.relation, "under")
        meta.append(f"*{phrase} [{parent}](#{v.parent_id})*")
    if email.from_:
        meta.append(f"**From:** {escape(format_addresses(email.from_))}")
    if email.to:
        meta.append(f"**To:** {escape(format_addresses(email.to))}")
    if email.cc:
        meta.append(f"**Cc:** {escape(format_addresses(email.cc))}")
    if email.subject:
        meta.append(f"**Subject:** {escape(email.subject)}")
    if meta:
        out.extend(["  \n".join(meta), ""])
    authored = email.content.authored.strip("\n")
    if not authored and not email.content.embedded:
        authored = email.text.strip("\n")
    if authored:
        out.extend([fence(authored), ""])
    if email.content.signature:
        out.extend([fence("-- \n" + email.content.signature.strip("\n")), ""])
    if email.attachments:
        out.append("Attachments:")
        out.extend(
            f"- {escape(a.name or '(unnamed)')} ({escape(a.type)}, {a.size} bytes)"
            for a in email.attachments
        )
        out.append("")
    folded = history_lines(email) if email.content.authored or email.content.embedded else 0
    if folded:
        out.extend([f"> *quoted history: {folded} line{'s' if folded != 1 else ''} folded*", ""])
    return out


def write_markdown(doc: Document, fp: IO[str]) -> None:
    """Every thread of ``doc`` as Markdown, separated by horizontal rules."""
    lines: list[str] = []
    current: object = _START
    for v in walk(doc):
        if v.thread is not current:
            if lines:
                lines.extend(["---", ""])
            current = v.thread
            if v.thread is not None:
                lines.extend(_thread_heading(v.thread))
            else:
                lines.extend(["# Messages not in any thread", ""])
        lines.extend(_message(doc, v))
    while lines and not lines[-1]:
        lines.pop()
    fp.write("\n".join(lines) + "\n" if lines else "")


_START = object()
