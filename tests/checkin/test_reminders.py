"""Centre-group reminders: each goes at its hour, once, to exactly the people it concerns."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from app.checkin import reminders
from app.checkin.models import Attendance, PartyLecture, Reflection, StudyPlan, StudySession
from app.common.timeutil import SHANGHAI
from app.extensions import db
from app.notify.models import Notification


def at(local: str) -> datetime:
    """A Shanghai wall-clock time as the naive UTC the app's clock speaks."""
    moment = datetime.fromisoformat(local).replace(tzinfo=SHANGHAI)
    return moment.astimezone(UTC).replace(tzinfo=None)


def told(kind: str) -> list[str]:
    rows = db.session.scalars(
        select(Notification).where(Notification.kind == kind).order_by(Notification.user_id)
    )
    return sorted(n.user.username for n in rows)


def session_of(team, starts: str) -> StudySession:
    session = StudySession(
        team_id=team.id,
        kind="collective",
        starts_at=at(starts),
        ends_at=at(starts) + timedelta(hours=2),
        topic="学习党的二十届四中全会精神",
        place="三楼会议室",
    )
    db.session.add(session)
    db.session.flush()
    return session


def test_the_day_before_a_session_its_team_is_told_once(world):
    session_of(world["team_a"], "2027-03-10T14:30")
    assert reminders.remind_session_tomorrow(now=at("2027-03-09T08:59")) == 0  # before the hour
    assert reminders.remind_session_tomorrow(now=at("2027-03-09T09:05")) == 3
    assert reminders.remind_session_tomorrow(now=at("2027-03-09T10:05")) == 0  # once
    assert told("checkin.session_tomorrow") == ["k-cadre", "k-cadre2", "k-sec"]
    note = db.session.scalars(select(Notification)).first()
    assert "14:30" in note.message and "三楼会议室" in note.message


def test_members_present_without_a_reflection_are_told_two_days_after(world):
    session = session_of(world["team_a"], "2027-03-10T14:30")
    for user, status in (("cadre", "present"), ("cadre2", "present"), ("sec", "absent")):
        db.session.add(
            Attendance(
                session_id=session.id, user_id=world[user].id, status=status, method="manual"
            )
        )
    db.session.add(
        Reflection(
            user_id=world["cadre2"].id,
            team_id=world["team_a"].id,
            session_id=session.id,
            title="心得",
            body="学习体会" * 60,
        )
    )
    db.session.flush()
    assert reminders.remind_reflections(now=at("2027-03-11T09:30")) == 0  # one day after
    assert reminders.remind_reflections(now=at("2027-03-12T09:30")) == 1
    assert reminders.remind_reflections(now=at("2027-03-12T15:00")) == 0
    assert told("checkin.reflection_missing") == ["k-cadre"]


def test_secretaries_of_teams_without_a_filed_plan_are_told_weekly_after_the_due_day(world):
    db.session.add(
        StudyPlan(
            team_id=world["team_b"].id, year=2027, status="filed", filed_at=at("2027-03-20T10:00")
        )
    )
    db.session.add(StudyPlan(team_id=world["team_a"].id, year=2027, status="draft"))
    db.session.flush()
    assert reminders.remind_plans_not_filed(now=at("2027-03-31T10:00")) == 0  # due today
    assert reminders.remind_plans_not_filed(now=at("2027-04-01T09:10")) == 1
    assert reminders.remind_plans_not_filed(now=at("2027-04-02T09:10")) == 0  # same week
    assert reminders.remind_plans_not_filed(now=at("2027-04-08T09:10")) == 1  # a week on
    assert told("checkin.plan_not_filed") == ["k-sec", "k-sec"]


def test_from_october_members_without_a_party_lecture_are_told_monthly(world):
    db.session.add(
        PartyLecture(
            user_id=world["sec"].id,
            team_id=world["team_a"].id,
            given_on=datetime(2027, 6, 1).date(),
            branch="机关第一党支部",
            topic="坚定理想信念",
        )
    )
    db.session.add(
        PartyLecture(
            user_id=world["cadre"].id,
            team_id=world["team_a"].id,
            given_on=datetime(2026, 6, 1).date(),  # last year's does not count
            branch="机关第一党支部",
            topic="往年党课",
        )
    )
    db.session.flush()
    assert reminders.remind_party_lectures(now=at("2027-09-01T09:30")) == 0
    assert reminders.remind_party_lectures(now=at("2027-10-01T09:30")) == 4
    assert reminders.remind_party_lectures(now=at("2027-10-02T09:30")) == 0
    assert reminders.remind_party_lectures(now=at("2027-11-01T09:30")) == 4
    assert "k-sec" not in told("checkin.lecture_missing")
    assert told("checkin.lecture_missing").count("k-cadre") == 2
