"""Stable ids: short hashes of what identifies a record.

Ids never depend on counters, randomness, wall-clock time or absolute paths,
so the same input gives the same output bytes (export contract).
"""

from __future__ import annotations

import hashlib


def stable_id(prefix: str, *parts: str | int | None) -> str:
    """``prefix`` + 20 hex digits of BLAKE2b over ``parts`` (None and "" differ)."""
    h = hashlib.blake2b(digest_size=10)
    for part in parts:
        token = "\x00" if part is None else f"\x01{part}"
        h.update(token.encode("utf-8", "surrogatepass"))
        h.update(b"\x1f")
    return prefix + h.hexdigest()


def email_id(*parts: str | int | None) -> str:
    """Id of an Email record (``e`` + hash)."""
    return stable_id("e", *parts)


def thread_id(*parts: str | int | None) -> str:
    """Id of a Thread (``t`` + hash)."""
    return stable_id("t", *parts)


def content_hash(data: bytes) -> str:
    """Blob id of decoded content: ``sha256:<hex>``."""
    return "sha256:" + hashlib.sha256(data).hexdigest()
