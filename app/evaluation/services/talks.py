"""谈心谈话 / 提醒谈话 / 函询: confidential records, with the reply to a 函询 and its
verification, and follow-up; which members have had no talk this year."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import Team, User
from app.common import audit
from app.evaluation.models import TALK_KINDS, Talk
from app.evaluation.services import EvaluationError
from app.evaluation.services.fields import required_text
from app.extensions import db


def record_talk(
    actor,
    team: Team,
    *,
    subject: User | None,
    talker: str,
    kind: str,
    held_on: date | None,
    record: str,
) -> Talk:
    if subject is None or subject.team_id != team.id:
        raise EvaluationError(_("请选择谈话对象"), "subject")
    if kind not in TALK_KINDS:
        raise EvaluationError(_("请选择谈话类型"), "kind")
    if held_on is None:
        raise EvaluationError(_("请填写谈话日期"), "held_on")
    talk = Talk(
        team_id=team.id,
        subject_id=subject.id,
        talker=required_text(talker, "talker", _("谈话人"), 100),
        kind=kind,
        held_on=held_on,
        record=required_text(record, "record", _("谈话记录"), 8000),
        created_by_id=getattr(actor, "id", None),
    )
    db.session.add(talk)
    db.session.flush()
    audit.record(actor, "evaluation.talk.add", talk, subject.name)
    return talk


def update_talk(actor, talk: Talk, *, reply: str, verification: str, follow_up: str) -> None:
    if talk.kind != "inquiry" and (reply or verification):
        raise EvaluationError(_("只有函询需要填写回复和核实情况"), "reply")
    if verification and not (reply or talk.reply):
        raise EvaluationError(_("先填写函询回复，再填写核实情况"), "verification")
    talk.reply = (reply or "").strip()[:8000]
    talk.verification = (verification or "").strip()[:4000]
    talk.follow_up = (follow_up or "").strip()[:4000]
    db.session.flush()
    audit.record(actor, "evaluation.talk.update", talk, talk.subject.name)


def open_talk(actor, talk: Talk) -> Talk:
    """The confidential record; the opening itself is audit-logged."""
    audit.record(actor, "evaluation.talk.open", talk, talk.subject.name)
    return talk


def team_talks(team: Team, year: int) -> list[Talk]:
    return list(
        db.session.scalars(
            select(Talk)
            .where(
                Talk.team_id == team.id,
                Talk.held_on >= date(year, 1, 1),
                Talk.held_on < date(year + 1, 1, 1),
            )
            .order_by(Talk.held_on.desc(), Talk.id.desc())
        )
    )


def members_without_talk(team: Team, year: int) -> list[User]:
    talked = select(Talk.subject_id).where(
        Talk.team_id == team.id,
        Talk.held_on >= date(year, 1, 1),
        Talk.held_on < date(year + 1, 1, 1),
    )
    return list(
        db.session.scalars(
            select(User)
            .where(User.team_id == team.id, User.active.is_(True), User.id.not_in(talked))
            .order_by(User.name, User.id)
        )
    )


def talks_for(user_id: int) -> list[Talk]:
    return list(
        db.session.scalars(
            select(Talk).where(Talk.subject_id == user_id).order_by(Talk.held_on.desc())
        )
    )
