"""grader.layout: one owner of the course's paths and of "the course's files"; grader.runner: fresh
suite modules for every in-process pytest run; grader.caches: caches with owners."""

import sys
import zipfile
from pathlib import Path

import pytest

from grader import caches
from grader.batch.cluster import bundle_files, course_bundle
from grader.batch.run import course_version
from grader.catalogue import CATALOGUES, load_catalogue
from grader.config import load_course
from grader.layout import CourseLayout
from grader.packaging import write_gradescope_zip
from grader.release import collect_points, public_suite
from grader.release_fingerprints import MADE, inputs_digest
from grader.runner import suite_module_names
from grader.sandbox.policy import PROBES
from grader.submission import InProcessSubmission, import_file

from .conftest import ROOT, fixture_course


def _views(root: Path) -> tuple[str, bytes, str]:
    """What grade-all caches by, what it ships to Dask workers, what the fingerprints record."""
    layout = CourseLayout(root)
    assignment = load_course(layout.course_file).assignment("stats")
    public = public_suite(layout.suites("stats"))
    return course_version(root), course_bundle(root), inputs_digest(root, assignment, public)


def _touch(path: Path) -> None:
    """An edit as an instructor makes one: a line appended (a comment in Python and YAML)."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".json":
        path.write_text(text.rstrip("\n") + " \n", encoding="utf-8")  # JSON allows trailing blanks
    else:
        path.write_text(text + "\n# edited\n", encoding="utf-8")


def test_every_course_file_counts_for_the_cache_key_and_bundle_and_its_assignments_digest(tmp_path):
    """Over every course file: the cache key and the bundle change; the digest of an assignment's
    fingerprints changes exactly for that assignment's files, but for the recorded times and the
    released manifest, which `course release` writes after the fingerprints."""
    root = fixture_course(tmp_path / "course")
    layout = CourseLayout(root)
    manifest = layout.manifest("stats")
    manifest.parent.mkdir(parents=True)
    manifest.write_text('{"assignment": "stats", "tests": []}\n', encoding="utf-8")
    stats = load_course(layout.course_file).assignment("stats")
    covered = set(layout.course_files(stats)) - set(layout.release_outputs("stats"))
    files = layout.course_files()
    assert len(files) >= 9 and manifest in files and layout.timings("vec") in files
    for path in files:
        before = _views(root)
        _touch(path)
        after = _views(root)
        changed = tuple(b != a for b, a in zip(before, after, strict=True))
        assert changed == (True, True, path in covered), f"{layout.relative(path)}: {changed}"


def test_the_repositorys_own_tests_are_not_course_files(tmp_path):
    assert not [p for p in CourseLayout(ROOT).course_files() if p.is_relative_to(ROOT / "tests" / "toolkit")]
    assert {ROOT / "course.yml", ROOT / "solutions" / "conv.py"} <= set(CourseLayout(ROOT).course_files())
    root = fixture_course(tmp_path / "course")
    before = _views(root)
    (root / "tests" / "toolkit").mkdir()
    (root / "tests" / "toolkit" / "test_grader.py").write_text("def test_x():\n    pass\n", encoding="utf-8")
    assert _views(root) == before


def test_a_course_inside_a_folder_named_toolkit_still_has_a_version(tmp_path):
    """course_version used to drop every path with "toolkit" anywhere in it, the course's own folder
    included: such a course had one version whatever changed, and grade-all served stale results."""
    root = fixture_course(tmp_path / "toolkit" / "course")
    before = course_version(root)
    _touch(root / "solutions" / "stats.py")
    assert course_version(root) != before
    assert CourseLayout(root).course_files() == bundle_files(root)


def test_the_gradescope_zip_ships_the_assignments_course_files_but_its_catalogue(tmp_path):
    root = fixture_course(tmp_path / "course")
    layout = CourseLayout(root)
    course = load_course(layout.course_file)
    out = tmp_path / "stats.zip"
    write_gradescope_zip(root, course, "stats", out)
    with zipfile.ZipFile(out) as archive:
        shipped = {name for name in archive.namelist() if not name.startswith("grader/")}
    own = {layout.relative(p) for p in layout.course_files(course.assignment("stats"))}
    assert own - shipped == {"tests/stats/mistakes.py"}
    assert shipped - own == {"setup.sh", "run_autograder", "pyproject.toml"}


def test_points_are_collected_from_the_suites_as_they_are_now(tmp_path):
    root = fixture_course(tmp_path / "course")
    suite = CourseLayout(root).suites("vec") / "test_hidden.py"
    first = {t["name"]: t["points"] for t in collect_points([suite], root)}
    assert first["test_add"] == 3
    text = suite.read_text(encoding="utf-8")
    suite.write_text(
        text.replace(
            '@pytest.mark.points(3)\n@pytest.mark.function("add")',
            '@pytest.mark.points(7)\n@pytest.mark.function("add")',
        ),
        encoding="utf-8",
    )
    again = {t["name"]: t["points"] for t in collect_points([suite], root)}
    assert again["test_add"] == 7
    assert {name for name in suite_module_names([suite], root) if name in sys.modules} == set()


def test_no_in_process_submission_can_change_the_notes_of_another(tmp_path):
    """The class once held one list every instance appended to; its notes are now immutable."""
    source = tmp_path / "vec.py"
    source.write_text("def add(x, y):\n    return x + y\n", encoding="utf-8")
    first = InProcessSubmission(import_file(source, "vec_first"))
    second = InProcessSubmission(import_file(source, "vec_second"))
    with pytest.raises(AttributeError):
        first.notes.append("graded vec.py")  # type: ignore[attr-defined]
    assert second.notes == ()
    first.close()
    second.close()


def test_a_memo_computes_once_forgets_failures_and_clears():
    memo: caches.Memo[str, int] = caches.Memo("tests", "a word -> its length")
    made: list[str] = []

    def length(word: str) -> int:
        made.append(word)
        return len(word)

    assert memo.get("conv", lambda: length("conv")) == memo.get("conv", lambda: length("conv")) == 4
    assert made == ["conv"]
    with pytest.raises(ZeroDivisionError):
        memo.get("pool", lambda: 1 // 0)
    assert memo.get("pool", lambda: length("pool")) == 4
    caches.clear_all()
    assert len(memo) == 0
    caches.MEMOS.remove(memo)


def test_the_process_wide_caches_are_memos_with_owners(tmp_path):
    assert {CATALOGUES.owner, MADE.owner, PROBES.owner} == {
        "grader.catalogue",
        "grader.release_fingerprints",
        "grader.sandbox.policy",
    }
    assert {id(CATALOGUES), id(MADE), id(PROBES)} <= {id(memo) for memo in caches.MEMOS}
    catalogue = fixture_course(tmp_path / "course") / "tests" / "stats" / "mistakes.py"
    entries = load_catalogue(catalogue)
    assert len(CATALOGUES) >= 1 and load_catalogue(catalogue) == entries
    CATALOGUES.clear()
    assert load_catalogue(catalogue) == entries  # read again from the file


def test_the_grader_runs_pytest_in_one_place_and_imports_nothing_private_of_it():
    """pytest's private modules change between releases without notice; only its public API is used,
    and only grader/runner.py calls pytest.main (fresh suite modules for every run)."""
    import ast

    private, mains = [], []
    for path in sorted((ROOT / "grader").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
            names += [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            private += [f"{path.name}: {name}" for name in names if name.split(".")[0] == "_pytest"]
            if isinstance(node, ast.Attribute) and ast.unparse(node) == "pytest.main":
                mains.append(path.relative_to(ROOT).as_posix())
    assert private == []
    assert mains == ["grader/runner.py"]
