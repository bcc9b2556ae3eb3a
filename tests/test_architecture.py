"""The shape of the package: no import cycle, and no module reaching into another package's private parts."""

from __future__ import annotations

import ast
from pathlib import Path

SRC = Path(__file__).resolve().parent.parent / "src" / "hindsight"


def _modules() -> dict[str, Path]:
    out = {}
    for p in SRC.rglob("*.py"):
        parts = list(p.relative_to(SRC.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = p
    return out


MODULES = _modules()


def _package(name: str) -> str:
    return name if MODULES[name].name == "__init__.py" else name.rpartition(".")[0]


def _imports(name: str) -> list[tuple[str, list[str], int]]:
    """(module imported, names imported from it, line) for every import, at any depth, except those only
    for type checking (`if TYPE_CHECKING:`)."""
    found: list[tuple[str, list[str], int]] = []
    pkg = _package(name)

    class Visit(ast.NodeVisitor):
        def visit_If(self, node: ast.If) -> None:
            if isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
                for n in node.orelse:
                    self.visit(n)
                return
            self.generic_visit(node)

        def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
            if node.level:
                base = pkg.split(".")[:len(pkg.split(".")) - node.level + 1]
                target = ".".join(base + ([node.module] if node.module else []))
            elif (node.module or "").startswith("hindsight"):
                target = node.module or ""
            else:
                return
            found.append((target, [a.name for a in node.names], node.lineno))

        def visit_Import(self, node: ast.Import) -> None:
            found.extend((a.name, [], node.lineno) for a in node.names if a.name.startswith("hindsight"))

    Visit().visit(ast.parse(MODULES[name].read_text(encoding="utf-8")))
    return found


def _graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for name in MODULES:
        deps = set()
        for target, names, _ in _imports(name):
            for n in names or [""]:
                sub = f"{target}.{n}"
                deps.add(sub if sub in MODULES else target)
        # Importing a.b.c first imports a.b: a dependency on every enclosing package but one's own.
        for d in list(deps):
            parts = d.split(".")
            deps |= {".".join(parts[:i]) for i in range(2, len(parts))}
        graph[name] = {d for d in deps if d in MODULES and d != name and not name.startswith(d + ".")}
    return graph


def test_no_import_cycle_anywhere_in_the_package():
    graph = _graph()
    state: dict[str, int] = {}
    cycles = []

    def visit(v: str, path: list[str]) -> None:
        state[v] = 1
        for w in sorted(graph[v]):
            if state.get(w) == 1:
                cycles.append(path[path.index(w):] + [w])
            elif w not in state:
                visit(w, [*path, w])
        state[v] = 2

    for v in sorted(graph):
        if v not in state:
            visit(v, [v])
    assert cycles == []


def _inside(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


def test_no_module_uses_another_packages_private_module_or_name():
    wrong = []
    for name in MODULES:
        for target, names, line in _imports(name):
            for n in names or [""]:
                module = f"{target}.{n}" if f"{target}.{n}" in MODULES else target
                last = module.rpartition(".")[2]
                if last.startswith("_") and not _inside(name, module.rpartition(".")[0]):
                    wrong.append(f"{name}:{line} imports the private module {module}")
                private_name = module == target and n.startswith("_") and n != "__version__"
                if private_name and not _inside(name, _package(target)):
                    wrong.append(f"{name}:{line} imports the private name {target}.{n}")
    assert wrong == []


def test_the_shells_reach_the_library_through_the_workspace():
    # The CLI and the web layer compose nothing: no store, index, review or lifecycle computation of their own.
    cli = [m for m in MODULES if _inside(m, "hindsight.cli")]
    assert len(cli) >= 5  # the group and the modules of its commands
    for shell in (*cli, "hindsight.web.api", "hindsight.web.pages"):
        used = {t for t, _, _ in _imports(shell)}
        assert not used & {"hindsight.lifecycle", "hindsight.register", "hindsight.corpus",
                           "hindsight.store.sqlite"} - ({"hindsight.corpus"} if shell in cli else set()), shell


def test_the_public_api_is_one_sorted_all_whose_names_resolve():
    import hindsight

    assert hindsight.__all__ == sorted(hindsight.__all__)
    for name in hindsight.__all__:
        assert getattr(hindsight, name) is not None, name
    documented = (SRC.parent.parent / "docs" / "library.md").read_text(encoding="utf-8")
    for module in MODULES:
        if not any(part.startswith("_") for part in module.split(".")) and module.count(".") == 1 and \
                module not in ("hindsight.cli", "hindsight.views", "hindsight.web", "hindsight.config",
                               "hindsight.corpus", "hindsight.language", "hindsight.agenda",
                               "hindsight.register", "hindsight.scaffold"):
            assert f"`{module}`" in documented, f"{module} is public but docs/library.md does not list it"
