"""bubblewrap as other machines have it, first on PATH: too old for grading, or refused namespaces.

Each is a `bwrap` script in a folder of its own, made the way the machine would answer:

- Ubuntu 22.04's bubblewrap 0.6.1 knows no `--size` (it came in 0.7.0) and says so;
- Docker (Gradescope's image): bubblewrap is installed, the kernel refuses it namespaces;
- a bubblewrap that passes the probe but kills every grading child (a broken sandbox).
"""

from __future__ import annotations

import os
from pathlib import Path

OLD = """#!/bin/sh
# bubblewrap 0.6.1 (Ubuntu 22.04): every option of 0.8.0 but --size
if [ "$1" = "--version" ]; then echo "bubblewrap 0.6.1"; exit 0; fi
for argument in "$@"; do
    if [ "$argument" = "--size" ]; then echo "bwrap: Unknown option --size" >&2; exit 1; fi
done
exec {real} "$@"
"""

NO_NAMESPACES = """#!/bin/sh
# bubblewrap in an unprivileged Docker container (Gradescope): installed, refused namespaces
if [ "$1" = "--version" ]; then echo "bubblewrap 0.6.1"; exit 0; fi
echo "bwrap: No permissions to create new namespace, likely because the kernel does not allow \
non-privileged user namespaces. On e.g. debian this can be enabled with \
'sysctl kernel.unprivileged_userns_clone=1'." >&2
exit 1
"""

DIES = """#!/bin/sh
# a broken sandbox its probe does not see: a trivial program starts, every grading child dies
if [ "$1" = "--version" ]; then echo "bubblewrap 0.8.0"; exit 0; fi
for argument in "$@"; do
    case "$argument" in
        */child.py)
            echo "bwrap: Creating new namespace failed: Resource temporarily unavailable" >&2
            exit 1;;
    esac
done
exec {real} "$@"
"""

KINDS = {"old": OLD, "no-namespaces": NO_NAMESPACES, "dies": DIES}


def fake_bwrap(folder: Path, kind: str) -> Path:
    """Write the `kind` bwrap into `folder` (made, readable by all) and return the folder, to put
    first on PATH."""
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o755)
    script = folder / "bwrap"
    text = KINDS[kind].format(real="/usr/bin/bwrap")
    script.write_text(text, encoding="utf-8")
    script.chmod(0o755)
    return folder
