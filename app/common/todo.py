"""The to-do registry behind the home page. A provider is a function ``(user) -> list of
TodoItem``; features register theirs when the app starts (e.g. open exams, courses due,
sessions to record)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass
class TodoItem:
    title: str
    url: str
    kind: str = ""  # "exam", "course", "session", "account" …: groups and icons
    due: datetime | None = None
    detail: str = ""
    urgent: bool = False


TodoProvider = Callable[[object], list[TodoItem]]
_providers: list[TodoProvider] = []


def register_todo_provider(provider: TodoProvider) -> TodoProvider:
    if provider not in _providers:
        _providers.append(provider)
    return provider


def todo_for(user) -> list[TodoItem]:
    items: list[TodoItem] = []
    for provider in _providers:
        items.extend(provider(user))
    # Urgent first, then by due date (undated last).
    return sorted(items, key=lambda i: (not i.urgent, i.due is None, i.due or datetime.max))
