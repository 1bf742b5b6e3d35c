"""The course in this repository is consistent: points, markers, reference quality, public vs hidden."""

import importlib.util
import re
from collections import defaultdict

import pytest

from grader.config import load_course
from grader.scoring import ResultCollector
from grader.testing import digits_split

from .conftest import ROOT

COURSE = load_course(ROOT / "course.yml")


@pytest.fixture(scope="module")
def collected():
    """Every grading test with its points, collected (not run) by pytest."""
    collector = ResultCollector()
    arguments = [str(ROOT / "tests" / a.id) for a in COURSE.assignments]
    code = pytest.main([*arguments, "--collect-only", "-q", "-p", "no:cacheprovider"], plugins=[collector])
    assert code == 0
    return collector


def reference(module):
    spec = importlib.util.spec_from_file_location(f"reference_{module}", ROOT / "solutions" / f"{module}.py")
    loaded = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(loaded)
    return loaded


def test_course_points_equal_the_suites(collected):
    totals = defaultdict(float)
    for nodeid, points in collected.points.items():
        totals[nodeid.split("/")[1]] += points
    for assignment in COURSE.assignments:
        assert totals[assignment.id] == pytest.approx(assignment.points), assignment.id


def test_hidden_tests_carry_most_points(collected):
    for assignment in COURSE.assignments:
        hidden = public = 0.0
        for nodeid, item in collected.items.items():
            if f"/{assignment.id}/" in nodeid:
                if item.get_closest_marker("hidden"):
                    hidden += collected.points[nodeid]
                else:
                    public += collected.points[nodeid]
        assert hidden > 2 * public, f"{assignment.id}: hidden {hidden} vs public {public}"


def test_every_test_names_a_function_of_the_reference(collected):
    for nodeid, item in collected.items.items():
        module = reference(nodeid.split("/")[1].replace("tests/", ""))
        marker = item.get_closest_marker("function")
        assert marker is not None, f"{nodeid} has no @pytest.mark.function"
        assert hasattr(module, marker.args[0]), f"{nodeid}: the reference has no {marker.args[0]}"
        assert item.get_closest_marker("points") is not None, f"{nodeid} has no @pytest.mark.points"


LECTURE_NUMBERS = ["-16", "91, 100", "127", "3.75", "1.25", "34_944", "105_705_600", "2_097_160", "3_000_000",
                   "280", "760", "1960", "363", "3025", "227", "[9.0, 2.0]", "3.25", "12_288", "3_072",
                   "120_000", "30_730"]  # fmt: skip


def test_public_tests_reuse_no_lecture_number():
    """Public tests have their own examples: none of the lecture's quoted numbers appear in them."""
    for assignment in COURSE.assignments:
        text = (ROOT / "tests" / assignment.id / "test_public.py").read_text(encoding="utf-8")
        for number in LECTURE_NUMBERS:
            assert not re.search(rf"(?<![\d.]){re.escape(number)}(?![\d])", text), (assignment.id, number)


@pytest.mark.slow  # trains the network
def test_reference_reaches_97_percent_on_digits():
    """The reference ConvNet, trained as the hidden test trains it, reaches at least 97 %."""
    cnn = reference("cnn")
    X_train, y_train, X_val, y_val = digits_split()
    model = cnn.ConvNet(num_filters=16, hidden_dim=64, weight_scale=0.1, seed=0)
    cnn.train(model, X_train, y_train, X_val, y_val, epochs=20, batch_size=16, lr=0.1, seed=0)
    history = cnn.train(model, X_train, y_train, X_val, y_val, epochs=5, batch_size=16, lr=0.01, seed=1)
    assert history["val_acc"][-1] >= 0.97, history["val_acc"]


def test_public_api_is_listed():
    import types

    import grader

    for name in grader.__all__:  # the public names load on first use (PEP 562): load them all
        getattr(grader, name)
    public = {
        name
        for name, value in vars(grader).items()
        if not name.startswith(("_", "@")) and not isinstance(value, types.ModuleType)
    }
    assert set(grader.__all__) == public
