"""The apps depend one way: core <- accounts <- ita <- oit <- spdca <- reports, the public pages on top.

An app imports itself and the apps before it in LAYERS, never one after it, so the graph has no
cycle. Every import counts, also one inside a function (a lazy import is still a dependency), and
so do `import_module("…")` and `apps.get_model("…")` with a written name. `config` wires the apps
together and stands outside the layers, as do the tests and the benchmarks.

Notifications sit under the domain apps, whose services call their hooks (`notifications.events`).
"""

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
LAYERS = ["core", "accounts", "notifications", "ita", "oit", "spdca", "reports", "publicpages"]
BY_NAME = {"import_module", "get_model"}
# Dependencies on a later app that are known and still to be removed, as (file, app): listed so
# that they are seen; the test fails on any other, and on one of these once it is gone.
KNOWN_UPWARD = {
    ("notifications/services.py", "oit"),  # the daily digest reads the items through apps.get_model
    ("notifications/services.py", "spdca"),  # the stage watch reads the stages through apps.get_model
}


def imported_modules(path: Path, root: Path = ROOT) -> Iterator[tuple[int, str]]:
    """(line, absolute module name) of every import in the file, wherever in the file it is."""
    package = path.relative_to(root).with_suffix("").parts[:-1]
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: from the file's own package, or one above it per extra dot
                base = ".".join(package[: len(package) - node.level + 1])
                yield node.lineno, f"{base}.{node.module}" if node.module else base
            else:
                yield node.lineno, node.module
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name in BY_NAME and isinstance(node.args[0].value, str):
                yield node.lineno, node.args[0].value


def imports_above(app: str) -> list[tuple[str, int, str]]:
    """(file, line, module) of each import by the app of an app after it in LAYERS."""
    above = set(LAYERS[LAYERS.index(app) + 1 :])
    return [
        (str(path.relative_to(ROOT)), line, module)
        for path in sorted((ROOT / app).rglob("*.py"))
        for line, module in imported_modules(path)
        if module.split(".")[0] in above
    ]


@pytest.mark.parametrize("app", LAYERS)
def test_an_app_imports_no_app_above_it(app):
    found = imports_above(app)
    unknown = [
        f"{path}:{line} imports {module}"
        for path, line, module in found
        if (path, module.split(".")[0]) not in KNOWN_UPWARD
    ]
    assert unknown == []
    known = {(path, app_name) for path, app_name in KNOWN_UPWARD if path.startswith(f"{app}/")}
    assert {(path, module.split(".")[0]) for path, _line, module in found} >= known, (
        "remove what is gone from KNOWN_UPWARD"
    )


def test_every_app_of_the_project_has_its_place_in_the_layers():
    ours = {name for name in settings.INSTALLED_APPS if (ROOT / name / "apps.py").exists()}
    assert ours == set(LAYERS)


def test_imports_inside_functions_and_relative_ones_are_found(tmp_path):
    source = tmp_path / "oit" / "sub" / "module.py"
    source.parent.mkdir(parents=True)
    source.write_text(
        "from . import helpers\n"
        "from ..models import Item\n"
        "def view():\n"
        "    from reports.models import ReportJob\n"
        "    return import_module('spdca.selectors'), apps.get_model('publicpages', 'Page')\n"
    )
    assert list(imported_modules(source, root=tmp_path)) == [
        (1, "oit.sub"),
        (2, "oit.models"),
        (4, "reports.models"),
        (5, "spdca.selectors"),
        (5, "publicpages"),
    ]
