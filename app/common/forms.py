"""WTForms helpers shared by the features' forms."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from wtforms.fields.choices import SelectChoice


def select_choices(
    pairs: Iterable[tuple[Any, Any]], *, blank: Any | None = None
) -> list[SelectChoice]:
    """``(value, label)`` pairs as the ``SelectChoice`` list a select, radio or checkbox
    field takes; ``blank`` puts an option with the value ``""`` first."""
    head = [SelectChoice("", blank)] if blank is not None else []
    return head + [SelectChoice(value, label) for value, label in pairs]
