"""The package's layers import downwards only (DESIGN.md): engine ← live ← web, engine ← cli.

Read from the source with ``ast`` (not by importing), so a lazy import inside a function
counts as much as one at the top of a module.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "playground"
# layer -> the sibling layers it must never import
FORBIDDEN = {
    "engine": {"live", "web", "cli", "presets"},
    "live": {"web", "cli", "presets"},
    "web": {"cli"},
    "cli": {"web"},
}


def imported_modules(path: Path) -> set[str]:
    """Every ``playground.*`` module a file imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {name for name in found if name.split(".")[0] == "playground"}


def layer_of(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else None


def violations(root: Path = PACKAGE) -> list[str]:
    out = []
    for layer, forbidden in FORBIDDEN.items():
        for path in sorted((root / layer).rglob("*.py")):
            for module in sorted(imported_modules(path)):
                if layer_of(module) in forbidden:
                    out.append(f"{path.relative_to(root.parent)} imports {module}")
    return out


def test_every_layer_is_a_sub_package() -> None:
    for layer in FORBIDDEN:
        assert (PACKAGE / layer / "__init__.py").is_file(), layer
    loose = sorted(p.name for p in PACKAGE.glob("*.py"))
    assert loose == ["__init__.py", "__main__.py", "presets.py"], loose


def test_layers_import_downwards_only() -> None:
    assert violations() == []


@pytest.mark.parametrize(("layer", "bad_import"), [
    ("engine", "from playground.live.run import LiveRun"),
    ("engine", "    from playground.web import viz  # a lazy import counts too"),
    ("live", "import playground.web.page"),
    ("web", "from playground.cli.runner import train_run"),
    ("cli", "from playground.web.viz import live_figure"),
])
def test_the_check_catches_an_upward_import(tmp_path: Path, layer: str, bad_import: str) -> None:
    """The checker itself can fail: a copy of a layer with one upward import is reported."""
    for name in FORBIDDEN:
        (tmp_path / name).mkdir()
        (tmp_path / name / "__init__.py").write_text("")
    body = "def f():\n" + bad_import + "\n" if bad_import.startswith(" ") else bad_import + "\n"
    (tmp_path / layer / "bad.py").write_text(body)
    found = violations(tmp_path)
    assert len(found) == 1 and f"{layer}/bad.py" in found[0], found
