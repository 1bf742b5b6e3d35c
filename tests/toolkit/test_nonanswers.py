"""`course check` on any course: tests that give a non-answer points (grader.nonanswers), and given
helpers that do the work of an assignment still taking submissions (grader.handout_leaks).

Everything runs on the fixture course (vec: add, scale, norm; stats: mean, variance, released
before vec's late window ends), with a test or a helper planted in a copy.
"""

import importlib.util
import math

import numpy as np
import pytest
import yaml

from grader.check import check_helpers
from grader.config import load_course
from grader.handout_leaks import check_given_helpers, given_helpers, open_earlier
from grader.nonanswers import KINDS, check_nonanswers, non_answer_source

from .conftest import FIXTURE, fixture_course

SHAPE_ONLY = '''

@pytest.mark.points(1)
@pytest.mark.function("add")
def test_add_shape(submission):
    """Planted: a shape-only test."""
    assert submission.add(np.ones((2, 3)), np.ones((2, 3))).shape == (2, 3)
'''

LEAKING_HELPER = '''

def _length(v):
    """Given: the length of a vector (what vec's norm computes, under another name)."""
    return float(np.sqrt(np.sum(v * v)))


def _spread(x):
    """Given: the largest value minus the smallest (no graded function of vec does this)."""
    return float(np.max(x) - np.min(x))
'''


def module_of(source, tmp_path, name):
    path = tmp_path / f"{name}.py"
    path.write_text(source, encoding="utf-8")
    spec = importlib.util.spec_from_file_location(f"nonanswer_{name}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_each_non_answer_keeps_the_shape_and_drops_the_values(tmp_path):
    reference = (FIXTURE / "solutions" / "vec.py").read_text(encoding="utf-8")
    x, y = np.arange(6.0).reshape(2, 3), np.full((2, 3), 2.0)
    made = {
        kind: module_of(non_answer_source(reference, ["add", "norm"], kind), tmp_path, kind) for kind in KINDS
    }
    assert np.isnan(made["nan"].add(x, y)).all() and math.isnan(made["nan"].norm(x))
    assert np.isposinf(made["inf"].add(x, y)).all() and made["inf"].norm(x) == math.inf
    assert (made["zeros"].add(x, y) == 0).all() and made["ones"].norm(x) == 1.0
    assert (made["echo"].add(x, y) == x).all()
    assert made["unrelated"].norm(x) != pytest.approx(float(np.linalg.norm(x)))
    assert made["unrelated"].add(x, y).shape == (2, 3) and (made["unrelated"].add(x, y) == 0).all()
    assert (made["nan"].scale(x) == 2 * x).all()  # not a target: the reference's
    assert x[1, 2] == 5.0  # nothing changed in place


def test_a_class_non_answer_fills_its_state_and_its_methods(tmp_path):
    reference = """
import numpy as np


class Model:
    def __init__(self, n=3):
        self.params = {"w": np.full(n, 0.01)}

    def loss(self, x):
        return float(np.sum(self.params["w"] * x)), {"w": x.copy()}
"""
    model = module_of(non_answer_source(reference, ["Model"], "nan"), tmp_path, "nan_class").Model()
    assert np.isnan(model.params["w"]).all()
    constant = module_of(non_answer_source(reference, ["Model"], "unrelated"), tmp_path, "unrelated_class")
    loss, grads = constant.Model().loss(np.ones(3))
    assert math.isfinite(loss) and (grads["w"] == 0).all()


@pytest.mark.slow  # six gradings of each assignment
def test_the_fixture_course_gives_no_non_answer_points(tmp_path):
    root = fixture_course(tmp_path / "course")
    course = load_course(root / "course.yml")
    for assignment in course.assignments:
        assert check_nonanswers(root, course, assignment) == []


def test_a_shape_only_test_is_reported_for_every_non_answer(tmp_path):
    root = fixture_course(tmp_path / "course")
    suite = root / "tests" / "vec" / "test_hidden.py"
    suite.write_text(suite.read_text(encoding="utf-8") + SHAPE_ONLY, encoding="utf-8")
    course = load_course(root / "course.yml")
    problems = check_nonanswers(root, course, course.assignment("vec"))
    assert len(problems) == len(KINDS), problems
    assert all(problem.startswith("vec: test_add_shape gives 1 of 1 points to ") for problem in problems)
    assert any("NaN of the right shapes" in problem for problem in problems)
    assert any("its inputs echoed back" in problem for problem in problems)


def plant_helper(root):
    solution = root / "solutions" / "stats.py"
    solution.write_text(solution.read_text(encoding="utf-8") + LEAKING_HELPER, encoding="utf-8")


def test_a_given_helper_that_does_an_open_assignments_work_is_reported(tmp_path):
    """stats is released on 12 January, 09:00; vec is due that evening and takes late work for
    five more days: stats' `_length` computes vec's `norm` (by another name) and is reported;
    `_spread` is not. The helpers are otherwise fine: given, documented."""
    root = fixture_course(tmp_path / "course")
    plant_helper(root)
    course = load_course(root / "course.yml")
    stats = course.assignment("stats")
    assert [assignment.id for assignment in open_earlier(course, stats)] == ["vec"]
    assert given_helpers(root, stats) == ["_length", "_spread"]
    assert check_helpers(root, course, stats) == []
    problems = check_given_helpers(root, course, stats)
    assert len(problems) == 1, problems
    assert problems[0].startswith("stats: the given helper _length does what vec's graded norm does")
    assert check_given_helpers(root, course, course.assignment("vec")) == []


def test_the_same_helper_is_fine_once_the_earlier_assignment_is_closed(tmp_path):
    root = fixture_course(tmp_path / "course")
    plant_helper(root)
    data = yaml.safe_load((root / "course.yml").read_text(encoding="utf-8"))
    data["assignments"][1]["release"] = "2026-01-18T00:00:00+00:00"  # vec's late window ends on the 17th
    data["assignments"][1]["due"] = "2026-01-25T23:59:00+00:00"
    (root / "course.yml").write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    course = load_course(root / "course.yml")
    assert open_earlier(course, course.assignment("stats")) == []
    assert check_given_helpers(root, course, course.assignment("stats")) == []


def test_a_helper_hidden_in_a_solution_region_is_not_given(tmp_path):
    """The way to keep a reference helper to yourself: the whole definition in a region."""
    root = fixture_course(tmp_path / "course")
    solution = root / "solutions" / "stats.py"
    wrapped = "\n### BEGIN SOLUTION" + LEAKING_HELPER + "### END SOLUTION\n"
    solution.write_text(solution.read_text(encoding="utf-8") + wrapped, encoding="utf-8")
    course = load_course(root / "course.yml")
    stats = course.assignment("stats")
    assert given_helpers(root, stats) == []
    assert check_helpers(root, course, stats) == []
    assert check_given_helpers(root, course, stats) == []
