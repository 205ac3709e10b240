"""Run a sandbox app: bind first (so ``--port 0`` works), print the one JSON start-up line, then serve."""

from __future__ import annotations

import json
import socket
import sys
from typing import Any

import uvicorn


def serve(app: Any, host: str, port: int, startup_line: dict[str, Any], log_level: str = "warning") -> None:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    # listen before printing: a client that reads the line and connects at once is queued, not refused
    sock.listen(2048)
    bound_port = sock.getsockname()[1]
    base = f"http://{host}:{bound_port}"
    line = {k: (v.replace("{base}", base) if isinstance(v, str) else v) for k, v in startup_line.items()}
    sys.stdout.write(json.dumps(line) + "\n")
    sys.stdout.flush()
    config = uvicorn.Config(app, log_level=log_level, access_log=False, lifespan="on", timeout_graceful_shutdown=3)
    server = uvicorn.Server(config)
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn re-raises the captured SIGINT after its graceful shutdown (state already flushed): a normal stop
        pass
