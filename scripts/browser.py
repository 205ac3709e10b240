"""Headless Chromium for the browser tests and screenshots: Debian's ``chromium`` package, driven by Playwright.

Playwright's own browser download cannot work offline, so the project uses the distribution's Chromium instead
(``executable_path``). ``make install`` runs ``ensure``: it installs the package with apt-get when it is missing
(as root, or through sudo), and says what to do when neither is possible.

    python scripts/browser.py ensure     # install Debian's chromium if missing; print its path
    python scripts/browser.py path       # print the path (exit 1 when there is none)

From Python::

    from scripts.browser import launch
    with launch() as context:        # a Playwright BrowserContext with a fresh profile
        page = context.new_page()
"""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any, Iterator

CANDIDATES = ("/usr/bin/chromium", "/usr/bin/chromium-browser")
# As root Chromium needs --no-sandbox; the background-networking flags keep it from calling Google's hosts, which
# a closed network refuses many times a second.
FLAGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
         "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-default-apps", "--disable-extensions", "--mute-audio"]


def path() -> str | None:
    """The Chromium binary: LEDGERBRIDGE_CHROMIUM, else Debian's."""
    configured = os.environ.get("LEDGERBRIDGE_CHROMIUM")
    if configured:
        return configured if Path(configured).exists() else None
    return next((c for c in CANDIDATES if Path(c).exists()), None)


def ensure() -> str:
    """Chromium's path, installing Debian's package first when it is missing."""
    found = path()
    if found:
        return found
    if shutil.which("apt-get") is None:
        raise SystemExit("Chromium is needed for the browser tests and there is no apt-get here: install Chromium "
                         "and set LEDGERBRIDGE_CHROMIUM to its path")
    prefix: list[str] = [] if os.geteuid() == 0 else (["sudo", "-n"] if shutil.which("sudo") else [])
    if os.geteuid() != 0 and not prefix:
        raise SystemExit("Chromium is needed for the browser tests: run `sudo apt-get install -y chromium` "
                         "(or set LEDGERBRIDGE_CHROMIUM to a Chromium binary)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    command = [*prefix, "apt-get", "install", "-y", "-q", "--no-install-recommends", "chromium"]
    print("installing Debian's chromium for the browser tests ...", flush=True)
    done = subprocess.run(command, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        # the package lists may be missing on a fresh image: refresh them once and try again
        subprocess.run([*prefix, "apt-get", "update", "-q"], env=env, capture_output=True, text=True)
        done = subprocess.run(command, env=env, capture_output=True, text=True)
    found = path()
    if done.returncode != 0 or not found:
        tail = "\n".join((done.stdout + done.stderr).splitlines()[-15:])
        raise SystemExit(f"could not install chromium ({' '.join(command)} exited {done.returncode}):\n{tail}")
    return found


@contextlib.contextmanager
def launch(**kwargs: Any) -> Iterator[Any]:
    """A headless Chromium through Playwright, closed afterwards; each launch gets a fresh profile."""
    from playwright.sync_api import sync_playwright  # noqa: PLC0415

    executable = path()
    if executable is None:
        raise RuntimeError("no Chromium: run `python scripts/browser.py ensure` (make install does)")
    with tempfile.TemporaryDirectory(prefix="lb-chromium-") as profile, sync_playwright() as p:
        context = p.chromium.launch_persistent_context(profile, executable_path=executable, headless=True,
                                                       args=FLAGS, viewport={"width": 1440, "height": 900},
                                                       **kwargs)
        try:
            yield context
        finally:
            context.close()


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "path"
    if command == "ensure":
        print(ensure())
        return 0
    if command == "path":
        found = path()
        if found:
            print(found)
            return 0
        print("no Chromium found; `python scripts/browser.py ensure` installs Debian's", file=sys.stderr)
        return 1
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
