"""民主生活会: meetings with criticism and self-criticism, 叫停 / 责令重开, and the
rectification list (整改清单) until closed, its overdue reminders and its report (整改通报)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import or_, select

from app.auth.models import Team, User
from app.common import audit
from app.evaluation.models import (
    ITEM_KINDS,
    RECTIFICATION_STATUSES,
    LifeMeeting,
    MeetingItem,
    RectificationItem,
)
from app.evaluation.services import EvaluationError
from app.evaluation.services.fields import required_text
from app.evaluation.services.rounds import local_today
from app.extensions import db
from app.notify.services import notify


def _date(value: date | None, field: str, label: str) -> date:
    if value is None:
        raise EvaluationError(_("请填写%(f)s", f=label), field)
    return value


def create_meeting(
    actor,
    team: Team,
    *,
    topic: str,
    held_on: date | None,
    attendees: str = "",
    preparation: str = "",
) -> LifeMeeting:
    meeting = LifeMeeting(
        team_id=team.id,
        topic=required_text(topic, "topic", _("主题"), 200),
        held_on=_date(held_on, "held_on", _("召开日期")),
        attendees=(attendees or "").strip()[:2000],
        preparation=(preparation or "").strip()[:8000],
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(meeting)
    db.session.flush()
    audit.record(actor, "evaluation.meeting.create", meeting, meeting.topic)
    return meeting


def record_outcome(actor, meeting: LifeMeeting, outcome: str) -> None:
    if meeting.status == "halted":
        raise EvaluationError(_("该会议已被叫停，请在重新召开的会议上记录"))
    meeting.outcome = required_text(outcome, "outcome", _("会议情况"), 8000)
    meeting.status = "held"
    db.session.flush()
    audit.record(actor, "evaluation.meeting.held", meeting, meeting.topic)


def add_item(actor, meeting: LifeMeeting, member: User | None, kind: str, text: str) -> MeetingItem:
    if member is None or member.team_id != meeting.team_id:
        raise EvaluationError(_("请选择班子成员"), "member")
    if kind not in ITEM_KINDS:
        raise EvaluationError(_("请选择类别"), "kind")
    item = MeetingItem(
        member_id=member.id, kind=kind, text=required_text(text, "text", _("内容"), 4000)
    )
    meeting.items.append(item)
    db.session.flush()
    return item


def halt(actor, meeting: LifeMeeting, reason: str, reheld_on: date | None) -> LifeMeeting:
    """叫停 and 责令重开: the meeting is halted and a re-held meeting is scheduled."""
    if meeting.status == "halted":
        raise EvaluationError(_("该会议已被叫停"))
    reason = required_text(reason, "reason", _("叫停原因"), 2000)
    reheld_on = _date(reheld_on, "reheld_on", _("重新召开日期"))
    meeting.status = "halted"
    meeting.outcome = reason
    again = LifeMeeting(
        team_id=meeting.team_id,
        topic=meeting.topic,
        held_on=reheld_on,
        attendees=meeting.attendees,
        reheld_from_id=meeting.id,
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(again)
    db.session.flush()
    audit.record(actor, "evaluation.meeting.halt", meeting, reason, reheld_id=again.id)
    return again


def add_rectification(
    actor,
    meeting: LifeMeeting,
    *,
    owner: User | None,
    problem: str,
    measure: str,
    due_on: date | None,
) -> RectificationItem:
    if owner is None or owner.team_id != meeting.team_id:
        raise EvaluationError(_("请选择责任人"), "owner")
    item = RectificationItem(
        meeting=meeting,
        owner_id=owner.id,
        problem=required_text(problem, "problem", _("问题"), 2000),
        measure=required_text(measure, "measure", _("整改措施"), 2000),
        due_on=_date(due_on, "due_on", _("完成时限")),
    )
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "evaluation.rectification.add", item, item.problem[:100])
    return item


def update_rectification(
    actor, item: RectificationItem, *, status: str, evidence: str, today: date | None = None
) -> None:
    if status not in RECTIFICATION_STATUSES:
        raise EvaluationError(_("请选择状态"), "status")
    evidence = (evidence or "").strip()[:4000]
    if status == "done" and not evidence:
        raise EvaluationError(_("销号须附整改佐证"), "evidence")
    item.evidence = evidence
    if status != item.status:
        item.status = status
        item.closed_on = (today or local_today()) if status == "done" else None
    db.session.flush()
    audit.record(actor, "evaluation.rectification.update", item, status)


def overdue_items(today: date, team_id: int | None = None) -> list[RectificationItem]:
    query = select(RectificationItem).where(
        RectificationItem.status == "open", RectificationItem.due_on < today
    )
    if team_id is not None:
        query = query.join(LifeMeeting).where(LifeMeeting.team_id == team_id)
    return list(db.session.scalars(query.order_by(RectificationItem.due_on)))


def remind_overdue(today: date | None = None, link_for=lambda item: "") -> int:
    """Remind each overdue item's owner, once a day; returns how many were reminded."""
    today = today or local_today()
    sent = 0
    for item in db.session.scalars(
        select(RectificationItem).where(
            RectificationItem.status == "open",
            RectificationItem.due_on < today,
            or_(RectificationItem.reminded_on.is_(None), RectificationItem.reminded_on < today),
        )
    ):
        if item.owner is not None and item.owner.active:
            notify(
                item.owner,
                _l("整改事项已逾期（时限 %(d)s）：%(p)s", d=item.due_on, p=item.problem[:60]),
                link_for(item),
            )
            sent += 1
        item.reminded_on = today
    db.session.flush()
    return sent


def team_meetings(team: Team) -> list[LifeMeeting]:
    return list(
        db.session.scalars(
            select(LifeMeeting)
            .where(LifeMeeting.team_id == team.id)
            .order_by(LifeMeeting.held_on.desc(), LifeMeeting.id.desc())
        )
    )


@dataclass
class Report:
    """整改通报: the rectification list counted and grouped."""

    total: int
    done: int
    open: int
    overdue: list[RectificationItem]
    items: list[RectificationItem]


def report(meeting: LifeMeeting, today: date | None = None) -> Report:
    today = today or local_today()
    items = list(meeting.rectifications)
    done = sum(1 for i in items if i.status == "done")
    return Report(
        total=len(items),
        done=done,
        open=len(items) - done,
        overdue=[i for i in items if i.overdue(today)],
        items=items,
    )


def items_for(user_id: int) -> list[RectificationItem]:
    return list(
        db.session.scalars(
            select(RectificationItem)
            .where(RectificationItem.owner_id == user_id)
            .order_by(RectificationItem.due_on)
        )
    )
