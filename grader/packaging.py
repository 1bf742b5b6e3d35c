"""What leaves the instructor: a student repository template and a Gradescope autograder zip.

Both carry the grader package itself (a copy of its source), so students and Gradescope run
exactly the grader the instructor tested.
"""

from __future__ import annotations

import json
import re
import shutil
import stat
import zipfile
from pathlib import Path

import yaml

from grader import fingerprints
from grader.config import Course
from grader.errors import GraderError
from grader.layout import CourseLayout
from grader.locate.code import stub_path
from grader.release import templates

PACKAGE = Path(__file__).resolve().parent
STUDENT_PYPROJECT = """[build-system]
requires = ["setuptools>=68"]
build-backend = "setuptools.build_meta"

[project]
name = "{name}"
version = "0.1.0"
requires-python = ">=3.10"
dependencies = {dependencies}

[project.scripts]
grade = "grader.cli:grade_main"

[project.entry-points.pytest11]
grader = "grader.plugin"

[tool.setuptools.packages.find]
include = ["grader*"]

[tool.setuptools.package-data]
grader = ["templates/*.j2", "grading.ini"]
"""


def dependencies() -> list[str]:
    """The toolkit's own requirements (pyproject.toml's, as installed), extras left out: what a
    copy of the grader needs wherever it goes."""
    from importlib.metadata import requires

    return [line for line in requires("grader") or [] if "extra ==" not in line]


def _copy_package(target: Path) -> None:
    shutil.copytree(PACKAGE, target / "grader", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def _write_pyproject(target: Path, name: str) -> None:
    text = STUDENT_PYPROJECT.format(name=name, dependencies=json.dumps(dependencies()))  # a TOML array too
    (target / "pyproject.toml").write_text(text, encoding="utf-8")


def template_name(assignment_id: str) -> str:
    """The folder of an assignment's template repository: the assignment's id, which is also the
    prefix `course collect` expects by default of the students' copies (`<id>-<student>`, GitHub
    Classroom's naming when the Classroom assignment's prefix is the id)."""
    return assignment_id


def student_course_yml(root: Path, assignment_id: str) -> str:
    """course.yml as students of one assignment get it: the course's settings, that assignment only."""
    data = yaml.safe_load(CourseLayout(root).course_file.read_text(encoding="utf-8"))
    data["assignments"] = [entry for entry in data["assignments"] if entry.get("id") == assignment_id]
    return yaml.safe_dump(data, sort_keys=False, allow_unicode=True)


def write_student_repos(root: Path, course: Course, target: Path, assignment_ids: list[str]) -> list[Path]:
    """One template repository per assignment, `target/<id>/`, each holding that assignment only, so
    that each is published when its release time comes and none carries a later assignment's code.

    Args:
        root: the course folder.
        course: the course.
        target: the folder that receives the templates.
        assignment_ids: the assignments to write (every assignment when empty).

    Returns:
        the template folders written.

    Raises:
        GraderError: for an unknown assignment, or if assignments/ has not been released yet.
    """
    chosen = [course.assignment(i) for i in assignment_ids] or list(course.assignments)
    written = []
    for assignment in chosen:
        folder = target / template_name(assignment.id)
        write_student_repo(root, course, folder, assignment.id)
        written.append(folder)
    return written


def write_student_repo(root: Path, course: Course, target: Path, assignment_id: str) -> None:
    """What students of one assignment clone: assignments/<id>/, course.yml with that assignment only,
    the grader, and a CI workflow.

    Raises:
        GraderError: if the assignment has not been released into assignments/ yet.
    """
    released = CourseLayout(root).released(assignment_id)
    if not released.is_dir():
        raise GraderError(f"no assignments/{assignment_id}/ to publish; run `course release` first.")
    one = course.model_copy(update={"assignments": [course.assignment(assignment_id)]})
    student = CourseLayout(target)
    target.mkdir(parents=True, exist_ok=True)
    shutil.rmtree(student.assignments, ignore_errors=True)
    shutil.copytree(released, student.released(assignment_id))
    student.course_file.write_text(student_course_yml(root, assignment_id), encoding="utf-8")
    shutil.rmtree(target / "grader", ignore_errors=True)
    _copy_package(target)
    _write_pyproject(target, f"course-{assignment_id}")
    workflow = target / ".github" / "workflows" / "grade.yml"
    workflow.parent.mkdir(parents=True, exist_ok=True)
    environment = templates(root)
    workflow.write_text(environment.get_template("student_workflow.yml.j2").render(), encoding="utf-8")
    readme = environment.get_template("student_readme.md.j2").render(course=one, zone=course.course.zone)
    (target / "README.md").write_text(readme, encoding="utf-8")
    (target / ".gitignore").write_text(
        environment.get_template("student_gitignore.j2").render(), encoding="utf-8"
    )


def write_gradescope_zip(root: Path, course: Course, assignment_id: str, out: Path) -> None:
    """The zip Gradescope's programming assignments expect, laid out as Gradescope unpacks it.

    Gradescope unzips the whole archive into /autograder/source, runs `setup.sh` from there once
    per image and copies `run_autograder` to /autograder. So everything sits at the top of the zip:
    setup.sh, run_autograder, pyproject.toml (setup.sh installs this folder), the grader, and the
    assignment's course files (`CourseLayout.course_files`: course.yml, tests/<id>/ with the hidden
    tests, the reference solution, with which hidden tests compute expected values, and the released
    manifest of hidden tests) but its mistake catalogue, which stays with the instructor; the
    released fingerprints of its mistakes go, so that the public tests name them as at home, and
    the released stub's graded definitions, so that the work is found by the course's rule.
    """
    assignment = course.assignment(assignment_id)
    environment = templates(root)
    staging = out.with_suffix(".staging")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    layout = CourseLayout(root)
    # the assignment's course files but its mistake catalogue; the released fingerprints of its
    # mistakes name them as at home; the released stub's graded definitions tell the student's work
    # from an untouched stub (grader.locate)
    private = layout.catalogue(assignment.id)
    shipped = [path for path in layout.course_files(assignment) if path != private]
    shipped += [fingerprints.path_for(root, assignment.id), stub_path(root, assignment)]
    for path in shipped:
        if path.is_file():
            target = staging / path.relative_to(root)
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, target)
    _copy_package(staging)
    _write_pyproject(staging, "course-autograder")
    scripts = {
        "run_autograder": environment.get_template("run_autograder.j2").render(assignment=assignment),
        "setup.sh": environment.get_template("setup.sh.j2").render(),
    }
    for name, text in scripts.items():
        (staging / name).write_text(text, encoding="utf-8")
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(staging.rglob("*")):
            if path.is_file():
                info = zipfile.ZipInfo(str(path.relative_to(staging)), date_time=(2020, 1, 1, 0, 0, 0))
                executable = path.name in scripts
                info.external_attr = ((0o755 if executable else 0o644) | stat.S_IFREG) << 16
                archive.writestr(info, path.read_bytes(), zipfile.ZIP_DEFLATED)
    shutil.rmtree(staging)


INSTRUCTOR_WORKFLOW = Path(".github") / "workflows" / "official-grading.yml"


def check_org(org: str | None) -> str:
    """The GitHub organisation named for the instructor's workflow, checked.

    Raises:
        GraderError: if it is missing or cannot be a GitHub organisation's name.
    """
    if not org:
        raise GraderError("--instructor-workflow needs --github-org ORG: the students' organisation.")
    if not re.fullmatch(r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?", org):
        raise GraderError(f"{org!r} is not a GitHub organisation name (letters, digits and inner hyphens).")
    return org


def write_instructor_workflow(root: Path, org: str) -> Path:
    """The private course repository's workflow: collect the class hourly and grade it officially.

    Args:
        root: the course folder (the private course repository).
        org: the GitHub Classroom organisation holding the students' repositories.

    Returns:
        the path written (.github/workflows/official-grading.yml under the course root).

    Raises:
        GraderError: if `org` cannot be a GitHub organisation's name.
    """
    check_org(org)
    target = root / INSTRUCTOR_WORKFLOW
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(
        templates(root).get_template("instructor_workflow.yml.j2").render(org=org), encoding="utf-8"
    )
    return target
