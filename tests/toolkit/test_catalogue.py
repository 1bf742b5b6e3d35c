"""The mistake catalogue: entries are checked when loaded, and a variant overrides one definition."""

import textwrap
from pathlib import Path
from types import ModuleType

import pytest

from grader.catalogue import load_catalogue, variant_source
from grader.config import GradingSettings, load_course
from grader.diagnosis import Replayer, diagnose
from grader.errors import CatalogueError, GraderError
from grader.sandbox import choose, protocol
from grader.sandbox.recording import Call

from .conftest import ROOT, write_course

REFERENCE = textwrap.dedent(
    '''
    def step(value):
        """One step: double the value."""
        return 2 * value


    def walk(value, steps):
        """Apply step `steps` times."""
        for _ in range(steps):
            value = step(value)
        return value


    class Counter:
        def __init__(self, start=0):
            self.count = start

        def add(self, amount):
            self.count += amount
            return self.count

        def twice(self, amount):
            return self.add(amount) + self.add(amount)
    '''
).lstrip()

STEP_ADDS = {
    "name": "step adds",
    "function": "step",
    "hint": "a step doubles",
    "code": """
        def step(value):
            return value + 2
    """,
}
ADD_FORGETS = {
    "name": "add forgets",
    "function": "Counter.add",
    "hint": "add keeps the count",
    "code": """
    class Counter(Counter):
        def add(self, amount):
            return amount
    """,
}


def run(source: str) -> ModuleType:
    module = ModuleType("variant")
    exec(compile(source, "<variant>", "exec"), vars(module))
    return module


def write_catalogue(folder: Path, entries: str) -> Path:
    path = folder / "mistakes.py"
    path.write_text(f"MISTAKES = {entries}\n", encoding="utf-8")
    return path


def test_variant_is_the_reference_then_the_dedented_code():
    source = variant_source(REFERENCE, STEP_ADDS)
    assert source == REFERENCE.rstrip("\n") + "\n\n" + "def step(value):\n    return value + 2\n"


def test_the_wrong_definition_replaces_the_reference_for_every_caller():
    """walk calls step through the module's globals, so it calls the wrong step."""
    reference, variant = run(REFERENCE), run(variant_source(REFERENCE, STEP_ADDS))
    assert reference.walk(1, 3) == 8
    assert variant.step(1) == 3 and variant.walk(1, 3) == 7


def test_a_method_mistake_is_a_subclass_of_the_same_name():
    """The other methods are inherited and call the wrong one."""
    variant = run(variant_source(REFERENCE, ADD_FORGETS))
    counter = variant.Counter(10)
    assert counter.add(1) == 1 and counter.count == 10
    assert counter.twice(5) == 10
    assert run(REFERENCE).Counter(10).twice(5) == 35


def recorded(args, result=None, error=None, state=None):
    """A call as the proxy records it: encoded arguments and reply (or the exception type)."""
    blobs, reply_blobs = [], []
    tree = protocol.encode(list(args), blobs, 2**20)
    reply = None if error else protocol.encode(result, reply_blobs, 2**20)
    return Call(tree, protocol.encode({}, blobs, 2**20), blobs, reply, reply_blobs, error=error, state=state)


@pytest.fixture
def replayer(tmp_path):
    reference = tmp_path / "walker.py"
    reference.write_text(REFERENCE, encoding="utf-8")
    settings = GradingSettings(time_limit_s=5)
    player = Replayer(reference, [STEP_ADDS, ADD_FORGETS], settings, choose("auto", [], official=False))
    yield player
    player.close()


def test_diagnose_names_the_entry_that_reproduces_the_outputs(replayer):
    """Replayed in a sandboxed child: the entry whose variant gives the student's outputs."""
    catalogue = [STEP_ADDS, ADD_FORGETS]
    assert diagnose(replayer, catalogue, "walk", [recorded((1, 3), 7)]) is None  # walk has no entry
    assert diagnose(replayer, catalogue, "step", [recorded((1,), 3), recorded((5,), 7)]) is STEP_ADDS
    assert diagnose(replayer, catalogue, "step", [recorded((1,), 3), recorded((5,), 10)]) is None
    method = [recorded((4,), 4, state={"count": 10})]  # the object's state before the call
    assert diagnose(replayer, catalogue, "Counter.add", method) is ADD_FORGETS
    assert diagnose(replayer, catalogue, "Counter.add", [recorded((4,), 14, state={"count": 10})]) is None


def test_only_discriminating_calls_name_a_mistake(replayer):
    """A correct earlier call matches every variant that agrees with the reference there; it names
    nothing when the failing (last) call raised, and a call that raised is matched by its type."""
    catalogue = [STEP_ADDS, ADD_FORGETS]
    correct_then_raised = [recorded((2,), 4), recorded(("x",), error="ValueError")]  # step(2): 4 either way
    assert diagnose(replayer, catalogue, "step", correct_then_raised) is None
    same_error = [recorded((5,), 7), recorded(("x",), error="TypeError")]  # 2 * "x" is "xx"; "x" + 2 raises
    assert diagnose(replayer, catalogue, "step", same_error) is STEP_ADDS


def test_a_good_catalogue_loads_and_a_missing_one_is_empty(tmp_path):
    path = write_catalogue(tmp_path, repr([STEP_ADDS, ADD_FORGETS]))
    assert [m["name"] for m in load_catalogue(path)] == ["step adds", "add forgets"]
    assert load_catalogue(tmp_path / "nothing.py") == ()


BAD_ENTRIES = {
    "no code": ({k: v for k, v in STEP_ADDS.items() if k != "code"}, "entry 0 ('step adds') has no 'code'"),
    "no name": ({k: v for k, v in STEP_ADDS.items() if k != "name"}, "entry 0 ('unnamed') has no 'name'"),
    "empty hint": ({**STEP_ADDS, "hint": " "}, "entry 0 ('step adds') has no 'hint'"),
    "wrong name": (
        {**STEP_ADDS, "function": "walk"},
        "entry 0 ('step adds'): its code does not define walk",
    ),
    "not python": ({**STEP_ADDS, "code": "def step(value)\n    return 1\n"}, "is not valid Python (line 1"),
    "method missing": (
        {**ADD_FORGETS, "function": "Counter.twice"},
        "does not override Counter.twice; write `class Counter(Counter):` with a method twice",
    ),
    "nested definition": (
        {**STEP_ADDS, "code": "if True:\n    def step(value):\n        return 0\n"},
        "does not define step",
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_ENTRIES))
def test_a_bad_entry_names_the_file_and_the_entry(tmp_path, case):
    entry, message = BAD_ENTRIES[case]
    path = write_catalogue(tmp_path, repr([entry]))
    with pytest.raises(CatalogueError) as raised:
        load_catalogue(path)
    assert str(raised.value).startswith(f"{path}: entry 0"), raised.value
    assert message in str(raised.value)
    assert isinstance(raised.value, GraderError) and "\n" not in str(raised.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("MISTAKES = [1]\n", "entry 0 is a int, not a dict"),
        ("MISTAKES = {}\n", "defines no list MISTAKES"),
        ("import no_such_module\n", "raised ModuleNotFoundError"),
        (f"MISTAKES = {[STEP_ADDS, STEP_ADDS]!r}\n", "the name 'step adds' is used twice"),
    ],
)
def test_a_bad_file_is_one_sentence(tmp_path, text, message):
    path = tmp_path / "mistakes.py"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(CatalogueError, match=message):
        load_catalogue(path)


def test_an_edited_catalogue_is_read_again(tmp_path):
    path = write_catalogue(tmp_path, repr([STEP_ADDS]))
    assert len(load_catalogue(path)) == 1
    path.write_text(f"MISTAKES = {[STEP_ADDS, ADD_FORGETS]!r}  # edited\n", encoding="utf-8")
    assert len(load_catalogue(path)) == 2


def test_every_course_entry_redefines_its_function():
    """Each entry of this course's catalogues runs, and its function (or method) is the entry's."""
    for assignment in load_course(ROOT / "course.yml").assignments:
        reference = (ROOT / "solutions" / assignment.module).read_text(encoding="utf-8")
        for mistake in load_catalogue(ROOT / "tests" / assignment.id / "mistakes.py"):
            variant = run(variant_source(reference, mistake))
            top, _, method = mistake["function"].partition(".")
            defined = vars(getattr(variant, top))[method] if method else getattr(variant, top)
            assert defined.__code__.co_firstlineno > reference.count("\n"), mistake["name"]


def test_course_check_reports_a_harmless_and_a_malformed_entry(tmp_path):
    """An entry that equals the reference loses no points; a malformed file is one problem."""
    from grader.check import check_mistakes

    root = write_course(tmp_path)
    course = load_course(root / "course.yml")
    catalogue = root / "tests" / "params" / "mistakes.py"
    harmless = {**STEP_ADDS, "name": "harmless", "function": "fc_params"}
    harmless["code"] = "def fc_params(n_in, n_out, bias=True):\n    return n_out * (n_in + int(bias))\n"
    catalogue.write_text(f"MISTAKES = {[harmless]!r}\n", encoding="utf-8")
    problems = check_mistakes(root, course, course.assignment("params"))
    assert problems == [
        "params: the mistake 'harmless' loses no points; add a test of fc_params that catches it."
    ]
    catalogue.write_text(f"MISTAKES = {[{**harmless, 'function': 'conv_params'}]!r}\n", encoding="utf-8")
    problems = check_mistakes(root, course, course.assignment("params"))
    assert len(problems) == 1 and "its code does not define conv_params" in problems[0]


def test_an_exception_type_alone_names_nothing(replayer):
    """A student whose step raises TypeError on "x", like the variant, but whose other calls agree
    with the reference: only exceptions match, which is too weak to name a mistake."""
    only_raised = [recorded((2,), 4), recorded(("x",), error="TypeError")]
    assert diagnose(replayer, [STEP_ADDS, ADD_FORGETS], "step", only_raised) is None


def test_course_check_reports_a_mistake_that_costs_another_functions_points(tmp_path):
    """One mistake costs its own points, once: an entry of fc_params whose code also breaks
    conv_params (which no rerun can replace: conv_params is not called by fc_params) is reported,
    naming a test of conv_params."""
    from grader.check import check_mistakes

    root = write_course(tmp_path)
    course = load_course(root / "course.yml")
    catalogue = root / "tests" / "params" / "mistakes.py"
    spill = {**STEP_ADDS, "name": "spills", "function": "fc_params"}
    spill["code"] = (
        "def fc_params(n_in, n_out, bias=True):\n    return n_in * n_out\n\n\n"
        "def conv_params(*args, **kwargs):\n    return -1\n"
    )
    catalogue.write_text(f"MISTAKES = {[spill]!r}\n", encoding="utf-8")
    problems = check_mistakes(root, course, course.assignment("params"))
    spilled = [p for p in problems if "also fails" in p]
    assert len(spilled) == 1 and "in fc_params also fails test_" in spilled[0]
