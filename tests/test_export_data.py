"""A small hand-built Document for the exporter tests, and checks that it is coherent.

Two threads that exercise what exporters must get right:

1. the contract's example (../shared/docs/export-format.md): a phantom root,
   a flattened forward found inside a pasted text, and the text's top message;
2. a mailing-list thread read from an mbox: offsets +0100 and -0500, a
   non-ASCII sender with an attachment, a body with a ``From `` line (mbox
   escaping) and HTML-looking text (escaping), quoted history, a duplicate,
   defects.

Also ``RAW``: the original bytes of the real messages, as ``raw_lookup``
would return them.
"""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta, timezone

from mailarchive.ids import email_id, thread_id
from mailarchive.model import (
    BodyPart,
    BodyValue,
    Content,
    Dates,
    Defect,
    Derivation,
    DerivationKind,
    Document,
    Email,
    EmailAddress,
    Relation,
    SourceKind,
    SourceRef,
    Span,
    Thread,
    Threading,
    ThreadNode,
    ZoneKnowledge,
)

P = email_id("phantom", "Microrobot simulation")
F = email_id("forward", 1)
T = email_id("text", 0)
A = email_id("alice")
B = email_id("bob")
C = email_id("carol")
D = email_id("bob-again")
T1 = thread_id("microrobot")
T2 = thread_id("release")

CET = timezone(timedelta(hours=1))
EST = timezone(timedelta(hours=-5))

TOP_AUTHORED = "FYI. Roberto is interested in applying machine learning to ionocraft problems."
FORWARD_TEXT = (
    "My summary of the meeting (Roberto, Dan - please add corrections):\n"
    "- simulation first, hardware later\n"
    "Should we start projects in machine learning for micro robots?"
)
TOP_TEXT = (
    "FYI. Roberto is interested in applying machine learning to ionocraft problems.\n"
    "ksjp\n"
    "\n"
    "From: Kristofer PISTER\n"
    "Sent: Friday, February 16, 2018 9:34 AM\n"
    "To: Daniel Contreras\n"
    "Cc: Brian Yang , Grant Wang , Roberto Calandra\n"
    "Subject: Re: Microrobot simulation\n"
    "\n" + FORWARD_TEXT + "\nksjp\n"
)

RAW: dict[str, bytes] = {
    A: (
        b"From: Alice Example <alice@example.org>\n"
        b"To: dev@lists.example.org\n"
        b"Subject: Release planning <v2>\n"
        b"Date: Mon, 05 Mar 2018 10:00:00 +0100\n"
        b"Message-ID: <a1@example.org>\n"
        b"\n"
        b"Shall we cut 2.0 on Friday?\n"
        b"From the changelog, everything is merged.\n"
        b">From here on it is quiet.\n"
    ),
    B: (
        b"From: Bob <bob@example.com>\n"
        b"To: dev@lists.example.org\n"
        b"Subject: Re: Release planning <v2>\n"
        b"Date: Mon, 05 Mar 2018 08:30:00 -0500\n"
        b"Message-ID: <b1@example.com>\n"
        b"In-Reply-To: <a1@example.org>\n"
        b"References: <a1@example.org>\n"
        b"\r\n"
        b"Friday works. Beware <script>alert(1)</script> & friends.\r\n"
        b"\r\n"
        b"On Mon, Alice wrote:\r\n"
        b"> Shall we cut 2.0 on Friday?\r\n"
        b"> From the changelog, everything is merged.\r\n"
    ),
    C: (
        b"From: =?utf-8?q?Zo=C3=AB_=C3=9Cnal?= <zoe@example.net>\n"
        b"To: dev@lists.example.org\n"
        b"Subject: Re: Release planning <v2>\n"
        b"Date: Tue, 06 Mar 2018 09:15:00 +0100\n"
        b"Message-ID: <c1@example.net>\n"
        b"In-Reply-To: <a1@example.org>\n"
        b"MIME-Version: 1.0\n"
        b'Content-Type: multipart/mixed; boundary="XX"\n'
        b"\n"
        b"--XX\n"
        b"Content-Type: text/plain; charset=utf-8\n"
        b"Content-Transfer-Encoding: 8bit\n"
        b"\n"
        b"Notes attached \xe2\x80\x94 d\xc3\xa9j\xc3\xa0 vu.\n"
        b"--XX\n"
        b"Content-Type: application/pdf; name=notes.pdf\n"
        b"Content-Disposition: attachment; filename=notes.pdf\n"
        b"Content-Transfer-Encoding: base64\n"
        b"\n"
        b"JVBERi0xLjQK\n"
        b"--XX--\n"
    ),
}
RAW[D] = RAW[B]


def _addr(name: str | None, email: str | None) -> EmailAddress:
    return EmailAddress(name=name, email=email)


def _text(part: str, value: str) -> tuple[tuple[BodyPart, ...], dict[str, BodyValue]]:
    size = len(value.encode("utf-8"))
    return (BodyPart(part_id=part, type="text/plain", size=size, charset="utf-8"),), {
        part: BodyValue(value=value)
    }


def sample_emails() -> dict[str, Email]:
    """The records, in input order (as a parser would yield them, then the phantom)."""
    top_body, top_values = _text("1", TOP_TEXT)
    fwd_body, fwd_values = _text("1", FORWARD_TEXT + "\nksjp\n")
    span_start = TOP_TEXT.index("From: Kristofer")
    pister = [_addr("Kristofer PISTER", None)]
    top = Email(
        id=T,
        source=SourceRef(kind=SourceKind.TEXT, path="pister-calandra-forward.txt"),
        thread_id=T1,
        from_=tuple(pister),
        preview=TOP_AUTHORED,
        text_body=top_body,
        body_values=top_values,
        content=Content(
            authored=TOP_AUTHORED,
            signature="ksjp",
            embedded=(F,),
        ),
        inferred={"from": "signature"},
        threading=Threading(parent_id=F, relation=Relation.FORWARD, depth=2),
        defects=(Defect("missing-date", "no date found in the text"),),
    )
    fwd = Email(
        id=F,
        source=SourceRef(kind=SourceKind.SEGMENT, path="pister-calandra-forward.txt"),
        thread_id=T1,
        from_=tuple(pister),
        to=(_addr("Daniel Contreras", None),),
        cc=(
            _addr("Brian Yang", None),
            _addr("Grant Wang", None),
            _addr("Roberto Calandra", None),
        ),
        subject="Re: Microrobot simulation",
        sent_at=datetime(2018, 2, 16, 9, 34),
        preview=FORWARD_TEXT[:256],
        text_body=fwd_body,
        body_values=fwd_values,
        content=Content(authored=FORWARD_TEXT, signature="ksjp"),
        derivation=Derivation(
            parent_email_id=T,
            kind=DerivationKind.FORWARD,
            depth=1,
            span=Span(part_id="1", start=span_start, end=len(TOP_TEXT)),
            header_style="flattened",
            language="en",
            confidence=0.9,
        ),
        dates=Dates(
            sent_at_raw="Friday, February 16, 2018 9:34 AM",
            parser="dateparser",
            timezone=ZoneKnowledge.UNKNOWN,
        ),
        threading=Threading(parent_id=P, relation=Relation.REPLY, depth=1),
    )
    phantom = Email(
        id=P,
        source=SourceRef(kind=SourceKind.SEGMENT),
        thread_id=T1,
        subject="Microrobot simulation",
        threading=Threading(is_phantom=True),
    )

    a_body, a_values = _text(
        "1",
        "Shall we cut 2.0 on Friday?\nFrom the changelog, everything is merged.\n"
        ">From here on it is quiet.\n",
    )
    alice = Email(
        id=A,
        source=SourceRef(
            kind=SourceKind.MBOX,
            path="dev.mbox",
            offset=0,
            length=len(RAW[A]),
            mbox_format="mboxrd",
        ),
        thread_id=T2,
        message_id=("a1@example.org",),
        from_=(_addr("Alice Example", "alice@example.org"),),
        to=(_addr(None, "dev@lists.example.org"),),
        subject="Release planning <v2>",
        sent_at=datetime(2018, 3, 5, 10, 0, tzinfo=CET),
        received_at=datetime(2018, 3, 5, 9, 0, 5, tzinfo=UTC),
        preview="Shall we cut 2.0 on Friday?",
        text_body=a_body,
        body_values=a_values,
        content=Content(authored=a_values["1"].value.rstrip("\n")),
        dates=Dates("Mon, 05 Mar 2018 10:00:00 +0100", "rfc5322", ZoneKnowledge.KNOWN),
        threading=Threading(),
    )
    b_text = (
        "Friday works. Beware <script>alert(1)</script> & friends.\n\n"
        "On Mon, Alice wrote:\n"
        "> Shall we cut 2.0 on Friday?\n"
        "> From the changelog, everything is merged.\n"
    )
    b_body, b_values = _text("1", b_text)
    bob_kwargs = {
        "thread_id": T2,
        "message_id": ("b1@example.com",),
        "in_reply_to": ("a1@example.org",),
        "references": ("a1@example.org",),
        "from_": (_addr("Bob", "bob@example.com"),),
        "to": (_addr(None, "dev@lists.example.org"),),
        "subject": "Re: Release planning <v2>",
        "sent_at": datetime(2018, 3, 5, 8, 30, tzinfo=EST),
        "received_at": datetime(2018, 3, 5, 13, 30, 9, tzinfo=UTC),
        "preview": "Friday works. Beware <script>alert(1)</script> & friends.",
        "text_body": b_body,
        "body_values": b_values,
        "content": Content(authored="Friday works. Beware <script>alert(1)</script> & friends."),
        "dates": Dates("Mon, 05 Mar 2018 08:30:00 -0500", "rfc5322", ZoneKnowledge.KNOWN),
    }
    bob = Email(
        id=B,
        source=SourceRef(
            kind=SourceKind.MBOX,
            path="dev.mbox",
            offset=len(RAW[A]) + 40,
            length=len(RAW[B]),
            mbox_format="mboxrd",
        ),
        threading=Threading(parent_id=A, relation=Relation.REPLY, depth=1),
        **bob_kwargs,  # type: ignore[arg-type]
    )
    bob_again = Email(
        id=D,
        source=SourceRef(
            kind=SourceKind.MAILDIR, path="cur/1520256609.M1P1.host:2,S", flags=("S",)
        ),
        threading=Threading(
            parent_id=B, relation=Relation.DUPLICATE, depth=2, duplicate_of=B, is_inclusive=True
        ),
        **bob_kwargs,  # type: ignore[arg-type]
    )
    c_text = "Notes attached — déjà vu.\n"
    c_body, c_values = _text("1", c_text)
    carol = Email(
        id=C,
        source=SourceRef(kind=SourceKind.MBOX, path="dev.mbox", offset=900, length=len(RAW[C])),
        thread_id=T2,
        message_id=("c1@example.net",),
        in_reply_to=("a1@example.org",),
        from_=(_addr("Zoë Ünal", "zoe@example.net"),),
        to=(_addr(None, "dev@lists.example.org"),),
        subject="Re: Release planning <v2>",
        sent_at=datetime(2018, 3, 6, 9, 15, tzinfo=CET),
        preview="Notes attached — déjà vu.",
        has_attachment=True,
        text_body=c_body,
        attachments=(
            BodyPart(
                part_id="2",
                type="application/pdf",
                size=9,
                blob_id="sha256:" + "0" * 64,
                name="notes.pdf",
                disposition="attachment",
            ),
        ),
        body_values=c_values,
        content=Content(authored=c_text.rstrip("\n")),
        dates=Dates("Tue, 06 Mar 2018 09:15:00 +0100", "rfc5322", ZoneKnowledge.KNOWN),
        threading=Threading(parent_id=A, relation=Relation.REPLY, depth=1),
        defects=(
            Defect("missing-references", "In-Reply-To without References", "References"),
            Defect("undeclared-charset", "8-bit header text", "From"),
        ),
    )
    return {e.id: e for e in (top, fwd, alice, bob, bob_again, carol, phantom)}


def sample_document() -> Document:
    """Both threads, threaded (thread order: oldest first)."""
    emails = sample_emails()
    microrobot = Thread(
        id=T1,
        email_ids=(P, F, T),
        subject="Microrobot simulation",
        tree=(
            ThreadNode(
                P,
                Relation.ROOT,
                (ThreadNode(F, Relation.REPLY, (ThreadNode(T, Relation.FORWARD),)),),
            ),
        ),
        participants=(
            _addr("Kristofer PISTER", None),
            _addr("Daniel Contreras", None),
            _addr("Brian Yang", None),
            _addr("Grant Wang", None),
            _addr("Roberto Calandra", None),
        ),
        first_sent_at=datetime(2018, 2, 16, 9, 34),
        last_sent_at=datetime(2018, 2, 16, 9, 34),
        message_count=2,
        methods=("subject", "forward-match"),
    )
    release = Thread(
        id=T2,
        email_ids=(A, B, D, C),
        subject="Release planning <v2>",
        tree=(
            ThreadNode(
                A,
                Relation.ROOT,
                (
                    ThreadNode(B, Relation.REPLY, (ThreadNode(D, Relation.DUPLICATE),)),
                    ThreadNode(C, Relation.REPLY),
                ),
            ),
        ),
        participants=(
            _addr("Alice Example", "alice@example.org"),
            _addr(None, "dev@lists.example.org"),
            _addr("Bob", "bob@example.com"),
            _addr("Zoë Ünal", "zoe@example.net"),
        ),
        first_sent_at=datetime(2018, 3, 5, 10, 0, tzinfo=CET),
        last_sent_at=datetime(2018, 3, 6, 9, 15, tzinfo=CET),
        message_count=4,
        methods=("references", "in-reply-to"),
    )
    threads = (microrobot, release)
    # The duplicate and the records found in the text carry their thread id.
    fixed = {
        eid: e if e.thread_id else dataclasses.replace(e, thread_id=T2) for eid, e in emails.items()
    }
    return Document(threads=threads, emails=fixed)


def unthreaded_document() -> Document:
    """The records of ``sample_document`` before threading (``parse`` output)."""
    return Document(
        threads=(),
        emails={
            eid: dataclasses.replace(e, thread_id=None, threading=None)
            for eid, e in sample_emails().items()
            if not (e.threading and e.threading.is_phantom)
        },
    )


def test_sample_is_coherent() -> None:
    doc = sample_document()
    in_trees: list[str] = []
    stack = [n for t in doc.threads for n in t.tree]
    while stack:
        n = stack.pop()
        in_trees.append(n.email_id)
        stack.extend(n.children)
    assert sorted(in_trees) == sorted(doc.emails)
    for t in doc.threads:
        assert all(doc.emails[i].thread_id == t.id for i in t.email_ids)
