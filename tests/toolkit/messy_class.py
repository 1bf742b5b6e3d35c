"""Student folders as students make them, for the fixture course's `vec` (released first).

Notebooks are written with nbformat the way Jupyter, Colab and VS Code save them: outputs,
execution counts and each editor's own metadata; zips with zipfile, as an OS's "compress" does.
`INTENDED` names, for each student, the one file their work is in (None: nothing to grade), so a
test grades that file alone and compares.
"""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import nbformat

FIXTURE = Path(__file__).parent / "files" / "course"
REFERENCE = (FIXTURE / "solutions" / "vec.py").read_text(encoding="utf-8")
SOLVED = REFERENCE.replace("    ### BEGIN SOLUTION\n", "").replace("    ### END SOLUTION\n", "")
WRONG_SCALE = SOLVED.replace("return x * k", "return x * 2.0")  # loses test_scale
ONLY_ADD = SOLVED.replace("return x * k", "raise NotImplementedError").replace(
    "return float(np.sqrt(np.sum(x * x)))", "raise NotImplementedError"
)


def saved_as(released: Path, solved: str | None, editor: str) -> str:
    """The released notebook `released`, its solution cells filled from `solved` (None: untouched),
    saved by `editor` ("jupyter", "colab" or "vscode")."""
    notebook = nbformat.read(released, as_version=4)
    definitions = _definitions(solved) if solved is not None else {}
    for count, cell in enumerate(c for c in notebook.cells if c.cell_type == "code"):
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if grade_id in definitions:
            cell.source = definitions[grade_id]
        cell.execution_count = count + 1
        cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=f"ran cell {count}\n")]
        if editor == "colab":
            cell.metadata = {"id": f"cell{count}", "colab": {"base_uri": "https://localhost:8080/"}}
        elif editor == "vscode":
            cell.metadata["vscode"] = {"languageId": "python"}
    if editor == "colab":
        notebook.metadata = {
            "colab": {"provenance": []},
            "kernelspec": {"name": "python3", "display_name": "Python 3"},
        }
    elif editor == "vscode":
        notebook.metadata["language_info"] = {"name": "python", "version": "3.11.4"}
    else:
        notebook.metadata["language_info"] = {"name": "python", "version": "3.12.1"}
    return nbformat.writes(notebook)


def _definitions(source: str) -> dict[str, str]:
    """Top-level definitions of `source` by name (each with the text up to the next one)."""
    import ast

    lines = source.splitlines(keepends=True)
    nodes = [n for n in ast.parse(source).body if isinstance(n, ast.FunctionDef)]
    found = {}
    for index, node in enumerate(nodes):
        end = nodes[index + 1].lineno - 1 if index + 1 < len(nodes) else len(lines)
        found[node.name] = "".join(lines[node.lineno - 1 : end]).strip("\n")
    return found


def _zip(path: Path, members: dict[str, str]) -> None:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, text in members.items():
            archive.writestr(name, text)


def make_messy_class(folder: Path, course: Path) -> dict[str, str | None]:
    """One folder per student under `folder`; returns student -> the file their work is in
    (relative to their folder; a zip member as `x.zip/member`), None when nothing should count."""
    stub_module = (course / "assignments" / "vec" / "vec.py").read_text(encoding="utf-8")
    released = course / "assignments" / "vec" / "vec.ipynb"
    plan: dict[str, dict[str, str]] = {
        "plain": {"vec.py": SOLVED},
        "jupyter_nb": {"vec.py": stub_module, "vec.ipynb": saved_as(released, SOLVED, "jupyter")},
        "colab_nb": {"vec.py": stub_module, "vec.ipynb": saved_as(released, WRONG_SCALE, "colab")},
        "vscode_nb": {"VEC.IPYNB": saved_as(released, SOLVED, "vscode"), "vec.py": stub_module},
        "capital": {"Vec.py": WRONG_SCALE},
        "deeper": {"hw1/vec.py": SOLVED, "hw1/README.txt": "my homework\n"},
        "browser": {"vec (1).py": WRONG_SCALE},
        "canvas": {"vec.py": WRONG_SCALE, "vec-2.py": SOLVED, "vec-1.py": ONLY_ADD},
        "both": {"vec.py": ONLY_ADD, "vec.ipynb": saved_as(released, SOLVED, "jupyter")},
        "stub_only": {"vec.py": stub_module},
        "nothing": {"notes.txt": "I could not do it\n", "data.csv": "1,2\n"},
    }
    intended: dict[str, str | None] = {
        "plain": "vec.py",
        "jupyter_nb": "vec.ipynb",
        "colab_nb": "vec.ipynb",
        "vscode_nb": "VEC.IPYNB",
        "capital": "Vec.py",
        "deeper": "hw1/vec.py",
        "browser": "vec (1).py",
        "canvas": "vec-2.py",
        "both": "vec.ipynb",
        "stub_only": "vec.py",
        "nothing": None,
        "zipped": "vec.zip/vec.py",
    }
    for student, files in plan.items():
        for name, text in files.items():
            path = folder / student / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    (folder / "zipped").mkdir(parents=True)
    _zip(folder / "zipped" / "vec.zip", {"vec.py": SOLVED})
    return intended


def intended_file(folder: Path, student: str, relative: str, scratch: Path) -> Path:
    """The intended file on disk (a zip member extracted into `scratch`)."""
    if ".zip/" in relative:
        archive, member = relative.split(".zip/")
        target = scratch / student
        target.mkdir(parents=True, exist_ok=True)
        with zipfile.ZipFile(folder / student / f"{archive}.zip") as opened:
            (target / "vec.py").write_bytes(opened.read(member))
        return target / "vec.py"
    source = folder / student / relative
    alone = scratch / student
    alone.mkdir(parents=True, exist_ok=True)
    name = "vec.ipynb" if source.suffix.lower() == ".ipynb" else "vec.py"
    shutil.copyfile(source, alone / name)
    return alone / name
