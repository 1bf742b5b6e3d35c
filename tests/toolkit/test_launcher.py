"""The threads that carry a child's frames, alone: a killed child's threads never touch the next
child's pipes (a loaded machine once made correct code "end the process")."""

from __future__ import annotations

import os
import subprocess
import time

import pytest

from grader.sandbox import protocol
from grader.sandbox.launcher import Child


def test_a_killed_childs_reader_never_reads_the_next_childs_pipe():
    """`kill` frees the pipes' descriptor numbers, and the next child's pipe may take one at once.
    A reader caught in the middle of a frame by the kill goes on reading its own, dead, pipe: the
    next child's reply stays for the next child's reader."""
    process = subprocess.Popen(["sleep", "30"], start_new_session=True)
    old_read, old_write = os.pipe()
    in_read, in_write = os.pipe()
    process.stdout = os.fdopen(old_read, "rb", buffering=0)
    process.stdin = os.fdopen(in_write, "wb", buffering=0)
    child = Child(process, protocol.Limits(2**20))
    os.write(old_write, b"\x10\x00\x00\x00")  # half of a frame's size: the reader waits mid-frame
    time.sleep(0.2)
    child.kill()
    next_read, next_write = os.pipe()  # the next child's pipe
    try:
        if next_read != old_read:
            pytest.skip("the system did not give the freed descriptor number to the next pipe")
        reply = b"the next child's reply"
        os.write(next_write, reply)
        os.write(old_write, b"\x00\x00\x00\x00")  # the rest of the size: the reader reads on
        time.sleep(0.3)
        os.set_blocking(next_read, False)
        assert os.read(next_read, 100) == reply, "the killed child's reader took the next child's reply"
    finally:
        for fd in (old_write, in_read, next_read, next_write):
            os.close(fd)
