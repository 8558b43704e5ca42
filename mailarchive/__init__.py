"""mailarchive: turn messy email archives into clean, threaded, structured data.

Library use::

    import mailarchive

    for email in mailarchive.read("archive.mbox"):      # streams Email records
        print(email.sent_at, email.from_, email.subject)

    records = mailarchive.parse_bytes(raw_bytes)         # one message + what it embeds
    records = mailarchive.parse_text(pasted_text)        # a pasted conversation
    doc = mailarchive.load_document(["archive.mbox"])    # threads + emails
    mailarchive.write_json(doc, open("out.json", "w"))   # the JSON contract

Records are frozen dataclasses from :mod:`mailarchive.model`; errors come from
:mod:`mailarchive.errors`.
"""

from __future__ import annotations

import importlib
from typing import Any

# Public names and the module that holds each. Imported on first use, so that
# ``import mailarchive.model`` stays cheap and worker processes load only what
# they need.
_EXPORTS = {
    "iter_emails": "mailarchive.api",
    "load_document": "mailarchive.api",
    "parse_bytes": "mailarchive.api",
    "parse_text": "mailarchive.api",
    "read": "mailarchive.api",
    "DefectError": "mailarchive.errors",
    "MailarchiveError": "mailarchive.errors",
    "SourceError": "mailarchive.errors",
    "SourceNotFoundError": "mailarchive.errors",
    "UnknownFormatError": "mailarchive.errors",
    "document_to_json": "mailarchive.export.jsonout",
    "email_to_json": "mailarchive.export.jsonout",
    "write_json": "mailarchive.export.jsonout",
    "Attachment": "mailarchive.model",
    "BodyPart": "mailarchive.model",
    "Defect": "mailarchive.model",
    "Document": "mailarchive.model",
    "Email": "mailarchive.model",
    "EmailAddress": "mailarchive.model",
    "SourceRef": "mailarchive.model",
    "Thread": "mailarchive.model",
    "base_subject": "mailarchive.thread",
    "build_threads": "mailarchive.thread",
}

__all__ = [
    "Attachment",
    "BodyPart",
    "Defect",
    "DefectError",
    "Document",
    "Email",
    "EmailAddress",
    "MailarchiveError",
    "SourceError",
    "SourceNotFoundError",
    "SourceRef",
    "Thread",
    "UnknownFormatError",
    "base_subject",
    "build_threads",
    "document_to_json",
    "email_to_json",
    "iter_emails",
    "load_document",
    "parse_bytes",
    "parse_text",
    "read",
    "write_json",
]


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mailarchive' has no attribute {name!r}")
    return getattr(importlib.import_module(module), name)
