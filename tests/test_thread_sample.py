"""The reference sample of export-format.md: phantom root -> forwarded message -> top message."""

from __future__ import annotations

from datetime import datetime

from mailarchive.api import load_document
from mailarchive.model import (
    Content,
    Derivation,
    DerivationKind,
    Email,
    EmailAddress,
    Relation,
    SourceKind,
    SourceRef,
)
from mailarchive.thread import build_threads
from tests.conftest import shared_path
from tests.test_thread_support import check_forest

TOP = Email(
    id="etop",
    source=SourceRef(kind=SourceKind.TEXT, path="pister-calandra-forward.txt"),
    from_=(EmailAddress("Kristofer PISTER", None),),
    content=Content(
        authored="FYI. Roberto is interested in applying machine learning to ionocraft problems.",
        signature="ksjp",
        embedded=("efwd",),
    ),
)
FORWARDED = Email(
    id="efwd",
    source=SourceRef(kind=SourceKind.SEGMENT, path="pister-calandra-forward.txt"),
    from_=(EmailAddress("Kristofer PISTER", None),),
    to=(EmailAddress("Daniel Contreras", None),),
    cc=(
        EmailAddress("Brian Yang", None),
        EmailAddress("Grant Wang", None),
        EmailAddress("Roberto Calandra", None),
    ),
    subject="Re: Microrobot simulation",
    sent_at=datetime(2018, 2, 16, 9, 34),
    content=Content(
        authored="My summary of the meeting (Roberto, Dan - please add corrections): ...",
        signature="ksjp",
    ),
    derivation=Derivation("etop", DerivationKind.FORWARD, 1, header_style="flattened"),
)


def test_sample_thread_is_phantom_then_forwarded_then_top() -> None:
    doc = build_threads([TOP, FORWARDED])
    check_forest(doc, [TOP, FORWARDED])
    assert len(doc.threads) == 1
    thread = doc.threads[0]
    (root,) = thread.tree
    phantom = doc.emails[root.email_id]
    assert phantom.threading is not None and phantom.threading.is_phantom
    assert phantom.subject == "Microrobot simulation"
    assert phantom.message_id is None
    assert root.relation is Relation.ROOT
    (fwd,) = root.children
    assert (fwd.email_id, fwd.relation) == ("efwd", Relation.REPLY)
    (top,) = fwd.children
    assert (top.email_id, top.relation, top.children) == ("etop", Relation.FORWARD, ())
    assert thread.subject == "Microrobot simulation"
    assert thread.message_count == 2
    assert set(thread.methods) == {"subject", "forward-match"}
    assert thread.email_ids == (root.email_id, "efwd", "etop")
    assert doc.emails["etop"].threading.method == "forward-match"  # type: ignore[union-attr]
    assert doc.emails["efwd"].threading.depth == 1  # type: ignore[union-attr]
    assert doc.emails["etop"].threading.depth == 2  # type: ignore[union-attr]
    names = {p.name for p in thread.participants}
    assert names == {
        "Kristofer PISTER",
        "Daniel Contreras",
        "Brian Yang",
        "Grant Wang",
        "Roberto Calandra",
    }


def test_sample_inclusive_is_the_top_message_only() -> None:
    doc = build_threads([TOP, FORWARDED])
    inclusive = {eid for eid, e in doc.emails.items() if e.threading and e.threading.is_inclusive}
    assert inclusive == {"etop"}


def test_sample_without_subject_grouping_keeps_forward_link() -> None:
    doc = build_threads([TOP, FORWARDED], subject_grouping="off")
    (thread,) = doc.threads
    (root,) = thread.tree
    assert root.email_id == "efwd"
    assert [c.email_id for c in root.children] == ["etop"]


def test_sample_file_through_the_pipeline() -> None:
    """The real sample, parsed and segmented by the library, threads as export-format.md says."""
    path = shared_path("samples", "pister-calandra-forward.txt")
    doc = load_document([str(path)])
    assert len(doc.threads) == 1
    (root,) = doc.threads[0].tree
    assert doc.emails[root.email_id].threading.is_phantom  # type: ignore[union-attr]
    assert doc.emails[root.email_id].subject == "Microrobot simulation"
    (fwd,) = root.children
    forwarded = doc.emails[fwd.email_id]
    assert fwd.relation is Relation.REPLY
    assert forwarded.subject == "Re: Microrobot simulation"
    assert forwarded.derivation is not None
    assert forwarded.derivation.kind is DerivationKind.FORWARD
    (top,) = fwd.children
    assert top.relation is Relation.FORWARD
    assert doc.emails[top.email_id].derivation is None
    assert doc.threads[0].message_count == 2
