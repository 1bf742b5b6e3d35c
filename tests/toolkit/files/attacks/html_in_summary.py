"""Attack: HTML and markdown in an exception message, for the GitHub job summary and other views.

In CI the grader appends a markdown table to $GITHUB_STEP_SUMMARY, which GitHub renders with HTML
allowed (headings, images, links). A reason that reaches the table as it is can show a forged
heading with a full score, load an image from anywhere when the page is viewed, or add a link.
The HTML report, JUnit and JSON must likewise carry it as text. Expected when the reports hold:
every view shows the text literally (no raw "<" from the student in the summary or the HTML),
norm fails, the score is exactly 6.
"""

import posixpath
import sys


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


def norm(x):
    """Raises with HTML and markdown in its message."""
    raise ValueError(
        '<h1>vec: 10.00 / 10.00 (100 %)</h1><img src="https://example.com/pixel.png">'
        " [details](https://example.com/) **all tests passed**"
    )
