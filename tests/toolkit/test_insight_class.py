"""course insight on a class of 60 graded for real: catalogued, uncatalogued and right work."""

import json
import shutil
import subprocess

import numpy as np
import pytest
from click.testing import CliRunner

from grader.catalogue import load_catalogue, variant_source
from grader.cli import course_command

from .conftest import IN_CI, fixture_course

# grade-all's own worker pools: timed grading on a machine the parallel suite already fills
# measures the suite, not the class (a test lost or kept under load)
pytestmark = pytest.mark.serial

MEAN = "    return float(np.sum(x) / x.size)"
VARIANCE = "    return float(np.sum(centred * centred) / x.size)"


def variants(course):
    reference = (course / "solutions" / "stats.py").read_text(encoding="utf-8")
    assert MEAN in reference and VARIANCE in reference, "the fixture's stats.py changed; update this test"
    (sample,) = load_catalogue(course / "tests" / "stats" / "mistakes.py")
    return {  # name: (source, students); uncatalogued mistakes written for this test
        "reference": (reference, 31),
        "sample variance": (variant_source(reference, sample), 12),
        "doubled": (
            reference.replace(VARIANCE, "    return float(2 * np.sum(centred * centred) / x.size)"),
            8,
        ),
        "one too many": (reference.replace(MEAN, "    return float(np.sum(x) / (x.size + 1))"), 6),
        "negated": (reference.replace(VARIANCE, "    return -float(np.sum(centred * centred) / x.size)"), 3),
    }


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """The class graded once by `course grade-all --insight`, with sections in the roster."""
    base = tmp_path_factory.mktemp("insight")
    course = fixture_course(base / "course")
    folder, number, who = base / "class", 0, {}
    for name, (source, count) in variants(course).items():
        for _ in range(count):
            student = f"student{number:02d}"
            (folder / student).mkdir(parents=True)
            (folder / student / "stats.py").write_text(source, encoding="utf-8")
            who[student] = name
            number += 1
    roster = base / "roster.csv"
    roster.write_text(
        "student,section\r\n" + "".join(f"{s},L{i % 2 + 1}\r\n" for i, s in enumerate(who)), encoding="utf-8"
    )
    out = base / "grades"
    arguments = [
        "grade-all",
        str(folder),
        "--assignment",
        "stats",
        "--out",
        str(out),
        "--roster",
        str(roster),
    ]
    result = CliRunner().invoke(
        course_command, [*arguments, "--workers", "1", "--insight", "--course", str(course)]
    )
    assert result.exit_code == 0, result.output
    return out, who, result.output


@pytest.mark.slow  # grades 60 submissions
def test_misconceptions_are_ranked_counted_and_the_large_uncatalogued_ones_flagged(graded):
    out, who, output = graded
    report = json.loads((out / "insight" / "insight.json").read_text(encoding="utf-8"))
    (assignment,) = report["assignments"]
    groups = assignment["misconceptions"]
    named = [(g["kind"], g["function"], g["students"], g["cost"], g["candidate"]) for g in groups]
    assert named == [
        ("catalogued", "variance", 12, 36.0, False),  # 3 points of variance each
        ("finding", "variance", 8, 24.0, True),
        ("signature", "mean", 6, 12.0, True),  # 2 points of mean each; variance keeps its points
        ("finding", "variance", 3, 9.0, False),
    ], output  # the run's own lines say which student was not graded, if one was
    for group, mistake in zip(groups, ["sample variance", "doubled", "one too many", "negated"], strict=True):
        assert {who[s] for s in group["members"]} == {mistake}
    assert groups[0]["label"] == "sample variance" and groups[1]["code"] == [
        ["number_scale", [["factor", "2"]]]
    ]
    assert not groups[1]["catalogued"] and groups[1]["catalogue_entries"] == ["sample variance"]
    assert "2 candidate catalogue entries" in output
    sides = groups[1]["code_side_by_side"]
    assert len(sides) == 4 and all("2 * np.sum(centred * centred)" in side["source"] for side in sides)
    sections = assignment["overview"]["sections"]
    assert [(s["section"], s["students"]) for s in sections] == [("L1", 30), ("L2", 30)]
    items = {row["test"]: row for row in assignment["items"]["tests"]}
    assert items["test_mean_small"]["difficulty"] == 0.9
    assert items["test_mean_small"]["discrimination"] is not None


@pytest.mark.slow  # shares the graded class
def test_staff_records_stay_out_of_the_students_feedback(graded):
    out, _, _ = graded
    feedback = json.loads((out / "feedback" / "student31" / "stats.json").read_text(encoding="utf-8"))
    staff = json.loads((out / "staff" / "student31" / "stats.json").read_text(encoding="utf-8"))
    assert "staff" not in feedback and all("finding" not in test for test in feedback["tests"])
    assert staff["report"]["tests"][1]["mistake"] == "sample variance"
    assert staff["section"] == "L2" and staff["submission_path"].endswith("student31/stats.py")


def chromium():
    browser = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
    if browser is None:
        if IN_CI:
            pytest.fail("chromium is missing in CI; .ci/run installs the Debian package chromium")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    return browser


def flags(profile):
    return ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run",
            f"--user-data-dir={profile}"]  # fmt: skip


@pytest.mark.slow  # shares the graded class
def test_each_section_renders_with_its_pictures_in_headless_chromium(graded, tmp_path):
    out, _, _ = graded
    browser, page = chromium(), (out / "insight" / "index.html").as_uri()
    dom = subprocess.run(
        [browser, *flags(tmp_path / "profile"), "--dump-dom", page],
        capture_output=True,
        text=True,
        timeout=120,
    ).stdout
    for section, pictures in (("how-stats", 3), ("misconceptions-stats", 1), ("fairness-stats", 1)):
        body = dom.split(f'id="{section}"')[1].split("</section>")[0]
        assert body.count("<svg") == pictures and body.count('role="img"') == pictures, section
        assert "<table" in body, f"{section}: every picture has a table beside it"
    assert "http" not in dom.split("<body>")[1].replace('xmlns="http://www.w3.org/2000/svg"', "")  # offline
    screenshot = tmp_path / "page.png"
    subprocess.run(
        [browser, *flags(tmp_path / "profile"), "--window-size=1300,2600",
         f"--screenshot={screenshot}", page],
        capture_output=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    import matplotlib.image

    pixels = matplotlib.image.imread(screenshot)[..., :3]
    for colour in ("4878a8", "c8553d"):  # bars and histograms; failed cells of the heat map
        rgb = np.array([int(colour[i : i + 2], 16) / 255 for i in (0, 2, 4)])
        assert (np.abs(pixels - rgb) < 0.02).all(axis=-1).sum() > 500, f"#{colour} is drawn"
