"""A loopback port nobody listens on, for a server a test starts (it may be taken again before the
server binds it; callers that care retry)."""

from __future__ import annotations

import socket


def free_loopback_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])
