"""Bytes to text: charsets, fallbacks, and RFC 2047 encoded words.

Input: bytes with the charset a message declared (or none), or a header value
as the standard library holds it (``str``, 8-bit bytes kept as surrogate
escapes). Output: text plus whether a fallback had to be used, so the caller
can record a defect (``undeclared-charset``, ``bad-charset``) and set
``BodyValue.is_encoding_problem``.

The fallback order is UTF-8 (strict) then Windows-1252, then Latin-1, which
decodes any byte: real mail that lies about its charset is mostly UTF-8 sent
as Latin-1 or Windows-1252 sent as ASCII.
"""

from __future__ import annotations

import binascii
import codecs
import re
from dataclasses import dataclass
from functools import lru_cache

from mailarchive.model import positional

# Charset labels seen in real mail that Python does not know under that name.
_ALIASES = {
    "utf8": "utf-8",
    "unicode-1-1-utf-8": "utf-8",
    "x-unicode20utf8": "utf-8",
    "ks_c_5601-1987": "cp949",
    "ks_c_5601": "cp949",
    "x-sjis": "shift_jis",
    "x-euc-jp": "euc_jp",
    "gb2312": "gb18030",  # GB 18030 is a superset; mail labelled gb2312 often needs it
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "iso-8859-8-i": "iso-8859-8",
    "windows-874": "cp874",
    "x-mac-roman": "mac_roman",
    "ansi_x3.4-1968": "ascii",
    "us-ascii": "ascii",
    "ascii": "ascii",
}

# Labels meaning "we do not know", which are not charsets at all.
_UNKNOWN_LABELS = frozenset({"unknown-8bit", "x-unknown", "unknown", "x-user-defined", "default"})

# Declared single-byte charsets that are often a lie for UTF-8 text: if the
# bytes are valid UTF-8 with multi-byte sequences, they are UTF-8 (a Latin-1
# text is almost never valid UTF-8 by chance).
_LATIN = frozenset({"ascii", "latin_1", "iso8859-1", "cp1252", "iso8859-15"})

# Codecs whose ASCII-looking bytes do not mean ASCII text (UTF-16 "D\x00e\x00",
# ISO-2022 escape sequences, UTF-7 "+AOk-").
_NOT_ASCII_COMPATIBLE = ("utf-16", "utf-32", "utf-7", "iso2022", "hz")
_NEEDS_SURROGATE_CHECK = frozenset({"utf-7", "utf-16", "utf-16-le", "utf-16-be", "utf-32"})


@dataclass(frozen=True, slots=True)
class Decoded:
    """Text decoded from bytes; ``problem`` says a fallback was used and why."""

    text: str
    charset: str | None  # the codec actually used
    problem: str | None = None  # None, "undeclared-charset" or "bad-charset"


# Made for every text part, by its slots (model.Positional).
_new_decoded = positional(Decoded).new


@lru_cache(maxsize=256)
def codec_name(label: str | None) -> str | None:
    """Python's codec name for a charset label, or None when unknown or not text."""
    if not label:
        return None
    key = label.strip().strip("\"'").lower()
    if not key or key in _UNKNOWN_LABELS:
        return None
    key = _ALIASES.get(key, key)
    try:
        info = codecs.lookup(key)
    except (LookupError, ValueError):
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None  # base64, rot13, hex... are codecs but not charsets
    return info.name


def _fallback(data: bytes) -> tuple[str, str]:
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def decode_bytes(data: bytes, charset: str | None) -> Decoded:
    """Decode ``data`` declared as ``charset`` (None: undeclared); never raises."""
    name = codec_name(charset)
    if data.isascii() and not (name and name.startswith(_NOT_ASCII_COMPATIBLE)):
        return _new_decoded(data.decode("ascii"), name or "ascii")
    if name is None:
        text, used = _fallback(data)
        problem = (
            "undeclared-charset"
            if not charset or charset.strip().lower() in _UNKNOWN_LABELS
            else "bad-charset"
        )
        return _new_decoded(text, used, problem)
    if name in _LATIN:
        if name == "ascii":
            text, used = _fallback(data)
            return _new_decoded(text, used, "bad-charset")
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            return _new_decoded(text, "utf-8", "bad-charset")
    try:
        text = data.decode(name)
        if name in _NEEDS_SURROGATE_CHECK:
            text.encode("utf-8")
    except (UnicodeError, LookupError, ValueError):
        pass
    else:
        return _new_decoded(text, name)
    if name != "utf-8":
        try:
            return _new_decoded(data.decode("utf-8"), "utf-8", "bad-charset")
        except UnicodeDecodeError:
            pass
    if name in ("utf-8", "ascii"):
        text, used = _fallback(data)
        return _new_decoded(text, used, "bad-charset")
    # A multi-byte charset with a few bad sequences: keep the declared reading.
    try:
        return _new_decoded(data.decode(name, "replace"), name, "bad-charset")
    except (UnicodeError, LookupError, ValueError):
        text, used = _fallback(data)
        return _new_decoded(text, used, "bad-charset")


def header_str(value: object, hint: str | None = None) -> tuple[str, str | None]:
    """A raw header value from a compat32 message as text.

    Non-ASCII bytes in headers (RFC 6532 UTF-8, or undeclared legacy
    charsets) arrive as surrogate escapes; they are decoded as UTF-8, else
    in ``hint`` (the charset the message's body declares: CJK mail writes
    raw GB2312 or Big5 headers), else with the fallback order. Returns the
    text and a problem slug or None.
    """
    if not isinstance(value, str):
        value = str(value)
    if value.isascii():
        return value, None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        data = value.encode("utf-8", "surrogateescape")
        try:
            return data.decode("utf-8"), None  # RFC 6532: UTF-8 headers are legal
        except UnicodeDecodeError:
            pass
        name = codec_name(hint)
        if name is not None and name not in _LATIN:
            try:
                return data.decode(name), "undeclared-charset"
            except (UnicodeError, LookupError, ValueError):
                pass
        text, _ = _fallback(data)
        return text, "undeclared-charset"
    return value, None


# RFC 2047 section 2: =?charset?encoding?encoded-text?= (charset may carry
# an RFC 2231 language suffix "*lang"). No nested quantifiers: linear.
_ENCODED_WORD = re.compile(r"=\?([^?\s]{1,75})\?([QqBb])\?([^?\s]*)\?=")
_WS_ONLY = re.compile(r"[ \t\r\n]*\Z")
_QP_HEX = re.compile(rb"=([0-9A-Fa-f]{2})")


def _word_bytes(encoding: str, text: str) -> bytes:
    if encoding in "Bb":
        raw = text.encode("ascii", "replace")
        raw = raw.rstrip(b"=")
        raw += b"=" * (-len(raw) % 4)
        try:
            return binascii.a2b_base64(raw)
        except binascii.Error:
            return b""
    raw = text.replace("_", " ").encode("ascii", "replace")
    return _QP_HEX.sub(lambda m: bytes([int(m.group(1), 16)]), raw)


def decode_words(value: str) -> tuple[str, str | None]:
    """Decode RFC 2047 encoded words in ``value``; never raises.

    Whitespace between two adjacent encoded words is dropped (RFC 2047
    section 6.2); adjacent words in one charset are joined before decoding so
    a multi-byte character split across words survives. Returns the text
    and a problem slug (``bad-charset``) or None.
    """
    if "=?" not in value:
        return value, None
    out: list[str] = []
    problem: str | None = None
    pending: bytearray = bytearray()
    pending_charset: str | None = None
    pos = 0

    def flush() -> None:
        nonlocal pending, pending_charset, problem
        if pending or pending_charset is not None:
            dec = decode_bytes(bytes(pending), pending_charset)
            if dec.problem:
                problem = "bad-charset"
            out.append(dec.text)
        pending = bytearray()
        pending_charset = None

    for m in _ENCODED_WORD.finditer(value):
        between = value[pos : m.start()]
        if between and not (pending_charset is not None and _WS_ONLY.match(between)):
            flush()
            out.append(between)
        charset = m.group(1).split("*", 1)[0]
        if pending_charset is not None and charset.lower() != pending_charset.lower():
            flush()
        pending_charset = charset
        pending += _word_bytes(m.group(2), m.group(3))
        pos = m.end()
    flush()
    out.append(value[pos:])
    return "".join(out), problem


def decode_header_value(value: object, hint: str | None = None) -> tuple[str, str | None]:
    """Raw header value -> decoded, unfolded text; returns (text, problem slug or None)."""
    text, problem = header_str(value, hint)
    if "\n" in text or "\r" in text:
        text = _FOLD.sub(" ", text)
    text, problem2 = decode_words(text)
    return text.strip(), problem or problem2


_FOLD = re.compile(r"\r?\n[ \t]*|\r")
