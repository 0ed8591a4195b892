"""The home page's to-do items: a self-assessment to fill in, ballots to cast, overdue
rectification items one owns."""

from __future__ import annotations

from flask_babel import gettext as _

from app.common import links
from app.common.todo import TodoItem
from app.evaluation.services import meetings, rounds


def evaluation_todos(user) -> list[TodoItem]:
    today = rounds.local_today()
    items = [
        TodoItem(
            _("填写自评：%(r)s", r=e.round.title),
            links.url("evaluation.self_assessment", evaluation_id=e.id),
            "evaluation",
            detail=e.subject_name,
        )
        for e in rounds.my_subjects(user)
        if e.self_submitted_at is None and not rounds.past_due(e.round.self_due, today)
    ]
    to_vote = [
        e for e in rounds.ballots_to_cast(user) if not rounds.past_due(e.round.ballot_due, today)
    ]
    if to_vote:
        items.append(
            TodoItem(
                _("民主测评：还有 %(n)d 个对象待测评", n=len(to_vote)),
                links.url("evaluation.index"),
                "evaluation",
            )
        )
    items += [
        TodoItem(
            _("整改事项已逾期：%(p)s", p=item.problem[:40]),
            links.url("evaluation.index"),
            "evaluation",
            urgent=True,
        )
        for item in meetings.items_for(user.id)
        if item.overdue(today)
    ]
    return items
