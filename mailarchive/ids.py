"""Stable ids: short hashes of what identifies a record.

Ids never depend on counters, randomness, wall-clock time or absolute paths,
so the same input gives the same output bytes (export contract).
"""

from __future__ import annotations

import hashlib


def stable_id(prefix: str, *parts: str | int | None) -> str:
    """``prefix`` + 20 hex digits of BLAKE2b over ``parts`` (None and "" differ)."""
    # One string, hashed at once: the same bytes as each token encoded and
    # hashed in turn (UTF-8 with surrogatepass encodes code point by code point).
    text = "".join(["\x00\x1f" if part is None else f"\x01{part}\x1f" for part in parts])
    return (
        prefix + hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()
    )


def email_id(*parts: str | int | None) -> str:
    """Id of an Email record (``e`` + hash)."""
    return stable_id("e", *parts)


def record_id(path: str | None, offset: int | None, digest: str) -> str:
    """``email_id(path, offset, digest)``: the id of a message's record, made
    once per message, so in one f-string when neither is None (no loop over parts)."""
    if path is None or offset is None:
        return email_id(path, offset, digest)
    text = f"\x01{path}\x1f\x01{offset}\x1f\x01{digest}\x1f"
    return "e" + hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()


def position_key(path: str | None, offset: int | None) -> str:
    """A message's key by its place in the input: ``@<offset>:<path>``.

    Not an export id (it names a place, not content, and no hash is made):
    for listings that show no ids (``load_document(record_ids=False)``),
    where hashing every message's bytes would be a quarter of the work.
    """
    return f"@{'' if offset is None else offset}:{'' if path is None else path}"


def thread_id(*parts: str | int | None) -> str:
    """Id of a Thread (``t`` + hash)."""
    return stable_id("t", *parts)


def root_thread_id(root_id: str) -> str:
    """``thread_id(root_id)``: the id of the thread whose root record is
    ``root_id``, made once per thread, so in one f-string (no loop over parts)."""
    text = f"\x01{root_id}\x1f"
    return "t" + hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=10).hexdigest()


def content_hash(data: bytes) -> str:
    """Blob id of decoded content: ``sha256:<hex>``."""
    return "sha256:" + hashlib.sha256(data).hexdigest()
