"""LMS bulk downloads as grade-all's input: one small parser per platform.

Each parser reads the names of an export's files (decoded, the operating system's junk left
out) and says whose work each file is; it never reads a student's file, only the export's own
top-level metadata or receipt. The LMS's prefix is parsed from the left: the end of a name is
the student's own upload name, so `doejane_789_1011_conv.py` uploaded by someone else stays
their `doejane_789_1011_conv.py`.

- Canvas, "Download Submissions" (Instructor Guide: "How do I download all student submissions
  for an assignment?"): one flat zip, each file named
  `<lastfirst>_[late_]<user id>_<submission id>_<original name>`; Canvas appends `-N` to an
  original name re-uploaded in a later attempt. `late` is a marker, not a time.
- Moodle, "Download all submissions" (mod/assign, strings `downloadall` and
  `downloadasfolders_help`): flat files `<Full Name>_<participant id>_assignsubmission_file_<name>`,
  or, "in folders", one folder `<Full Name>_<participant id>_assignsubmission_file_` per
  submission with the files under their own names.
- Gradescope, "Export Submissions" (Gradescope Help: "Exporting submissions"; the fields are
  those of the autograder's submission metadata): `submission_metadata.yml` at the top, mapping
  `submission_<id>` to its `:submitters:` (`:name:`, `:sid:`, `:email:`) and `:created_at:`
  (the submission time, trusted), and one folder `submission_<id>/` per submission.
- Blackboard Learn, Grade Center "Assignment File Download" (Blackboard Help, "Download
  assignments"): `<Assignment>_<username>_attempt_<yyyy-mm-dd-hh-mm-ss>_<original name>` and a
  receipt `<Assignment>_<username>_attempt_<date>.txt` per attempt; the latest attempt counts.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from typing import Any

import yaml

from grader.batch.identity import Claim

Reader = Callable[[str], bytes]  # the bytes of one of the export's files, by name


@dataclass
class Group:
    """One submitter's files in an export: who (claims), a label, and where each file goes."""

    label: str
    claims: list[Claim]
    files: dict[str, str] = field(default_factory=dict)  # name in the student's folder -> export name
    time: str | None = None  # a trusted submission time the export carries (ISO 8601)


CANVAS = re.compile(r"^(?P<name>[^_/]+)_(?:(?:late|LATE)_)?(?P<user>\d+)_(?P<sub>\d+)_(?P<file>[^/]+)$")
RESUBMITTED = re.compile(r"^(?P<stem>.+)-(?P<n>\d+)(?P<ext>\.[^.]+)$")
MOODLE_FILE = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_(?P<file>[^/]+)$")
MOODLE_FOLDER = re.compile(r"^(?P<name>.+?)_(?P<id>\d+)_assignsubmission_(?P<plugin>[a-z]+)_?$")
BLACKBOARD = re.compile(
    r"^(?P<prefix>[^/]+?)_attempt_(?P<date>\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2})(?:_(?P<file>[^/]+)|\.txt)$"
)
GRADESCOPE_FOLDER = re.compile(r"^submission_\d+$")
GRADESCOPE_METADATA = "submission_metadata.yml"
GRADESCOPE_WRAPPER = re.compile(r"^assignment_\d+_export/$")  # the folder at the top of its zip


def canvas(names: list[str], read: Reader) -> list[Group] | None:
    """Canvas's "Download Submissions" zip: every file flat and named by Canvas's prefix."""
    matches = [CANVAS.match(n) for n in names]
    if not names or not all(matches):
        return None
    groups: dict[str, Group] = {}
    attempts: dict[str, dict[str, int]] = {}
    for name, match in zip(names, matches, strict=True):
        assert match is not None
        user = match["user"]
        claims = [Claim("lms_id", user), Claim("name", match["name"])]
        group = groups.setdefault(user, Group(f"{match['name']}_{user}", claims))
        _put(group, _original(match["file"]), name, attempts.setdefault(user, {}))
    return list(groups.values())


def _original(upload: str) -> tuple[str, int]:
    """(the name the student uploaded, Canvas's resubmission number): `conv-2.py` -> (conv.py, 2)."""
    match = RESUBMITTED.match(upload)
    return (match["stem"] + match["ext"], int(match["n"])) if match else (upload, 0)


def _put(group: Group, target: tuple[str, int], name: str, attempts: dict[str, int]) -> None:
    """File `name` as `target` in the group; of two files with one target, the later attempt wins."""
    wanted, attempt = target
    if wanted not in group.files or attempts[wanted] <= attempt:
        group.files[wanted], attempts[wanted] = name, attempt


def moodle(names: list[str], read: Reader) -> list[Group] | None:
    """Moodle's "Download all submissions": flat files, or one folder per submission."""
    groups: dict[str, Group] = {}
    for name in names:
        first, _, rest = name.partition("/")
        if rest:
            match, inside = MOODLE_FOLDER.match(first), rest
        else:
            match = MOODLE_FILE.match(name)
            inside = match["file"] if match else ""
        if match is None:
            return None
        group = groups.setdefault(
            match["id"], Group(match["name"], [Claim("lms_id", match["id"]), Claim("name", match["name"])])
        )
        group.files[inside] = name
    return list(groups.values()) or None


def blackboard(names: list[str], read: Reader) -> list[Group] | None:
    """Blackboard's "Assignment File Download": the latest attempt's files of each user.

    The username is the end of `<Assignment>_<username>`: the one the attempt's receipt names
    ("Name: Jane Doe (jdoe)") when it does, else what follows the assignment's name shared by
    the receipts (or by every file), so that `li_wei` stays `li_wei`.
    """
    matches = [BLACKBOARD.match(n) for n in names]
    if not names or not all(matches):
        return None
    found = [(name, match) for name, match in zip(names, matches, strict=True) if match is not None]
    receipts = {(m["prefix"], m["date"]): _receipt(read(name)) for name, m in found if m["file"] is None}
    common = _receipts_prefix(receipts) or _assignment_prefix(sorted({m["prefix"] for _, m in found}))

    def user_of(match: re.Match[str]) -> str:
        username = receipts.get((match["prefix"], match["date"]), ([], None))[1]
        if username and match["prefix"].casefold().endswith(f"_{username.casefold()}"):
            return match["prefix"][-len(username) :]
        if common and match["prefix"].startswith(common):
            return match["prefix"][len(common) :]
        return match["prefix"].rsplit("_", 1)[-1]

    latest: dict[str, str] = {}
    for _, match in found:
        latest[user_of(match)] = max(latest.get(user_of(match), ""), match["date"])
    groups: dict[str, Group] = {}
    for name, match in found:
        user = user_of(match)
        if match["date"] != latest[user]:
            continue
        group = groups.setdefault(user, Group(user, [Claim("id", user)]))
        if match["file"] is None:  # the receipt: the name Blackboard knows the student by
            group.claims.extend(Claim("name", n) for n in receipts[(match["prefix"], match["date"])][0])
        else:
            group.files[match["file"]] = name
    return [g for g in groups.values() if g.files] or None


def _receipts_prefix(receipts: dict[tuple[str, str], tuple[list[str], str | None]]) -> str:
    """`<Assignment>_`, from the receipts whose username ends their file's prefix ('' if none)."""
    cuts = [
        prefix[: len(prefix) - len(username)]
        for (prefix, _), (_, username) in receipts.items()
        if username and prefix.casefold().endswith(f"_{username.casefold()}")
    ]
    return max(set(cuts), key=cuts.count) if cuts else ""


def _assignment_prefix(prefixes: list[str]) -> str:
    """The assignment's name and its `_`, shared by every `<Assignment>_<username>` ('' if unsure)."""
    if len(prefixes) < 2:
        return ""
    first, last = prefixes[0], prefixes[-1]
    shared = 0
    while shared < min(len(first), len(last)) and first[shared] == last[shared]:
        shared += 1
    cut = first.rfind("_", 0, shared + 1)
    return first[: cut + 1] if cut >= 0 else ""


def _receipt(data: bytes) -> tuple[list[str], str | None]:
    """(the student's name, their username) from a receipt's first lines, `Name: Jane Doe (jdoe)`."""
    text = data[:4096].decode("utf-8", errors="replace")
    for line in text.splitlines()[:5]:
        key, _, value = line.partition(":")
        if key.strip().casefold() == "name" and value.strip():
            said = re.fullmatch(r"(?P<name>.*?)\s*\((?P<user>[^()\s]+)\)\s*", value.strip())
            if said is None:
                return [value.strip()], None
            return ([said["name"]] if said["name"] else []), said["user"]
    return [], None


class _RubyLoader(yaml.SafeLoader):
    """YAML as Gradescope's Ruby writes it: tags such as `!ruby/object:BigDecimal` read as plain values."""


def _plain(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


_RubyLoader.add_multi_constructor("!", _plain)


def _time(value: Any) -> str | None:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=timezone.utc)).isoformat()
    if isinstance(value, date):
        return None
    return str(value).strip() or None if value is not None else None


def gradescope(names: list[str], read: Reader) -> list[Group] | None:
    """Gradescope's "Export Submissions": its metadata names the submitters of each folder."""
    if GRADESCOPE_METADATA not in names:
        return None
    folders = {n.split("/", 1)[0] for n in names if "/" in n}
    if not folders or not all(GRADESCOPE_FOLDER.match(f) for f in folders):
        return None
    try:
        metadata = yaml.load(read(GRADESCOPE_METADATA), Loader=_RubyLoader) or {}
    except yaml.YAMLError:
        return None
    if not isinstance(metadata, dict):
        return None
    groups: list[Group] = []
    for folder in sorted(folders):
        entry = metadata.get(folder) or {}
        files = {n.split("/", 1)[1]: n for n in names if n.startswith(folder + "/")}
        submitters = (_field(entry, "submitters") or [{}]) if isinstance(entry, dict) else [{}]
        when = _time(_field(entry, "created_at")) if isinstance(entry, dict) else None
        for person in submitters if isinstance(submitters, list) else [{}]:
            groups.append(_submitter(person if isinstance(person, dict) else {}, folder, files, when))
    return groups


def _field(record: dict[str, Any], key: str) -> Any:
    """A field of Ruby's YAML: the key is the symbol `:key` (or plain `key`)."""
    return record.get(f":{key}", record.get(key))


def _submitter(person: dict[str, Any], folder: str, files: dict[str, str], when: str | None) -> Group:
    said = {key: str(_field(person, key) or "").strip() for key in ("name", "sid", "email")}
    claims = [Claim("email", said["email"]), Claim("sis_id", said["sid"]), Claim("name", said["name"])]
    label = said["name"] or said["email"] or said["sid"] or folder
    return Group(label, [c for c in claims if c.value], dict(files), when)


PARSERS: dict[str, Callable[[list[str], Reader], list[Group] | None]] = {
    "Gradescope": gradescope,
    "Canvas": canvas,
    "Blackboard": blackboard,
    "Moodle": moodle,
}


def recognise(names: list[str], read: Reader) -> tuple[str, list[Group]] | None:
    """Which LMS wrote these names (relative, files only), and the submitters it says.

    A single wrapping folder (a zip of the export's folder) is looked through.

    Returns:
        (platform, groups), or None when no LMS layout fits: one folder per student then.
    """
    for prefix in ("", _wrapper(names)):
        if prefix is None:
            continue
        inner = [n[len(prefix) :] for n in names]
        for platform, parser in PARSERS.items():
            if platform == "Gradescope" and prefix and not GRADESCOPE_WRAPPER.match(prefix):
                continue  # one student's folder holding a metadata file is that student's work
            groups = parser(inner, _under(read, prefix))
            if groups:
                for group in groups:
                    group.files = {k: prefix + v for k, v in group.files.items()}
                return platform, groups
    return None


def _under(read: Reader, prefix: str) -> Reader:
    """A reader of the names inside the folder `prefix`."""
    return lambda name: read(prefix + name)


def _wrapper(names: list[str]) -> str | None:
    """`folder/` when every name is inside that one folder."""
    tops = {n.split("/", 1)[0] for n in names}
    return f"{tops.pop()}/" if len(tops) == 1 and all("/" in n for n in names) else None
