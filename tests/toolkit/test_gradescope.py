"""The Gradescope autograder as Gradescope runs it: the zip unpacked into /autograder/source,
setup.sh run there in a fresh virtual environment, run_autograder copied to /autograder and
run on /autograder/submission, results in /autograder/results/results.json. /autograder is a
temporary folder (GRADESCOPE_ROOT); everything else is the real layout."""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from grader.cli import course_command
from grader.release import make_stub, templates

from .conftest import IN_CI, fixture_course
from .helpers import fake_bwrap

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def venv_folder():
    """A folder outside /tmp for the venv: bubblewrap mounts a fresh /tmp over the interpreter's
    folders (on Gradescope, Python lives under /usr)."""
    folder = Path(tempfile.mkdtemp(prefix="gradescope-venv-", dir="/var/tmp"))
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def autograder(tmp_path_factory, venv_folder) -> tuple[Path, dict[str, str]]:
    """/autograder after Gradescope built the image: source/ unzipped, setup.sh run, in a new venv."""
    base = tmp_path_factory.mktemp("gradescope")
    course = fixture_course(base / "course")
    archive = base / "vec.zip"
    result = CliRunner().invoke(
        course_command, ["release", "--course", str(course), "--gradescope", "vec", "--out", str(archive)]
    )
    assert result.exit_code == 0, result.output
    root = base / "autograder"
    with zipfile.ZipFile(archive) as opened:
        names = set(opened.namelist())
        opened.extractall(root / "source")
    assert {"setup.sh", "run_autograder", "pyproject.toml", "course.yml", "tests/vec/test_hidden.py"} <= names
    # the reference module goes along (hidden tests compute expected values with it); no catalogue
    assert not any(name.startswith("source/") or "mistakes" in name for name in names)
    assert {name for name in names if name.startswith("solutions/")} <= {"solutions/", "solutions/vec.py"}
    for script in ("setup.sh", "run_autograder"):  # zipfile does not restore modes; Gradescope does
        (root / "source" / script).chmod(0o755)
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    venv = venv_folder
    subprocess.run([sys.executable, "-m", "venv", "--clear", str(venv)], check=True)
    environment = {
        **os.environ,
        "GRADESCOPE_ROOT": str(root),
        "PATH": f"{venv / 'bin'}:{os.environ['PATH']}",
        "CI": "",
    }
    setup = subprocess.run(
        ["bash", str(root / "source" / "setup.sh")],
        cwd=root / "source",
        env=environment,
        capture_output=True,
        text=True,
        timeout=900,
    )
    if setup.returncode != 0 and not IN_CI and "No matching distribution" in setup.stderr:
        pytest.skip("the grader's dependencies could not be installed (no access to PyPI?)")
    assert setup.returncode == 0, setup.stdout[-2000:] + setup.stderr[-2000:]
    installed = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import grader.cli, numpy"], capture_output=True, text=True
    )
    assert installed.returncode == 0, installed.stderr
    return root, environment


def run_autograder(
    autograder: tuple[Path, dict[str, str]], name: str, text: str, more: dict[str, str] | None = None
) -> dict:
    """Gradescope's run for one submission (the file `name`, and `more` files beside it): a fresh
    submission/ and results/, then run_autograder."""
    root, environment = autograder
    for folder in ("submission", "results"):
        shutil.rmtree(root / folder, ignore_errors=True)
    (root / "submission").mkdir()
    for path, content in {name: text, **(more or {})}.items():
        (root / "submission" / path).parent.mkdir(parents=True, exist_ok=True)
        (root / "submission" / path).write_text(content, encoding="utf-8")
    run = subprocess.run(
        ["bash", str(root / "run_autograder")], env=environment, capture_output=True, text=True, timeout=300
    )
    assert run.returncode == 0, run.stderr[-2000:]
    return json.loads((root / "results" / "results.json").read_text(encoding="utf-8"))


def reference() -> str:
    from .conftest import FIXTURE

    return (FIXTURE / "solutions" / "vec.py").read_text(encoding="utf-8")


def test_the_reference_gets_full_marks(autograder):
    results = run_autograder(autograder, "vec.py", reference())
    assert results["score"] == pytest.approx(10.0)
    assert len(results["tests"]) == 4 and all(t["status"] == "passed" for t in results["tests"])
    assert {t["visibility"] for t in results["tests"]} == {"after_published"}
    assert "isolation bubblewrap" in results["output"]
    assert results["stdout_visibility"] == "hidden"  # what run_autograder printed stays with the staff


def test_the_stub_gets_zero(autograder):
    stub = make_stub(reference(), Path("vec.py"), templates(Path("/nonexistent")))
    results = run_autograder(autograder, "vec.py", stub)
    assert results["score"] == 0
    assert len(results["tests"]) == 4 and all(t["status"] == "failed" for t in results["tests"])
    assert all("NotImplementedError" in t["output"] for t in results["tests"])


@pytest.fixture
def without_namespaces(autograder, venv_folder) -> Iterator[tuple[Path, dict[str, str]]]:
    """The same image where Gradescope runs it: root in Docker, a bwrap that is installed but may
    not create namespaces, /autograder a folder every user may pass (as Gradescope makes it), and
    the image's Python readable by every user (setup.sh installs into it)."""
    root, environment = autograder
    public = Path(tempfile.mkdtemp(prefix="autograder-"))
    os.chmod(public, 0o755)
    shutil.copytree(root / "source", public / "source", symlinks=True)
    shutil.copy(root / "run_autograder", public / "run_autograder")
    os.chmod(venv_folder, 0o755)
    refused = fake_bwrap(public.with_name(public.name + "-bin"), "no-namespaces")
    path = f"{refused}:{environment['PATH']}"
    yield public, {**environment, "GRADESCOPE_ROOT": str(public), "PATH": path}
    shutil.rmtree(public, ignore_errors=True)
    shutil.rmtree(refused, ignore_errors=True)


def test_without_namespaces_the_reference_gets_full_marks(without_namespaces):
    """Before: 0, "other users can read /autograder/submission: make a parent folder private"."""
    results = run_autograder(without_namespaces, "vec.py", reference())
    assert results["score"] == pytest.approx(10.0), results.get("output")
    assert len(results["tests"]) == 4 and all(t["status"] == "passed" for t in results["tests"])
    assert "isolation unprivileged uid" in results["output"]


def test_without_namespaces_the_stub_gets_zero(without_namespaces):
    stub = make_stub(reference(), Path("vec.py"), templates(Path("/nonexistent")))
    results = run_autograder(without_namespaces, "vec.py", stub)
    assert results["score"] == 0
    assert len(results["tests"]) == 4 and all(t["status"] == "failed" for t in results["tests"])
    assert all("NotImplementedError" in t["output"] for t in results["tests"])
    assert "isolation unprivileged uid" in results["output"]


def test_an_unimportable_submission_gets_zero_with_one_reason_per_function(autograder):
    results = run_autograder(autograder, "vec.py", "import numpy as np\n\ndef add(x, y)\n    return x + y\n")
    assert results["score"] == 0
    assert [t["name"] for t in results["tests"]] == ["vec: add", "vec: scale", "vec: norm"]
    assert [t["max_score"] for t in results["tests"]] == [3, 3, 4]
    for test in results["tests"]:
        assert test["output"].startswith("your code could not be imported: SyntaxError")
    assert "your code could not be imported: SyntaxError" in results["output"]


def test_a_missing_file_is_one_sentence_for_the_student(autograder):
    """Nothing to grade: the grader's one sentence reaches the student (exit 2, no results of its own)."""
    results = run_autograder(autograder, "notes.txt", "my answers are in the wrong file\n")
    assert results["score"] == 0 and results["tests"] == []
    sentence = (
        f"{autograder[0] / 'submission'}: nothing submitted: no vec.py or vec.ipynb found; the folder"
        " holds notes.txt."
    )
    assert results["output"] == f"{sentence} (contact the course staff if this is wrong)"


def test_a_notebook_uploaded_with_the_untouched_stub_is_graded(autograder):
    """Students upload both files; the autograder grades the one that differs from the stub."""
    from .messy_class import SOLVED, saved_as

    course = autograder[0].parent / "course"
    stub = (course / "assignments" / "vec" / "vec.py").read_text(encoding="utf-8")
    notebook = saved_as(course / "assignments" / "vec" / "vec.ipynb", SOLVED, "colab")
    results = run_autograder(autograder, "vec.py", stub, {"Vec.ipynb": notebook})
    assert results["score"] == pytest.approx(10.0)
    assert "vec: graded Vec.ipynb; also found vec.py" in results["output"]


def test_work_one_folder_deeper_is_graded(autograder):
    from .messy_class import SOLVED

    results = run_autograder(autograder, "hw1/vec (1).py", SOLVED)
    assert results["score"] == pytest.approx(10.0)
    assert "vec: graded hw1/vec (1).py" in results["output"]


# last: it replaces the autograder's course with stats'
def test_a_known_mistake_is_named_by_its_released_fingerprints(autograder, tmp_path):
    """The catalogue stays with the instructor, but its released fingerprints travel in the zip:
    the sample variance of the fixture's stats catalogue is named on the public test, with its hint."""
    root, _ = autograder
    course = fixture_course(tmp_path / "course")
    for arguments in (
        ["release"],
        ["release", "--gradescope", "stats", "--out", str(tmp_path / "stats.zip")],
    ):
        result = CliRunner().invoke(course_command, [*arguments, "--course", str(course)])
        assert result.exit_code == 0, result.output
    with zipfile.ZipFile(tmp_path / "stats.zip") as opened:
        names = set(opened.namelist())
        assert "assignments/stats/tests/fingerprints.json" in names and not any(
            "mistakes" in n for n in names
        )
        shutil.rmtree(root / "source" / "tests")
        opened.extractall(root / "source")  # the same image: the grader installed by setup.sh
    shutil.copy(root / "source" / "run_autograder", root / "run_autograder")
    source = (course / "solutions" / "stats.py").read_text(encoding="utf-8")
    wrong = source.replace("centred) / x.size)", "centred) / (x.size - 1))")  # the sample variance
    assert wrong != source
    results = run_autograder(autograder, "stats.py", wrong)
    public = [t for t in results["tests"] if "variance_small" in t["name"]]
    assert (
        public
        and "sample variance" in public[0]["output"]
        and "divide by the number of values" in public[0]["output"]
    )
