"""The command line: data on stdout, one summary line on stderr, clean errors."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from mailarchive import api
from mailarchive.cli import cli
from mailarchive.export import jsonout
from tests.test_api import write_mbox

DEMO = Path(__file__).resolve().parents[1] / "fixtures" / "demo" / "pasted-forward.txt"

MESSAGE = b"""From: Ana Duarte <ana@example.org>
To: Tomas Reyes <tomas@example.org>
Subject: Field trip
Date: Mon, 4 Mar 2024 09:02:00 +0100
Message-ID: <trip-1@example.org>

Tomas, can you confirm the bus?
"""

REPLY = b"""From: Tomas Reyes <tomas@example.org>
To: Ana Duarte <ana@example.org>
Subject: Re: Field trip
Date: Mon, 4 Mar 2024 10:15:00 +0100
Message-ID: <trip-2@example.org>
In-Reply-To: <trip-1@example.org>
References: <trip-1@example.org>

Booked for the 14th.
"""


def mbox(tmp_path: Path) -> Path:
    path = tmp_path / "trip.mbox"
    path.write_bytes(
        b"From ana@example.org Mon Mar  4 09:02:00 2024\n"
        + MESSAGE
        + b"\nFrom tomas@example.org Mon Mar  4 10:15:00 2024\n"
        + REPLY
        + b"\n"
    )
    return path


def run(*args: str, input: bytes | None = None) -> tuple[int, str, str]:
    result = CliRunner().invoke(cli, list(args), input=input)
    return result.exit_code, result.stdout, result.stderr


def test_parse_json_document(tmp_path: Path) -> None:
    code, out, err = run("parse", str(mbox(tmp_path)))
    assert code == 0, err
    doc = json.loads(out)
    assert doc["schema"] == "mailarchive/1"
    subjects = sorted(e["subject"] for e in doc["emails"].values())
    assert subjects == ["Field trip", "Re: Field trip"]
    assert err.strip() == "parsed 2 messages from 1 source, 0 with defects"


def test_parse_jsonl_streams_one_email_per_line(tmp_path: Path) -> None:
    code, out, _ = run("parse", str(mbox(tmp_path)), "--format", "jsonl")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 2
    assert [json.loads(line)["messageId"] for line in lines] == [
        ["trip-1@example.org"],
        ["trip-2@example.org"],
    ]


def test_parse_table_lists_messages(tmp_path: Path) -> None:
    code, out, _ = run("parse", str(mbox(tmp_path)), "--format", "table")
    assert code == 0
    assert "Re: Field trip" in out
    assert "Ana Duarte" in out


def test_stdin_dash() -> None:
    code, out, err = run("parse", "-", "--format", "jsonl", input=MESSAGE)
    assert code == 0, err
    record = json.loads(out)
    assert record["subject"] == "Field trip"
    assert record["from"] == [{"name": "Ana Duarte", "email": "ana@example.org"}]


def test_output_file(tmp_path: Path) -> None:
    target = tmp_path / "out.jsonl"
    code, out, _ = run("parse", str(mbox(tmp_path)), "--format", "jsonl", "-o", str(target))
    assert code == 0
    assert out == ""
    assert len(target.read_text().splitlines()) == 2


def test_missing_file_is_one_line_exit_1(tmp_path: Path) -> None:
    code, out, err = run("parse", str(tmp_path / "nope.mbox"))
    assert code == 1
    assert out == ""
    assert len(err.strip().splitlines()) == 1
    assert "nope.mbox" in err
    assert "Traceback" not in err


def test_unknown_format_is_one_line_exit_1(tmp_path: Path) -> None:
    junk = tmp_path / "junk.bin"
    junk.write_bytes(bytes(range(256)) * 64)
    code, _, err = run("parse", str(junk))
    assert code == 1
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_bad_option_exits_2(tmp_path: Path) -> None:
    code, _, _ = run("parse", str(mbox(tmp_path)), "--format", "yaml")
    assert code == 2


def test_strict_stops_at_first_defect(tmp_path: Path) -> None:
    broken = tmp_path / "broken.eml"
    broken.write_bytes(b"From: someone\nSubject: no id, bad date\nDate: not a date\n\nbody\n")
    code, _, err = run("parse", str(broken), "--input-format", "eml")
    assert code == 0
    assert "1 with defects" in err
    code, _, err = run("parse", str(broken), "--input-format", "eml", "--strict")
    assert code == 1
    assert "Traceback" not in err


def test_threads_tree_and_table(tmp_path: Path) -> None:
    source = str(mbox(tmp_path))
    code, out, err = run("threads", source, "--format", "tree")
    assert code == 0, err
    assert "Field trip" in out
    assert ", 1 thread" in err
    code, out, _ = run("threads", source, "--format", "table")
    assert code == 0
    assert "Field trip" in out


def test_threads_json_links_reply(tmp_path: Path) -> None:
    code, out, _ = run("threads", str(mbox(tmp_path)), "--format", "json")
    assert code == 0
    doc = json.loads(out)
    assert len(doc["threads"]) == 1
    (root,) = doc["threads"][0]["tree"]
    assert [c["relation"] for c in root["children"]] == ["reply"]


def test_demo_quick_start_sample_splits_embedded_messages() -> None:
    code, out, err = run("parse", str(DEMO), "--format", "jsonl")
    assert code == 0, err
    records = [json.loads(line) for line in out.splitlines()]
    kinds = [r["derivation"]["kind"] if r["derivation"] else None for r in records]
    assert kinds[0] is None
    assert "forward" in kinds
    assert "reply-quote" in kinds
    forward = records[kinds.index("forward")]
    assert forward["from"] == [{"name": "Tomas Reyes", "email": None}]
    assert forward["subject"] == "Re: Field trip logistics"


@pytest.mark.parametrize("copies", [1, 2])
@pytest.mark.parametrize("name", ["pasted", "trip", "big"])
def test_parse_json_streams_the_document_write_json_writes(
    tmp_path: Path, name: str, copies: int
) -> None:
    # parse --format json writes email by email (encoded in the workers);
    # the text is that of write_json on the whole unthreaded Document, even
    # when a source is given twice (one record per id, as in the Document).
    path = {
        "pasted": DEMO,
        "trip": mbox(tmp_path),
        "big": write_mbox(tmp_path / "big.mbox", api.INLINE_THRESHOLD + 40),
    }[name]
    sources = [str(path)] * copies
    code, out, err = run("parse", *sources)
    assert code == 0, err
    buf = io.StringIO()
    jsonout.write_json(api.load_document(sources, thread=False, workers=1), buf)
    assert out == buf.getvalue()
    assert json.loads(out)["emails"]
