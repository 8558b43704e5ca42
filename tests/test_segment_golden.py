"""The reference sample (export-format.md, last section), through the library and the CLI."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from mailarchive.cli import cli
from mailarchive.model import DerivationKind, EmailAddress, SourceKind, SourceRef, ZoneKnowledge
from mailarchive.parse.segment import parse_text_dump
from mailarchive.sources.raw import RawMessage
from tests.conftest import shared_path


def sample() -> Path:
    """The reference sample lives in ../shared only (no license to copy it here)."""
    return shared_path("samples", "pister-calandra-forward.txt")


AUTHORED_TOP = "FYI. Roberto is interested in applying machine learning to ionocraft problems."
FWD_START = "My summary of the meeting (Roberto, Dan - please add corrections):"
FWD_END = "projects in machine learning for micro robots?"


def test_sample_through_the_library() -> None:
    path = sample()
    raw = RawMessage(path.read_bytes(), SourceRef(SourceKind.TEXT, path=path.name))
    records = parse_text_dump(raw)
    assert len(records) == 2
    top, fwd = records
    # top message: no headers of its own, sender inferred from the sign-off
    assert top.source.kind is SourceKind.TEXT
    assert top.derivation is None
    assert top.subject is None and top.to is None and top.cc is None and top.sent_at is None
    assert top.content.authored == AUTHORED_TOP
    assert top.content.signature == "ksjp"
    assert top.content.embedded == (fwd.id,)
    assert top.from_ == (EmailAddress("Kristofer PISTER", None),)
    assert dict(top.inferred) == {"from": "signature"}
    # the forwarded message
    assert fwd.source.kind is SourceKind.SEGMENT
    d = fwd.derivation
    assert d is not None
    assert d.kind is DerivationKind.FORWARD
    assert d.header_style == "flattened"
    assert d.parent_email_id == top.id and d.depth == 1
    assert d.span is not None
    body = top.body_values[d.span.part_id].value
    assert body[d.span.start :].startswith("---------- Forwarded message ----------")
    assert d.span.end == len(body)
    assert fwd.from_ == (EmailAddress("Kristofer PISTER", None),)
    assert fwd.to == (EmailAddress("Daniel Contreras", None),)
    assert fwd.cc == (
        EmailAddress("Brian Yang", None),
        EmailAddress("Grant Wang", None),
        EmailAddress("Roberto Calandra", None),
    )
    assert fwd.subject == "Re: Microrobot simulation"
    assert fwd.sent_at is not None and fwd.sent_at.isoformat() == "2018-02-16T09:34:00"
    assert fwd.dates.timezone is ZoneKnowledge.UNKNOWN
    assert fwd.dates.parser == "dateparser"
    assert fwd.content.authored.startswith(FWD_START)
    assert fwd.content.authored.endswith(FWD_END)
    assert fwd.content.signature == "ksjp"
    assert fwd.content.embedded == ()
    assert dict(fwd.inferred) == {}


def _cli_document(path: Path) -> dict[str, Any]:
    result = CliRunner().invoke(cli, ["parse", "--format", "json", str(path)])
    assert result.exit_code == 0, result.output
    doc: dict[str, Any] = json.loads(result.stdout)
    return doc


def test_sample_through_the_cli(tmp_path: Path) -> None:
    src = tmp_path / "sample.txt"
    src.write_bytes(sample().read_bytes())
    doc = _cli_document(src)
    emails = list(doc["emails"].values())
    assert len(emails) == 2
    top = next(e for e in emails if e.get("derivation") is None)
    fwd = next(e for e in emails if e.get("derivation") is not None)
    assert top["content"]["authored"] == AUTHORED_TOP
    assert top["content"]["signature"] == "ksjp"
    assert top["content"]["embedded"] == [fwd["id"]]
    assert top["from"] == [{"name": "Kristofer PISTER", "email": None}]
    assert top["inferred"] == {"from": "signature"}
    assert fwd["derivation"]["kind"] == "forward"
    assert fwd["derivation"]["headerStyle"] == "flattened"
    assert fwd["from"] == [{"name": "Kristofer PISTER", "email": None}]
    assert fwd["to"] == [{"name": "Daniel Contreras", "email": None}]
    assert [c["name"] for c in fwd["cc"]] == ["Brian Yang", "Grant Wang", "Roberto Calandra"]
    assert all(c["email"] is None for c in fwd["cc"])
    assert fwd["subject"] == "Re: Microrobot simulation"
    assert fwd["sentAt"] == "2018-02-16T09:34:00"
    assert fwd["dates"]["timezone"] == "unknown"
    assert fwd["dates"]["parser"] == "dateparser"
    assert fwd["content"]["authored"].startswith(FWD_START)
    assert fwd["content"]["authored"].endswith(FWD_END)
    assert fwd["content"]["signature"] == "ksjp"


def test_sample_no_split_keeps_the_body_whole(tmp_path: Path) -> None:
    path = sample()
    raw = RawMessage(path.read_bytes(), SourceRef(SourceKind.TEXT, path=path.name))
    (only,) = parse_text_dump(raw, split=False)
    assert only.content.authored == path.read_text()
    assert only.content.embedded == ()
