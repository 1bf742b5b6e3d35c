"""Home and official agree on every public test, over this course's catalogue of mistakes (issue 21
item 1): each known mistake, and issue 21's own example (a conv_single_step that takes the mean),
graded in a student's repository (no reference: the released answers stand in) and by the
instructor (the reference child stands in), give every public test the same score."""

from pathlib import Path

import pytest

from grader.catalogue import load_catalogue, variant_source
from grader.config import load_course
from grader.grading import grade
from grader.packaging import write_student_repos

from .conftest import ROOT

MEAN_STEP = {  # issue 21: the mean instead of the sum; conv_forward itself is right
    "name": "single step takes the mean",
    "function": "conv_single_step",
    "code": "\ndef conv_single_step(a_slice, w, b):\n    return float(np.mean(a_slice * w) + b)\n",
}

BIASED_NET = {  # a class whose own test fails; train's test then relies on the answers to its methods,
    # keyed by the object's state
    "name": "first biases start at one, b3's gradient doubled",
    "function": "ConvNet",
    "code": """
_ReferenceConvNet = ConvNet


class ConvNet(_ReferenceConvNet):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.params["b1"] = self.params["b1"] + 1.0

    def loss(self, X, y=None):
        result = super().loss(X, y)
        if y is None:
            return result
        loss, grads = result
        return loss, {**grads, "b3": 2 * grads["b3"]}
""",
}


def _mistakes() -> list[tuple[str, dict]]:
    course = load_course(ROOT / "course.yml")
    found = [("conv", MEAN_STEP), ("cnn", BIASED_NET)]
    for assignment in course.assignments:
        found += [(assignment.id, m) for m in load_catalogue(ROOT / "tests" / assignment.id / "mistakes.py")]
    return found


MISTAKES = _mistakes()


@pytest.fixture(scope="module")
def repos(tmp_path_factory) -> dict[str, Path]:
    course = load_course(ROOT / "course.yml")
    base = tmp_path_factory.mktemp("repos")
    ids = [assignment.id for assignment in course.assignments]
    return dict(zip(ids, write_student_repos(ROOT, course, base, []), strict=True))


@pytest.mark.slow
@pytest.mark.parametrize(("assignment_id", "mistake"), MISTAKES, ids=[m["name"] for _, m in MISTAKES])
def test_home_and_official_score_public_tests_alike(repos, shared_grades, tmp_path, assignment_id, mistake):
    assignment = load_course(ROOT / "course.yml").assignment(assignment_id)
    path = tmp_path / assignment.module
    reference = (ROOT / "solutions" / assignment.module).read_text(encoding="utf-8")
    path.write_text(variant_source(reference, mistake), encoding="utf-8")
    official = shared_grades.grade(ROOT, assignment, path)  # as `course check` grades it (test_release)
    at_home = grade(repos[assignment_id], assignment, path)
    wanted = {test.name: test.score for test in official.tests if not test.hidden}
    assert {test.name: test.score for test in at_home.tests if not test.hidden} == wanted
    kept = {test.name for test in at_home.tests if test.score == test.max_score}
    assert KEPT.get(mistake["name"], set()) <= kept  # the caller's points, kept through the answers


# the public tests of a right caller that keep their points at home only through the answers
KEPT = {
    MEAN_STEP["name"]: {
        "test_forward_small_example",
        "test_forward_is_not_flipped",
        "test_forward_output_shape",
    },
    BIASED_NET["name"]: {"test_train_steps_on_blank_images"},
    # softmax_loss's public test (one example) passes; its hidden tests fail, and the home run finds
    # it wrong on train's released calls (grader.answers.home.wrong_at_home)
    "loss summed instead of averaged": {"test_train_steps_on_blank_images"},
}
