"""The browser harness: Debian's Chromium, driven by Playwright, renders a page served on localhost, runs its
script, takes input and keeps a screenshot."""

from __future__ import annotations

import http.server
import threading
import pytest

PAGE = b"""<!doctype html><html><body>
<form id="f"><input id="who" name="who"><button id="go" type="button">Go</button></form>
<p id="out">waiting</p>
<script>document.getElementById('go').onclick = () => {
  document.getElementById('out').textContent = 'hello ' + document.getElementById('who').value; };</script>
</body></html>"""


@pytest.fixture
def local_page() -> str:
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(PAGE)

        def log_message(self, *args: object) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


def test_chromium_renders_runs_script_and_keeps_a_screenshot(page, screenshot, local_page: str) -> None:
    page.goto(local_page)
    page.fill("#who", "ledgerbridge")
    page.click("#go")

    assert page.inner_text("#out") == "hello ledgerbridge"
    shot = screenshot(page, "probe")
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and shot.stat().st_size > 1000
