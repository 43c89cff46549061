"""Relative links in the repository's Markdown files resolve to files inside the repository.

Checked: ``README.md``, ``docs/*.md``, ``benchmarks/README.md`` and
``benchmarks/results/**/*.md`` (those that exist). A link is an inline link or
image (``[text](target)``, ``![alt](target)``), a reference definition
(``[id]: target``) or an HTML ``href``/``src`` attribute, outside code spans and
fenced code blocks. ``http(s)``/``mailto`` links and pure ``#anchors`` are not
checked; ``#anchor`` and ``?query`` suffixes are stripped. A target must exist,
and must not point outside the repository root (``../shared/...``).
"""

import re
from pathlib import Path
from urllib.parse import unquote

import pytest

ROOT = Path(__file__).resolve().parent.parent

# Broken links known today, with the reason; the README and docs are being rewritten.
KNOWN_BROKEN = {}


def markdown_files():
    files = [ROOT / "README.md", ROOT / "benchmarks" / "README.md"]
    files += sorted((ROOT / "docs").glob("*.md"))
    files += sorted((ROOT / "benchmarks" / "results").rglob("*.md"))
    return [f for f in files if f.is_file()]


_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,}).*?^ {0,3}\1[`~]*[ \t]*$", re.M | re.S)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1", re.S)
_INLINE = re.compile(
    r"!?\[(?:[^\[\]]|\[[^\[\]]*\])*\]"          # [text] or ![alt], one level of nesting
    r"\(\s*(<[^>]*>|[^\s()]*(?:\([^\s()]*\)[^\s()]*)*)"   # (target  or (<target>
    r"(?:\s+(?:\"[^\"]*\"|'[^']*'|\([^)]*\)))?\s*\)")     # optional "title")
_REFERENCE = re.compile(r"^ {0,3}\[[^\]]+\]:\s*(<[^>]*>|\S+)", re.M)
_HTML = re.compile(r"\b(?:href|src)\s*=\s*[\"']([^\"']*)[\"']", re.I)
_EXTERNAL = re.compile(r"^(?:[a-z][a-z0-9+.-]*:|//)", re.I)      # http:, https:, mailto:, ...


def links(text):
    """Link targets of a Markdown text, code removed, in order of appearance."""
    text = _CODE_SPAN.sub("", _FENCE.sub("", text))
    found = []
    for pattern in (_INLINE, _REFERENCE, _HTML):
        found += [(m.start(), m.group(1).strip("<>")) for m in pattern.finditer(text)]
    return [target for _, target in sorted(found)]


def problems(path, root=ROOT):
    """``(target, why)`` for every relative link of ``path`` that does not resolve."""
    root, out = Path(root).resolve(), []
    for target in links(path.read_text(encoding="utf-8")):
        if _EXTERNAL.match(target):
            continue
        local = unquote(re.split(r"[#?]", target, maxsplit=1)[0])
        if not local:
            continue                                  # an anchor in the same file
        resolved = ((root / local.lstrip("/")) if local.startswith("/")
                    else (path.parent / local)).resolve()
        if not resolved.is_relative_to(root):
            out.append((target, "points outside the repository"))
        elif not resolved.exists():
            out.append((target, "no such file"))
    return out


def _param(path):
    name = path.relative_to(ROOT).as_posix()
    marks = ([pytest.mark.xfail(strict=False, reason=KNOWN_BROKEN[name])]
             if name in KNOWN_BROKEN else [])
    return pytest.param(path, id=name, marks=marks)


def test_the_markdown_files_are_found():
    names = {p.relative_to(ROOT).as_posix() for p in markdown_files()}
    assert "README.md" in names
    assert any(n.startswith("benchmarks/results/") for n in names)


@pytest.mark.parametrize("path", [_param(p) for p in markdown_files()])
def test_relative_links_resolve_inside_the_repository(path):
    bad = problems(path)
    assert not bad, f"{path.relative_to(ROOT)}: " + "; ".join(f"{t} ({why})" for t, why in bad)


# -- the link finder itself ------------------------------------------------------------
def test_link_finder_on_a_sample():
    text = """
[ok](README.md) ![img](pic.png "a title") [anchor](#section) [web](https://x.org/a.md)
[mail](mailto:a@b.c) [frag](docs/x.md#part) <img src="figure.png"> [<b>x</b>](<a b.md>)
`[not a link](in-code.md)`

```
[nor](in-a-fence.md)
```

[ref]: refs/target.md
"""
    assert links(text) == ["README.md", "pic.png", "#section", "https://x.org/a.md",
                           "mailto:a@b.c", "docs/x.md#part", "figure.png", "a b.md",
                           "refs/target.md"]


def test_problems_flags_missing_files_and_escapes(tmp_path):
    (tmp_path / "docs").mkdir()
    (tmp_path / "docs" / "there.md").write_text("x")
    page = tmp_path / "docs" / "page.md"
    page.write_text("[a](there.md#top) [b](missing.md) [c](../../outside.md) "
                    "[d](/docs/there.md) ![e](../docs/there.md) [f](http://example.com/x)")
    assert problems(page, root=tmp_path) == [("missing.md", "no such file"),
                              ("../../outside.md", "points outside the repository")]
