"""MH folders: numbered message files and the ``.mh_sequences`` file.

Input: an MH folder directory. Output: for each message number, the names
of the sequences it belongs to (``unseen``, ``flagged``, ``replied``...),
which become ``source.flags``. The ``cur`` sequence (the current-message
pointer) is not a flag and is left out. Ranges (``3-7``) are kept as ranges,
never expanded, so a hostile ``1-999999999`` costs nothing.
"""

from __future__ import annotations

from pathlib import Path

SEQUENCES_FILE = ".mh_sequences"


class Sequences:
    """The sequences of one MH folder."""

    def __init__(self, ranges: dict[str, list[tuple[int, int]]]) -> None:
        self._ranges = ranges

    @classmethod
    def read(cls, folder: Path) -> Sequences:
        """Read ``folder/.mh_sequences``; empty when absent or unreadable."""
        try:
            text = (folder / SEQUENCES_FILE).read_text("utf-8", "replace")
        except OSError:
            return cls({})
        return cls.parse(text)

    @classmethod
    def parse(cls, text: str) -> Sequences:
        """Parse the text of a ``.mh_sequences`` file (``name: 1 3-5 8``)."""
        ranges: dict[str, list[tuple[int, int]]] = {}
        for line in text.splitlines():
            name, colon, spec = line.partition(":")
            name = name.strip()
            if not colon or not name or name == "cur":
                continue
            for item in spec.split():
                low, _, high = item.partition("-")
                if low.isdigit() and (not high or high.isdigit()):
                    ranges.setdefault(name, []).append((int(low), int(high or low)))
        return cls(ranges)

    def flags(self, number: int) -> tuple[str, ...]:
        """Sorted names of the sequences that hold message ``number``."""
        return tuple(
            sorted(
                name
                for name, spans in self._ranges.items()
                if any(low <= number <= high for low, high in spans)
            )
        )
