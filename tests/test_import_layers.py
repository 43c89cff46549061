"""The package's floors, checked on the source: ``utils`` imports nothing else of
the package, ``model`` only ``utils``, and ``decoders`` nothing of the engine or
the sampler above them (docs/design.md, Layout)."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "miso_resample"

# floor -> the top-level packages of miso_resample it may import from
ALLOWED = {
    "utils": {"utils"},
    "model": {"model", "utils"},
    "decoders": {"decoders", "model", "utils", "exceptions"},
}


def imported_packages(path):
    """The top-level miso_resample packages or modules that ``path`` imports."""
    module = path.relative_to(PACKAGE).with_suffix("").parts
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = module[:len(module) - node.level]      # package of the relative import
            target = list(base) + (node.module.split(".") if node.module else [])
            if not target:           # "from .. import x": x is the top-level name
                target = [node.names[0].name]
            found.add(target[0])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("miso_resample."):
            found.add(node.module.split(".")[1])
        elif isinstance(node, ast.Import):
            found.update(a.name.split(".")[1] for a in node.names
                         if a.name.startswith("miso_resample."))
    return found


def test_relative_imports_are_resolved_to_their_package():
    path = PACKAGE / "model" / "mine.py"
    assert imported_packages(path) <= {"model", "utils"}
    assert "utils" in imported_packages(PACKAGE / "mutual_information.py")
    assert "model" in imported_packages(PACKAGE / "mutual_information.py")


@pytest.mark.parametrize("floor", sorted(ALLOWED))
def test_no_import_reaches_above_its_floor(floor):
    sources = sorted((PACKAGE / floor).rglob("*.py"))
    assert sources
    above = {str(p.relative_to(PACKAGE)): sorted(imported_packages(p) - ALLOWED[floor])
             for p in sources}
    assert {k: v for k, v in above.items() if v} == {}
