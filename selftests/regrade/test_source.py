"""Reading a class without grading it: the export's YAML and zip read as hostile, folders, the CSV
and the report built from results, and the driver's refusals. No grading here: all fast."""
from __future__ import annotations

import csv
import io
import json
import os
import shutil
import tempfile
import zipfile
from pathlib import Path

import pytest

from autograder.course import find_assignment
from autograder.regrade.archive import ArchiveError, Caps, extract_zip, pack, unpack
from autograder.regrade.report import build_report, check_name
from autograder.regrade.run import RegradeOptions, regrade
from autograder.regrade.scores import Graded, render
from autograder.regrade.source import Entry, SourceError, Submitter, open_source, read_metadata
from selftests.regrade.kit import metadata_yaml

PARTS = find_assignment().settings.parts_of(None)


def _zip(path: Path, members: dict[str, bytes], links: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
        for name, target in (links or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (0o120777 << 16)
            bundle.writestr(info, target)
    return path


def _work(tmp_path: Path) -> Path:
    work = tmp_path / "work"
    work.mkdir(mode=0o700)
    return work


# ----------------------------------------------------------------------------- the metadata
def test_the_metadata_gives_every_member_of_a_group() -> None:
    text = metadata_yaml({"submission_7": [("A B", "1", "a@x.edu"), ("C D", "2", "c@x.edu")],
                          "submission_8": [("E F", "3", "e@x.edu")]})
    people = read_metadata(text + "submission_9:\n  :submitters:\n  - :name: Only A Name\n")
    assert people["submission_7"] == (Submitter("A B", "1", "a@x.edu"), Submitter("C D", "2", "c@x.edu"))
    assert people["submission_8"] == (Submitter("E F", "3", "e@x.edu"),)
    assert people["submission_9"] == (Submitter("Only A Name", "", ""),)


@pytest.mark.parametrize("tag", ["!!python/object/apply:os.system ['touch {marker}']",
                                 "!!python/object/new:os.system ['touch {marker}']",
                                 "!!python/name:os.system"])
def test_unsafe_yaml_is_refused_and_never_runs(tmp_path: Path, tag: str) -> None:
    marker = tmp_path / "ran"
    text = f"submission_1:\n  :submitters: {tag.format(marker=marker)}\n"
    with pytest.raises(SourceError, match="not plain YAML"):
        read_metadata(text)
    assert not marker.exists()


def test_an_export_with_unsafe_yaml_is_refused(tmp_path: Path) -> None:
    export = tmp_path / "export"
    (export / "submission_1").mkdir(parents=True)
    (export / "submission_metadata.yml").write_text(
        "submission_1: !!python/object:builtins.dict {}\n")
    with pytest.raises(SourceError, match="not plain YAML"):
        open_source(export, _work(tmp_path))


# ----------------------------------------------------------------------------- the zip
@pytest.mark.parametrize("name", ["../escaped.py", "export/../../escaped.py", "/tmp/escaped.py",
                                  "export\\..\\..\\escaped.py", "C:/escaped.py"])
def test_the_zip_reader_refuses_path_traversal(tmp_path: Path, name: str) -> None:
    archive = _zip(tmp_path / "evil.zip", {"export/submission_metadata.yml": b"{}\n", name: b"x = 1\n"})
    with pytest.raises(SourceError, match="traversal|absolute"):
        open_source(archive, _work(tmp_path))
    assert not (tmp_path / "escaped.py").exists() and not Path("/tmp/escaped.py").exists()


def test_the_zip_reader_leaves_links_out(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "links.zip", {"s1/problem1.py": b"x = 1\n"},
                   links={"s1/secret.py": "/etc/shadow", "s2/problem1.py": "../s1/problem1.py"})
    source = open_source(archive, _work(tmp_path))
    assert [entry.id for entry in source.entries] == ["s1", "s2"]
    unpacked = tmp_path / "work" / "unpacked"
    assert not any(path.is_symlink() for path in unpacked.rglob("*"))
    assert sorted(p.name for p in (unpacked / "s1").iterdir()) == ["problem1.py"]
    assert any("symbolic link" in note for note in source.notes)


def test_the_zip_reader_caps_files_sizes_and_counts(tmp_path: Path) -> None:
    archive = _zip(tmp_path / "big.zip", {f"s/f{i}.py": b"#" * 600 for i in range(3)})
    for caps, pattern in [(Caps(file_bytes=500), "larger than"), (Caps(total_bytes=1000), "in all"),
                          (Caps(files=2), "more than 2 files")]:
        destination = tmp_path / f"out-{pattern[:4]}"
        destination.mkdir()
        with pytest.raises(ArchiveError, match=pattern):
            extract_zip(archive, destination, caps)


def test_a_zipped_export_under_a_top_folder_is_found(tmp_path: Path) -> None:
    text = metadata_yaml({"submission_10": [("Ten", "10", "t@x.edu")],
                          "submission_9": [("Nine", "9", "n@x.edu")],
                          "submission_11": [("Eleven", "11", "e@x.edu")]})
    archive = _zip(tmp_path / "export.zip", {
        "assignment_5_export/submission_metadata.yml": text.encode(),
        "assignment_5_export/submission_9/problem1.py": b"x = 9\n",
        "assignment_5_export/submission_10/problem1.py": b"x = 10\n",
        "assignment_5_export/submission_12/problem1.py": b"x = 12\n",
        "__MACOSX/assignment_5_export/._submission_metadata.yml": b"\0"})
    source = open_source(archive, _work(tmp_path))
    assert source.kind == "gradescope export"
    assert [(e.id, e.folder is not None, [p.name for p in e.submitters]) for e in source.entries] == [
        ("9", True, ["Nine"]), ("10", True, ["Ten"]), ("11", False, ["Eleven"]), ("12", True, [])]
    assert any("submission_12" in note for note in source.notes)


def test_pack_and_unpack_carry_the_regular_files(tmp_path: Path) -> None:
    folder = tmp_path / "s"
    (folder / "sub").mkdir(parents=True)
    (folder / "problem1.py").write_text("x = 1\n")
    (folder / "sub" / "w.pt").write_bytes(bytes(range(256)))
    os.symlink("/etc/passwd", folder / "link.py")
    destination = tmp_path / "d"
    destination.mkdir()
    unpack(pack(folder), destination)
    assert sorted(str(p.relative_to(destination)) for p in destination.rglob("*") if p.is_file()) == \
        ["problem1.py", "sub/w.pt"]
    assert (destination / "sub" / "w.pt").read_bytes() == bytes(range(256))


# ----------------------------------------------------------------------------- plain folders
def test_a_plain_folder_s_subfolders_are_the_submissions(tmp_path: Path) -> None:
    root = tmp_path / "class"
    for name in ["s10", "s2", ".hidden", "__pycache__", "Jane Doe"]:
        (root / name).mkdir(parents=True)
    (root / "notes.txt").write_text("not a submission")
    source = open_source(root, _work(tmp_path))
    assert source.kind == "folder"
    assert [e.id for e in source.entries] == ["Jane Doe", "s2", "s10"]
    assert all(e.submitters == () for e in source.entries)


def test_a_folder_that_cannot_be_an_id_is_refused(tmp_path: Path) -> None:
    (tmp_path / "class" / "scores.csv").mkdir(parents=True)
    with pytest.raises(SourceError, match="cannot be a submission id"):
        open_source(tmp_path / "class", _work(tmp_path))


def test_the_driver_refuses_an_output_inside_the_source(tmp_path: Path) -> None:
    (tmp_path / "class" / "s1").mkdir(parents=True)
    with pytest.raises(SourceError, match="inside the source"):
        regrade(RegradeOptions(source=tmp_path / "class", out=tmp_path / "class" / "out", progress=False))


@pytest.mark.skipif(os.geteuid() != 0, reason="student code runs as other users only when grading as root")
def test_as_root_a_source_other_users_can_read_is_refused(tmp_path: Path) -> None:
    shared = Path(tempfile.mkdtemp(prefix="regrade-shared-", dir="/tmp"))
    try:
        (shared / "s1").mkdir()
        os.chmod(shared, 0o755)
        with pytest.raises(SourceError, match="chmod o-rwx"):
            regrade(RegradeOptions(source=shared, out=tmp_path / "out", progress=False))
    finally:
        shutil.rmtree(shared)


# ----------------------------------------------------------------------------- CSV and report
def _document(scores: dict[str, tuple[float, float]], *, name: str = "a check", output: str = "wrong",
              leaderboard: list | None = None) -> dict:
    tests = [{"name": f"{name} [{label}]", "number": label, "score": s, "max_score": m,
              "status": "passed" if s >= m else "failed", "output": output, "output_format": "md"}
             for label, (s, m) in scores.items()]
    return {"score": sum(s for s, _ in scores.values()), "output": "summary", "tests": tests,
            **({"leaderboard": leaderboard} if leaderboard else {})}


def test_the_csv_has_a_row_per_member_and_no_scores_for_unfinished_gradings() -> None:
    group = Entry("7", Path("."), (Submitter("A", "1", "a@x"), Submitter("=HYPERLINK(1)", "2", "b@x")))
    graded = [Graded(group, "ok", _document({"1.b": (2, 2), "1.c": (1.5, 3)})),
              Graded(Entry("8", Path(".")), "timed out", {"score": 0, "tests": []})]
    rows = list(csv.reader(io.StringIO(render(graded, ["1.b", "1.c", "1.e"]))))
    assert rows == [["submission_id", "name", "sid", "email", "1.b", "1.c", "1.e", "total", "status"],
                    ["7", "A", "1", "a@x", "2", "1.5", "0", "3.5", "ok"],
                    ["7", "'=HYPERLINK(1)", "2", "b@x", "2", "1.5", "0", "3.5", "ok"],
                    ["8", "", "", "", "", "", "", "", "timed out"]]


def test_the_report_escapes_what_students_chose_and_ranks_the_leaderboard() -> None:
    evil = "<script>alert(1)</script>"
    entries = [Entry(f"s{i}", Path("."), (Submitter(f"{evil} {i}", str(i), ""),)) for i in range(3)]
    graded = [Graded(entries[0], "ok", _document({"1.b": (0, 2)}, name=evil, output=evil,
                                                 leaderboard=[{"name": evil, "value": 0.5}])),
              Graded(entries[1], "ok", _document({"1.b": (0, 2)}, name=evil, output="other",
                                                 leaderboard=[{"name": evil, "value": 0.9}])),
              Graded(entries[2], f"grader failed: {evil}", {"score": 0, "output": evil, "tests": []})]
    page = build_report(graded, PARTS, title="T")
    assert "<script>" not in page and "&lt;script&gt;" in page
    board = page[page.index("<h2>Leaderboard</h2>"):]
    assert board.index(">s1<") < board.index(">s0<")  # 0.9 ranks above 0.5
    failed = page[page.index("Submissions not graded"):]
    assert "s2" in failed and "grader failed: &lt;script&gt;" in failed
    checks = page[page.index("Checks failed most often"):page.index("Leaderboard")]
    assert "2 of 2" in checks and "&lt;script&gt;alert(1)&lt;/script&gt; <span" in checks
    assert check_name("x [a, b] (case 3 of 9)") == "x"
    json.dumps(page)  # one plain string, nothing external
    assert "http" not in page.replace("http-equiv", "")
