"""The package has no import cycle (issue 14).

The graph is read from the source with ``ast``: every ``import`` and
``from ... import`` of a package module, wherever it stands (a function-level
import that only dodged a cycle is still a cycle), relative imports resolved.
``from pkg import name`` points at ``pkg.name`` when that is a module, else at
``pkg``. A synthetic package checks that the test can fail.
"""
from __future__ import annotations

import ast
from pathlib import Path

import oncokind_secondop

PACKAGE_DIR = Path(oncokind_secondop.__file__).resolve().parent


def modules(package_dir: Path) -> dict[str, tuple[Path, bool]]:
    """Dotted module name -> (file, is a package ``__init__``)."""
    found: dict[str, tuple[Path, bool]] = {}
    for path in sorted(package_dir.rglob("*.py")):
        parts = list(path.relative_to(package_dir.parent).with_suffix("").parts)
        is_package = parts[-1] == "__init__"
        if is_package:
            parts = parts[:-1]
        found[".".join(parts)] = (path, is_package)
    return found


def import_graph(package_dir: Path) -> dict[str, set[str]]:
    """Module -> the package modules it imports (anywhere in its source)."""
    known = modules(package_dir)
    root = package_dir.name
    graph: dict[str, set[str]] = {name: set() for name in known}
    for name, (path, is_package) in known.items():
        here = name if is_package else name.rpartition(".")[0]
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                if node.level:
                    base = here.split(".")[: len(here.split(".")) - (node.level - 1)]
                    source = ".".join(base + ([node.module] if node.module else []))
                else:
                    source = node.module or ""
                targets = [f"{source}.{alias.name}" if f"{source}.{alias.name}" in known else source
                           for alias in node.names]
            else:
                continue
            for target in targets:
                # "import a.b.c" names a.b.c; keep the longest known module it names
                while target and target not in known:
                    target = target.rpartition(".")[0]
                if target.split(".")[0] == root and target != name:
                    graph[name].add(target)
    return graph


def external_imports(path: Path) -> set[str]:
    """Top-level names of the absolute imports in one file (anywhere in it)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and not node.level and node.module:
            found.add(node.module.split(".")[0])
    return found


def reachable(graph: dict[str, set[str]], start: str) -> set[str]:
    """Every package module ``start`` imports, directly or through others."""
    seen: set[str] = set()
    todo = [start]
    while todo:
        for nxt in graph[todo.pop()]:
            if nxt not in seen:
                seen.add(nxt)
                todo.append(nxt)
    return seen


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each
    as a sorted list; an empty list means the graph has no cycle."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_package_has_no_import_cycle() -> None:
    graph = import_graph(PACKAGE_DIR)
    assert len(graph) > 50  # the whole package was read
    assert "oncokind_secondop.extension" in graph["oncokind_secondop.learn.views"]
    assert cycles(graph) == [], "import cycle(s) among: " + "; ".join(
        ", ".join(c) for c in cycles(graph))


def test_views_do_not_import_the_wiring() -> None:
    """The cycle this test first caught: views -> blueprint -> capabilities ->
    views. Capabilities collect routes; only the factory imports them."""
    graph = import_graph(PACKAGE_DIR)
    for view in ("learn.views", "packet.views", "packet.export.views", "compare.views"):
        imported = graph[f"oncokind_secondop.{view}"]
        assert not imported & {"oncokind_secondop.blueprint", "oncokind_secondop.mount",
                               "oncokind_secondop.capabilities"}, view


def _write(root: Path, files: dict[str, str]) -> Path:
    for relative, text in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root / "pkg"


def test_a_synthetic_cycle_is_found(tmp_path: Path) -> None:
    package = _write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "from .sub import b\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/b.py": "from ..c import thing\n",
        # the way back hides in a function, as a cycle-dodging lazy import would
        "pkg/c.py": "thing = 1\ndef later():\n    from . import a\n",
        "pkg/d.py": "import pkg.a\nimport os\n",
    })
    graph = import_graph(package)
    assert graph["pkg.a"] == {"pkg.sub.b"}
    assert graph["pkg.sub.b"] == {"pkg.c"}
    assert graph["pkg.c"] == {"pkg.a"}
    assert graph["pkg.d"] == {"pkg.a"}
    assert cycles(graph) == [["pkg.a", "pkg.c", "pkg.sub.b"]]


def test_an_acyclic_synthetic_package_passes(tmp_path: Path) -> None:
    package = _write(tmp_path, {
        "pkg/__init__.py": "from .a import x\n",
        "pkg/a.py": "from . import b\nx = 1\n",
        "pkg/b.py": "from pkg import c\n",
        "pkg/c.py": "",
    })
    graph = import_graph(package)
    assert graph["pkg"] == {"pkg.a"} and graph["pkg.b"] == {"pkg.c"}
    assert cycles(graph) == []
