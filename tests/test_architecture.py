"""The package's layers import downwards only, and no modules import each other in a circle.

Every module of ``src/dancekit`` is read with ``ast`` (nothing is imported), and every import
counts: at module level, inside functions (a lazy import is still a dependency), under
``TYPE_CHECKING``, and a string naming a dancekit module (``importlib.import_module`` tables).
``docs/architecture.md`` ("Layers") describes the order that :data:`LAYERS` enforces.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src"

#: Bottom to top: a unit (a subpackage, or a module directly under ``dancekit``) may import
#: units of its own layer or of a lower one. One line of why per layer.
LAYERS: list[tuple[str, ...]] = [
    # shared by everything and depending on nothing of ours: error types, ranges, paths, I/O
    # helpers; a bug here would be everyone's, so it may not reach up into any domain code
    ("errors", "limits", "cache_dirs", "utils"),
    # the one Motion type and what changes a motion (skeletons, kinematics, re-timing): the
    # vocabulary that every reader, metric, model and renderer speaks
    ("motion",),
    # what comes in from files: motion formats, music, video frames, trained weights
    # (checkpoint knows no model class, so models and train can both use it without importing
    # each other)
    ("io", "audio", "checkpoint", "video"),
    # what is built from motions and music without learning: metrics, the procedural synth,
    # rendering, the paired datasets that training and evaluation read
    ("metrics", "synth", "render", "data"),
    # the dance generators, each built from the layers below
    ("models",),
    # the two uses of a model: training one, and dancing with one (audio to Motion)
    ("train", "pipeline"),
    # the command line and the web app: thin wrappers over everything
    ("cli", "serve"),
]
LAYER_OF = {unit: level for level, units in enumerate(LAYERS) for unit in units}

#: The package's own ``__init__``, its public face: it re-exports names from higher layers,
#: so it must load them lazily (PEP 562 ``__getattr__``); Python runs it before any
#: submodule, so what it imports eagerly every import of dancekit pays for.
FACE = "dancekit"

_MODULE_NAME = re.compile(r"dancekit(\.\w+)+")


@dataclass(frozen=True)
class Import:
    importer: str   # dotted module name
    target: str     # dotted module name (a package's __init__ is the package's name)
    names: tuple[str, ...]  # what ``from target import ...`` takes; () for other imports
    eager: bool     # runs when the importer is imported (module level, not TYPE_CHECKING)
    line: int


def module_names(src: Path = SRC) -> dict[str, Path]:
    """Every module of the package by dotted name."""
    out = {}
    for path in sorted((src / "dancekit").rglob("*.py")):
        parts = path.relative_to(src).with_suffix("").parts
        out[".".join(parts[:-1] if parts[-1] == "__init__" else parts)] = path
    return out


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _walk(node: ast.AST, eager: bool) -> Iterator[tuple[ast.AST, bool]]:
    """Every node under ``node`` with whether it runs at import time."""
    for child in ast.iter_child_nodes(node):
        inner = eager and not isinstance(
            child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda))
        if isinstance(child, ast.If) and _is_type_checking(child):
            inner = False
        yield child, inner
        yield from _walk(child, inner)


def imports_of(name: str, path: Path, modules: dict[str, Path]) -> list[Import]:
    """The dancekit modules that module ``name`` imports. ``from pkg import sub`` where
    ``sub`` is a module imports that module; other names come from ``pkg`` itself."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node, eager in _walk(ast.parse(path.read_text(), str(path)), True):
        if isinstance(node, ast.Import):
            out += [Import(name, a.name, (), eager, node.lineno) for a in node.names
                    if a.name.split(".")[0] == "dancekit"]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[:len(package.split(".")) - node.level + 1]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source.split(".")[0] != "dancekit":
                continue
            names = tuple(a.name for a in node.names)
            subs = [n for n in names if f"{source}.{n}" in modules]
            out += [Import(name, f"{source}.{n}", (), eager, node.lineno) for n in subs]
            rest = tuple(n for n in names if n not in subs)
            if rest or not subs:
                out.append(Import(name, source, rest, eager, node.lineno))
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and _MODULE_NAME.fullmatch(node.value) and node.value in modules):
            out.append(Import(name, node.value, (), False, node.lineno))
    return out


def all_imports(src: Path = SRC) -> list[Import]:
    modules = module_names(src)
    return [imp for name, path in modules.items() for imp in imports_of(name, path, modules)
            if imp.target != name]


def unit_of(module: str) -> str:
    """The layer unit of a module: its subpackage, or the top-level module itself."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else FACE


def circles(edges: set[tuple[str, str]]) -> list[list[str]]:
    """The strongly connected components of more than one node (Tarjan), each sorted."""
    graph: dict[str, list[str]] = {}
    for a, b in sorted(edges):
        graph.setdefault(a, []).append(b)
        graph.setdefault(b, [])
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[list[str]] = []

    def visit(v: str) -> None:
        index[v] = low[v] = len(index)
        stack.append(v)
        for w in graph[v]:
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for v in graph:
        if v not in index:
            visit(v)
    return sorted(found)


def _face_exports(src: Path) -> tuple[set[str], set[str]]:
    """(names the face binds as it runs, names it hands on only lazily)."""
    tree = ast.parse((src / "dancekit" / "__init__.py").read_text())
    eager: set[str] = set()
    for node in tree.body:  # not the TYPE_CHECKING block: it never runs
        if isinstance(node, (ast.FunctionDef, ast.ClassDef)):
            eager.add(node.name)
        elif isinstance(node, ast.Assign):
            eager |= {t.id for t in node.targets if isinstance(t, ast.Name)}
        elif isinstance(node, ast.ImportFrom):
            eager |= {a.asname or a.name for a in node.names}
    public: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "__all__" for t in node.targets):
            public = set(ast.literal_eval(node.value))
    return eager, public - eager


def layer_violations(src: Path = SRC) -> list[str]:
    """Every import that runs up the layers, with where it is."""
    out = []
    for imp in all_imports(src):
        a, b = unit_of(imp.importer), unit_of(imp.target)
        if FACE in (a, b):
            continue
        missing = [u for u in (a, b) if u not in LAYER_OF]
        if missing:
            out.append(f"{imp.importer}: {missing[0]!r} is in no layer: add it to LAYERS")
        elif LAYER_OF[b] > LAYER_OF[a]:
            out.append(f"{imp.importer} (line {imp.line}) imports {imp.target}: "
                       f"{a} (layer {LAYER_OF[a]}) -> {b} (layer {LAYER_OF[b]}) runs up")
    return out


def face_violations(src: Path = SRC) -> list[str]:
    """The face imports only the bottom layer eagerly, and modules take from it only what
    it binds itself: a lazily handed-on name would be an upward import hidden behind it."""
    eager_names, lazy_names = _face_exports(src)
    out = []
    for imp in all_imports(src):
        if imp.importer == FACE and imp.eager and LAYER_OF.get(unit_of(imp.target), 0) > 0:
            out.append(f"{FACE}/__init__.py (line {imp.line}) imports {imp.target} at once: "
                       "hand it on lazily")
        if imp.target == FACE and imp.importer != FACE:
            if not imp.names:
                out.append(f"{imp.importer} (line {imp.line}) imports the package itself: "
                           "take the names it needs with 'from dancekit import ...'")
            for n in imp.names:
                if n in lazy_names or n not in eager_names:
                    out.append(f"{imp.importer} (line {imp.line}) takes {n!r} from the "
                               "package face: import it from the module that defines it")
    return out


def hands_on(imp: Import) -> bool:
    """Whether ``imp`` is a package's lazy import of one of its own modules (PEP 562
    ``__getattr__``, a registry that imports its members on first use). It runs only when a
    name is asked of the loaded package, so it cannot close a circle at import time; a
    package's eager imports, and every import of its modules, are still drawn."""
    return not imp.eager and imp.target.startswith(imp.importer + ".")


def unit_edges(src: Path = SRC) -> set[tuple[str, str]]:
    """Unit -> unit imports, without the face's lazy hand-ons."""
    return {(unit_of(i.importer), unit_of(i.target)) for i in all_imports(src)
            if unit_of(i.importer) != unit_of(i.target) and not hands_on(i)}


def module_edges(src: Path = SRC) -> set[tuple[str, str]]:
    """Module -> module imports, without lazy hand-ons. Importing ``pkg.sub`` runs
    ``pkg/__init__`` first, but that is not drawn as an import of ``pkg``: a package's
    ``__init__`` importing its own modules to hand their names on, while those import their
    siblings directly, is no circle. A module that imports its own package's ``__init__``
    explicitly, while that imports the module eagerly, is one."""
    return {(i.importer, i.target) for i in all_imports(src) if not hands_on(i)}


def test_no_circles_between_layer_units():
    assert circles(unit_edges()) == []


def test_no_circles_between_modules():
    assert circles(module_edges()) == []


def test_every_import_runs_down_or_sideways():
    assert layer_violations() == []


def test_the_package_face_stays_light_and_hides_no_upward_import():
    assert face_violations() == []


@pytest.fixture
def tangled(tmp_path: Path) -> Path:
    """A small dancekit with the faults the checks exist for."""
    files = {
        "__init__.py": "import importlib\nfrom dancekit.errors import E\n"
                       "__version__ = '0'\n__all__ = ['E', 'Motion', '__version__']\n"
                       "def __getattr__(n):\n"
                       "    return importlib.import_module('dancekit.motion').Motion\n",
        "errors.py": "class E(Exception): ...\n",
        "utils.py": "from dancekit import Motion\n",
        "motion/__init__.py": "from dancekit.motion.core import Motion\n",
        "motion/core.py": "from dancekit import __version__\n"
                          "def f():\n    from dancekit.io import reader\n",
        "io/__init__.py": "",
        "io/reader.py": "from ..motion import Motion\n",
        "models/__init__.py": "",
        "models/common.py": "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n"
                            "    from dancekit.train.run import go\n",
        "train/__init__.py": "",
        "train/run.py": "from dancekit.models import common\n",
    }
    for rel, text in files.items():
        (tmp_path / "dancekit" / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / "dancekit" / rel).write_text(text)
    return tmp_path


def test_the_checks_see_lazy_relative_and_type_only_imports(tangled: Path):
    assert circles(unit_edges(tangled)) == [["io", "motion"], ["models", "train"]]
    assert circles(module_edges(tangled)) == [
        ["dancekit.io.reader", "dancekit.motion", "dancekit.motion.core"],
        ["dancekit.models.common", "dancekit.train.run"]]
    assert [v.split(":")[0] for v in layer_violations(tangled)] == [
        "dancekit.models.common (line 3) imports dancekit.train.run",
        "dancekit.motion.core (line 3) imports dancekit.io.reader"]
    assert face_violations(tangled) == [
        "dancekit.utils (line 1) takes 'Motion' from the package face: import it from the "
        "module that defines it"]
