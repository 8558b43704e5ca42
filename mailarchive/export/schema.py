"""The JSON Schema (draft 2020-12) of the export contract, shipped as ``schema.json``.

``load_schema()`` returns the schema of a Document; ``schema_for("Email")``
(or ``"Thread"``, ``"ThreadLine"``, ...) returns a schema that validates one
record of that kind against the same definitions, e.g. a JSON Lines record.
``mailarchive schema`` prints :func:`schema_text`.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any


def schema_text() -> str:
    """The schema file's text, as shipped in the package."""
    return resources.files("mailarchive.export").joinpath("schema.json").read_text("utf-8")


def load_schema() -> dict[str, Any]:
    """The schema of a whole Document."""
    schema: dict[str, Any] = json.loads(schema_text())
    return schema


def schema_for(definition: str) -> dict[str, Any]:
    """A schema validating one ``$defs`` entry (``Email``, ``Thread``, ``ThreadLine``...)."""
    schema = load_schema()
    if definition not in schema["$defs"]:
        raise KeyError(f"no definition {definition!r} in the schema")
    return {
        "$schema": schema["$schema"],
        "$defs": schema["$defs"],
        "$ref": f"#/$defs/{definition}",
    }
