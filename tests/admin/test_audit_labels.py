"""Every action a feature records has a readable label on the audit log page, and so does
every detail field (the preview-is-not-an-import rule: tests/quiz/bank/test_importing.py)."""

from __future__ import annotations

import ast
from pathlib import Path

from flask_babel import force_locale

from app.admin import audit_labels

APP = Path(__file__).resolve().parents[2] / "app"


def _recorded() -> tuple[set[str], set[str]]:
    """The action codes (string constants, both arms of a conditional) and detail keywords
    of every ``audit.record(...)`` call in the app."""
    actions: set[str] = set()
    fields: set[str] = set()
    for path in APP.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and node.func.attr == "record"
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id == "audit"
            ):
                continue
            if len(node.args) > 1:
                actions |= {
                    n.value
                    for n in ast.walk(node.args[1])
                    if isinstance(n, ast.Constant) and isinstance(n.value, str)
                }
            fields |= {k.arg for k in node.keywords if k.arg and k.arg != "ip"}
    return actions, fields


def test_every_recorded_action_and_field_has_a_label():
    actions, fields = _recorded()
    assert "user.create" in actions and "questions.import" in actions  # the scan works
    assert actions - set(audit_labels.ACTIONS) == set()
    assert fields - set(audit_labels.FIELDS) == set()


def test_labels_in_english_too(app):
    with app.test_request_context(), force_locale("en"):
        assert audit_labels.action_label("questions.import") == "Import questions"
        assert audit_labels.object_label("question_import_batche") == "Import batch"
        assert audit_labels.details({"outcome": "accepted", "roles": ["cadre"]}) == [
            ("Result", "Imported"),
            ("Roles", "Cadre"),
        ]
