"""The HTML export in a real browser: headless Chromium opens the pages from file://.

Chromium is driven over the DevTools protocol on a pipe
(``--remote-debugging-pipe``: requests on fd 3, replies on fd 4, each a JSON
message ended by a NUL byte), so no driver, no port and no extra Python
package is needed. The test asserts on the rendered page: the thread count
in the index, sorting by a column, a message's sender and text on a thread
page, that quoted history is folded (its text not rendered) until its
summary is clicked, and that the page loaded nothing from anywhere.

Skips, saying why, when ``/usr/bin/chromium`` (Debian package ``chromium``)
is not installed; ``.ci/run`` installs it.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import os
import shutil
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from mailarchive.export.html import page_name, write_html
from tests.test_export_data import T2, B, C, sample_document

CHROMIUM = os.environ.get("MAILARCHIVE_CHROMIUM", "/usr/bin/chromium")
TIMEOUT = 60.0

pytestmark = pytest.mark.browser


class Browser:
    """A headless Chromium and one page, spoken to over the DevTools pipe."""

    def __init__(self, profile: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()
        args = [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-default-apps",
            "--disable-extensions",
            "--disable-sync",
            "--no-first-run",
            "--no-default-browser-check",
            "--mute-audio",
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ]

        def child_fds() -> None:
            # Runs in the child before it closes the fds not kept: move the
            # pipe ends out of the way first, then onto 3 and 4.
            high_r = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
            high_w = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(high_r, 3)
            os.dup2(high_w, 4)

        self.proc = subprocess.Popen(
            args,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            pass_fds=(3, 4),
            preexec_fn=child_fds,  # noqa: PLW1509 - single-threaded test process
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.session = ""
        try:
            self._attach()
        except BaseException:
            self.close()
            raise

    def _attach(self) -> None:
        target = self.call("Target.createTarget", url="about:blank")["targetId"]
        self.session = self.call("Target.attachToTarget", targetId=target, flatten=True)[
            "sessionId"
        ]
        self.call("Page.enable")
        self.call("Runtime.enable")

    def _read_message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            if time.monotonic() > deadline:
                raise TimeoutError("no answer from chromium")
            chunk = os.read(self._from_browser, 65536)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        message: dict[str, Any] = json.loads(raw)
        return message

    def call(self, method: str, **params: Any) -> dict[str, Any]:
        self._next_id += 1
        request: dict[str, Any] = {"id": self._next_id, "method": method, "params": params}
        if self.session and not method.startswith("Target."):
            request["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(request).encode() + b"\0")
        deadline = time.monotonic() + TIMEOUT
        while True:
            message = self._read_message(deadline)
            if message.get("id") == self._next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                result: dict[str, Any] = message.get("result", {})
                return result

    def js(self, expression: str) -> Any:
        """Evaluate JS in the page; returns the value (JSON-able)."""
        result = self.call(
            "Runtime.evaluate", expression=expression, returnByValue=True, awaitPromise=True
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"JS error in {expression!r}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def open(self, path: Path) -> None:
        """Navigate to a file and wait until it has loaded."""
        self.call("Page.navigate", url=path.as_uri())
        deadline = time.monotonic() + TIMEOUT
        while time.monotonic() < deadline:
            ready = self.js("document.readyState === 'complete' && location.href")
            if ready == path.as_uri():
                return
            time.sleep(0.05)
        raise TimeoutError(f"{path} did not load")

    def close(self) -> None:
        if self.proc.poll() is None:
            with contextlib.suppress(RuntimeError, TimeoutError, OSError):
                self.call("Browser.close")
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    write_html(sample_document(), out)
    return out


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Browser]:
    if not (Path(CHROMIUM).exists() or shutil.which(CHROMIUM)):
        pytest.skip(
            f"headless Chromium not installed ({CHROMIUM} missing; "
            "Debian: apt-get install chromium, as .ci/run does)"
        )
    b = Browser(tmp_path_factory.mktemp("chromium-profile"))
    try:
        yield b
    finally:
        b.close()


def test_index_lists_threads_and_sorts(browser: Browser, site: Path) -> None:
    browser.open(site / "index.html")
    assert browser.js("document.querySelectorAll('#threads tbody tr').length") == 2
    assert browser.js("document.getElementById('summary').textContent") == ("2 threads, 6 messages")
    subjects = (
        "Array.from(document.querySelectorAll('#threads tbody tr td:first-child'))"
        ".map(td => td.innerText)"
    )
    # Sort by message count: ascending, then descending on a second click.
    browser.js("document.querySelector('th button[data-col=\"1\"]').click()")
    assert browser.js(subjects) == ["Microrobot simulation", "Release planning <v2>"]
    browser.js("document.querySelector('th button[data-col=\"1\"]').click()")
    assert browser.js(subjects) == ["Release planning <v2>", "Microrobot simulation"]
    # Sort by first date (the instant, across offsets).
    browser.js("document.querySelector('th button[data-col=\"3\"]').click()")
    assert browser.js(subjects) == ["Microrobot simulation", "Release planning <v2>"]
    # The link leads to the thread's page.
    href = browser.js(
        "Array.from(document.querySelectorAll('#threads a'))"
        ".find(a => a.textContent.startsWith('Release')).href"
    )
    assert href == (site / "t" / f"{page_name(T2)}.html").as_uri()
    assert browser.js("performance.getEntriesByType('resource').length") == 0


def test_thread_page_renders_and_folds(browser: Browser, site: Path) -> None:
    browser.open(site / "t" / f"{page_name(T2)}.html")
    assert browser.js("document.getElementById('subject').innerText") == "Release planning <v2>"
    assert browser.js("document.querySelectorAll('article.message').length") == 4
    carol = f"document.getElementById('{C}')"
    assert browser.js(f"{carol}.querySelector('.from').innerText") == ("Zoë Ünal <zoe@example.net>")
    assert browser.js(f"{carol}.querySelector('pre.authored').innerText") == (
        "Notes attached — déjà vu."
    )
    assert "notes.pdf" in browser.js(f"{carol}.querySelector('ul.attachments').innerText")
    bob = f"document.getElementById('{B}')"
    # Text that looks like HTML is shown as text, not run.
    assert "<script>alert(1)</script>" in browser.js(
        f"{bob}.querySelector('pre.authored').innerText"
    )
    assert browser.js(f"{bob}.querySelectorAll('script').length") == 0

    # Folded: the quoted history is in the DOM but not rendered.
    history = f"{bob}.querySelector('details.history pre')"
    assert browser.js(f"{bob}.querySelector('details.history').open") is False
    assert browser.js(f"{history}.checkVisibility()") is False
    assert "Shall we cut 2.0" not in browser.js(f"{bob}.innerText")
    # Unfolded by a click on its summary, like a reader would.
    browser.js(f"{bob}.querySelector('details.history summary').click()")
    assert browser.js(f"{bob}.querySelector('details.history').open") is True
    assert browser.js(f"{history}.checkVisibility()") is True
    assert "> Shall we cut 2.0 on Friday?" in browser.js(f"{bob}.innerText")
    # Collapse all folds it again.
    browser.js("document.querySelector('.tools button[data-open=\"0\"]').click()")
    assert browser.js(f"{history}.checkVisibility()") is False

    # Anchors per message: a link to #id targets the article.
    browser.js(f"location.hash = '#{C}'")
    assert browser.js("document.querySelector('article:target').id") == C
    assert browser.js("performance.getEntriesByType('resource').length") == 0
