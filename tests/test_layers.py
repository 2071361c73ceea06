"""The apps depend one way, zones <- enterprises <- membership <- reports, with ``core`` below them all,
and no module imports another that imports it back (an import inside a function counts too)."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["core", "zones", "enterprises", "membership", "reports"]
RANK = {package: i for i, package in enumerate(LAYERS)}


def project_modules():
    for package in LAYERS:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" not in path.parts:
                yield ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__"), path


def imports(path: Path):
    """(line, imported module) for every import of a project package, wherever it stands."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            yield node.lineno, node.module
            for alias in node.names:
                yield node.lineno, f"{node.module}.{alias.name}"


def test_no_app_imports_an_app_above_it():
    upward = []
    for module, path in project_modules():
        own = RANK[module.split(".")[0]]
        for line, name in imports(path):
            top = name.split(".")[0]
            if top in RANK and RANK[top] > own:
                upward.append(f"{path.relative_to(ROOT)}:{line} imports {name}")
    assert upward == []


def test_no_import_cycle_between_modules():
    modules = dict(project_modules())
    graph = {
        module: {name for _line, name in imports(path) if name in modules and name != module}
        for module, path in modules.items()
    }
    cycles, done, stack = [], set(), []

    def visit(module):
        stack.append(module)
        for target in sorted(graph[module]):
            if target in stack:
                cycles.append(" -> ".join(stack[stack.index(target) :] + [target]))
            elif target not in done:
                visit(target)
        stack.pop()
        done.add(module)

    for module in sorted(graph):
        if module not in done:
            visit(module)
    assert cycles == []


def test_the_product_never_reads_the_shared_folder():
    readers = [
        f"{path.relative_to(ROOT)}"
        for package in [*LAYERS, "config", "tests"]
        for path in (ROOT / package).rglob("*.py")
        if path.name != "test_layers.py" and "../shared" in path.read_text(encoding="utf-8")
    ]
    assert readers == []


def test_the_checker_sees_an_upward_import(tmp_path):
    """The check above can fail: an app module importing a higher app is reported."""
    module = tmp_path / "bad.py"
    module.write_text("def f():\n    from reports import indicators\n")
    assert [name for _line, name in imports(module)] == ["reports", "reports.indicators"]
