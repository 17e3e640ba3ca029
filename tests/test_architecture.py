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


def test_the_views_are_found():
    assert {path.parent.name for path in VIEWS} >= {"accounts", "core", "ita", "oit", "reports", "spdca"}


@pytest.mark.parametrize("path", VIEWS, ids=lambda path: str(path.relative_to(ROOT)))
def test_views_leave_writes_and_audit_events_to_services(path):
    assert violations(path.read_text(encoding="utf-8")) == []


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
