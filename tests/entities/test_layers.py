"""The tagger is layered one way: each module imports only the layers before it."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.sitebuild import REPO

#: lowest first; a module may import only modules listed before it
LAYERS = [
    "text_forms", "entities", "event_types", "matcher", "tag_result", "tag_claims", "tag_batch",
    "evidence", "tagger", "unknown_names",
]


def _imports(module: str) -> set[str]:
    tree = ast.parse((REPO / "newsarchive" / f"{module}.py").read_text(encoding="utf-8"))
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            if node.module == "newsarchive":
                found.update(alias.name for alias in node.names)
            elif node.module.startswith("newsarchive."):
                found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(
                a.name.split(".")[1] for a in node.names if a.name.startswith("newsarchive.")
            )
    return found


def test_tagger_modules_import_only_lower_layers() -> None:
    wrong = []
    for level, module in enumerate(LAYERS):
        for imported in _imports(module) & set(LAYERS):
            if LAYERS.index(imported) >= level:
                wrong.append(f"{module} imports {imported}")
    assert wrong == []


def test_one_implementation_of_the_rules() -> None:
    assert not (REPO / "newsarchive" / "tag_one.py").exists()
    assert not any(Path(REPO / "newsarchive").glob("tag_one*.py"))
