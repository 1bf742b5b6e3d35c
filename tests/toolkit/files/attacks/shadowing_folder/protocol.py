"""Shadowing attack: leaves a marker if the grading process (root) runs this file."""

import os

if os.getuid() == 0:
    with open("/tmp/redteam-shadow-protocol", "w") as _marker:
        _marker.write("ran in the grading process")
