"""Golden cases: tests/golden/<case>/ holds an input, the command and the expected JSON.

Each case directory has:

- ``input.*`` (a file) or ``input/`` (a directory: Maildir, MH, .eml tree),
  or ``input.shared``: one line naming a file under ../shared to use as the
  input (copied as ``input.<its suffix>``; the case skips when ../shared is absent);
- ``args`` (optional): the command line before the source, default
  ``parse --format json``; ``threads --format json ...`` threads the input;
- ``expected.json``: the exact document, reviewed by a person.

Every case runs twice, through the CLI (click's CliRunner) and through the
library, and both must give ``expected.json``; every output is also validated
against the shipped JSON Schema. ``pytest --update-golden`` rewrites the
expected files from the CLI output: review the diff before committing.
"""

from __future__ import annotations

import json
import os
import shlex
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from click.testing import CliRunner

from mailarchive import api
from mailarchive.cli import cli
from mailarchive.export.jsonout import document_to_json
from mailarchive.export.schema import load_schema
from tests.conftest import FIXTURES, shared_path

GOLDEN = Path(__file__).parent / "golden"
CASES = sorted(p for p in GOLDEN.iterdir() if p.is_dir()) if GOLDEN.exists() else []


@contextmanager
def chdir(path: Path) -> Iterator[None]:
    old = Path.cwd()
    os.chdir(path)
    try:
        yield
    finally:
        os.chdir(old)


def case_args(case: Path) -> list[str]:
    args_file = case / "args"
    text = args_file.read_text().strip() if args_file.exists() else "parse --format json"
    return shlex.split(text)


def stage_input(case: Path, workdir: Path) -> str:
    """Copy the case's input into ``workdir``; return its name there."""
    inputs = sorted(p for p in case.iterdir() if p.name.startswith("input"))
    assert len(inputs) == 1, f"{case.name}: expected exactly one input*, got {inputs}"
    src = inputs[0]
    if src.name == "input.shared":
        src = shared_path(*src.read_text().strip().split("/"))
    elif src.name == "input.fixture":
        src = FIXTURES.joinpath(*src.read_text().strip().split("/"))
    name = "input" + ("" if src.is_dir() else src.suffix)
    if src.is_dir():
        shutil.copytree(src, workdir / name)
    else:
        shutil.copyfile(src, workdir / name)
    return name


def via_library(args: list[str], source: str) -> dict[str, Any]:
    """The same run as the CLI command, through the library API."""
    command, opts = args[0], args[1:]

    def opt(name: str, default: str | None) -> str | None:
        return opts[opts.index(name) + 1] if name in opts else default

    doc = api.load_document(
        [source],
        input_format=opt("--input-format", None),
        split="--no-split" not in opts,
        thread=command == "threads",
        subject_grouping=opt("--subject-grouping", "auto") or "auto",
        subject_window=timedelta(days=int(opt("--subject-window", "28") or 28)),
        workers=1,
    )
    return document_to_json(doc)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_golden(case: Path, update_golden: bool, tmp_path: Path) -> None:
    args = case_args(case)
    source = stage_input(case, tmp_path)
    expected_path = case / "expected.json"
    with chdir(tmp_path):
        result = CliRunner().invoke(cli, [*args, source], catch_exceptions=False)
        assert result.exit_code == 0, result.output
        cli_doc = json.loads(result.stdout)
        lib_doc = via_library(args, source)
    jsonschema.validate(cli_doc, load_schema())
    if update_golden:
        expected_path.write_text(json.dumps(cli_doc, indent=2, ensure_ascii=False) + "\n")
    if not expected_path.exists():
        pytest.fail(f"{case.name}: no expected.json; run pytest --update-golden and review it")
    expected = json.loads(expected_path.read_text())
    assert cli_doc == expected
    assert lib_doc == expected
