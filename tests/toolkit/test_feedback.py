"""Feedback that names the mistake, in English and Chinese, and an HTML report a browser renders."""

import json
import shutil
import string
import subprocess
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from grader import i18n
from grader.catalogue import load_catalogue, variant_source
from grader.cli import grade_command
from grader.config import load_course

from .conftest import IN_CI, ROOT, write_course

COURSE = load_course(ROOT / "course.yml")
CATALOGUE = [m for a in COURSE.assignments for m in load_catalogue(ROOT / "tests" / a.id / "mistakes.py")]


def flipped_kernel(tmp_path: Path) -> Path:
    """conv.py with the catalogue's wrong conv_forward (a true convolution)."""
    source = (ROOT / "solutions" / "conv.py").read_text(encoding="utf-8")
    mistake = next(m for m in CATALOGUE if m["name"] == "flipped kernel")
    path = tmp_path / "conv.py"
    path.write_text(variant_source(source, mistake), encoding="utf-8")
    return path


def test_catalogue_has_twenty_mistakes_with_both_languages():
    assert len(CATALOGUE) >= 20
    names = [m["name"] for m in CATALOGUE]
    assert len(names) == len(set(names))
    for mistake in CATALOGUE:
        assert mistake["hint"] and mistake["hint_zh"], mistake["name"]
        assert {"name", "function", "hint", "hint_zh", "code"} <= set(mistake)


def _fields(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def test_every_message_exists_in_both_languages():
    """Both languages have every key, with the same placeholders, and each renders."""
    assert set(i18n.MESSAGES["en"]) == set(i18n.MESSAGES["zh-CN"])
    for key, english in i18n.MESSAGES["en"].items():
        chinese = i18n.MESSAGES["zh-CN"][key]
        assert _fields(english) == _fields(chinese), key
        values = {name: "x" for name in _fields(english)}
        assert i18n.text("zh-CN", key, **values) and i18n.text("en", key, **values)


@pytest.mark.slow  # a browser, or the whole conv suite
def test_mistake_is_named_in_table_json_and_html(course_copy, tmp_path):
    json_path, html_path = tmp_path / "r.json", tmp_path / "r.html"
    result = CliRunner().invoke(
        grade_command,
        ["conv", "--submission", str(flipped_kernel(tmp_path)), "--course", str(course_copy),
         "--json", str(json_path), "--html", str(html_path)],
        env={"COLUMNS": "250"},
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "looks like the known mistake 'flipped kernel'" in result.output
    records = json.loads(json_path.read_text(encoding="utf-8"))["tests"]
    diagnosed = [t for t in records if t["mistake"] == "flipped kernel"]
    assert diagnosed and all(t["function"] == "conv_forward" for t in diagnosed)
    html = html_path.read_text(encoding="utf-8")
    assert "<b>flipped kernel</b>" in html and html.count('<img class="picture"') >= len(diagnosed)


def test_chinese_course_gives_chinese_feedback(tmp_path):
    (tmp_path / "course").mkdir()
    root = write_course(tmp_path / "course")
    text = (root / "course.yml").read_text(encoding="utf-8").replace("language: en", "language: zh-CN")
    (root / "course.yml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(
        grade_command,
        ["conv", "--submission", str(flipped_kernel(tmp_path)), "--course", str(root)],
        env={"COLUMNS": "250"},
    )
    assert "看起来是常见错误「卷积核被翻转」" in result.output and "总分" in result.output
    from grader.release import release_files

    course = load_course(root / "course.yml")
    handout = release_files(root, course, course.assignment("conv"))[Path("assignments/conv/README.md")]
    assert "截止" in handout and "公开测试" in handout


def find_chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


@pytest.mark.slow  # a browser, or the whole conv suite
def test_html_report_renders_in_headless_chromium(course_copy, tmp_path):
    """The page opens in a real browser: the DOM has every row, and the screenshot is not blank."""
    browser = find_chromium()
    if browser is None:
        if IN_CI:
            pytest.fail("chromium is missing in CI; .ci/run installs the Debian package chromium")
        pytest.skip("chromium is not installed (apt-get install chromium)")
    page = tmp_path / "report.html"
    result = CliRunner().invoke(
        grade_command,
        [
            "conv",
            "--submission",
            str(flipped_kernel(tmp_path)),
            "--course",
            str(course_copy),
            "--html",
            str(page),
        ],
    )
    assert result.exit_code == 0, result.output
    flags = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
             "--disable-component-update", "--disable-sync", "--no-first-run",
             f"--user-data-dir={tmp_path / 'profile'}"]  # fmt: skip
    dom = subprocess.run(
        [browser, *flags, "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120
    )
    written = page.read_text(encoding="utf-8")
    rows = written.count("<tr class=")  # a row per function, then per test (cases grouped)
    assert rows > 10 and dom.stdout.count("<tr class=") == rows, dom.stderr[-500:]
    failed = written.count('<tr class="failed">')
    assert failed >= 3 and dom.stdout.count('<tr class="failed">') == failed and 'id="total"' in dom.stdout
    screenshot = tmp_path / "page.png"
    subprocess.run(
        [browser, *flags, "--window-size=1200,1600", f"--screenshot={screenshot}", page.as_uri()],
        capture_output=True, timeout=120, cwd=tmp_path,
    )  # fmt: skip
    import matplotlib.image

    pixels = matplotlib.image.imread(screenshot)
    assert pixels.shape[0] > 100 and float(np.std(pixels)) > 0.05, "the screenshot is blank"
