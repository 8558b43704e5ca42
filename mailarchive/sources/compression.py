"""Transparent decompression and peeking for binary streams.

Input: a binary stream (a file or stdin). Output: a buffered binary stream of
the decompressed bytes, the name of the compression (``gzip``, ``bz2``,
``xz`` or None), and a prefix of the decompressed content for format sniffing.

Compression is found from magic bytes, never from the file name. Nothing is
read ahead beyond a fixed-size prefix, so memory does not grow with the
stream; the prefix is replayed before the rest of the stream.
"""

from __future__ import annotations

import bz2
import gzip
import io
import lzma
import zlib
from typing import IO

from mailarchive.errors import UnknownFormatError

PEEK_SIZE = 64 * 1024

# Magic numbers: RFC 1952 section 2.3.1 (gzip), bzip2 "BZh" + block size digit,
# xz file format specification section 2.1.1.1.
_GZIP_MAGIC = b"\x1f\x8b"
_BZ2_MAGIC = b"BZh"
_XZ_MAGIC = b"\xfd7zXZ\x00"


class _ReplayRaw(io.RawIOBase):
    """A raw stream that serves ``prefix`` first, then the rest of ``inner``."""

    def __init__(self, prefix: bytes, inner: IO[bytes], error: BaseException | None = None) -> None:
        super().__init__()
        self._prefix = memoryview(prefix)
        self._pos = 0
        self._inner = inner
        self._error = error  # raised once the prefix is served (a damaged stream)

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        out = memoryview(buffer).cast("B")
        if self._pos < len(self._prefix):
            n = min(len(out), len(self._prefix) - self._pos)
            out[:n] = self._prefix[self._pos : self._pos + n]
            self._pos += n
            return n
        if self._error is not None:
            error, self._error = self._error, None
            raise error
        if isinstance(self._inner, (io.BufferedReader, io.FileIO)):
            # A plain file (or the layer above one): straight into the caller's
            # buffer, one copy fewer. Decompressors keep the read() path below.
            return self._inner.readinto(out) or 0
        data = self._inner.read(len(out))
        if not data:
            return 0
        out[: len(data)] = data
        return len(data)

    def close(self) -> None:
        try:
            self._inner.close()
        finally:
            super().close()


def read_up_to(stream: IO[bytes], size: int) -> bytes:
    """Read ``size`` bytes, or fewer at end of stream (loops over short reads)."""
    chunks: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = stream.read(remaining)
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def peek(stream: IO[bytes], size: int = PEEK_SIZE) -> tuple[bytes, IO[bytes]]:
    """Return the first ``size`` bytes and a stream that yields everything again."""
    prefix = read_up_to(stream, size)
    return prefix, io.BufferedReader(_ReplayRaw(prefix, stream), buffer_size=PEEK_SIZE)


def compression_of(prefix: bytes) -> str | None:
    """The compression a stream uses, from its first bytes."""
    if prefix.startswith(_GZIP_MAGIC):
        return "gzip"
    if prefix.startswith(_BZ2_MAGIC) and prefix[3:4].isdigit():
        return "bz2"
    if prefix.startswith(_XZ_MAGIC):
        return "xz"
    return None


def peek_decompressed(prefix: bytes) -> bytes:
    """The start of the decompressed content, from the first bytes of a stream only.

    Used to sniff a stream that cannot be read twice (stdin) without
    consuming it; damaged data gives what could be decompressed before it.
    """
    compression = compression_of(prefix)
    if compression is None:
        return prefix
    decompressor: zlib._Decompress | bz2.BZ2Decompressor | lzma.LZMADecompressor
    if compression == "gzip":
        decompressor = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    elif compression == "bz2":
        decompressor = bz2.BZ2Decompressor()
    else:
        decompressor = lzma.LZMADecompressor()
    try:
        return decompressor.decompress(prefix, PEEK_SIZE)
    except (OSError, EOFError, lzma.LZMAError, zlib.error):
        return b""


def decompress_stream(stream: IO[bytes], compression: str | None) -> IO[bytes]:
    """Wrap ``stream`` in the decompressor for ``compression`` (None: as is)."""
    if compression == "gzip":
        return gzip.GzipFile(fileobj=stream, mode="rb")  # type: ignore[return-value]
    if compression == "bz2":
        return bz2.BZ2File(stream, mode="rb")
    if compression == "xz":
        return lzma.LZMAFile(stream, mode="rb")
    return stream


# What a damaged compressed stream raises part-way through reading.
DECOMPRESSION_ERRORS: tuple[type[BaseException], ...] = (
    EOFError,
    OSError,
    lzma.LZMAError,
    zlib.error,
    ValueError,
)


def open_maybe_compressed(stream: IO[bytes]) -> tuple[IO[bytes], str | None, bytes]:
    """Decompress ``stream`` if its magic bytes say so.

    Returns the readable decompressed stream (the sniffing prefix is replayed),
    the compression name, and the first bytes of the decompressed content
    (up to :data:`PEEK_SIZE`). A stream too damaged to give even its first
    bytes raises :class:`UnknownFormatError`; one damaged later raises one of
    :data:`DECOMPRESSION_ERRORS` when the reader gets there.
    """
    magic, replay = peek(stream, 8)
    compression = compression_of(magic)
    if compression is None:
        prefix, out = peek(replay)
        return out, None, prefix
    inner = decompress_stream(replay, compression)
    chunks: list[bytes] = []
    size = 0
    error: BaseException | None = None
    while size < PEEK_SIZE:
        try:
            chunk = inner.read(PEEK_SIZE - size)
        except DECOMPRESSION_ERRORS as exc:
            error = exc
            break
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    prefix = b"".join(chunks)
    if error is not None and not prefix:
        raise UnknownFormatError(f"damaged {compression} data ({error})")
    raw = _ReplayRaw(prefix, inner, error)
    return io.BufferedReader(raw, buffer_size=PEEK_SIZE), compression, prefix
