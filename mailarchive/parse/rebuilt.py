"""Messages that mailarchive's own mbox export rebuilt, read back.

``mailarchive.export.mboxout`` writes real messages byte for byte and every
message found inside another one (forward, quoted reply, attached or pasted
message) as an RFC 5322 message rebuilt from its record, marked::

    X-Mailarchive-Id: <id of the record in the export's input>
    X-Mailarchive-Derived: forward; depth=1; header-style=gmail
    X-Mailarchive-Parent: <id of the record that held it>

and, when the record had no Message-ID, ``Message-ID: <{id}@mailarchive.invalid>``.

Reading such a file back, the real container is split again and gives the
embedded message a second time. So that the threads come out the same,
:func:`read_marks` turns the marks back into what the export started from:

- a message marked ``X-Mailarchive-Derived: <derivation kind>; ...`` with an
  ``X-Mailarchive-Parent`` is a *rebuilt copy*: its record gets that
  :class:`~mailarchive.model.Derivation` (``parent_email_id`` is the id the
  file names, a record of the export's input that need not be in this
  document) while its ``source`` stays the file it was read from
  (:func:`is_rebuilt_copy`). The pipeline does not split it again (what it
  embeds was written as copies of its own), and the threader makes it a
  duplicate of the record re-derived from its container (``relation``
  ``duplicate``; ``mailarchive.thread.evidence``). It stays a record:
  nothing is dropped.
- a Message-ID ``<{X-Mailarchive-Id}@mailarchive.invalid>`` was invented by
  the export (RFC 2606 ``.invalid``): it is dropped again.

Messages without the marks are returned unchanged (one substring test on the
header block). Marks that do not read are ignored, never an error.
"""

from __future__ import annotations

from dataclasses import replace
from email.parser import BytesHeaderParser
from email.policy import compat32

from mailarchive.model import Derivation, DerivationKind, Email, SourceKind

INVALID_DOMAIN = "mailarchive.invalid"
_MAX_DEPTH_DIGITS = 3


def is_rebuilt_copy(email: Email) -> bool:
    """A record read from a message that mboxout rebuilt from an embedded one.

    It has a derivation but was read from a file as a whole message (a
    message found by splitting has ``source.kind`` ``segment``).
    """
    return email.derivation is not None and email.source.kind is not SourceKind.SEGMENT


def _header_block(data: bytes) -> bytes:
    """Up to the first blank line (LF or CRLF), scanning no further than it."""
    end = data.find(b"\n\n")
    crlf = data.find(b"\r\n\r\n", 0, end if end >= 0 else len(data))
    if crlf >= 0:
        end = crlf
    return data[:end] if end >= 0 else data


def _derivation(derived: str, parent: str) -> Derivation | None:
    fields = [f.strip() for f in derived.split(";")]
    try:
        kind = DerivationKind(fields[0])
    except ValueError:
        return None  # "synthesized; source=text", "phantom": not found inside another
    depth = 1
    style: str | None = None
    for item in fields[1:]:
        key, _, value = item.partition("=")
        key, value = key.strip(), value.strip()
        if key == "depth" and value.isdigit() and len(value) <= _MAX_DEPTH_DIGITS:
            depth = max(1, int(value))
        elif key == "header-style" and value:
            style = value
    return Derivation(parent_email_id=parent, kind=kind, depth=depth, header_style=style)


def _one(value: object) -> str:
    return " ".join(str(value).split())


def read_marks(data: bytes, email: Email) -> Email:
    """``email`` (the top-level record of ``data``) with the export's marks read back."""
    block = _header_block(data)
    if block.lower().find(b"x-mailarchive-id") < 0:  # find: "in" first tries an int
        return email
    try:
        msg = BytesHeaderParser(policy=compat32).parsebytes(block + b"\n\n")
        own = _one(msg.get("X-Mailarchive-Id", ""))
        derived = _one(msg.get("X-Mailarchive-Derived", ""))
        parent = _one(msg.get("X-Mailarchive-Parent", ""))
    except Exception:  # a mark that does not read is no mark
        return email
    if not own:
        return email
    message_id = email.message_id
    if message_id == (f"{own}@{INVALID_DOMAIN}",):
        message_id = None
    derivation = email.derivation
    if derived and parent and derivation is None:
        derivation = _derivation(derived, parent)
    if message_id == email.message_id and derivation is email.derivation:
        return email
    return replace(email, message_id=message_id, derivation=derivation)
