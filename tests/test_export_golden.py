"""Golden outputs of every exporter on the hand-built sample (fixtures/export/sample/).

One parametrized test per output file: the exporter's bytes must equal the
file. ``pytest --update-golden`` rewrites them; review the diff before
committing. JSON outputs are also validated against the shipped schema.
"""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest

from mailarchive.export import csvout, html, jsonout, markdown, mboxout, stats, table, tree
from mailarchive.export.schema import load_schema, schema_for
from tests.test_export_data import RAW, sample_document, unthreaded_document

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "export" / "sample"


def _text(write: Callable[[io.StringIO], object]) -> bytes:
    buf = io.StringIO(newline="")
    write(buf)
    return buf.getvalue().encode("utf-8")


def _mbox() -> bytes:
    buf = io.BytesIO()
    mboxout.write_mbox(sample_document(), buf, RAW.get, per_thread=False)
    return buf.getvalue()


def _emails_table() -> bytes:
    return (table.emails_table(unthreaded_document().emails.values()) + "\n").encode()


def _threads_table() -> bytes:
    return (table.threads_table(sample_document()) + "\n").encode()


def _stats_json() -> bytes:
    numbers = stats.stats_to_json(stats.compute_stats(sample_document()))
    return (json.dumps(numbers, indent=2, ensure_ascii=False) + "\n").encode()


OUTPUTS: dict[str, Callable[[], bytes]] = {
    "document.json": lambda: _text(lambda f: jsonout.write_json(sample_document(), f)),
    "parse.json": lambda: _text(lambda f: jsonout.write_json(unthreaded_document(), f)),
    "threads.jsonl": lambda: _text(lambda f: jsonout.write_jsonl_threads(sample_document(), f)),
    "emails.jsonl": lambda: _text(
        lambda f: jsonout.write_jsonl_emails(unthreaded_document().emails.values(), f)
    ),
    "messages.csv": lambda: _text(lambda f: csvout.write_csv(sample_document(), f)),
    "threads.md": lambda: _text(lambda f: markdown.write_markdown(sample_document(), f)),
    "tree.txt": lambda: tree.render_tree(sample_document()).encode(),
    "show.txt": lambda: tree.render_tree(sample_document(), bodies=True).encode(),
    "emails-table.txt": _emails_table,
    "threads-table.txt": _threads_table,
    "stats.txt": lambda: stats.stats_text(stats.compute_stats(sample_document())).encode(),
    "stats.json": _stats_json,
    "all.mbox": _mbox,
}


def _html_files(tmp: Path) -> dict[str, bytes]:
    html.write_html(sample_document(), tmp)
    return {
        "html/" + p.relative_to(tmp).as_posix(): p.read_bytes()
        for p in sorted(tmp.rglob("*"))
        if p.is_file()
    }


def _check(name: str, actual: bytes, update_golden: bool) -> None:
    path = GOLDEN / name
    if update_golden:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(actual)
        return
    assert path.exists(), f"{path} missing: run pytest --update-golden and review it"
    expected = path.read_bytes()
    if actual != expected:
        # Show a readable diff for text, the first differing offset for bytes.
        assert actual.decode("utf-8", "replace") == expected.decode("utf-8", "replace")
        raise AssertionError(f"{name}: bytes differ")


@pytest.mark.parametrize("name", sorted(OUTPUTS))
def test_golden(name: str, update_golden: bool) -> None:
    actual = OUTPUTS[name]()
    assert actual == OUTPUTS[name](), "output is not deterministic"
    _check(name, actual, update_golden)


def test_golden_html(tmp_path: Path, update_golden: bool) -> None:
    files = _html_files(tmp_path / "a")
    assert files == _html_files(tmp_path / "b"), "html output is not deterministic"
    if not update_golden:
        expected = {
            "html/" + p.relative_to(GOLDEN / "html").as_posix()
            for p in (GOLDEN / "html").rglob("*")
            if p.is_file()
        }
        assert set(files) == expected
    for name, data in files.items():
        _check(name, data, update_golden)


@pytest.mark.parametrize("name", ["document.json", "parse.json"])
def test_golden_json_validates(name: str) -> None:
    jsonschema.Draft202012Validator(load_schema()).validate(
        json.loads((GOLDEN / name).read_text("utf-8"))
    )


@pytest.mark.parametrize(
    ("name", "definition"), [("threads.jsonl", "ThreadLine"), ("emails.jsonl", "Email")]
)
def test_golden_jsonl_validates(name: str, definition: str) -> None:
    validator = jsonschema.Draft202012Validator(schema_for(definition))
    lines = (GOLDEN / name).read_text("utf-8").splitlines()
    assert lines
    for line in lines:
        validator.validate(json.loads(line))


def test_golden_stats_json_is_what_stats_prints() -> None:
    data = json.loads((GOLDEN / "stats.json").read_text("utf-8"))
    assert data["threads"] == 2
    assert data["phantoms"] == 1
