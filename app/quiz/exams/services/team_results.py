"""An exam's results by team (考试结果按单位统计), for secretaries and administrators.

For one exam and one team (its subtree rolled up): the audience and where each member stands
(not started, in progress, submitted, passed), the average, median and distribution of
scores in percent of the paper, the pass rate, results by knowledge point and by question,
each member's score and time, and the team's sub-units side by side.

Scores obey the exam's score policy as the cadre sees it: a secretary sees a score only when
the cadre may (at submit; after the close; never), administrators every submitted score. Who
started and who submitted is not a score and is always shown. Questions are named only once
the exam has closed (or to administrators), so a secretary who also sits it learns nothing.

Counting is grouped SQL over the team tree's path prefix; only the rows a page shows (the
members, the units, the knowledge points, the questions) come back to Python.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from sqlalchemy import and_, case, false, func, select

from app.auth.models import Team, User
from app.auth.rollup import rollup
from app.common.timeutil import utcnow
from app.extensions import db
from app.quiz.bank.models import Category, Question
from app.quiz.exams.models import Attempt, Exam
from app.quiz.exams.services import tallies
from app.quiz.exams.services.audience import audience_members_query

BUCKETS = 10  # score distribution: 0–9, 10–19, … 90–100 percent


def scores_visible(exam: Exam, viewer: User, now: datetime | None = None) -> bool:
    """May ``viewer`` see this exam's scores of other people's submitted attempts?"""
    if viewer.is_admin:
        return True
    if exam.score_policy == "at_submit":
        return True
    if exam.score_policy == "after_close":
        return exam.has_closed(now or utcnow())
    return False


def questions_visible(exam: Exam, viewer: User, now: datetime | None = None) -> bool:
    return viewer.is_admin or exam.has_closed(now or utcnow())


@dataclass
class Counts:
    """Where a group of the audience stands."""

    audience: int = 0
    started: int = 0
    submitted: int = 0
    scored: int = 0  # submitted with a score the viewer may see
    passed: int = 0
    percent_sum: float = 0.0

    @property
    def not_started(self) -> int:
        return self.audience - self.started

    @property
    def in_progress(self) -> int:
        return self.started - self.submitted

    @property
    def participation(self) -> float | None:
        return self.submitted / self.audience if self.audience else None

    @property
    def average(self) -> float | None:
        return self.percent_sum / self.scored if self.scored else None

    @property
    def pass_rate(self) -> float | None:
        return self.passed / self.scored if self.scored else None


@dataclass
class MemberResult:
    user_id: int
    name: str
    username: str
    team_name: str
    status: str  # "not_started", "in_progress", "submitted"
    percent: float | None  # None when not scored or not visible
    passed: bool | None
    time_used: timedelta | None


@dataclass
class GroupScore:
    """A knowledge point's or a question's score across the team's visible attempts."""

    key: int
    name: str
    answered: int
    score: float
    points: float
    correct: int = 0

    @property
    def rate(self) -> float | None:
        return self.score / self.points if self.points else None


@dataclass
class UnitRow:
    team: Team
    counts: Counts


@dataclass
class TeamResults:
    exam: Exam
    team: Team
    scores_visible: bool
    questions_visible: bool
    counts: Counts
    median: float | None
    distribution: list[int]
    members: list[MemberResult] = field(default_factory=list)
    not_started: list[MemberResult] = field(default_factory=list)
    member_offset: int = 0  # where ``members`` starts in the whole list (a page of it)
    categories: list[GroupScore] = field(default_factory=list)
    questions: list[GroupScore] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)

    @property
    def has_pass_mark(self) -> bool:
        return self.exam.pass_mark is not None


def _audience_ids(exam: Exam):
    return audience_members_query(exam).with_only_columns(User.id).order_by(None)


def _summary(exam: Exam, visible: bool):
    scored = and_(Attempt.status == "submitted", Attempt.score.is_not(None)) if visible else false()
    percent = Attempt.score * 100 / func.nullif(Attempt.max_score, 0)
    return (
        select(
            Attempt.user_id.label("user_id"),
            func.max(case((Attempt.status == "submitted", 1), else_=0)).label("submitted"),
            func.max(case((scored, 1), else_=0)).label("scored"),
            func.max(case((and_(scored, Attempt.passed.is_(True)), 1), else_=0)).label("passed"),
            func.max(case((scored, percent), else_=None)).label("percent"),
            func.min(Attempt.started_at).label("started_at"),
            func.max(Attempt.submitted_at).label("submitted_at"),
        )
        .where(Attempt.exam_id == exam.id)
        .group_by(Attempt.user_id)
        .subquery()
    )


def _count_columns(summary):
    return (
        func.count(User.id),
        func.count(summary.c.user_id),
        func.coalesce(func.sum(summary.c.submitted), 0),
        func.coalesce(func.sum(summary.c.scored), 0),
        func.coalesce(func.sum(summary.c.passed), 0),
        func.coalesce(func.sum(summary.c.percent), 0),
    )


def _counts(row) -> Counts:
    audience, started, submitted, scored, passed, percent_sum = row
    return Counts(
        int(audience), int(started), int(submitted), int(scored), int(passed), float(percent_sum)
    )


def unit_counts(exam: Exam, teams: list[Team], visible: bool) -> dict[int, Counts]:
    """For each team, the counts of its subtree's audience: one grouped query."""
    if not teams:
        return {}
    summary = _summary(exam, visible)
    audience, started, submitted, scored, passed, percent = _count_columns(summary)
    # counted per member's own team first, then rolled up each requested subtree
    per_team = (
        select(
            User.team_id.label("team_id"),
            audience.label("audience"),
            started.label("started"),
            submitted.label("submitted"),
            scored.label("scored"),
            passed.label("passed"),
            percent.label("percent"),
        )
        .outerjoin(summary, summary.c.user_id == User.id)
        .where(User.id.in_(_audience_ids(exam)))
        .group_by(User.team_id)
        .subquery("per_team")
    )
    rows = db.session.execute(rollup(per_team, [t.id for t in teams])).all()
    result = {t.id: Counts() for t in teams}
    result.update({row[0]: _counts(row[1:]) for row in rows})
    return result


def _median(exam: Exam, team: Team, summary) -> float | None:
    base = (
        select(summary.c.percent)
        .join(User, User.id == summary.c.user_id)
        .join(Team, Team.id == User.team_id)
        .where(
            summary.c.percent.is_not(None),
            Team.path.startswith(team.path),
            User.id.in_(_audience_ids(exam)),
        )
    )
    n = db.session.scalar(select(func.count()).select_from(base.subquery())) or 0
    if not n:
        return None
    middle = db.session.scalars(
        base.order_by(summary.c.percent).offset((n - 1) // 2).limit(2 - n % 2)
    ).all()
    return sum(float(v) for v in middle) / len(middle)


def _distribution(exam: Exam, team: Team, summary) -> list[int]:
    bucket = case(
        *((summary.c.percent < 10 * (i + 1), i) for i in range(BUCKETS - 1)), else_=BUCKETS - 1
    )
    rows = db.session.execute(
        select(bucket, func.count())
        .select_from(summary)
        .join(User, User.id == summary.c.user_id)
        .join(Team, Team.id == User.team_id)
        .where(
            summary.c.percent.is_not(None),
            Team.path.startswith(team.path),
            User.id.in_(_audience_ids(exam)),
        )
        .group_by(bucket)
    ).all()
    counts = [0] * BUCKETS
    for index, count in rows:
        counts[int(index)] = int(count)
    return counts


def _members(
    exam: Exam,
    team: Team,
    summary,
    *,
    not_started_only: bool = False,
    offset: int = 0,
    limit: int | None = None,
) -> list[MemberResult]:
    query = (
        select(User.id, User.name, User.username, Team.name, summary)
        .join(Team, Team.id == User.team_id)
        .outerjoin(summary, summary.c.user_id == User.id)
        .where(Team.path.startswith(team.path), User.id.in_(_audience_ids(exam)))
        .order_by(Team.path, User.name, User.id)
    )
    if not_started_only:
        query = query.where(summary.c.user_id.is_(None))
    rows = db.session.execute(query.offset(offset).limit(limit)).all()
    members = []
    for row in rows:
        m = row._mapping
        if m["user_id"] is None:
            status = "not_started"
        elif m["submitted"]:
            status = "submitted"
        else:
            status = "in_progress"
        scored = bool(m["scored"])
        time_used = None
        if scored and m["started_at"] is not None and m["submitted_at"] is not None:
            time_used = m["submitted_at"] - m["started_at"]
        members.append(
            MemberResult(
                user_id=row[0],
                name=row[1],
                username=row[2],
                team_name=row[3],
                status=status,
                percent=float(m["percent"]) if scored and m["percent"] is not None else None,
                passed=bool(m["passed"]) if scored and exam.pass_mark is not None else None,
                time_used=time_used,
            )
        )
    return members


def _answer_rows(exam: Exam, team: Team) -> list[tuple[int, int, float, float, int]]:
    """Per question: items served, score, points and correct answers over the team's visible
    (submitted, scored) attempts — from the stored sums of each team (``tallies``), which
    knowledge points then sum (a question belongs to one knowledge point)."""
    return [
        (s.question_id, s.answered, s.score, s.points, s.correct)
        for s in tallies.question_sums(exam, team)
    ]


def _categories(rows) -> list[GroupScore]:
    """The per-question rows summed by knowledge point, weakest first."""
    owner = dict(
        db.session.execute(
            select(Question.id, Question.category_id).where(Question.id.in_([r[0] for r in rows]))
        ).all()
    )
    totals: dict[int | None, list[float]] = {}
    for question_id, answered, score, points, correct in rows:
        total = totals.setdefault(owner.get(question_id), [0, 0.0, 0.0, 0])
        total[0] += int(answered)
        total[1] += float(score)
        total[2] += float(points)
        total[3] += int(correct)
    ids = [k for k in totals if k is not None]
    names = {
        c.id: c.full_name for c in db.session.scalars(select(Category).where(Category.id.in_(ids)))
    }
    groups = [
        GroupScore(key or 0, names.get(key, "—"), int(t[0]), t[1], t[2], int(t[3]))
        for key, t in totals.items()
    ]
    return sorted(groups, key=lambda g: (g.rate if g.rate is not None else 2, g.name))


def _questions(rows) -> list[GroupScore]:
    stems = dict(
        db.session.execute(
            select(Question.id, Question.stem).where(Question.id.in_([r[0] for r in rows]))
        ).all()
    )
    groups = [
        GroupScore(
            r[0], _short(stems.get(r[0], "")), int(r[1]), float(r[2]), float(r[3]), int(r[4])
        )
        for r in rows
    ]
    return sorted(groups, key=lambda g: (g.rate if g.rate is not None else 2, g.key))


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def team_results(
    exam: Exam,
    team: Team,
    viewer: User,
    now: datetime | None = None,
    *,
    page: int | None = None,
    per_page: int = 100,
) -> TeamResults:
    """``page`` (from 1): that page of the members and at most ``per_page`` × 5 of those not
    started, for a page on screen; None: everyone (exports)."""
    now = now or utcnow()
    offset = (page - 1) * per_page if page else 0
    limit = per_page if page else None
    visible = scores_visible(exam, viewer, now)
    summary = _summary(exam, visible)
    units = [team, *team.children]
    counts = unit_counts(exam, units, visible)
    result = TeamResults(
        exam=exam,
        team=team,
        scores_visible=visible,
        questions_visible=visible and questions_visible(exam, viewer, now),
        counts=counts[team.id],
        median=_median(exam, team, summary) if visible else None,
        distribution=_distribution(exam, team, summary) if visible else [0] * BUCKETS,
        members=_members(exam, team, summary, offset=offset, limit=limit),
        not_started=_members(
            exam, team, summary, not_started_only=True, limit=per_page * 5 if page else None
        ),
        member_offset=offset,
        units=[UnitRow(child, counts[child.id]) for child in team.children],
    )
    if visible:
        rows = _answer_rows(exam, team)
        result.categories = _categories(rows)
        if result.questions_visible:
            result.questions = _questions(rows)
    return result


def exams_for_team(team: Team, kinds=("level_test", "exam")) -> list[Exam]:
    """Published or closed exams whose audience reaches members of ``team``'s subtree, newest
    first (by rank audiences too: a rank reaches every team)."""
    exams = db.session.scalars(
        select(Exam)
        .where(Exam.kind.in_(kinds), Exam.status.in_(("published", "closed")))
        .order_by(Exam.opens_at.desc(), Exam.id.desc())
    ).all()
    reached = []
    for exam in exams:
        members = (
            select(func.count())
            .select_from(User)
            .join(Team, Team.id == User.team_id)
            .where(Team.path.startswith(team.path), User.id.in_(_audience_ids(exam)))
        )
        if db.session.scalar(members):
            reached.append(exam)
    return reached


def percent_text(value: float | None) -> str:
    return "—" if value is None else f"{Decimal(str(round(value, 1))):f}"
