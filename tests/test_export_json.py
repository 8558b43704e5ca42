"""The JSON contract: names, dates, order, streaming, and the shipped schema."""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import jsonschema
import pytest
from hypothesis import given
from hypothesis import strategies as st

from mailarchive import model
from mailarchive.api import load_document
from mailarchive.cli.common import email_json_line
from mailarchive.export import jsonout
from mailarchive.export.schema import load_schema, schema_for, schema_text
from mailarchive.model import Document, Email, Relation, SourceKind, SourceRef, Threading
from tests.conftest import FIXTURES
from tests.test_export_data import A, B, C, sample_document, unthreaded_document

RECORD_TYPES = [
    model.EmailAddress,
    model.BodyPart,
    model.BodyValue,
    model.Content,
    model.Span,
    model.Derivation,
    model.SourceRef,
    model.Dates,
    model.Threading,
    model.Defect,
    model.Email,
    model.ThreadNode,
    model.Thread,
]


@pytest.mark.parametrize("cls", RECORD_TYPES, ids=lambda c: c.__name__)
def test_every_model_field_is_named_in_a_mapping_table(cls: type) -> None:
    # A field added to the model must get its contract name here (and in the schema).
    named = {attr for attr, _, _ in jsonout.TABLES[cls]}
    missing = [f.name for f in dataclasses.fields(cls) if f.name not in named]
    assert not missing, f"{cls.__name__}: add {missing} to jsonout's table and schema.json"


def _keys(value: Any, free: bool = False) -> Iterator[str]:
    """Every object key of a JSON value, except keys that are data (ids, part ids)."""
    if isinstance(value, dict):
        for k, v in value.items():
            if not free:
                yield k
            yield from _keys(
                v, free=k in {"emails", "bodyValues", "inferred", "defects"} and isinstance(v, dict)
            )
    elif isinstance(value, list):
        for v in value:
            yield from _keys(v)


def test_names_are_the_contracts() -> None:
    doc = jsonout.document_to_json(sample_document())
    keys = set(_keys(doc))
    assert not {k for k in keys if "_" in k}, "snake_case leaked into the JSON"
    email = doc["emails"][A]
    assert list(email)[:5] == ["id", "threadId", "messageId", "inReplyTo", "references"]
    assert {
        "from",
        "replyTo",
        "sentAt",
        "receivedAt",
        "hasAttachment",
        "textBody",
        "bodyValues",
        "threadIndex",
        "threadTopic",
    } <= set(email)
    assert "from_" not in email
    assert email["source"]["mboxFormat"] == "mboxrd"
    assert doc["emails"][B]["threading"]["parentId"] == A


def test_dates_keep_their_offset_and_received_is_utc() -> None:
    doc = jsonout.document_to_json(sample_document())
    assert doc["emails"][A]["sentAt"] == "2018-03-05T10:00:00+01:00"
    assert doc["emails"][B]["sentAt"] == "2018-03-05T08:30:00-05:00"
    assert doc["emails"][A]["receivedAt"] == "2018-03-05T09:00:05Z"
    forwarded = next(e for e in doc["emails"].values() if e["derivation"])
    assert forwarded["sentAt"] == "2018-02-16T09:34:00"  # naive: no offset
    assert forwarded["dates"]["timezone"] == "unknown"
    t = doc["threads"][1]
    assert (t["firstSentAt"], t["lastSentAt"]) == (
        "2018-03-05T10:00:00+01:00",
        "2018-03-06T09:15:00+01:00",
    )


def test_received_at_given_in_another_zone_is_written_in_utc() -> None:
    e = Email(
        id="e1",
        source=SourceRef(kind=SourceKind.EML),
        received_at=datetime(2020, 1, 1, 1, 0, tzinfo=timezone(timedelta(hours=2))),
        sent_at=datetime(2020, 1, 1, 0, 0, tzinfo=UTC),
    )
    out = jsonout.email_to_json(e)
    assert out["receivedAt"] == "2019-12-31T23:00:00Z"
    assert out["sentAt"] == "2020-01-01T00:00:00+00:00"


def test_emails_follow_thread_order_whatever_the_mapping_order() -> None:
    doc = sample_document()
    shuffled = Document(doc.threads, dict(reversed(list(doc.emails.items()))))
    assert jsonout.document_to_json(shuffled) == jsonout.document_to_json(doc)
    ids = list(jsonout.document_to_json(doc)["emails"])
    assert ids == [i for t in doc.threads for i in t.email_ids]


def test_unthreaded_document_keeps_input_order_and_validates() -> None:
    doc = unthreaded_document()
    out = jsonout.document_to_json(doc)
    assert list(out["emails"]) == list(doc.emails)
    assert out["threads"] == []
    jsonschema.Draft202012Validator(load_schema()).validate(out)


def test_write_json_is_indented_utf8_with_newline() -> None:
    buf = io.StringIO()
    jsonout.write_json(sample_document(), buf)
    text = buf.getvalue()
    assert text.endswith("}\n")
    assert '\n  "schema": "mailarchive/1",' in text
    assert "Zoë Ünal" in text  # not \u escapes


def test_jsonl_emails_streams_one_record_at_a_time() -> None:
    buf = io.StringIO()
    emails = list(unthreaded_document().emails.values())

    def produce() -> Iterator[Email]:
        for i, e in enumerate(emails):
            # Each record is written before the next is pulled: nothing is held.
            assert buf.getvalue().count("\n") == i
            yield e

    jsonout.write_jsonl_emails(produce(), buf)
    lines = buf.getvalue().split("\n")
    assert lines[-1] == ""
    assert [json.loads(x)["id"] for x in lines[:-1]] == [e.id for e in emails]
    validator = jsonschema.Draft202012Validator(schema_for("Email"))
    for line in lines[:-1]:
        validator.validate(json.loads(line))


def test_jsonl_threads_one_line_per_thread_with_its_emails() -> None:
    doc = sample_document()
    buf = io.StringIO()
    jsonout.write_jsonl_threads(doc, buf)
    lines = buf.getvalue().splitlines()
    assert len(lines) == len(doc.threads)
    validator = jsonschema.Draft202012Validator(schema_for("ThreadLine"))
    for line, thread in zip(lines, doc.threads, strict=True):
        record = json.loads(line)
        validator.validate(record)
        assert record["thread"]["id"] == thread.id
        assert [e["id"] for e in record["emails"]] == list(thread.email_ids)


def test_a_field_added_later_maps_without_snake_case() -> None:
    @dataclasses.dataclass(frozen=True, slots=True)
    class LaterThreading(Threading):
        parent_edge_score: float | None = None

    e = Email(
        id="e1",
        source=SourceRef(kind=SourceKind.EML),
        threading=LaterThreading(relation=Relation.REPLY, parent_edge_score=0.5),
    )
    out = jsonout.email_to_json(e)["threading"]
    assert out["parentEdgeScore"] == 0.5
    assert out["relation"] == "reply"


def test_schema_rejects_what_breaks_the_contract() -> None:
    validator = jsonschema.Draft202012Validator(load_schema())
    good = jsonout.document_to_json(sample_document())
    validator.validate(good)
    bad = json.loads(json.dumps(good))
    bad["emails"][C]["from_"] = bad["emails"][C].pop("from")
    assert not validator.is_valid(bad)
    bad = json.loads(json.dumps(good))
    bad["emails"][C]["sentAt"] = "Tue, 06 Mar 2018 09:15:00 +0100"
    assert not validator.is_valid(bad)
    bad = json.loads(json.dumps(good))
    bad["threads"][0]["tree"][0]["relation"] = "sibling"
    assert not validator.is_valid(bad)
    bad = json.loads(json.dumps(good))
    bad["emails"][A]["from"] = [{"name": None, "email": None}]
    assert not validator.is_valid(bad)


def test_schema_is_valid_draft_2020_12_and_shipped() -> None:
    schema = load_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert json.loads(schema_text()) == schema
    with pytest.raises(KeyError):
        schema_for("Nope")


# The compiled converters -------------------------------------------------------

_JSON_TYPES = {str, int, float, bool, type(None), list, dict}


def _records(value: Any) -> Iterator[Any]:
    """Every model record reachable from ``value`` (an Email, Thread, or a tuple of them)."""
    if isinstance(value, (tuple, list)):
        for v in value:
            yield from _records(v)
    elif isinstance(value, dict):
        for v in value.values():
            yield from _records(v)
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        yield value
        for f in dataclasses.fields(value):
            yield from _records(getattr(value, f.name))


def _plain_types(value: Any) -> Iterator[type]:
    yield type(value)
    if isinstance(value, dict):
        for k, v in value.items():
            yield type(k)
            yield from _plain_types(v)
    elif isinstance(value, list):
        for v in value:
            yield from _plain_types(v)


def _sample_records() -> list[Any]:
    docs = [sample_document(), unthreaded_document()]
    return [r for doc in docs for r in _records((doc.threads, tuple(doc.emails.values())))]


def test_sample_reaches_every_record_type() -> None:
    # The comparison below is only as good as the records it sees.
    assert {type(r) for r in _sample_records()} >= set(RECORD_TYPES)


def test_compiled_converters_equal_the_generic_mapping() -> None:
    # Same keys, order, values and value types as the reflective table walk.
    for record in _sample_records():
        table = jsonout.TABLES[type(record)]
        fast = jsonout._CONVERT[type(record)](record)
        slow = jsonout._map(record, table)
        assert json.dumps(fast, ensure_ascii=False) == json.dumps(slow, ensure_ascii=False)
        assert list(_plain_types(fast)) == list(_plain_types(slow)), type(record).__name__


def test_output_holds_plain_json_types_only() -> None:
    # No enums (even str ones), tuples or datetimes leak into the JSON values.
    out = jsonout.document_to_json(sample_document())
    assert set(_plain_types(out)) <= _JSON_TYPES
    assert type(out["emails"][B]["threading"]["relation"]) is str
    assert type(out["threads"][0]["tree"][0]["relation"]) is str


def test_body_values_in_part_number_order() -> None:
    parts = ["1.10", "1.2", "2", "1.1"]
    e = Email(
        id="e1",
        source=SourceRef(kind=SourceKind.EML),
        body_values={p: model.BodyValue(value=p) for p in parts},
        inferred={"z": "1", "a": "2"},
    )
    out = jsonout.email_to_json(e)
    assert list(out["bodyValues"]) == ["1.1", "1.2", "1.10", "2"]
    assert out["bodyValues"]["1.10"] == {
        "value": "1.10",
        "isEncodingProblem": False,
        "isTruncated": False,
    }
    assert list(out["inferred"]) == ["a", "z"]


@dataclasses.dataclass(frozen=True, slots=True)
class _Later:
    """A record type whose table lags behind it (and names one attribute it lacks)."""

    name: str
    kind: SourceKind
    labels: tuple[str, ...]
    when: datetime | None
    extra_kind: SourceKind | None = None
    extra_map: dict[str, int] = dataclasses.field(default_factory=dict)


def test_compiled_converter_exports_unnamed_fields_and_skips_missing_rows() -> None:
    table: jsonout.Table = (
        ("name", "title", jsonout._plain),
        ("not_there", "notThere", jsonout._plain),  # a row for a field yet to come
        ("kind", "kind", jsonout._plain),
        ("labels", "labels", jsonout._plain),
    )
    convert = jsonout._compile(_Later, table, dict(jsonout._ENV))
    record = _Later(
        "n",
        SourceKind.MBOX,
        ("a", "b"),
        datetime(2020, 1, 2, 3, 4, tzinfo=UTC),
        SourceKind.EML,
        {"b": 1, "a": 2},
    )
    out = convert(record)
    assert out == jsonout._map(record, table)
    assert list(out) == ["title", "kind", "labels", "when", "extraKind", "extraMap"]
    assert out["kind"] == "mbox"
    assert type(out["kind"]) is str
    assert out["labels"] == ["a", "b"]
    assert out["when"] == "2020-01-02T03:04:00+00:00"
    assert out["extraKind"] == "eml"
    assert list(out["extraMap"]) == ["a", "b"]
    assert convert(dataclasses.replace(record, extra_kind=None))["extraKind"] is None


def test_cli_json_line_is_the_library_jsonl_line() -> None:
    # `parse --format jsonl` (encoded in workers) writes what write_jsonl_emails writes.
    emails = list(sample_document().emails.values())
    buffer = io.StringIO()
    jsonout.write_jsonl_emails(emails, buffer)
    assert b"".join(email_json_line(e) for e in emails) == buffer.getvalue().encode("utf-8")
    for e in emails:
        line = email_json_line(e)
        assert json.loads(line) == jsonout.email_to_json(e)
        assert line.endswith(b"}\n") and b"\n" not in line[:-1]


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**64 - 1)
    # Records hold no float below 1e-4 (confidences are thresholds.py constants):
    # there orjson writes 1e-7 where json writes 1e-07.
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: x == 0 or abs(x) >= 1e-4)
    | st.text(),  # includes lone surrogates, control characters, U+2028
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


@given(_JSON_VALUES)
def test_dumps_line_writes_what_the_standard_library_writes(value: Any) -> None:
    # dumps_line uses orjson for speed; the bytes must not change.
    expected = json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    assert jsonout.dumps_line(value) == expected


@given(_JSON_VALUES)
def test_encode_line_is_the_text_line_in_utf8(value: Any) -> None:
    line = jsonout.encode_line(value)
    text = jsonout.dumps_line_nl(value)
    if any(0xD800 <= ord(c) <= 0xDFFF for c in text):  # a lone surrogate: escaped
        assert json.loads(line) == json.loads(text)
    else:
        assert line == text.encode("utf-8")


def test_dumps_line_keeps_a_lone_surrogate_readable() -> None:
    line = jsonout.dumps_line({"text": "broken \udcff charset"})
    assert json.loads(line) == {"text": "broken \udcff charset"}


@given(_JSON_VALUES)
def test_dumps_indented_writes_what_the_standard_library_writes(value: Any) -> None:
    assert jsonout.dumps_indented(value) == json.dumps(value, ensure_ascii=False, indent=2)


@pytest.mark.parametrize(
    "doc",
    [
        pytest.param(sample_document, id="threaded"),
        pytest.param(unthreaded_document, id="unthreaded"),
        pytest.param(lambda: Document(threads=(), emails={}), id="empty"),
        pytest.param(
            lambda: load_document([str(FIXTURES / "demo" / "team.mbox")], workers=1), id="team"
        ),
    ],
)
def test_write_json_writes_what_json_dump_writes(doc: Any) -> None:
    # write_json streams email by email through orjson; the text must be
    # exactly the standard library's indent=2 rendering of the whole document.
    document = doc()
    buf = io.StringIO()
    jsonout.write_json(document, buf)
    expected = json.dumps(jsonout.document_to_json(document), ensure_ascii=False, indent=2)
    assert buf.getvalue() == expected + "\n"
