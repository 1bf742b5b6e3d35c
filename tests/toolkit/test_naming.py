"""The one rule that names a catalogued mistake (grader.naming), used officially and at home, and
the typed, immutable catalogue."""

import dataclasses

import pytest

from grader import diagnosis, fingerprints, naming
from grader.catalogue import Mistake, load_catalogue
from grader.naming import Evidence, first_named, names

AGREES = Evidence(True, variant_returned=True, student_agrees=True)
SAME_AS_REFERENCE = Evidence(False)


@pytest.mark.parametrize(
    ("evidence", "named"),
    [
        ([SAME_AS_REFERENCE, AGREES], True),
        ([AGREES, AGREES], True),
        ([AGREES, SAME_AS_REFERENCE], False),  # the failing (last) call must discriminate
        ([], False),
        ([SAME_AS_REFERENCE], False),
        ([Evidence(True, variant_returned=False, student_agrees=True)], False),  # an exception alone
        ([Evidence(True, False, True), AGREES], True),  # one value returned is enough
        ([Evidence(True, True, False), AGREES], False),  # the student disagrees on one call
    ],
)
def test_the_rule(evidence, named):
    assert names(evidence) is named


def test_official_and_home_diagnoses_apply_the_same_rule():
    assert diagnosis.names is naming.names and fingerprints.names is naming.names


def test_the_function_is_tried_before_its_methods():
    tried = []

    def named(name):
        tried.append(name)
        return "found" if name == "Net.loss" else None

    assert first_named("Net", ["Net.loss", "Net.step"], named) == "found"
    assert tried == ["Net", "Net.loss"]
    assert naming.applies("Net", "Net.step") and naming.applies("Net.loss", "Net.loss")
    assert not naming.applies("Net.loss", "Net.step") and not naming.applies("conv", "conv_forward")


CATALOGUE = """MISTAKES = [{
    "name": "step adds", "name_zh": "加错", "function": "step",
    "hint": "multiply", "hint_zh": "要乘",
    "code": "def step(x):\\n    return x + 2\\n",
}]
"""


def test_the_catalogue_is_typed_and_immutable(tmp_path):
    path = tmp_path / "mistakes.py"
    path.write_text(CATALOGUE)
    catalogue = load_catalogue(path)
    assert isinstance(catalogue, tuple) and isinstance(catalogue[0], Mistake)
    entry = catalogue[0]
    with pytest.raises(dataclasses.FrozenInstanceError):
        entry.name = "other"  # type: ignore[misc]
    assert load_catalogue(path)[0].name == "step adds"  # the next reader sees the same entry
    assert entry["function"] == "step" and dict(entry)["hint_zh"] == "要乘"
    assert (entry.said_name("zh-CN"), entry.said_hint("en")) == ("加错", "multiply")
    assert Mistake("m", "f", "h").said_name("zh-CN") == "m"  # no translation: the English name
    assert "name_zh" not in Mistake("m", "f", "h")  # an empty optional field is not a key
