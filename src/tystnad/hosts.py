"""Which host names mean this machine: the IMAP client allows an unencrypted connection only to
them, and the dashboard asks for a token when it listens anywhere else."""

from __future__ import annotations

import ipaddress

__all__ = ["is_loopback"]

_LOCAL_NAMES = ("localhost", "localhost.localdomain")


def is_loopback(host: str) -> bool:
    """"localhost", 127.0.0.0/8 and ::1 (bracketed or not)."""
    if host.lower() in _LOCAL_NAMES:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
