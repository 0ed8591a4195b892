"""Political-standard evaluation (政治标准评价): the framework (评价标准) by year and version,
evaluation rounds (政治素质考察) with their subjects, self-assessments, anonymous ballots
(民主测评), interviews (深度访谈), appraisal scores and negative-list marks."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.auth.models import Team, User
from app.common.models import TimestampMixin
from app.common.timeutil import utcnow
from app.extensions import db

# 换届考察 / 专项考察 / 年度考核 / 日常调整补充 / 巡视巡察
ROUND_PURPOSES = ("term_change", "special", "annual", "adjustment", "inspection")
ROUND_STATUSES = ("open", "closed")
SUBJECT_KINDS = ("cadre", "team")
BALLOT_GRADES = ("good", "fair", "average", "poor")  # 好 / 较好 / 一般 / 较差
DEFAULT_BANDS = [
    {"min": 90, "label": "好"},
    {"min": 75, "label": "较好"},
    {"min": 60, "label": "一般"},
    {"min": 0, "label": "较差"},
]


class AssessorScope(db.Model):
    """考察人员: a user with the ``assessor`` role and the teams (with subtrees) they assess."""

    __tablename__ = "assessor_scopes"

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    team_id: Mapped[int] = mapped_column(
        ForeignKey("teams.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    team: Mapped[Team] = relationship()
    user: Mapped[User] = relationship()


class Framework(TimestampMixin, db.Model):
    """评价标准: one year's framework, one version of it. A version a round uses is frozen;
    editing it makes the next version."""

    __tablename__ = "eval_frameworks"
    __table_args__ = (UniqueConstraint("year", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    year: Mapped[int] = mapped_column(index=True)
    version: Mapped[int] = mapped_column(default=1)
    title: Mapped[str] = mapped_column(String(200))
    bands: Mapped[list] = mapped_column(JSON, default=lambda: list(DEFAULT_BANDS))

    dimensions: Mapped[list[Dimension]] = relationship(
        back_populates="framework",
        order_by="(Dimension.sort_order, Dimension.id)",
        cascade="all, delete-orphan",
    )


class Dimension(db.Model):
    """A dimension: 政治忠诚、政治定力、政治担当、政治能力、政治自律."""

    __tablename__ = "eval_dimensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    framework_id: Mapped[int] = mapped_column(
        ForeignKey("eval_frameworks.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(String(100))
    sort_order: Mapped[int] = mapped_column(default=0)

    framework: Mapped[Framework] = relationship(back_populates="dimensions")
    standards: Mapped[list[Standard]] = relationship(
        back_populates="dimension",
        order_by="(Standard.sort_order, Standard.id)",
        cascade="all, delete-orphan",
    )
    negatives: Mapped[list[NegativeItem]] = relationship(
        back_populates="dimension",
        order_by="(NegativeItem.sort_order, NegativeItem.id)",
        cascade="all, delete-orphan",
    )

    @property
    def max_points(self) -> int:
        return sum(s.points for s in self.standards)


class Standard(db.Model):
    """正向标准: what good looks like, its points and how to score it."""

    __tablename__ = "eval_standards"

    id: Mapped[int] = mapped_column(primary_key=True)
    dimension_id: Mapped[int] = mapped_column(
        ForeignKey("eval_dimensions.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    points: Mapped[int] = mapped_column()
    guide: Mapped[str] = mapped_column(Text, default="")
    evidence_keys: Mapped[str] = mapped_column(String(300), default="")  # figure keys, spaces
    sort_order: Mapped[int] = mapped_column(default=0)

    dimension: Mapped[Dimension] = relationship(back_populates="standards")


class NegativeItem(db.Model):
    """负面清单: an item that deducts points, or a one-vote veto (一票否决)."""

    __tablename__ = "eval_negative_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    dimension_id: Mapped[int] = mapped_column(
        ForeignKey("eval_dimensions.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(300))
    deduction: Mapped[int] = mapped_column(default=0)
    veto: Mapped[bool] = mapped_column(default=False)
    sort_order: Mapped[int] = mapped_column(default=0)

    dimension: Mapped[Dimension] = relationship(back_populates="negatives")


class EvaluationRound(TimestampMixin, db.Model):
    """政治素质考察: one round, on the framework version it started with."""

    __tablename__ = "eval_rounds"

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(String(200))
    purpose: Mapped[str] = mapped_column(String(20))
    year: Mapped[int] = mapped_column(index=True)
    framework_id: Mapped[int] = mapped_column(ForeignKey("eval_frameworks.id"), index=True)
    status: Mapped[str] = mapped_column(String(20), default="open")
    min_ballots: Mapped[int] = mapped_column(default=5)
    self_due: Mapped[date | None] = mapped_column()
    ballot_due: Mapped[date | None] = mapped_column()
    appraisal_due: Mapped[date | None] = mapped_column()
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    framework: Mapped[Framework] = relationship()
    subjects: Mapped[list[Evaluation]] = relationship(
        back_populates="round",
        order_by="(Evaluation.team_id, Evaluation.kind.desc(), Evaluation.id)",
    )
    assessor_rows: Mapped[list[RoundAssessor]] = relationship(cascade="all, delete-orphan")


class RoundAssessor(db.Model):
    __tablename__ = "eval_round_assessors"

    round_id: Mapped[int] = mapped_column(
        ForeignKey("eval_rounds.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    user: Mapped[User] = relationship()


class Evaluation(db.Model):
    """One subject of a round — a cadre, or a team (then ``user_id`` is empty) — with its
    self-assessment, appraisal and, once published, its frozen result."""

    __tablename__ = "eval_evaluations"
    __table_args__ = (UniqueConstraint("round_id", "team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    round_id: Mapped[int] = mapped_column(
        ForeignKey("eval_rounds.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(10), default="cadre")
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)
    self_submitted_at: Mapped[datetime | None] = mapped_column()
    conclusion: Mapped[str] = mapped_column(Text, default="")
    dimension_scores: Mapped[dict] = mapped_column(JSON, default=dict)  # dimension id → score
    total: Mapped[int | None] = mapped_column()
    grade: Mapped[str] = mapped_column(String(20), default="")
    veto: Mapped[bool] = mapped_column(default=False)
    published_at: Mapped[datetime | None] = mapped_column()
    published_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    round: Mapped[EvaluationRound] = relationship(back_populates="subjects")
    team: Mapped[Team] = relationship()
    user: Mapped[User | None] = relationship(foreign_keys=[user_id])
    self_rows: Mapped[list[SelfAssessment]] = relationship(cascade="all, delete-orphan")
    score_rows: Mapped[list[StandardScore]] = relationship(cascade="all, delete-orphan")
    marks: Mapped[list[NegativeMark]] = relationship(
        cascade="all, delete-orphan", order_by="NegativeMark.id"
    )

    @property
    def subject_name(self) -> str:
        return self.user.name if self.user is not None else self.team.name


class SelfAssessment(db.Model):
    """自查自评: the subject's own score and statement for one dimension."""

    __tablename__ = "eval_self_assessments"

    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("eval_evaluations.id", ondelete="CASCADE"), primary_key=True
    )
    dimension_id: Mapped[int] = mapped_column(
        ForeignKey("eval_dimensions.id", ondelete="CASCADE"), primary_key=True
    )
    score: Mapped[int] = mapped_column(default=0)
    statement: Mapped[str] = mapped_column(Text, default="")


class Ballot(db.Model):
    """民主测评票: anonymous by construction — no voter, no time, a random id, so nothing in
    the row can be joined or ordered back to a :class:`BallotParticipation`."""

    __tablename__ = "eval_ballots"
    # SQLite: no rowid, so the table's physical order is the random id's, not the voting order
    __table_args__ = {"sqlite_with_rowid": False}

    id: Mapped[str] = mapped_column(String(32), primary_key=True)  # random, never sequential
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("eval_evaluations.id", ondelete="CASCADE"), index=True
    )
    grades: Mapped[dict] = mapped_column(JSON, default=dict)  # dimension id → grade
    comment: Mapped[str] = mapped_column(Text, default="")


class BallotParticipation(db.Model):
    """Who has voted on a subject (so nobody votes twice) — never which ballot is theirs."""

    __tablename__ = "eval_ballot_participations"
    __table_args__ = {"sqlite_with_rowid": False}

    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("eval_evaluations.id", ondelete="CASCADE"), primary_key=True
    )
    voter_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True, index=True
    )


class Interview(db.Model):
    """深度访谈: an assessor's confidential notes about a cadre; every opening is audited."""

    __tablename__ = "eval_interviews"

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("eval_evaluations.id", ondelete="CASCADE"), index=True
    )
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    held_on: Mapped[date] = mapped_column()
    interviewee: Mapped[str] = mapped_column(String(100))
    notes: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    assessor: Mapped[User | None] = relationship()


class StandardScore(db.Model):
    """评价鉴定: the assessors' score for one standard, with the evidence it rests on."""

    __tablename__ = "eval_standard_scores"

    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("eval_evaluations.id", ondelete="CASCADE"), primary_key=True
    )
    standard_id: Mapped[int] = mapped_column(
        ForeignKey("eval_standards.id", ondelete="CASCADE"), primary_key=True
    )
    score: Mapped[int] = mapped_column()
    evidence: Mapped[str] = mapped_column(Text, default="")
    assessor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))


class NegativeMark(db.Model):
    """A negative-list item found against a subject. A veto item counts only once a second
    assessor has confirmed it."""

    __tablename__ = "eval_negative_marks"
    __table_args__ = (UniqueConstraint("evaluation_id", "item_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    evaluation_id: Mapped[int] = mapped_column(
        ForeignKey("eval_evaluations.id", ondelete="CASCADE"), index=True
    )
    item_id: Mapped[int] = mapped_column(ForeignKey("eval_negative_items.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(Text, default="")
    marked_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    confirmed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    item: Mapped[NegativeItem] = relationship()
    marked_by: Mapped[User | None] = relationship(foreign_keys=[marked_by_id])
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])

    @property
    def counts(self) -> bool:
        """A deduction counts when marked; a veto only when confirmed."""
        return not self.item.veto or self.confirmed_by_id is not None


# ------------------------------------------------------------------ democratic life meetings

MEETING_STATUSES = ("planned", "held", "halted")  # halted: 叫停, a re-held meeting ordered
ITEM_KINDS = ("self", "criticism")  # 自我批评 / 相互批评
RECTIFICATION_STATUSES = ("open", "done")
TALK_KINDS = ("heart", "reminder", "inquiry")  # 谈心谈话 / 提醒谈话 / 函询


class LifeMeeting(TimestampMixin, db.Model):
    """民主生活会: a team's meeting, the upper level attending (列席指导), its preparation,
    criticism and self-criticism, the outcome — including 叫停 and 责令重开, which schedules
    the re-held meeting (``reheld_from``)."""

    __tablename__ = "eval_life_meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    topic: Mapped[str] = mapped_column(String(200))
    held_on: Mapped[date] = mapped_column()
    attendees: Mapped[str] = mapped_column(Text, default="")  # 列席指导: the upper level
    preparation: Mapped[str] = mapped_column(Text, default="")  # talks held, opinions collected
    status: Mapped[str] = mapped_column(String(20), default="planned")
    outcome: Mapped[str] = mapped_column(Text, default="")
    reheld_from_id: Mapped[int | None] = mapped_column(
        ForeignKey("eval_life_meetings.id", ondelete="SET NULL")
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    team: Mapped[Team] = relationship()
    reheld_from: Mapped[LifeMeeting | None] = relationship(remote_side="LifeMeeting.id")
    items: Mapped[list[MeetingItem]] = relationship(
        cascade="all, delete-orphan", order_by="MeetingItem.id"
    )
    rectifications: Mapped[list[RectificationItem]] = relationship(
        back_populates="meeting", order_by="RectificationItem.id"
    )


class MeetingItem(db.Model):
    """One member's self-criticism, or a criticism raised about them."""

    __tablename__ = "eval_meeting_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("eval_life_meetings.id", ondelete="CASCADE"), index=True
    )
    member_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    text: Mapped[str] = mapped_column(Text)
    raised_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    member: Mapped[User] = relationship(foreign_keys=[member_id])
    raised_by: Mapped[User | None] = relationship(foreign_keys=[raised_by_id])


class RectificationItem(TimestampMixin, db.Model):
    """整改清单: a problem, its owner, the measure, the due date, the evidence, until closed."""

    __tablename__ = "eval_rectification_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        ForeignKey("eval_life_meetings.id", ondelete="CASCADE"), index=True
    )
    owner_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    problem: Mapped[str] = mapped_column(Text)
    measure: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(String(20), default="open", index=True)
    evidence: Mapped[str] = mapped_column(Text, default="")
    closed_on: Mapped[date | None] = mapped_column()
    reminded_on: Mapped[date | None] = mapped_column()  # the last overdue reminder

    meeting: Mapped[LifeMeeting] = relationship(back_populates="rectifications")
    owner: Mapped[User | None] = relationship()

    def overdue(self, today: date) -> bool:
        return self.status == "open" and self.due_on < today


class Talk(TimestampMixin, db.Model):
    """谈心谈话 / 提醒谈话 / 函询 (with the reply and its verification): confidential."""

    __tablename__ = "eval_talks"

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[int] = mapped_column(ForeignKey("teams.id", ondelete="CASCADE"), index=True)
    subject_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    talker: Mapped[str] = mapped_column(String(100))  # who talked (often the upper level)
    kind: Mapped[str] = mapped_column(String(20))
    held_on: Mapped[date] = mapped_column(index=True)
    record: Mapped[str] = mapped_column(Text)
    reply: Mapped[str] = mapped_column(Text, default="")  # 函询: the written reply
    verification: Mapped[str] = mapped_column(Text, default="")  # 函询: how it was checked
    follow_up: Mapped[str] = mapped_column(Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    team: Mapped[Team] = relationship()
    subject: Mapped[User] = relationship(foreign_keys=[subject_id])
