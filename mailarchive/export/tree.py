"""Threads drawn as indented trees for a terminal (``threads --format tree``, ``show``).

Each thread starts with a heading line (subject, message count, thread id),
then one line per node: tree guides, a relation marker (``↳ reply``,
``⇒ fwd``, ...), date, sender and subject. A phantom (a message others point
to but the input lacks) is drawn as ``[missing]``. With ``bodies=True``
(``show``) each message's authored text and signature follow, indented under
it, and its quoted or forwarded history is folded to one line
``[quoted history: N lines]``.
"""

from __future__ import annotations

from mailarchive.export._common import (
    Visit,
    display_name,
    history_lines,
    is_phantom,
    short_date,
    walk,
)
from mailarchive.model import Document, Relation

MARKERS: dict[Relation, str] = {
    Relation.ROOT: "●",
    Relation.REPLY: "↳ reply",
    Relation.FORWARD: "⇒ fwd",
    Relation.QUOTED: "❝ quoted",
    Relation.DUPLICATE: "≡ dup",
}


def _guides(visit: Visit) -> tuple[str, str]:
    """(prefix of the node's line, prefix of the lines under it)."""
    if visit.depth == 0:
        return "", ""
    # One column per ancestor level below the root: a bar while that
    # ancestor has siblings still to come.
    lead = "".join("   " if last else "│  " for last in visit.last[1:-1])
    here = "└─ " if visit.last[-1] else "├─ "
    under = "   " if visit.last[-1] else "│  "
    return lead + here, lead + under


def _node_line(visit: Visit) -> str:
    marker = MARKERS.get(visit.relation, str(visit.relation))
    email = visit.email
    if email is None or is_phantom(email):
        what = email.subject if email is not None and email.subject else ""
        if not what and email is not None and email.message_id:
            what = "<" + email.message_id[0] + ">"
        return " ".join(p for p in (marker, "[missing]", what) if p)
    parts = [
        marker,
        short_date(email.sent_at or email.received_at) or "(no date)",
        display_name(email.from_) or display_name(email.sender) or "(unknown sender)",
        "—",
        email.subject or "(no subject)",
    ]
    return " ".join(parts)


def _body_lines(visit: Visit) -> list[str]:
    email = visit.email
    if email is None or is_phantom(email):
        return []
    lines: list[str] = []
    authored = email.content.authored.strip("\n")
    if not authored and not email.content.embedded:
        # Not segmented (e.g. --no-split): the body is all we have.
        authored = email.text.strip("\n")
    lines.extend(authored.splitlines() if authored else ["(no text)"])
    if email.content.signature:
        lines.append("-- ")
        lines.extend(email.content.signature.strip("\n").splitlines())
    folded = history_lines(email) if email.content.authored or email.content.embedded else 0
    if folded:
        lines.append(f"[quoted history: {folded} line{'s' if folded != 1 else ''}]")
    if email.attachments:
        names = ", ".join(a.name or a.type for a in email.attachments)
        lines.append(f"[attachments: {names}]")
    return lines


_START = object()


def render_tree(doc: Document, *, bodies: bool = False) -> str:
    """Every thread of ``doc`` as an indented tree (with bodies for ``show``)."""
    out: list[str] = []
    current: object = _START
    for visit in walk(doc):
        if visit.thread is not current:
            current = visit.thread
            if out and out[-1]:
                out.append("")
            if visit.thread is not None:
                t = visit.thread
                n = t.message_count
                count = f"{n} message{'s' if n != 1 else ''}"
                out.append(f"{t.subject or '(no subject)'}  ({count}, {t.id})")
            else:
                out.append("(not threaded)")
        prefix, under = _guides(visit)
        out.append(prefix + _node_line(visit))
        body = _body_lines(visit) if bodies else []
        out.extend((under + "    " + line).rstrip() for line in body)
        if body:
            out.append(under.rstrip())
    while out and not out[-1]:
        out.pop()
    return "\n".join(out) + ("\n" if out else "")
