"""学习计划备案: a team's annual plan, filed by its secretary and acknowledged or returned by
an administrator. Once filed, every change is an amendment (what, why) that files it again.

    draft ──file──▶ filed ──acknowledge──▶ acknowledged
      ▲               │ ▲                      │
      └─(edit)─ returned └──── amendment ◀──────┘
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import Team, User
from app.auth.services import team_tree
from app.checkin import policy
from app.checkin.models import SESSION_KINDS, PlanEvent, StudyPlan, StudyPlanItem
from app.checkin.services.base import (
    CheckinError,
    clock,
    plan_due_date,
    require_manager,
    require_member,
)
from app.checkin.services.materials import pick_lessons
from app.common.timeutil import to_local
from app.extensions import db

FILED = ("filed", "acknowledged")


def plan_for(team: Team, year: int) -> StudyPlan | None:
    return db.session.scalar(
        select(StudyPlan).where(StudyPlan.team_id == team.id, StudyPlan.year == year)
    )


def _check_year(year: int) -> None:
    if not 2000 <= year <= 2100:
        raise CheckinError(_("年份不正确"), "year")


def open_plan(user: User, team: Team, year: int) -> StudyPlan:
    """The team's plan for ``year``, started as a draft if there is none yet."""
    require_manager(user, team)
    _check_year(year)
    plan = plan_for(team, year)
    if plan is None:
        plan = StudyPlan(team=team, year=year, status="draft", comment="")
        db.session.add(plan)
        db.session.flush()
    return plan


@dataclass(frozen=True)
class ItemFields:
    month: int
    topic: str
    materials: str = ""
    lead_user: User | None = None
    kind: str = "collective"
    lesson_ids: Sequence[str | int] = ()  # lessons of the courses feature, as materials


def _clean(plan: StudyPlan, fields: ItemFields) -> ItemFields:
    if not 1 <= int(fields.month or 0) <= 12:
        raise CheckinError(_("月份须在 1 到 12 之间"), "month")
    topic = (fields.topic or "").strip()
    if not topic:
        raise CheckinError(_("请填写学习主题"), "topic")
    if len(topic) > 200:
        raise CheckinError(_("学习主题不能超过 200 字"), "topic")
    if fields.kind not in SESSION_KINDS:
        raise CheckinError(_("请选择学习形式"), "kind")
    if fields.lead_user is not None:
        require_member(fields.lead_user, plan.team, "lead_user")
    return ItemFields(
        int(fields.month),
        topic,
        (fields.materials or "").strip(),
        fields.lead_user,
        fields.kind,
        tuple(fields.lesson_ids or ()),
    )


def _describe(item: StudyPlanItem | ItemFields) -> str:
    return _("%(m)d月：%(t)s", m=item.month, t=item.topic)


def _before_change(user: User, plan: StudyPlan, what: str, reason: str, now: datetime) -> None:
    """Every edit passes here: a filed plan takes an amendment (what, why) and is filed
    again; a returned plan goes back to draft."""
    require_manager(user, plan.team)
    if plan.status in FILED:
        reason = (reason or "").strip()
        if not reason:
            raise CheckinError(_("计划已备案，修改须写明原因"), "reason")
        plan.events.append(
            PlanEvent(kind="amended", actor_id=user.id, at=now, what=what, reason=reason)
        )
        plan.status = "filed"
        plan.reviewed_at = None
        plan.reviewed_by_id = None
    elif plan.status == "returned":
        plan.status = "draft"


def add_item(
    user: User,
    plan: StudyPlan,
    fields: ItemFields,
    *,
    reason: str = "",
    now: datetime | None = None,
) -> StudyPlanItem:
    fields = _clean(plan, fields)
    lessons = pick_lessons(user, fields.lesson_ids)
    _before_change(user, plan, _("新增 %(i)s", i=_describe(fields)), reason, clock(now))
    item = StudyPlanItem(
        month=fields.month,
        topic=fields.topic,
        materials=fields.materials,
        lead_user=fields.lead_user,
        kind=fields.kind,
        lessons=lessons,
    )
    plan.items.append(item)
    db.session.flush()
    return item


def update_item(
    user: User,
    item: StudyPlanItem,
    fields: ItemFields,
    *,
    reason: str = "",
    now: datetime | None = None,
) -> StudyPlanItem:
    fields = _clean(item.plan, fields)
    lessons = pick_lessons(user, fields.lesson_ids, keep=item.lessons)
    before = _describe(item)
    after = _describe(fields)
    what = (
        _("修改 %(b)s", b=before) if before == after else _("%(b)s 改为 %(a)s", b=before, a=after)
    )
    _before_change(user, item.plan, what, reason, clock(now))
    item.month, item.topic, item.materials = fields.month, fields.topic, fields.materials
    item.lead_user, item.kind, item.lessons = fields.lead_user, fields.kind, lessons
    db.session.flush()
    return item


def remove_item(
    user: User, item: StudyPlanItem, *, reason: str = "", now: datetime | None = None
) -> None:
    plan = item.plan
    _before_change(user, plan, _("删除 %(i)s", i=_describe(item)), reason, clock(now))
    plan.items.remove(item)
    db.session.flush()


def file_plan(user: User, plan: StudyPlan, *, now: datetime | None = None) -> StudyPlan:
    """报送备案: the secretary files a draft (or a returned plan) with at least one item."""
    require_manager(user, plan.team)
    if plan.status not in ("draft", "returned"):
        raise CheckinError(_("计划已报送备案，无需重复报送"))
    if not plan.items:
        raise CheckinError(_("计划至少要有一项学习安排才能报送"))
    now = clock(now)
    plan.status = "filed"
    if plan.filed_at is None:  # lateness counts from the first filing
        plan.filed_at = now
    plan.filed_by_id = user.id
    plan.events.append(PlanEvent(kind="filed", actor_id=user.id, at=now, what="", reason=""))
    db.session.flush()
    return plan


def _require_reviewable(user: User, plan: StudyPlan) -> None:
    if not user.is_admin:
        raise CheckinError(_("只有管理员可以审核学习计划"))
    if plan.status != "filed":
        raise CheckinError(_("只有已报送、待审的计划可以确认或退回"))


def acknowledge(
    user: User, plan: StudyPlan, *, comment: str = "", now: datetime | None = None
) -> StudyPlan:
    _require_reviewable(user, plan)
    now = clock(now)
    comment = (comment or "").strip()
    plan.status = "acknowledged"
    plan.reviewed_at, plan.reviewed_by_id, plan.comment = now, user.id, comment
    plan.events.append(
        PlanEvent(kind="acknowledged", actor_id=user.id, at=now, what="", reason=comment)
    )
    db.session.flush()
    return plan


def return_plan(
    user: User, plan: StudyPlan, *, reason: str, now: datetime | None = None
) -> StudyPlan:
    _require_reviewable(user, plan)
    reason = (reason or "").strip()
    if not reason:
        raise CheckinError(_("退回须写明原因"), "reason")
    now = clock(now)
    plan.status = "returned"
    plan.reviewed_at, plan.reviewed_by_id, plan.comment = now, user.id, reason
    plan.events.append(PlanEvent(kind="returned", actor_id=user.id, at=now, what="", reason=reason))
    db.session.flush()
    return plan


@dataclass(frozen=True)
class FilingRow:
    team: Team
    plan: StudyPlan | None
    due: date
    overdue: bool  # not filed and the due date has passed
    filed_late: bool  # filed, but first after the due date


def filing_overview(year: int, *, now: datetime | None = None) -> list[FilingRow]:
    """Every active leadership team (kind ``team``) with its plan for ``year``: who has filed,
    who is late against ``CHECKIN_PLAN_DUE``."""
    _check_year(year)
    today = to_local(clock(now)).date()
    due = plan_due_date(year)
    plans = {
        p.team_id: p for p in db.session.scalars(select(StudyPlan).where(StudyPlan.year == year))
    }
    rows = []
    for team in team_tree():
        if team.kind != "team" or not team.active:
            continue
        plan = plans.get(team.id)
        filed_at = plan.filed_at if plan is not None else None
        filed_on = to_local(filed_at).date() if filed_at else None
        rows.append(
            FilingRow(
                team=team,
                plan=plan,
                due=due,
                overdue=filed_on is None and today > due,
                filed_late=filed_on is not None and filed_on > due,
            )
        )
    return rows


def plans_to_file(user: User, year: int) -> list[Team]:
    """The leadership teams ``user`` runs whose plan for ``year`` is not filed (none yet, a
    draft, or returned)."""
    if not user.has_role("secretary"):
        return []
    teams = [t for t in team_tree() if t.kind == "team" and t.active and policy.can_manage(user, t)]
    if not teams:
        return []
    filed = set(
        db.session.scalars(
            select(StudyPlan.team_id).where(
                StudyPlan.year == year,
                StudyPlan.status.in_(FILED),
                StudyPlan.team_id.in_([t.id for t in teams]),
            )
        )
    )
    return [t for t in teams if t.id not in filed]
