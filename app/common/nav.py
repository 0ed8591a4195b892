"""Navigation by role. Features register their menu entries; the layout shows the ones the
current user's roles allow."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: Callable[[], str]  # called at render time, so the label follows the locale
    roles: tuple[str, ...]  # empty: every logged-in user
    icon: str = ""
    order: int = 50


_items: list[NavItem] = []


def register_nav(item: NavItem) -> None:
    if all(existing.endpoint != item.endpoint for existing in _items):
        _items.append(item)


def nav_for(user) -> list[NavItem]:
    if not getattr(user, "is_authenticated", False):
        return []
    return sorted(
        (i for i in _items if not i.roles or user.has_role(*i.roles)), key=lambda i: i.order
    )
