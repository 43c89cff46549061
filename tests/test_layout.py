"""The house rules of docs/design.md, checked on the source: no package file over
400 lines, and no function whose code (its docstring left out) runs past 60 lines."""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "miso_resample"
SOURCES = sorted(PACKAGE.rglob("*.py"))


def _code_lines(function):
    """Lines of a function's body after its docstring."""
    body = function.body
    first = body[0]
    if (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
            and isinstance(first.value.value, str)):
        body = body[1:]
    return 0 if not body else function.end_lineno - body[0].lineno + 1


def test_the_package_has_sources():
    assert len(SOURCES) > 20


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_file_over_400_lines(path):
    assert len(path.read_text().splitlines()) <= 400


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_function_code_over_60_lines(path):
    tree = ast.parse(path.read_text())
    long = {node.name: _code_lines(node) for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and _code_lines(node) > 60}
    assert long == {}


def test_code_lines_leave_the_docstring_out():
    tree = ast.parse('def f():\n    """Doc.\n\n    More.\n    """\n    a = 1\n    return a\n')
    assert _code_lines(tree.body[0]) == 2
