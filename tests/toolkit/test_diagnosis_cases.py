"""The evaluation set of issue 11 (bench/diagnosis_cases.py) is well formed, and every case is a mistake.

A case's variant is the reference module with the case's code executed on top, in one namespace
(as the scorer builds it). Each graded function has a probe: a few calls on inputs chosen here
(N > 1, strides that do not divide, non-square planes, ties, zeros, default arguments, pad 0).
A case must change the outcome of some call of a probe: its result, the exception it raises, or
whether it modifies an argument.
"""

from __future__ import annotations

import ast
import copy
import importlib.util
import keyword
import re
import textwrap
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType, SimpleNamespace
from typing import Any

import numpy as np
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
ASSIGNMENTS = ("conv", "im2col", "pool", "params", "cnn")
Namespace = dict[str, Any]


def load_cases_module() -> ModuleType:
    spec = importlib.util.spec_from_file_location("diagnosis_cases", ROOT / "bench" / "diagnosis_cases.py")
    assert spec
    assert spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


CASES: list[dict[str, Any]] = load_cases_module().CASES
CASE_IDS = [case["id"] for case in CASES]


def course_modules() -> dict[str, str]:
    """Assignment id -> module file name, from course.yml."""
    course = yaml.safe_load((ROOT / "course.yml").read_text(encoding="utf-8"))
    return {entry["id"]: entry["module"] for entry in course["assignments"]}


def graded_points(assignment: str) -> Counter[str]:
    """Points per graded function, from the points and function markers of the assignment's suites."""
    points: Counter[str] = Counter()
    for path in sorted((ROOT / "tests" / assignment).glob("test_*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if not isinstance(node, ast.FunctionDef):
                continue
            marks = {
                ast.unparse(d.func).rsplit(".", 1)[-1]: d.args
                for d in node.decorator_list
                if isinstance(d, ast.Call) and d.args
            }
            if "function" in marks:
                points[ast.literal_eval(marks["function"][0])] += ast.literal_eval(marks["points"][0])
    return points


def defined_names(code: str) -> set[str]:
    """Top-level functions and classes the case's code defines."""
    tree = ast.parse(textwrap.dedent(code))
    return {node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.ClassDef))}


def namespace(assignment: str, code: str | None = None) -> Namespace:
    """The reference module executed, then the case's code on top (the scorer's construction)."""
    path = ROOT / "solutions" / course_modules()[assignment]
    space: Namespace = {"__name__": f"variant_{assignment}"}
    exec(compile(path.read_text(encoding="utf-8"), str(path), "exec"), space)
    if code is not None:
        exec(compile(textwrap.dedent(code), f"<case code {assignment}>", "exec"), space)
    return space


# ---------------------------------------------------------------- outcomes and comparison


def call(function: Callable[..., Any], *args: Any, **kwargs: Any) -> tuple[Any, ...]:
    """Call and record (result, which arguments it modified), or the exception's type."""
    before = copy.deepcopy((args, kwargs))
    try:
        result = function(*args, **kwargs)
    except Exception as error:  # the student's exception is an outcome like any other
        return ("raised", type(error).__name__)
    modified = not same(before, (args, kwargs))
    return ("returned", copy.deepcopy(result), modified)


def same(a: Any, b: Any) -> bool:
    """Equal up to round-off, with the same kind of number (int against float counts)."""
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        a, b = np.asarray(a), np.asarray(b)
        if a.shape != b.shape or (a.dtype.kind in "iu") != (b.dtype.kind in "iu"):
            return False
        return bool(np.allclose(a, b, rtol=1e-9, atol=1e-12, equal_nan=True))
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(map(same, a, b))
    if isinstance(a, (int, float, np.number)) and isinstance(b, (int, float, np.number)):
        integral = isinstance(a, (int, np.integer)), isinstance(b, (int, np.integer))
        return integral[0] == integral[1] and bool(np.isclose(a, b, rtol=1e-9, atol=1e-12))
    if type(a) is type(b) and hasattr(a, "__dict__"):
        return same(vars(a), vars(b))
    return bool(a == b)


# ---------------------------------------------------------------- probes, one per graded function

Probe = Callable[[Namespace], Iterator[tuple[Any, ...]]]


def normal(seed: int, *shape: int) -> np.ndarray:
    return np.random.default_rng(seed).standard_normal(shape)


def probe_conv_output_size(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    f = ns["conv_output_size"]
    for args, kwargs in [
        ((10, 3), {}),
        ((10, 3), {"pad": 2}),
        ((8, 3), {"stride": 2}),
        ((7, 3), {"stride": 3}),
        ((4, 5), {}),
        ((7, 3), {"stride": 0}),
    ]:
        yield call(f, *args, **kwargs)


def probe_padded_output_size(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    for args in [
        (10, 4, 3, "same"),
        (10, 4, 3, "valid"),
        (7, 3, 2, "same"),
        (8, 2, 1, "same"),
        (8, 3, 1, "x"),
    ]:
        yield call(ns["padded_output_size"], *args)


def probe_zero_pad(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    for pad in (0, 1, 2):
        yield call(ns["zero_pad"], normal(1, 2, 3, 3, 4), pad)


def probe_conv_single_step(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    yield call(ns["conv_single_step"], normal(2, 3, 3, 3), normal(3, 3, 3, 3), 0.5)


def probe_conv_forward(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    for stride, pad in [(1, 0), (2, 1), (3, 0)]:
        yield call(
            ns["conv_forward"],
            normal(4, 2, 3, 7, 6),
            normal(5, 4, 3, 3, 3),
            normal(6, 4),
            stride=stride,
            pad=pad,
        )


GEOMETRIES = [((2, 3, 5, 6), 3, 3, 1, 0), ((2, 3, 5, 6), 3, 2, 2, 1), ((2, 2, 7, 5), 2, 2, 3, 0)]


def probe_im2col(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    for shape, fh, fw, stride, pad in GEOMETRIES:
        yield call(ns["im2col"], normal(7, *shape), fh, fw, stride=stride, pad=pad)


def probe_col2im(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    for shape, fh, fw, stride, pad in GEOMETRIES:
        out_h, out_w = ((size + 2 * pad - f) // stride + 1 for size, f in ((shape[2], fh), (shape[3], fw)))
        cols = normal(8, shape[1] * fh * fw, shape[0] * out_h * out_w)
        yield call(ns["col2im"], cols, shape, fh, fw, stride=stride, pad=pad)


def probe_conv_forward_im2col(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    for stride, pad in [(1, 0), (2, 1)]:
        yield call(
            ns["conv_forward_im2col"],
            normal(9, 2, 3, 6, 5),
            normal(10, 4, 3, 3, 3),
            normal(11, 4),
            stride=stride,
            pad=pad,
        )


def probe_conv_backward_im2col(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    reference = namespace("im2col")["conv_forward_im2col"]  # the cache is the reference's
    for stride, pad in [(1, 1), (2, 1), (1, 0)]:
        out, cache = reference(
            normal(12, 2, 3, 6, 5), normal(13, 4, 3, 3, 3), normal(14, 4), stride=stride, pad=pad
        )
        yield call(ns["conv_backward_im2col"], normal(15, *out.shape), cache)


def probe_pool_output_size(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    for args in [(8, 2, 2), (8, 3, 1), (7, 3, 2), (6, 3, 2), (3, 4, 1)]:
        yield call(ns["pool_output_size"], *args)


def pool_inputs() -> list[np.ndarray]:
    ties = np.random.default_rng(16).integers(0, 3, size=(2, 2, 6, 6)).astype(np.float64)
    return [normal(17, 2, 3, 7, 6), ties, np.ones((1, 1, 4, 4))]


def probe_pool_windows(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    """pool_windows became graded after the set was written (issue 10); no case breaks it."""
    for x in pool_inputs():
        for size, stride in [(2, 2), (3, 2), (2, 1)]:
            yield call(ns["pool_windows"], x, size, stride)


def probe_max_pool_forward(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    for x in pool_inputs():
        yield call(ns["max_pool_forward"], x)
        for size, stride in [(3, 2), (2, 1)]:
            yield call(ns["max_pool_forward"], x, size=size, stride=stride)


def probe_max_pool_backward(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    reference = namespace("pool")["max_pool_forward"]  # switches are the reference's
    x = normal(18, 2, 3, 6, 7)
    for size, stride in [(2, 2), (3, 1)]:
        out, switches = reference(x, size=size, stride=stride)
        yield call(ns["max_pool_backward"], normal(19, *out.shape), switches, x.shape)


def probe_avg_pool_forward(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    x = normal(20, 2, 3, 6, 7)
    yield call(ns["avg_pool_forward"], x)
    for size, stride in [(3, 1), (2, 2)]:
        yield call(ns["avg_pool_forward"], x, size=size, stride=stride)


def probe_avg_pool_backward(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    shape = (2, 3, 6, 7)
    for size, stride in [(2, 2), (3, 1)]:
        out_h, out_w = (shape[2] - size) // stride + 1, (shape[3] - size) // stride + 1
        yield call(ns["avg_pool_backward"], normal(21, 2, 3, out_h, out_w), shape, size=size, stride=stride)


def probe_conv_params(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    for args, kwargs in [((3, 3, 10), {}), ((2, 5, 4), {"bias": False}), ((5, 1, 8), {})]:
        yield call(ns["conv_params"], *args, **kwargs)


def probe_fc_params(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    yield call(ns["fc_params"], 6, 7)
    yield call(ns["fc_params"], 100, 10, bias=False)


def probe_unshared_conv_params(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    yield call(ns["unshared_conv_params"], 2, 3, 1, 2, 4)
    yield call(ns["unshared_conv_params"], 5, 5, 3, 3, 2, bias=False)


def probe_summarize(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    conv = {"type": "conv", "filters": 4, "size": 3, "stride": 1, "pad": 1}
    networks = [
        [conv, {"type": "pool", "size": 2, "stride": 2}, {"type": "flatten"}, {"type": "fc", "units": 5}],
        [conv, {"type": "fc", "units": 5}],
        [conv, {"type": "pool", "size": 2}],
        [{"type": "dropout"}],
    ]
    for layers in networks:
        yield call(ns["summarize"], (3, 7, 7), layers)


def probe_relu_forward(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    yield call(ns["relu_forward"], normal(22, 3, 4))


def probe_relu_backward(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    yield call(ns["relu_backward"], np.array([7.0, 7.0, 7.0]), np.array([-2.0, 0.0, 5.0]))
    yield call(ns["relu_backward"], normal(23, 3, 4), normal(24, 3, 4))


def probe_affine_forward(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    yield call(ns["affine_forward"], normal(25, 5, 2, 3), normal(26, 6, 4), normal(27, 4))


def probe_affine_backward(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    yield call(ns["affine_backward"], normal(28, 5, 4), normal(25, 5, 2, 3), normal(26, 6, 4), normal(27, 4))


def probe_softmax_loss(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    yield call(ns["softmax_loss"], normal(29, 1, 4), np.array([2]))
    yield call(ns["softmax_loss"], normal(30, 6, 4), np.array([0, 3, 1, 1, 2, 0]))


def small_convnet(ns: Namespace, weight_scale: float = 0.3) -> Any:
    return ns["ConvNet"](
        input_dim=(2, 4, 4),
        num_filters=3,
        filter_size=3,
        hidden_dim=5,
        num_classes=4,
        weight_scale=weight_scale,
        reg=0.3,
        seed=1,
    )


def probe_convnet(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    model = small_convnet(ns)
    yield ("returned", copy.deepcopy(model.params), False)
    rng = np.random.default_rng(31)
    model.params = {name: 0.5 * rng.standard_normal(value.shape) for name, value in model.params.items()}
    X, y = normal(32, 3, 2, 4, 4), np.array([0, 3, 1])
    yield call(model.loss, X)
    yield call(model.loss, X, y)


def probe_train(ns: Namespace) -> Iterator[tuple[Any, ...]]:
    model = small_convnet(ns, weight_scale=0.2)
    X, y = normal(33, 24, 2, 4, 4), np.random.default_rng(34).integers(0, 4, size=24)
    yield call(ns["train"], model, X, y, X[:8], y[:8], epochs=3, batch_size=8, lr=0.1, seed=2)
    yield ("returned", copy.deepcopy(model.params), False)


PROBES: dict[str, Probe] = {
    name.removeprefix("probe_"): value
    for name, value in dict(globals()).items()
    if name.startswith("probe_") and callable(value)
}
PROBES["ConvNet"] = PROBES.pop("convnet")


def outcomes(assignment: str, names: list[str], code: str | None = None) -> list[tuple[Any, ...]]:
    space = namespace(assignment, code)
    return [outcome for name in names for outcome in PROBES[name](space)]


# ---------------------------------------------------------------- the tests


def test_at_least_45_cases_with_unique_kebab_case_ids():
    assert len(CASES) >= 45, f"{len(CASES)} cases, at least 45 wanted"
    repeated = [name for name, count in Counter(CASE_IDS).items() if count > 1]
    assert not repeated, f"repeated ids: {repeated}"
    for name in CASE_IDS:
        assert re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)+", name), f"{name!r} is not kebab-case"


def test_at_least_seven_cases_per_assignment():
    counts = Counter(case["assignment"] for case in CASES)
    assert set(counts) == set(ASSIGNMENTS), f"assignments {sorted(counts)}"
    assert min(counts.values()) >= 7, f"cases per assignment: {dict(counts)}"


def test_every_graded_function_has_a_probe():
    graded = {name for assignment in ASSIGNMENTS for name in graded_points(assignment)}
    assert graded == set(PROBES), f"graded {sorted(graded)}, probes {sorted(PROBES)}"


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_case_is_well_formed(case):
    expected_keys = {
        "id",
        "assignment",
        "description",
        "broken",
        "fair_lost",
        "explanation",
        "explanation_zh",
        "code",
    }
    assert set(case) == expected_keys, f"keys {sorted(case)}"
    assert case["assignment"] in ASSIGNMENTS
    assert case["id"].startswith(case["assignment"] + "-"), "the id starts with its assignment"
    assert case["description"].strip(), "a description is needed"
    points = graded_points(case["assignment"])
    assert case["broken"], "a case breaks at least one function"
    for name in case["broken"]:
        assert name in points, f"{name!r} is not a graded function of {case['assignment']}"
        assert name in defined_names(case["code"]), f"the code does not define {name!r}"
    lo, hi = case["fair_lost"]
    assert 0 <= lo <= hi, f"fair_lost {case['fair_lost']}"
    total = sum(points[name] for name in case["broken"])
    assert hi <= total, f"hi {hi} is more than the broken functions' {total} points"


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_explanation_words(case):
    for field in ("explanation", "explanation_zh"):
        groups = case[field]
        assert groups, f"{field} is empty"
        for group in groups:
            assert group, f"{field} has an empty group"
            assert all(isinstance(word, str) and word.strip() for word in group), f"{field}: {group}"
    chinese = re.compile(r"[\u4e00-\u9fff]")
    for group in case["explanation_zh"]:
        assert any(chinese.search(word) for word in group), f"no Chinese word in {group}"


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_code_compiles_and_runs_on_the_reference(case):
    code = textwrap.dedent(case["code"])
    compile(code, case["id"], "exec")
    space = namespace(case["assignment"], case["code"])
    for name in case["broken"]:
        assert callable(space[name]), f"{name} is not callable"
    assert not any(keyword.iskeyword(name) for name in defined_names(code))


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_probes_are_deterministic_on_the_reference(assignment):
    """Two fresh reference namespaces agree on every probe, so a difference is the case's doing."""
    names = sorted(graded_points(assignment))
    first, second = outcomes(assignment, names), outcomes(assignment, names)
    assert len(first) == len(second) > 0
    for index, (a, b) in enumerate(zip(first, second, strict=True)):
        assert same(a, b), f"{assignment}: outcome {index} differs between two reference runs"


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_case_changes_behaviour(case):
    """The variant differs from the reference on some call of its broken functions' probes."""
    reference = outcomes(case["assignment"], case["broken"])
    variant = outcomes(case["assignment"], case["broken"], case["code"])
    assert len(reference) == len(variant)
    differing = [index for index, (a, b) in enumerate(zip(reference, variant, strict=True)) if not same(a, b)]
    assert differing, f"{case['id']} behaves like the reference on every probe of {case['broken']}"


def test_comparison_notices_what_the_cases_rely_on():
    """same() tells int from float, a modified argument, an exception and a value apart."""
    assert not same(8, 8.0)
    assert not same(np.zeros(2, dtype=np.int64), np.zeros(2))
    assert not same(("returned", 1, False), ("returned", 1, True))
    assert not same(("raised", "ValueError"), ("returned", 0, False))
    assert not same(np.array([1.0, 2.0]), np.array([1.0, 2.0 + 1e-6]))
    assert same({"a": (1, np.ones(2))}, {"a": (1, np.ones(2))})
    model = SimpleNamespace(params={"W1": np.ones(2)})
    assert same(model, copy.deepcopy(model))
    assert not same(model, SimpleNamespace(params={"W1": np.zeros(2)}))
