"""考学: the secretary sets a short test on a session's topic — questions drawn by a rule from
a bank (optionally one knowledge point of it) — and publishes it to the team's members. The
exam is made, drawn, taken and marked by the exams feature; this module only asks it to, and
reads the results back for the session page and the year's archive."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import Decimal

from flask_babel import gettext as _
from sqlalchemy import select

from app.auth.models import User
from app.checkin.models import SessionStudyTest, StudySession
from app.checkin.services.base import CheckinError, clock, require_manager
from app.common.errors import DomainError
from app.extensions import db
from app.quiz.bank.models import Category, QuestionBank
from app.quiz.bank.services.categories import category_tree
from app.quiz.exams.models import Attempt, Exam
from app.quiz.exams.services import assembly, audience, exams

MAX_TEST_DAYS = 31


@dataclass(frozen=True)
class TestFields:
    bank: QuestionBank | None
    category: Category | None
    qtype: str
    count: int | None
    points_each: Decimal | int | None
    duration_minutes: int | None
    closes_at: datetime | None
    pass_mark: Decimal | int | None = None


def test_of(session: StudySession) -> SessionStudyTest | None:
    return db.session.scalar(
        select(SessionStudyTest).where(SessionStudyTest.session_id == session.id)
    )


def sources() -> list[tuple[str, str]]:
    """What a rule may draw from: ("b:<id>", bank) and ("c:<id>", bank / knowledge point),
    the banks kept for exams."""
    choices: list[tuple[str, str]] = []
    banks = db.session.scalars(
        select(QuestionBank).where(QuestionBank.purpose != "practice").order_by(QuestionBank.name)
    )
    for bank in banks:
        choices.append((f"b:{bank.id}", bank.name))
        for category in category_tree(bank):
            indent = "　" * len(category.ancestor_ids)
            choices.append((f"c:{category.id}", f"{indent}{category.name}"))
    return choices


def create_test(
    user: User, session: StudySession, fields: TestFields, *, now: datetime | None = None
) -> SessionStudyTest:
    """A published exam for the team's members, open from now until ``closes_at``."""
    require_manager(user, session.team)
    now = clock(now)
    if test_of(session) is not None:
        raise CheckinError(_("这次学习已经有考学了"))
    if fields.bank is None:
        raise CheckinError(_("请选择题库"), "source")
    if fields.closes_at is None or fields.closes_at <= now:
        raise CheckinError(_("截止时间须晚于现在"), "closes_at")
    if fields.closes_at - now > timedelta(days=MAX_TEST_DAYS):
        raise CheckinError(_("考学最长开放 %(n)d 天", n=MAX_TEST_DAYS), "closes_at")
    try:
        # in a savepoint: a rule the bank cannot satisfy leaves no half-made exam behind
        with db.session.begin_nested():
            exam = _publish(user, session, fields, now)
    except DomainError as exc:
        raise CheckinError(exc.message, exc.field if exc.field != "rules" else "count") from None
    row = SessionStudyTest(
        session_id=session.id, exam_id=exam.id, created_by_id=user.id, created_at=now
    )
    db.session.add(row)
    db.session.flush()
    return row


def _publish(user: User, session: StudySession, fields: TestFields, now: datetime) -> Exam:
    """Make, draw-check, address and publish the exam, all by the exams feature's services."""
    exam = exams.create_exam(
        user,
        kind="exam",
        title=_("考学：%(t)s", t=session.topic)[:200],
        instructions=_(
            "%(team)s中心组学习“%(t)s”后的考学。", team=session.team.name, t=session.topic
        ),
        opens_at=now,
        closes_at=fields.closes_at,
        duration_minutes=fields.duration_minutes or 20,
        attempts_allowed=1,
        pass_mark=fields.pass_mark,
        assembly="rules",
        review_policy="after_close",
    )
    assembly.set_rules(
        user,
        exam,
        [
            {
                "bank": fields.bank,
                "category": fields.category,
                "type": fields.qtype,
                "count": fields.count,
                "points_each": fields.points_each,
            }
        ],
    )
    audience.set_audience(user, exam, teams=[session.team])
    exams.publish_exam(user, exam, now=now)
    return exam


@dataclass(frozen=True)
class ResultRow:
    name: str
    score: float | None
    max_score: float | None
    passed: bool | None

    @property
    def passed_text(self) -> str:
        if self.passed is None:
            return ""
        return _("通过") if self.passed else _("未通过")


@dataclass(frozen=True)
class Results:
    test: SessionStudyTest
    rows: list[ResultRow]  # every member, submitted or not

    @property
    def submitted(self) -> int:
        return sum(1 for r in self.rows if r.score is not None)

    @property
    def average(self) -> float | None:
        scores = [r.score for r in self.rows if r.score is not None]
        return sum(scores) / len(scores) if scores else None


def session_results(session: StudySession) -> Results | None:
    """Each member's submitted score (the best of their attempts), or a blank if none."""
    test = test_of(session)
    if test is None:
        return None
    best: dict[int, Attempt] = {}
    for attempt in db.session.scalars(
        select(Attempt).where(Attempt.exam_id == test.exam_id, Attempt.status == "submitted")
    ):
        current = best.get(attempt.user_id)
        if current is None or (attempt.score or 0) > (current.score or 0):
            best[attempt.user_id] = attempt
    members = list(
        db.session.scalars(
            select(User)
            .where(
                (User.team_id == session.team_id) & User.active.is_(True)
                | User.id.in_(list(best) or [-1])
            )
            .order_by(User.name, User.id)
        )
    )
    rows = []
    for member in members:
        attempt = best.get(member.id)
        rows.append(
            ResultRow(
                member.name,
                float(attempt.score) if attempt and attempt.score is not None else None,
                float(attempt.max_score) if attempt else None,
                attempt.passed if attempt else None,
            )
        )
    return Results(test, rows)


def source_of(value: str | None) -> tuple[QuestionBank | None, Category | None]:
    """The bank (and knowledge point) a ``sources()`` value names; (None, None) if none."""
    kind, _sep, number = (value or "").partition(":")
    if not number.isdigit():
        return None, None
    if kind == "c":
        category = db.session.get(Category, int(number))
        return (category.bank, category) if category is not None else (None, None)
    if kind == "b":
        return db.session.get(QuestionBank, int(number)), None
    return None, None
