"""Select choices built from accounts data, for any feature's forms."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms.fields.choices import SelectChoice

from app.auth.models import Team
from app.common.forms import select_choices


def team_choices(
    teams: list[Team], *, blank: str | None = None, keep: set[int] | None = None
) -> list[SelectChoice]:
    """Teams in tree order, indented by depth; inactive teams only if listed in ``keep``
    (the value the object already has), marked as such."""
    keep = keep or set()
    choices = []
    for team in teams:
        if not team.active and team.id not in keep:
            continue
        indent = "\u3000" * team.depth + ("└ " if team.depth else "")
        label = indent + team.name
        if not team.active:
            label += str(_l("（已停用）"))
        choices.append((str(team.id), label))
    return select_choices(choices, blank=blank)
