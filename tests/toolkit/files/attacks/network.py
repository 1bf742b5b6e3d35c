"""Attack: reach the network, or any other process, through a socket.

Sockets of every family through Python's socket module (the audit hook is off): TCP and UDP to a
public address, a Unix socket to the usual daemons (Docker, systemd, D-Bus), netlink (routing),
a raw packet socket, and socketpair. Expected when the sandbox holds: every one fails, so norm
scores nothing (exactly 6 points).
"""

import posixpath
import socket
import sys

import numpy as np


def _unhook():
    """Switch off the child's audit hook from pure Python (it is defence in depth, not a boundary):
    empty its tables of events and make its path check see /dev/null, which it allows."""
    confine = sys.modules.get("confine")
    if confine is None:
        return
    confine._BLOCKED_EVENTS.clear()
    confine._WRITE_EVENTS.clear()
    real = posixpath.realpath

    def realpath(path, *args, **kwargs):
        if sys._getframe(1).f_code.co_name == "inside":
            return "/dev/null"
        return real(path, *args, **kwargs)

    posixpath.realpath = realpath


_unhook()


def add(x, y):
    """Elementwise sum of two arrays of the same shape."""
    return x + y


def scale(x, k=2.0):
    """x times the number k."""
    return x * k


def _attempts():
    yield lambda: socket.create_connection(("1.1.1.1", 53), timeout=0.5)
    yield lambda: socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("1.1.1.1", 53))
    yield lambda: socket.socket(socket.AF_INET6, socket.SOCK_STREAM)
    for path in ("/var/run/docker.sock", "/run/systemd/private", "/run/dbus/system_bus_socket"):
        yield lambda path=path: socket.socket(socket.AF_UNIX, socket.SOCK_STREAM).connect(path)
    yield lambda: socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, 0)
    yield lambda: socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    yield lambda: socket.socketpair()


def _reached():
    for attempt in _attempts():
        try:
            attempt()
            return True
        except OSError:
            pass
    return False


def norm(x):
    """The right norm only if some socket worked."""
    return float(np.sqrt(np.sum(x * x))) if _reached() else -1.0
