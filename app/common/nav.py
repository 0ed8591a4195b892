"""Navigation by role. Features register their menu entries; the layout shows the ones the
current user's roles allow.

Entries fold into dropdown menus so the bar fits a 992 px window in every language: an
entry names its menu (``group``), or, by default, one only administrators see goes under
管理 and one only secretaries see under 中心组管理. A menu with one entry the user may see
shows that entry plainly."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from flask_babel import gettext

# an entry's group when it names none: by the one role that may see it
ROLE_GROUPS = {("admin",): "admin", ("secretary",): "manage"}


@dataclass(frozen=True)
class NavItem:
    endpoint: str
    label: Callable[[], str]  # called at render time, so the label follows the locale
    roles: tuple[str, ...]  # empty: every logged-in user
    icon: str = ""
    order: int = 50
    group: str | None = None  # a NavGroup's key; "" for the bar itself; None: by its roles

    is_menu = False

    @property
    def menu_key(self) -> str:
        if self.group is not None:
            return self.group
        return ROLE_GROUPS.get(tuple(sorted(self.roles)), "")


@dataclass(frozen=True)
class NavGroup:
    key: str
    label: Callable[[], str]
    icon: str = ""


@dataclass
class NavMenu:
    """A dropdown of the bar: a group and the entries of it the user may see, in order."""

    group: NavGroup
    items: list[NavItem] = field(default_factory=list)

    is_menu = True

    @property
    def endpoints(self) -> set[str]:
        return {item.endpoint for item in self.items}


_items: list[NavItem] = []
_groups: dict[str, NavGroup] = {
    "admin": NavGroup("admin", lambda: gettext("管理"), "gear"),
    "manage": NavGroup("manage", lambda: gettext("中心组管理"), "people"),
}


def register_nav(item: NavItem) -> None:
    if all(existing.endpoint != item.endpoint for existing in _items):
        _items.append(item)


def register_nav_group(group: NavGroup) -> None:
    _groups.setdefault(group.key, group)


def nav_for(user) -> list[NavItem | NavMenu]:
    """The bar for ``user``: entries and menus, each menu at its first entry's place."""
    if not getattr(user, "is_authenticated", False):
        return []
    visible = sorted(
        (i for i in _items if not i.roles or user.has_role(*i.roles)), key=lambda i: i.order
    )
    bar: list[NavItem | NavMenu] = []
    menus: dict[str, NavMenu] = {}
    for item in visible:
        key = item.menu_key
        if key not in _groups:
            bar.append(item)
        elif key in menus:
            menus[key].items.append(item)
        else:
            menus[key] = NavMenu(_groups[key], [item])
            bar.append(menus[key])
    return [e.items[0] if e.is_menu and len(e.items) == 1 else e for e in bar]
