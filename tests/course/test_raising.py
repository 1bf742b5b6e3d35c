"""A function that always raises the ValueError its bad-input test expects earns nothing: each
such test also checks the function on valid input.

The lost tests are those of the replaced function. Every test that relies on it keeps its points:
a graded function that calls it in the reference, and an integration test that runs it through
another graded function (backward on your own forward cache), pass again with the reference's
function answering, and their reason names it (issue 11: one mistake costs its own points, once).
Every other test passes.
"""

import pytest

from .conftest import (
    grade_and_check,
    names_of_tests_for,
    reference_source,
    replace_definition,
    write_submission,
)

ALWAYS_RAISES = '''
def {name}(*args, **kwargs):
    """Every input is bad input."""
    raise ValueError("bad geometry")
'''

# per assignment: the function that always raises, the functions whose tests it must fail, and
# the test that expects its ValueError
CASES = {
    "conv": ("padded_output_size", {"padded_output_size"}, "test_padded_output_size_rejects_unknown_mode"),
    "im2col": ("im2col", {"im2col"}, "test_bad_geometry_raises"),
    "pool": ("pool_output_size", {"pool_output_size"}, "test_bad_geometry_raises"),
    "params": ("summarize", {"summarize"}, "test_unknown_layer_type_raises"),
}

# integration tests that run the raising function through another graded function on purpose
CHAINED = {"im2col": {"test_backward_on_your_own_forward_cache"}}
KEPT_BECAUSE = "it failed only because {function} fails its own tests"


@pytest.mark.parametrize("assignment", sorted(CASES))
def test_always_raising_value_error_earns_nothing(course, tmp_path, assignment):
    function, failing, error_test = CASES[assignment]
    source = replace_definition(reference_source(assignment), function, ALWAYS_RAISES.format(name=function))
    submission = write_submission(tmp_path / "student", assignment, source)
    lost = names_of_tests_for(course, assignment, failing)
    assert error_test in lost
    _, results = grade_and_check(course, assignment, submission, lost)
    assert all("bad geometry" in t.output for name in lost for t in results[name])
    kept = [t for name in CHAINED.get(assignment, set()) for t in results[name]]
    assert all(KEPT_BECAUSE.format(function=function) in t.output for t in kept)
