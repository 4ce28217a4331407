"""The shape of the code, checked: no import cycles, a complete model registry, workers as infrastructure,
no area importing another area's operations for a type.

Imports are read with `ast` from the source, so imports inside functions count as much as those at the top
of a module. Imports under `if TYPE_CHECKING:` are not run and do not count.
"""

from __future__ import annotations

import ast
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
PACKAGE = ROOT / "tandem"
SKIPPED = ("migrations",)
# Packages under tandem/platform that are not areas of their own but platform-wide code is in modules.
AREA_ROOTS = ("tandem.platform", "tandem")


def _modules() -> dict[str, Path]:
    modules = {}
    for path in PACKAGE.rglob("*.py"):
        if any(part in SKIPPED for part in path.relative_to(PACKAGE).parts):
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        modules[name.removesuffix(".__init__")] = path
    return modules


MODULES = _modules()


def _is_type_checking_block(node: ast.AST) -> bool:
    if not isinstance(node, ast.If):
        return False
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _import_nodes(tree: ast.AST) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement, at any depth, except under `if TYPE_CHECKING:`."""
    for node in ast.iter_child_nodes(tree):
        if _is_type_checking_block(node):
            continue
        if isinstance(node, ast.Import | ast.ImportFrom):
            yield node
        yield from _import_nodes(node)


def _known(name: str) -> str | None:
    """The tandem module that `name` (a module or a name inside one) refers to."""
    while name and name not in MODULES:
        name = name.rpartition(".")[0]
    return name or None


def _imports_of(module: str) -> set[tuple[str, str | None]]:
    """(imported tandem module, imported name or None) for every import in `module`."""
    path = MODULES[module]
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[tuple[str, str | None]] = set()
    for node in _import_nodes(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                target = _known(alias.name) if alias.name.startswith("tandem") else None
                if target:
                    found.add((target, None))
            continue
        base = node.module or ""
        if node.level:
            parts = package.split(".")
            base = ".".join(parts[: len(parts) - node.level + 1] + ([base] if base else []))
        if not base.startswith("tandem"):
            continue
        for alias in node.names:
            submodule = f"{base}.{alias.name}"
            if submodule in MODULES:
                found.add((submodule, None))
            elif (target := _known(base)) is not None:
                found.add((target, alias.name))
    return found


def _graph() -> dict[str, set[str]]:
    return {module: {target for target, _ in _imports_of(module) if target != module} for module in MODULES}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each as a closed path."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for successor in sorted(graph[node]):
            if successor not in index:
                visit(successor)
                low[node] = min(low[node], low[successor])
            elif successor in on_stack:
                low[node] = min(low[node], index[successor])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                components.append(_path_through(sorted(component), graph))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return components


def _path_through(component: list[str], graph: dict[str, set[str]]) -> list[str]:
    """One cycle inside a strongly connected component, to name in the failure."""
    members = set(component)
    path = [component[0]]
    seen = {component[0]}
    while True:
        following = sorted(graph[path[-1]] & members)
        back = [m for m in following if m in seen]
        if back:
            return path[path.index(back[0]):] + [back[0]]
        step = following[0]
        path.append(step)
        seen.add(step)


def test_the_cycle_finder_finds_a_cycle_hidden_in_three_modules():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert _cycles(graph) == [["a", "b", "c", "a"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []


def test_imports_inside_functions_count_and_type_checking_ones_do_not():
    tree = ast.parse("import os\nif TYPE_CHECKING:\n    from tandem.a import B\ndef f():\n    from tandem.c import d\n")
    assert [node.module for node in _import_nodes(tree) if isinstance(node, ast.ImportFrom)] == ["tandem.c"]


def test_no_import_cycles_between_tandem_modules():
    cycles = _cycles(_graph())
    assert cycles == [], "import cycles: " + "; ".join(" -> ".join(cycle) for cycle in cycles)


def test_the_model_registry_lists_every_mapped_class():
    """tandem/models.py imports every model (Alembic and tests rely on it): compare with the mapper registry
    after importing every module of the code."""
    for module in MODULES:
        importlib.import_module(module)
    from tandem import models
    from tandem.platform.database import Base

    mapped = {mapper.class_.__name__ for mapper in Base.registry.mappers}
    listed = {name for name in models.__all__ if name in mapped}
    assert mapped - listed == set(), "add these models to tandem/models.py"
    assert {table for table in Base.metadata.tables} == {
        getattr(models, name).__table__.name for name in listed}


def _area(module: str) -> str:
    """The area a module belongs to: tandem.platform.<area> or tandem.<area>."""
    parts = module.split(".")
    if parts[:2] == ["tandem", "platform"] and len(parts) > 3:
        return ".".join(parts[:3])
    if len(parts) > 2 and parts[1] != "platform":
        return ".".join(parts[:2])
    return module  # a platform-wide module is its own


def test_workers_are_infrastructure_only():
    """tandem/workers holds queues, job decorators, workers and the schedule; jobs live in their areas.
    Only the schedule names the areas' periodic jobs, and only the standalone RQ worker builds the app."""
    allowed = {"tandem.workers.schedule": None, "tandem.workers.worker": {"tandem.platform.app"}}
    for module in MODULES:
        if not module.startswith("tandem.workers"):
            continue
        areas = {target for target, _ in _imports_of(module)
                 if not target.startswith("tandem.workers") and _area(target) != target}
        if module in allowed:
            expected = allowed[module]
            if expected is not None:
                assert {target for target, _ in _imports_of(module) if not target.startswith("tandem.workers")
                        } <= expected | {"tandem.platform.database", "tandem.platform.tenancy"}
            continue
        assert areas == set(), f"{module} imports area code: {sorted(areas)}"


def _refusals_of(module: str) -> set[str]:
    """The exception classes a module defines (its refusals)."""
    loaded = importlib.import_module(module)
    return {name for name, value in vars(loaded).items()
            if isinstance(value, type) and issubclass(value, BaseException) and value.__module__ == module}


def test_no_area_imports_another_areas_operations_for_a_type():
    """Shared types (refusals and the like) live in platform-wide modules (tandem/platform/refusals.py), not in
    an area's operations: another area that catches a refusal catches the shared type."""
    offenders = []
    for module in MODULES:
        for target, name in _imports_of(module):
            if not target.endswith(".operations") or name is None or _area(target) == _area(module):
                continue
            if name in _refusals_of(target):
                offenders.append(f"{module} imports {name} from {target}")
    assert offenders == []


@pytest.mark.parametrize("name", ["tandem.platform.app", "tandem.platform.workbench.blueprint"])
def test_web_modules_are_in_the_graph(name):
    """A guard for the checks above: the module list is the code's, not an empty one."""
    assert name in MODULES and _imports_of(name)


def test_a_web_worker_never_imports_the_engines_numpy_and_scipy(tmp_path):
    """The web app, built as a gunicorn worker builds it (jobs queued in Redis), imports neither NumPy nor
    SciPy: the engine is loaded by the matching job, and by the board's pages only when they evaluate a pair.
    (Each worker's start costs less, and with `max_requests` workers restart often.)"""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "from tandem import create_app\n"
        f"create_app({{'TANDEM_ENV': 'demo', 'DATABASE_URL': 'sqlite:///{tmp_path / 'web.db'}', "
        "'REDIS_URL': 'redis://127.0.0.1:9/15'})\n"
        "print(sorted({m.split('.')[0] for m in sys.modules} & {'numpy', 'scipy'}))\n"
    )
    answer = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120,
                            check=True)
    assert answer.stdout.strip().splitlines()[-1] == "[]", answer.stdout + answer.stderr
