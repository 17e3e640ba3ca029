"""The shape of the code, checked so that it cannot drift back.

Views read: every write goes through a service `<entity>_<action>` that checks the role, writes
and records its audit event in one transaction. So no view saves, deletes, updates or audits
itself (a form's unsaved `save(commit=False)` handed to a service is fine), and no view or
template reads a membership the access helpers left on the request: they return it.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIPPED = {".venv", "node_modules", "tests", "bench"}
WRITES = {"save", "delete", "update"}


def _project_files(pattern: str) -> list[Path]:
    return sorted(path for path in ROOT.rglob(pattern) if not SKIPPED.intersection(path.relative_to(ROOT).parts))


VIEWS = _project_files("views.py")


def _is_unsaved_form_save(call: ast.Call) -> bool:
    return any(
        keyword.arg == "commit" and isinstance(keyword.value, ast.Constant) and keyword.value.value is False
        for keyword in call.keywords
    )


def violations(source: str) -> list[str]:
    """What in a views module writes or audits by itself, or reads `request.membership`."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else ""
            if isinstance(func, ast.Attribute) and name in WRITES and not _is_unsaved_form_save(node):
                found.append(f"line {node.lineno}: .{name}() (call a service)")
            elif name == "audit_record":
                found.append(f"line {node.lineno}: audit_record() (the service records its event)")
        elif (
            isinstance(node, ast.Attribute)
            and node.attr == "membership"
            and isinstance(node.value, ast.Name)
            and node.value.id == "request"
        ):
            found.append(f"line {node.lineno}: request.membership (use what the access helper returns)")
    return found


def imported_services(source: str) -> list[str]:
    """The services modules a module imports (`x.services`, `x.services.y`, `from x import services`)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names if "services" in alias.name.split(".")]
        elif isinstance(node, ast.ImportFrom) and node.module:
            if "services" in node.module.split("."):
                found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names if alias.name == "services"]
    return found


SELECTORS = _project_files("selectors.py")


def test_the_views_are_found():
    assert {path.parent.name for path in VIEWS} >= {"accounts", "core", "ita", "oit", "reports", "spdca"}


@pytest.mark.parametrize("path", VIEWS, ids=lambda path: str(path.relative_to(ROOT)))
def test_views_leave_writes_and_audit_events_to_services(path):
    assert violations(path.read_text(encoding="utf-8")) == []


@pytest.mark.parametrize("path", SELECTORS, ids=lambda path: str(path.relative_to(ROOT)))
def test_selectors_read_without_services(path):
    """Services build on selectors, never the other way round (ita's services package imports its
    selectors, so the other way would also be an import cycle)."""
    assert imported_services(path.read_text(encoding="utf-8")) == []


def test_the_selectors_are_found():
    assert {path.parent.name for path in SELECTORS} >= {"ita", "oit", "spdca"}


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("from ita.services.results import result_enter", ["ita.services.results"]),
        ("from ita import services", ["ita.services"]),
        ("import oit.services", ["oit.services"]),
        ("from ita.selectors import summarize", []),
        ("from accounts.models import Membership", []),
    ],
)
def test_the_check_finds_services_imports(source, expected):
    assert imported_services(source) == expected


def test_templates_take_the_membership_from_their_context():
    readers = [
        str(path.relative_to(ROOT))
        for path in _project_files("*.html")
        if "request.membership" in path.read_text(encoding="utf-8")
    ]
    assert readers == []


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("item.save()", 1),
        ("item.save(update_fields=['x'])", 1),
        ("Item.objects.filter(pk=1).update(status='x')", 1),
        ("evidence.delete()", 1),
        ("audit_record(office=None, actor=None, action='x', summary='y')", 1),
        ("services.audit_record(office=None)", 1),
        ("membership = request.membership", 1),
        ("form.save(commit=False)", 0),
        ("services.item_submit(item=item, membership=membership)", 0),
        ("request.session['office'] = slug", 0),
    ],
)
def test_the_check_tells_writes_from_reads(source, expected):
    assert len(violations(source)) == expected
