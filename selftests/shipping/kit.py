"""Helpers of the shipping self-tests: reading zips and searching source text."""
from __future__ import annotations

import ast
import zipfile
from pathlib import Path


def zip_modes(path: Path) -> dict[str, int]:
    """Entry name -> its Unix permission bits."""
    with zipfile.ZipFile(path) as archive:
        return {info.filename: (info.external_attr >> 16) & 0o777 for info in archive.infolist()}


def normalized(text: str) -> str:
    """Code lines stripped of indentation, without blank and comment lines: a body found in
    another file this way was copied there, whatever its indentation."""
    lines = (line.strip() for line in text.splitlines())
    return "\n".join(line for line in lines if line and not line.startswith("#"))


def definitions(path: Path) -> dict[str, str]:
    """Every function and class of a file (nested ones too), by name, with its normalized body,
    docstring left out."""
    source = path.read_text(encoding="utf-8")
    found: dict[str, str] = {}
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant) \
                    and isinstance(body[0].value.value, str):
                body = body[1:]
            text = "\n".join(ast.get_source_segment(source, statement) or "" for statement in body)
            found[node.name] = normalized(text)
    return found


def module_assignments(path: Path) -> list[str]:
    """The source of each top-level assignment of a file (constants, models, inputs)."""
    source = path.read_text(encoding="utf-8")
    return [normalized(ast.get_source_segment(source, node) or "") for node in ast.parse(source).body
            if isinstance(node, (ast.Assign, ast.AnnAssign))]


def texts_under(folder: Path) -> dict[Path, str | None]:
    """Every file under `folder`, normalized; None for one that is not UTF-8 text."""
    texts: dict[Path, str | None] = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            try:
                texts[path] = normalized(path.read_text(encoding="utf-8"))
            except UnicodeDecodeError:
                texts[path] = None
    return texts
