"""党课: a member gives a party lecture — who, when, at which branch, on what, to how many.
Every member is expected to give at least the year's quota (one by default). The team's
secretary records them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import Team, User
from app.checkin.models import PartyLecture
from app.checkin.services.base import CheckinError, clock, require_manager, require_member
from app.common.timeutil import to_local
from app.extensions import db

MAX_AUDIENCE = 100_000


@dataclass(frozen=True)
class LectureFields:
    given_on: date | None
    branch: str
    topic: str
    audience: int | None


def record(
    user: User,
    team: Team,
    member: User | None,
    fields: LectureFields,
    *,
    now: datetime | None = None,
) -> PartyLecture:
    require_manager(user, team)
    require_member(member, team, "member")
    now = clock(now)
    if fields.given_on is None:
        raise CheckinError(_("请填写讲授日期"), "given_on")
    if fields.given_on > to_local(now).date():
        raise CheckinError(_("讲授日期不能晚于今天"), "given_on")
    branch = " ".join((fields.branch or "").split())
    topic = " ".join((fields.topic or "").split())
    if not branch:
        raise CheckinError(_("请填写讲授的党支部"), "branch")
    if not topic:
        raise CheckinError(_("请填写党课题目"), "topic")
    if len(branch) > 200 or len(topic) > 200:
        raise CheckinError(_("党支部和题目都不能超过 200 字"), "topic")
    if fields.audience is None or not 1 <= int(fields.audience) <= MAX_AUDIENCE:
        raise CheckinError(_("听课人数须在 1 到 %(n)d 之间", n=MAX_AUDIENCE), "audience")
    row = PartyLecture(
        user_id=member.id,
        team_id=team.id,
        given_on=fields.given_on,
        branch=branch,
        topic=topic,
        audience=int(fields.audience),
        recorded_by_id=user.id,
        created_at=now,
    )
    db.session.add(row)
    db.session.flush()
    return row


def remove(user: User, row: PartyLecture) -> None:
    if row.team is None:
        raise CheckinError(_("只有本班子的中心组秘书可以进行此操作"))
    require_manager(user, row.team)
    db.session.delete(row)
    db.session.flush()


def of_team(team: Team, year: int) -> list[PartyLecture]:
    return list(
        db.session.scalars(
            select(PartyLecture)
            .where(
                PartyLecture.team_id == team.id,
                PartyLecture.given_on >= date(year, 1, 1),
                PartyLecture.given_on < date(year + 1, 1, 1),
            )
            .order_by(PartyLecture.given_on.desc(), PartyLecture.id.desc())
        )
    )


def of_user(user: User, year: int | None = None) -> list[PartyLecture]:
    query = select(PartyLecture).where(PartyLecture.user_id == user.id)
    if year is not None:
        query = query.where(
            PartyLecture.given_on >= date(year, 1, 1), PartyLecture.given_on < date(year + 1, 1, 1)
        )
    return list(db.session.scalars(query.order_by(PartyLecture.given_on.desc())))
