"""Start a sandbox as a child process and read its JSON start-up line (used by the tests and ``make demo``)."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent


def endpoint_of(path: str) -> str:
    """A call's path with ids taken out, for counting calls by endpoint ("GET /Invoices/{id}/History")."""
    path = re.sub(r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", "{id}", path)
    path = re.sub(r"/v3/company/[^/]+", "", path)
    path = re.sub(r"/attachments/[^/]+/[^/]+/.*", "/attachments/{file}", path)
    path = re.sub(r"(/Attachments)/[^/]+$", r"\1/{file}", path)
    return re.sub(r"/\d+(/|$)", r"/{id}\1", path.replace("/api.xro/2.0", ""))


@dataclass
class RunningSandbox:
    ledger: str
    info: dict[str, Any]
    proc: subprocess.Popen

    @property
    def base_url(self) -> str:
        return self.info["base_url"]

    @property
    def root_url(self) -> str:
        """scheme://host:port, where the /_sandbox test controls live."""
        parts = urlsplit(self.info["token_url"])
        return f"{parts.scheme}://{parts.netloc}"

    def control(self, method: str, path: str, **kwargs: Any) -> Any:
        resp = requests.request(method, f"{self.root_url}/_sandbox/{path.lstrip('/')}", timeout=30, **kwargs)
        resp.raise_for_status()
        return resp.json() if resp.content else None

    def calls(self) -> list[dict[str, Any]]:
        return self.control("GET", "calls")

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def start(ledger: str, *args: str, env: dict[str, str] | None = None, timeout: float = 60.0) -> RunningSandbox:
    cmd = [sys.executable, "-m", "sandbox", ledger, *args]
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=None, text=True,
                            env={**os.environ, **(env or {})})
    assert proc.stdout is not None
    line = proc.stdout.readline()
    if not line:
        proc.wait(timeout=timeout)
        raise RuntimeError(f"sandbox {ledger} exited with {proc.returncode} before printing its start-up line")
    info = json.loads(line)
    return RunningSandbox(ledger, info, proc)
