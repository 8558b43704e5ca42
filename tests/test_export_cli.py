"""The export, show, stats and schema commands (click CliRunner).

Two kinds of test: on the hand-built sample (the loader is replaced, so the
exact Document is known) and end to end on a small mbox through the whole
pipeline.
"""

from __future__ import annotations

import csv
import io
import json
import mailbox
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from mailarchive import api
from mailarchive.cli import cli, export_cmds
from mailarchive.export import mboxout
from mailarchive.export.schema import load_schema, schema_for
from mailarchive.model import Document
from tests.test_export_data import RAW, T2, A, B, C, sample_document
from tests.test_export_golden import GOLDEN

COMMANDS = ["export", "show", "stats", "schema"]
ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture
def sample(monkeypatch: pytest.MonkeyPatch) -> Document:
    """Commands see the sample Document; mbox export gets the sample's raw bytes."""
    doc = sample_document()

    def load(sources: Any, **_: Any) -> tuple[Document, Any]:
        stats = api.Stats(sources=len(sources), messages=len(doc.emails))
        return doc, stats

    monkeypatch.setattr(export_cmds, "_load", load)
    monkeypatch.setattr(export_cmds, "_raw_stream", lambda *_a, **_k: RAW.get)
    return doc


def run(*args: str, input: bytes | None = None) -> Any:
    return CliRunner().invoke(cli, list(args), input=input, catch_exceptions=False)


@pytest.mark.parametrize("name", COMMANDS)
def test_every_command_has_help_with_an_example(name: str) -> None:
    result = run(name, "--help")
    assert result.exit_code == 0
    assert "Examples:" in result.output
    assert f"mailarchive {name}" in result.output


@pytest.mark.parametrize("name", ["export", "show", "stats"])
def test_shared_options_are_spelled_the_same(name: str) -> None:
    out = run(name, "--help").output
    for option in ("--input-format", "--strict", "--no-split", "--subject-grouping", "--output"):
        assert option in out


def test_export_json_to_stdout_validates(sample: Document) -> None:
    result = run("export", "x.mbox", "--format", "json")
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    jsonschema.Draft202012Validator(load_schema()).validate(data)
    assert len(data["threads"]) == 2
    assert "exported" in result.stderr and "exported" not in result.stdout


def test_export_jsonl(sample: Document) -> None:
    result = run("export", "x.mbox", "--format", "jsonl")
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    validator = jsonschema.Draft202012Validator(schema_for("ThreadLine"))
    for line in lines:
        validator.validate(json.loads(line))


def test_export_csv_to_file(sample: Document, tmp_path: Path) -> None:
    out = tmp_path / "m.csv"
    result = run("export", "x.mbox", "--format", "csv", "-o", str(out))
    assert result.exit_code == 0 and result.stdout == ""
    with open(out, newline="", encoding="utf-8") as fp:
        rows = list(csv.DictReader(fp))
    assert len(rows) == 7


def test_export_markdown(sample: Document) -> None:
    result = run("export", "x.mbox", "--format", "markdown")
    assert result.stdout.startswith("# Microrobot simulation\n")


def test_export_mbox_stdout_and_per_thread(sample: Document, tmp_path: Path) -> None:
    result = run("export", "x.mbox", "--format", "mbox")
    assert result.exit_code == 0
    assert result.stdout_bytes.count(b"\nFrom ") + result.stdout_bytes.startswith(b"From ") == 6
    result = run("export", "x.mbox", "--format", "mbox", "--per-thread", "-o", str(tmp_path))
    assert result.exit_code == 0
    box = mailbox.mbox(tmp_path / f"{T2}.mbox", create=False)
    try:
        first = next(box.get_bytes(k) for k in box.iterkeys())
        assert mboxout.unescape_mboxrd(first) == RAW[A]
        assert b"\n>>From here" in first
    finally:
        box.close()


def test_export_mbox_real_only(sample: Document) -> None:
    result = run("export", "x.mbox", "--format", "mbox", "--real-only")
    assert result.exit_code == 0
    assert result.stdout_bytes.count(b"\nFrom ") + 1 == 4
    assert b"X-Mailarchive-" not in result.stdout_bytes


def test_export_html_needs_a_directory(sample: Document, tmp_path: Path) -> None:
    result = run("export", "x.mbox", "--format", "html")
    assert result.exit_code == 2
    assert "--output DIR" in result.stderr
    result = run("export", "x.mbox", "--format", "html", "-o", str(tmp_path / "site"))
    assert result.exit_code == 0
    assert (tmp_path / "site" / "index.html").is_file()
    assert len(list((tmp_path / "site" / "t").glob("*.html"))) == 2
    (tmp_path / "file").write_text("x")
    result = run("export", "x.mbox", "--format", "html", "-o", str(tmp_path / "file"))
    assert result.exit_code == 2


def test_per_thread_only_with_mbox(sample: Document) -> None:
    assert run("export", "x.mbox", "--format", "json", "--per-thread").exit_code == 2
    assert run("export", "x.mbox", "--format", "csv", "--real-only").exit_code == 2
    assert run("export", "x.mbox", "--format", "mbox", "--per-thread").exit_code == 2


@pytest.mark.parametrize("key", ["<b1@example.com>", "b1@example.com", "B1@EXAMPLE.COM", T2, C])
def test_show_finds_a_thread_by_any_id(sample: Document, key: str) -> None:
    result = run("show", key, "x.mbox")
    assert result.exit_code == 0
    assert result.stdout.startswith("Release planning <v2>  (4 messages")
    assert "Microrobot" not in result.stdout
    assert "[quoted history: 3 lines]" in result.stdout
    assert "> Shall we cut" not in result.stdout


def test_show_unknown_id_is_an_error(sample: Document) -> None:
    result = run("show", "<nope@example.org>", "x.mbox")
    assert result.exit_code == 1
    assert "no thread or message matches" in result.stderr
    assert result.stdout == ""


def test_stats_table_and_json(sample: Document) -> None:
    result = run("stats", "x.mbox")
    assert result.exit_code == 0
    assert "threads              2" in result.stdout
    data = json.loads(run("stats", "x.mbox", "--format", "json").stdout)
    assert data["threads"] == 2 and data["defects"]["missing-date"] == 1


def test_schema_prints_the_shipped_schema(tmp_path: Path) -> None:
    result = run("schema")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == load_schema()
    run("schema", "-o", str(tmp_path / "s.json"))
    assert json.loads((tmp_path / "s.json").read_text("utf-8")) == load_schema()


def test_find_thread_prefers_exact_ids() -> None:
    doc = sample_document()
    one = export_cmds.find_thread(doc, B)
    assert one is not None and one.threads[0].id == T2
    assert set(one.emails) == set(doc.threads[1].email_ids)
    assert export_cmds.find_thread(doc, "zzz") is None


# --- end to end, through the real pipeline


@pytest.fixture
def list_mbox(tmp_path: Path) -> Path:
    doc = sample_document()
    path = tmp_path / "list.mbox"
    with open(path, "wb") as fp:
        mboxout.write_messages([doc.emails[i] for i in (A, B, C)], fp, RAW.get)
    return path


def test_end_to_end_every_format(list_mbox: Path, tmp_path: Path) -> None:
    src = str(list_mbox)
    data = json.loads(run("export", src, "--format", "json").stdout)
    jsonschema.Draft202012Validator(load_schema()).validate(data)
    subjects = {t["subject"] for t in data["threads"]}
    assert "Release planning <v2>" in subjects
    jsonl = run("export", src, "--format", "jsonl").stdout.splitlines()
    assert len(jsonl) == len(data["threads"])
    rows = list(csv.DictReader(io.StringIO(run("export", src, "--format", "csv").stdout)))
    assert len(rows) == len(data["emails"])
    assert "Release planning" in run("export", src, "--format", "markdown").stdout
    assert run("export", src, "--format", "html", "-o", str(tmp_path / "site")).exit_code == 0
    out = tmp_path / "again.mbox"
    assert run("export", src, "--format", "mbox", "-o", str(out)).exit_code == 0
    originals = {RAW[A], RAW[B], RAW[C]}
    box = mailbox.mbox(out, create=False)
    try:
        written = {mboxout.unescape_mboxrd(box.get_bytes(k)) for k in box.iterkeys()}
    finally:
        box.close()
    assert originals <= written
    shown = run("show", "<c1@example.net>", src)
    assert shown.exit_code == 0 and "Zoë Ünal" in shown.stdout
    assert "participants" in run("stats", src).stdout


def _thread_counts(path: Path) -> list[tuple[str, int]]:
    data = json.loads(run("export", str(path), "--format", "json").stdout)
    return sorted((t["subject"], t["messageCount"]) for t in data["threads"])


def test_end_to_end_mbox_round_trip(tmp_path: Path) -> None:
    """CLI export to mbox and back: same threads, same message counts (issue 5)."""
    src = ROOT / "fixtures" / "demo" / "pasted-forward.txt"
    out = tmp_path / "out.mbox"
    assert run("export", str(src), "--format", "mbox", "-o", str(out)).exit_code == 0
    assert _thread_counts(out) == _thread_counts(src)
    per_thread = tmp_path / "threads"
    result = run("export", str(out), "--format", "mbox", "--per-thread", "-o", str(per_thread))
    assert result.exit_code == 0
    (again,) = per_thread.glob("*.mbox")
    assert _thread_counts(again) == _thread_counts(src)


def test_mbox_export_streams_the_second_pass(list_mbox: Path, tmp_path: Path) -> None:
    """The CLI hands write_mbox a lazy second pass, never a dict of every message."""
    doc = api.load_document([str(list_mbox)], workers=1)
    pass_two = export_cmds._raw_stream(doc, [str(list_mbox)], None)
    assert iter(pass_two) is pass_two  # a generator: nothing read yet
    out = tmp_path / "cli.mbox"
    assert run("export", str(list_mbox), "--format", "mbox", "-o", str(out)).exit_code == 0
    lib = tmp_path / "lib.mbox"
    mboxout.write_mbox(doc, lib, pass_two, per_thread=False)
    assert out.read_bytes() == lib.read_bytes()


def test_end_to_end_stdin(list_mbox: Path) -> None:
    result = run("export", "-", "--format", "json", input=list_mbox.read_bytes())
    assert result.exit_code == 0
    assert json.loads(result.stdout)["threads"]


def test_end_to_end_missing_source_exits_1(tmp_path: Path) -> None:
    result = run("export", str(tmp_path / "nope.mbox"), "--format", "json")
    assert result.exit_code == 1
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("fmt", "golden"),
    [
        ("json", "document.json"),
        ("jsonl", "threads.jsonl"),
        ("csv", "messages.csv"),
        ("markdown", "threads.md"),
        ("mbox", "all.mbox"),
    ],
)
def test_cli_output_is_the_library_golden(sample: Document, fmt: str, golden: str) -> None:
    # The CLI adds nothing to stdout: same bytes as the library's golden file.
    result = run("export", "x.mbox", "--format", fmt)
    assert result.exit_code == 0
    assert result.stdout_bytes == (GOLDEN / golden).read_bytes()


def test_cli_html_is_the_library_golden(sample: Document, tmp_path: Path) -> None:
    run("export", "x.mbox", "--format", "html", "-o", str(tmp_path))
    for path in (GOLDEN / "html").rglob("*.html"):
        assert (tmp_path / path.relative_to(GOLDEN / "html")).read_bytes() == path.read_bytes()
