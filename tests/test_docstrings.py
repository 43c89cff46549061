"""Documented parameters match the signatures (as imbalanced-learn's test_docstring_parameters).

For every public class and function (the ``__all__`` of ``miso_resample``,
``miso_resample.classifiers``, ``miso_resample.metrics``, ``miso_resample.datasets``
and ``miso_resample.benchmark``, plus ``miso_resample.embeddings.TransformerEmbedder``),
the names in the numpydoc "Parameters" section must be the signature's, in order
(``__init__`` for classes; ``self``, ``*args`` and ``**kwargs`` are ignored unless
documented). A function without a Parameters section documents none: it fails
unless it takes none. Public methods defined in the package that have a
Parameters section are checked too. ``numpydoc`` is not a dependency: a small
parser reads the section.
"""

import importlib
import inspect
import re

import pytest

MODULES = ["miso_resample", "miso_resample.classifiers", "miso_resample.metrics",
           "miso_resample.datasets", "miso_resample.benchmark"]

# Docstrings known to be wrong, for the lead to fix in the package (the tests then
# XPASS, which strict=True turns into a failure: remove the entry).
NO_SECTION = "no numpydoc Parameters section documents its parameters"
KNOWN_MISMATCHES = {}


def public_objects():
    """``(qualified name, object)`` of every public class and function, in a fixed order."""
    seen, out = set(), []
    for module_name in MODULES:
        module = importlib.import_module(module_name)
        for name in module.__all__:
            obj = getattr(module, name)
            if (inspect.isclass(obj) or inspect.isfunction(obj)) and id(obj) not in seen:
                seen.add(id(obj))
                out.append((f"{module_name}.{name}", obj))
    from miso_resample.embeddings import TransformerEmbedder
    out.append(("miso_resample.embeddings.TransformerEmbedder", TransformerEmbedder))
    return out


def public_methods():
    """Public methods defined in the package's public classes that have a Parameters section."""
    out = []
    for qualname, cls in public_objects():
        if not inspect.isclass(cls):
            continue
        for name, member in vars(cls).items():
            func = getattr(member, "__func__", member)
            if (not name.startswith("_") and inspect.isfunction(func)
                    and func.__module__.startswith("miso_resample")
                    and "Parameters" in section_names(func.__doc__)):
                out.append((f"{qualname}.{name}", func))
    return out


_UNDERLINE = re.compile(r"-{3,}")
_NAME = re.compile(r"\*{0,2}[A-Za-z_]\w*")


def section_names(doc):
    lines = inspect.cleandoc(doc or "").splitlines()
    return [line.strip() for line, under in zip(lines, lines[1:])
            if _UNDERLINE.fullmatch(under.strip()) and line.strip()]


def documented_parameters(doc):
    """Names in the numpydoc Parameters section of ``doc``, in order.

    A parameter line sits at the section's indentation: ``name : type``,
    ``x, y : type`` (two parameters) or a bare ``name``; descriptions are indented
    deeper. The section ends at the next underlined heading.
    """
    lines = inspect.cleandoc(doc or "").splitlines()
    names, inside = [], False
    for i, line in enumerate(lines):
        following = lines[i + 1] if i + 1 < len(lines) else ""
        if line.strip() and _UNDERLINE.fullmatch(following.strip()):
            inside = line.strip() == "Parameters"
            continue
        if not inside or not line.strip() or line[0].isspace() or _UNDERLINE.fullmatch(line):
            continue
        head = line.split(" : ", 1)[0] if " : " in line else line.rstrip(": ")
        for name in (n.strip() for n in head.split(",")):
            if not _NAME.fullmatch(name):
                raise ValueError(f"unparsable parameter line {line!r}")
            names.append(name)
    return names


def signature_parameters(obj, documented=()):
    """Parameter names of a function, or of a class's ``__init__``, as documented ones read.

    ``self``/``cls`` are dropped; ``*args``/``**kwargs`` are kept (with their
    stars) only when the docstring documents them.
    """
    func = obj.__init__ if inspect.isclass(obj) else obj
    try:
        parameters = inspect.signature(func).parameters.values()
    except ValueError:                       # a builtin __init__ without a signature
        return []
    names = []
    for p in parameters:
        if p.name in ("self", "cls"):
            continue
        if p.kind is p.VAR_POSITIONAL:
            name = f"*{p.name}"
        elif p.kind is p.VAR_KEYWORD:
            name = f"**{p.name}"
        else:
            name = p.name
        if name.startswith("*") and name not in documented and name.lstrip("*") not in documented:
            continue
        names.append(name)
    return names


def _normalised(names):
    return [n.lstrip("*") for n in names]


def _params(pairs):
    return [pytest.param(obj, id=name, marks=[pytest.mark.xfail(
        strict=True, reason=KNOWN_MISMATCHES[name])] if name in KNOWN_MISMATCHES else [])
        for name, obj in pairs]


def _check(obj):
    documented = documented_parameters(obj.__doc__)
    expected = signature_parameters(obj, documented)
    doc, sig = _normalised(documented), _normalised(expected)
    twice = sorted({n for n in doc if doc.count(n) > 1})
    assert doc == sig, (
        f"{getattr(obj, '__qualname__', obj)}: missing from the docs: "
        f"{sorted(set(sig) - set(doc))}, not in the signature: {sorted(set(doc) - set(sig))}, "
        f"documented twice: {twice}, order: documented {documented}, signature {expected}")


@pytest.mark.parametrize("obj", _params(public_objects()))
def test_documented_parameters_match_the_signature(obj):
    _check(obj)


@pytest.mark.parametrize("obj", _params(public_methods()))
def test_documented_method_parameters_match_the_signature(obj):
    _check(obj)


def test_every_public_object_is_checked():
    names = {name for name, _ in public_objects()}
    assert {"miso_resample.MISOSampler", "miso_resample.find_difficult_samples",
            "miso_resample.classifiers.TextCNNClassifier",
            "miso_resample.embeddings.TransformerEmbedder"} <= names
    assert set(KNOWN_MISMATCHES) <= names | {name for name, _ in public_methods()}, \
        "an xfail entry names an object that is no longer public"
    assert "miso_resample.MISOSampler.fit_resample" in {n for n, _ in public_methods()}


# -- the parser itself -------------------------------------------------------------------
def test_parser_reads_numpydoc_sections():
    def f(a, b, c=1, *args, d=None, **kwargs):
        """Summary.

        Parameters
        ----------
        a, b : int
            Two at once.
        c : int, default=1
            Described on
            two lines, with x : y in the text.
        d
            No type.
        **kwargs : dict
            Documented, so checked.

        Returns
        -------
        out : int
        """

    assert documented_parameters(f.__doc__) == ["a", "b", "c", "d", "**kwargs"]
    assert signature_parameters(f, documented_parameters(f.__doc__)) == [
        "a", "b", "c", "d", "**kwargs"]           # *args undocumented: ignored
    assert signature_parameters(f) == ["a", "b", "c", "d"]
    assert documented_parameters("No sections.") == []


def test_a_wrong_docstring_is_caught():
    def g(alpha, beta):
        """Summary.

        Parameters
        ----------
        alpha : float
        gamma : float
        """

    with pytest.raises(AssertionError, match=r"missing from the docs: \['beta'\]"):
        _check(g)

    class C:
        """A class.

        Parameters
        ----------
        x : int
        """

        def __init__(self, x, y=0):
            self.x, self.y = x, y

    with pytest.raises(AssertionError, match=r"\['y'\]"):
        _check(C)
