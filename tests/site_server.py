"""Serve a folder on 127.0.0.1 until a given process ends: `python -m tests.site_server DIR PID`.

The canonical site is built once per test session and every pytest-xdist worker
browses it, so its server cannot live in one worker (a worker that finishes
early would take it away from the others). It runs here instead, on an
ephemeral port printed as the first line of its output, and stops once the
session's main process (PID) is gone.
"""

from __future__ import annotations

import functools
import http.server
import os
import sys
import threading
import time


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def main(directory: str, owner: int) -> None:
    handler = functools.partial(_QuietHandler, directory=directory)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    print(server.server_address[1], flush=True)
    while _alive(owner):
        time.sleep(0.5)
    server.shutdown()


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
