"""What people manage: their channel choices, a team's group robots, one-off reminders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.auth import services as accounts
from app.auth.models import Team, User
from app.common import audit
from app.common.errors import DomainError
from app.common.timeutil import utcnow
from app.extensions import db
from app.notify import outbox, services
from app.notify.models import ROBOT_KINDS, NotificationPreference, ReminderBatch, TeamRobot


# --- preferences --------------------------------------------------------------------------
def preference(user: User) -> NotificationPreference:
    pref = db.session.get(NotificationPreference, user.id)
    return pref or NotificationPreference(user_id=user.id, email=False, language="zh_CN")


def save_preference(
    user: User, *, email: bool, language: str, quiet_start: str, quiet_end: str
) -> NotificationPreference:
    if language not in current_app.config["LANGUAGES"]:
        raise DomainError(_("未知语言"), "language")
    if email and not user.email:
        raise DomainError(_("您的账号没有邮箱地址，请联系管理员填写后再开启邮件提醒"), "email")
    quiet_start, quiet_end = quiet_start.strip(), quiet_end.strip()
    if bool(quiet_start) != bool(quiet_end) or (
        quiet_start and outbox.parse_quiet(f"{quiet_start}-{quiet_end}") is None
    ):
        raise DomainError(_("免打扰时段请填写开始和结束时间（时:分），两者不能相同"), "quiet_start")
    pref = preference(user)
    pref.email, pref.language = email, language
    pref.quiet_start, pref.quiet_end = quiet_start, quiet_end
    db.session.add(pref)
    db.session.flush()
    return pref


# --- robots -------------------------------------------------------------------------------
def robot_kind_labels() -> dict[str, str]:
    return {
        "wecom": _("企业微信群机器人"),
        "dingtalk": _("钉钉群机器人"),
        "feishu": _("飞书群机器人"),
        "json": _("通用 JSON Webhook"),
    }


def can_manage_robots(user: User, team: Team) -> bool:
    """Admins, and the team's own secretary (scope on the team itself)."""
    return user.is_admin or any(scope.id == team.id for scope in user.secretary_teams)


def manageable_teams(user: User) -> list[tuple[Team, int]]:
    """The teams whose robots ``user`` may set up, with how many robots each has."""
    teams = [t for t in accounts.team_tree() if t.active] if user.is_admin else user.secretary_teams
    counts = dict(
        db.session.execute(
            select(TeamRobot.team_id, func.count()).group_by(TeamRobot.team_id)
        ).all()
    )
    return [(team, counts.get(team.id, 0)) for team in teams]


def team_robots(team: Team) -> list[TeamRobot]:
    return list(
        db.session.scalars(
            select(TeamRobot).where(TeamRobot.team_id == team.id).order_by(TeamRobot.id)
        )
    )


def add_robot(actor: User, team: Team, *, kind: str, name: str, url: str, secret: str):
    if kind not in ROBOT_KINDS:
        raise DomainError(_("请选择机器人类型"), "kind")
    name, url, secret = name.strip(), url.strip(), secret.strip()
    if not name:
        raise DomainError(_("请填写名称"), "name")
    if not url.startswith(("http://", "https://")) or len(url) > 500:
        raise DomainError(_("Webhook 地址须以 http:// 或 https:// 开头"), "url")
    if kind == "wecom" and secret:
        raise DomainError(_("企业微信群机器人没有签名密钥，请留空"), "secret")
    robot = TeamRobot(
        team_id=team.id,
        kind=kind,
        name=name[:100],
        url=url,
        secret=secret[:200],
        created_by_id=actor.id,
    )
    db.session.add(robot)
    db.session.flush()
    audit.record(actor, "robot.add", team, name, kind=kind, robot_id=robot.id)
    return robot


def remove_robot(actor: User, robot: TeamRobot) -> None:
    audit.record(actor, "robot.remove", robot.team, robot.name, kind=robot.kind, robot_id=robot.id)
    db.session.delete(robot)
    db.session.flush()


# --- one-off reminders --------------------------------------------------------------------
def reminder_recipients(sender: User, user_ids: Sequence[int]) -> list[User]:
    """The people ``sender`` may remind among ``user_ids`` (a secretary: only within their
    teams), active ones only."""
    ids = list(dict.fromkeys(int(i) for i in user_ids))[:10_000]
    users = services.recipients_by_id(ids) if ids else []
    return [u for u in users if sender.is_admin or sender.can_oversee_team(u.team)]


def check_reminder(sender: User, user_ids: Sequence[int], message: str, link: str):
    """Raise ``DomainError`` if the reminder may not go; return (recipients, message, link)."""
    message = message.strip()
    if not message:
        raise DomainError(_("请填写提醒内容"), "message")
    if len(message) > 500:
        raise DomainError(_("提醒内容不能超过 500 字"), "message")
    link = link.strip()
    if link and (not link.startswith("/") or link.startswith("//") or len(link) > 500):
        raise DomainError(_("链接须是本站内的地址（以 / 开头）"), "link")
    recipients = reminder_recipients(sender, user_ids)
    if not recipients:
        raise DomainError(_("没有可以提醒的人（名单为空，或不在您管理的班子内）"), "users")
    limit = current_app.config["ONEOFF_MAX_RECIPIENTS"]
    if len(recipients) > limit:
        raise DomainError(_("一次最多提醒 %(n)d 人", n=limit), "users")
    return recipients, message, link


def sends_in_last_hour(sender: User, now: datetime) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(ReminderBatch)
        .where(
            ReminderBatch.sender_id == sender.id,
            ReminderBatch.created_at > now - timedelta(hours=1),
        )
    )


def send_reminder(
    sender: User, user_ids: Sequence[int], message: str, link: str = "", *, now=None
) -> ReminderBatch:
    now = now or utcnow()
    recipients, message, link = check_reminder(sender, user_ids, message, link)
    if sends_in_last_hour(sender, now) >= current_app.config["ONEOFF_PER_HOUR"]:
        raise DomainError(
            _("一小时内最多发送 %(n)d 次提醒，请稍后再试", n=current_app.config["ONEOFF_PER_HOUR"])
        )
    batch = ReminderBatch(
        sender_id=sender.id, message=message, link=link, recipients=len(recipients), created_at=now
    )
    db.session.add(batch)
    db.session.flush()
    text = _l("%(s)s 提醒您：%(m)s", s=sender.name, m=message)
    services.notify_many(
        recipients, text, link, kind="oneoff", key=lambda u: f"oneoff:{batch.id}:u{u.id}", now=now
    )
    audit.record(
        sender, "notify.oneoff", None, message[:500], batch=batch.id, recipients=len(recipients)
    )
    return batch
