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

from mailarchive.api import iter_emails, load_document, parse_bytes, parse_text, read
from mailarchive.errors import (
    DefectError,
    MailarchiveError,
    SourceError,
    SourceNotFoundError,
    UnknownFormatError,
)
from mailarchive.export.jsonout import document_to_json, email_to_json, write_json
from mailarchive.model import (
    Attachment,
    BodyPart,
    Defect,
    Document,
    Email,
    EmailAddress,
    SourceRef,
    Thread,
)
from mailarchive.thread import base_subject, build_threads

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
