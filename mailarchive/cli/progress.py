"""A message counter on stderr for long runs, shown only when stderr is a terminal."""

from __future__ import annotations

import sys
import time
from types import TracebackType


class Progress:
    """Counts records; redraws ``N messages`` on stderr at most every half second."""

    def __init__(self, label: str = "messages", *, enabled: bool | None = None) -> None:
        self.label = label
        self.count = 0
        self.enabled = sys.stderr.isatty() if enabled is None else enabled
        self._started = time.monotonic()
        self._last = 0.0
        self._drawn = False

    def tick(self, n: int = 1) -> None:
        self.count += n
        if not self.enabled:
            return
        now = time.monotonic()
        # Stay quiet for the first second: short runs print nothing.
        if now - self._started < 1.0 or now - self._last < 0.5:
            return
        self._last = now
        rate = self.count / max(now - self._started, 1e-9)
        sys.stderr.write(f"\r{self.count:,} {self.label} ({rate:,.0f}/s)")
        sys.stderr.flush()
        self._drawn = True

    def __enter__(self) -> Progress:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._drawn:
            sys.stderr.write("\r\033[K")
            sys.stderr.flush()
