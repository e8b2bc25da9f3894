"""The shape the code keeps: `retrieval/` never imports telegram and has no import loops (every
import counts, at module level, inside a function or for type checking only), and no module
grows past what a reader takes in at once."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
#: Lines a module may have, and the engine's own (a facade over the modules that do the work).
MODULE_LINES, ENGINE_LINES = 400, 250


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports_of(path: Path, modules: set[str]) -> set[str]:
    """The project modules a file imports, with the packages above them (imported first, unless
    the file is inside them: its own packages are already being imported)."""
    name = module_name(path)
    own = {".".join(name.split(".")[:i]) for i in range(1, name.count(".") + 1)}
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = package.split(".")[: len(package.split(".")) - node.level + 1] if node.level else []
            module = ".".join([*base, *([node.module] if node.module else [])])
            targets = [module] + [f"{module}.{a.name}" for a in node.names]
        for target in targets:
            parts = target.split(".")
            found.update(".".join(parts[:i]) for i in range(1, len(parts) + 1) if ".".join(parts[:i]) in modules)
    return found - own - {name}


def graph(package: str) -> dict[str, set[str]]:
    files = sorted((ROOT / package).rglob("*.py"))
    modules = {module_name(f) for f in files}
    return {module_name(f): imports_of(f, modules) for f in files}


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Every import loop, found by depth-first search (each loop once, from its first module)."""
    found, state = [], {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = "open"
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == "open":
                found.append(path[path.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = "done"

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    return found


def test_retrieval_has_no_import_loops():
    edges = graph("retrieval")
    assert len(edges) > 20
    assert cycles(edges) == []


def test_the_loop_finder_finds_a_loop():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]


def test_retrieval_never_imports_telegram():
    for path in (ROOT / "retrieval").rglob("*.py"):
        tree = ast.parse(path.read_text())
        names = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]
        names += [n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)]
        assert not any(n.split(".")[0] == "telegram" for n in names), path


def test_modules_stay_small():
    sizes = {
        path.relative_to(ROOT).as_posix(): len(path.read_text().splitlines())
        for folder in ("retrieval", "bot", "newsbot", "bench")
        for path in (ROOT / folder).rglob("*.py")
    }
    assert {p: n for p, n in sizes.items() if n > MODULE_LINES} == {}
    assert sizes["retrieval/engine.py"] < ENGINE_LINES
