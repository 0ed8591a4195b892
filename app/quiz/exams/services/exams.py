"""Exams (试卷 / 考试): define, publish, close early, and the labels pages show.

The paper (fixed items or rules) lives in ``assembly``; who may sit in ``audience``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.auth.models import User
from app.common import audit
from app.common.errors import DomainError
from app.common.timeutil import format_local, utcnow
from app.courses.models import Course
from app.extensions import db
from app.quiz.bank.points import score as clean_score
from app.quiz.exams import hooks as listeners
from app.quiz.exams.models import (
    ASSEMBLY_MODES,
    EXAM_KINDS,
    MULTIPLE_POLICIES,
    REVIEW_POLICIES,
    SCORE_POLICIES,
    Attempt,
    Exam,
)
from app.quiz.exams.services import assembly, audience
from app.quiz.exams.services.deadlines import recompute_deadlines

MAX_TITLE = 200
MAX_DURATION = 24 * 60
MAX_ATTEMPTS = 100
MAX_GRACE = 600

# The exam's settings: the same names in a spec file, the exam form and the columns. The
# paper's mode (``assembly``) and the required course are named apart: a spec gives its
# paper and the course's short name instead.
SETTINGS = (
    "kind",
    "title",
    "instructions",
    "opens_at",
    "closes_at",
    "duration_minutes",
    "attempts_allowed",
    "pass_mark",
    "grace_seconds",
    "shuffle_questions",
    "shuffle_options",
    "multiple_policy",
    "score_policy",
    "review_policy",
    "focus_loss_limit",
)
FIELDS = (*SETTINGS, "assembly", "required_course_id")


def kind_labels() -> dict[str, str]:
    return {
        "level_test": _("政治理论水平测试"),
        "exam": _("考试"),
        "practice": _("练习（旧）"),
        "daily": _("每日答题（旧）"),
    }


def kind_help() -> str:
    """What the kinds offered for a new exam mean (the form's help)."""
    return _(
        "政治理论水平测试：按年度组织的领导干部理论水平测试，计入学习档案；"
        "考试：其他限时考试，如培训班结业考试或集体学习后的考学。"
        "平时练习和每日答题不必建考试：学员在“练习”“每日答题”中自行进行。"
    )


def status_labels() -> dict[str, str]:
    return {"draft": _("草稿"), "published": _("已发布"), "closed": _("已关闭")}


def assembly_labels() -> dict[str, str]:
    return {"fixed": _("固定试题"), "rules": _("按规则随机抽题")}


def multiple_policy_labels() -> dict[str, str]:
    return {
        "all_or_nothing": _("全部选对才得分"),
        "partial": _("少选按比例得分，错选不得分"),
    }


def score_policy_labels() -> dict[str, str]:
    return {
        "at_submit": _("交卷后立即显示"),
        "after_close": _("考试结束后显示"),
        "never": _("不显示"),
    }


def review_policy_labels() -> dict[str, str]:
    return {
        "after_submit": _("交卷后可查看"),
        "after_close": _("考试结束后可查看"),
        "never": _("不提供"),
    }


def _choice(value: Any, allowed: tuple[str, ...], field: str, name: str) -> str:
    if value not in allowed:
        raise DomainError(_("%(f)s应为以下之一：%(v)s", f=name, v="、".join(allowed)), field)
    return value


def _int(value: Any, field: str, name: str, low: int, high: int, *, optional=False) -> int | None:
    if value in (None, "") and optional:
        return None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise DomainError(_("%(n)s应为整数", n=name), field) from None
    if isinstance(value, float) and value != number:
        raise DomainError(_("%(n)s应为整数", n=name), field)
    if not low <= number <= high:
        raise DomainError(_("%(n)s应在 %(a)d 到 %(b)d 之间", n=name, a=low, b=high), field)
    return number


def _datetime(value: Any, field: str, name: str) -> datetime:
    if not isinstance(value, datetime):
        raise DomainError(_("请填写%(n)s", n=name), field)
    return value.replace(tzinfo=None, microsecond=0)


def clean_fields(fields: dict[str, Any], current: Exam | None = None) -> dict[str, Any]:
    """Checked column values for an exam; missing keys keep ``current``'s values.
    DomainError names the field at fault."""
    merged = {key: getattr(current, key) for key in FIELDS} if current is not None else {}
    merged.update({k: v for k, v in fields.items() if k in FIELDS})
    if "required_course" in fields:
        course = fields["required_course"]
        merged["required_course_id"] = course.id if course is not None else None
    title = str(merged.get("title") or "").strip()
    if not title:
        raise DomainError(_("请填写考试名称"), "title")
    if len(title) > MAX_TITLE:
        raise DomainError(_("考试名称不能超过 %(n)d 个字", n=MAX_TITLE), "title")
    values: dict[str, Any] = {
        "kind": _choice(merged.get("kind", "exam"), EXAM_KINDS, "kind", _("类型")),
        "title": title,
        "instructions": str(merged.get("instructions") or "").strip(),
        "opens_at": _datetime(merged.get("opens_at"), "opens_at", _("开始时间")),
        "closes_at": _datetime(merged.get("closes_at"), "closes_at", _("结束时间")),
        "duration_minutes": _int(
            merged.get("duration_minutes", 60), "duration_minutes", _("考试时长"), 1, MAX_DURATION
        ),
        "attempts_allowed": _int(
            merged.get("attempts_allowed", 1), "attempts_allowed", _("可作答次数"), 1, MAX_ATTEMPTS
        ),
        "pass_mark": clean_score(
            merged.get("pass_mark"), "pass_mark", optional=True, allow_zero=True
        ),
        "grace_seconds": _int(
            merged.get("grace_seconds", 30), "grace_seconds", _("宽限秒数"), 0, MAX_GRACE
        ),
        "shuffle_questions": bool(merged.get("shuffle_questions", False)),
        "shuffle_options": bool(merged.get("shuffle_options", False)),
        "assembly": _choice(
            merged.get("assembly", "fixed"), ASSEMBLY_MODES, "assembly", _("组卷方式")
        ),
        "multiple_policy": _choice(
            merged.get("multiple_policy", "all_or_nothing"),
            MULTIPLE_POLICIES,
            "multiple_policy",
            _("多选题计分"),
        ),
        "score_policy": _choice(
            merged.get("score_policy", "at_submit"),
            SCORE_POLICIES,
            "score_policy",
            _("成绩公布"),
        ),
        "review_policy": _choice(
            merged.get("review_policy", "after_close"),
            REVIEW_POLICIES,
            "review_policy",
            _("答案与解析"),
        ),
        "required_course_id": merged.get("required_course_id"),
        "focus_loss_limit": _int(
            merged.get("focus_loss_limit"),
            "focus_loss_limit",
            _("切屏次数上限"),
            1,
            1000,
            optional=True,
        ),
    }
    if values["closes_at"] <= values["opens_at"]:
        raise DomainError(_("结束时间应晚于开始时间"), "closes_at")
    return values


def create_exam(actor: User | None, **fields: Any) -> Exam:
    """A draft exam. Fields: see ``FIELDS`` (``required_course`` may be a Course)."""
    values = clean_fields(fields)
    exam = Exam(status="draft", created_by=actor, **values)
    db.session.add(exam)
    db.session.flush()
    audit.record(actor, "exam.create", exam, _("新建考试 %(t)s", t=exam.title))
    return exam


def update_exam(actor: User | None, exam: Exam, **fields: Any) -> list[str]:
    """Apply the fields; in-progress attempts get their deadlines recomputed. Returns the
    names of the fields that changed."""
    if exam.status == "closed":
        raise DomainError(_("考试已关闭，不能再修改"))
    values = clean_fields(fields, exam)
    changed = [key for key, value in values.items() if getattr(exam, key) != value]
    if exam.status == "published" and "assembly" in changed:
        raise DomainError(_("考试已发布，不能更改组卷方式"), "assembly")
    for key in changed:
        setattr(exam, key, values[key])
    db.session.flush()
    if {"closes_at", "duration_minutes"} & set(changed):
        recompute_deadlines(exam)
    if changed:
        audit.record(actor, "exam.update", exam, _("修改考试 %(t)s", t=exam.title), fields=changed)
    return changed


def publish_exam(actor: User | None, exam: Exam, now: datetime | None = None) -> None:
    """Draft → published, once it has an audience and a paper that can be drawn."""
    now = now or utcnow()
    if exam.status != "draft":
        raise DomainError(_("只有草稿状态的考试可以发布"))
    if not exam.audience:
        raise DomainError(_("请先设置参考范围（单位、职级或指定人员）"), "audience")
    if exam.closes_at <= now:
        raise DomainError(_("结束时间已过，请先修改考试时间"), "closes_at")
    assembly.check_paper(exam)
    exam.status = "published"
    db.session.flush()
    audit.record(actor, "exam.publish", exam, _("发布考试 %(t)s", t=exam.title))


def close_exam(actor: User | None, exam: Exam, now: datetime | None = None) -> None:
    """Close early: the window ends now; sittings in progress end at once (after the grace
    for answers already on their way) and are submitted by the scheduler or on access.
    Submitted sittings' misses go to the mistake book now if the review policy waited for
    the close."""
    now = now or utcnow()
    if exam.status != "published":
        raise DomainError(_("只有已发布的考试可以提前结束"))
    exam.status = "closed"
    if exam.closes_at > now:
        exam.closes_at = now
    db.session.flush()
    recompute_deadlines(exam)
    listeners.release_due(now, exam=exam)
    audit.record(
        actor, "exam.close", exam, _("提前结束考试 %(t)s", t=exam.title), at=format_local(now)
    )


def delete_exam(actor: User | None, exam: Exam) -> None:
    """Only a draft without attempts can be deleted."""
    has_attempts = db.session.scalar(select(Attempt.id).where(Attempt.exam_id == exam.id).limit(1))
    if exam.status != "draft" or has_attempts:
        raise DomainError(_("只能删除尚未发布的草稿"))
    audit.record(actor, "exam.delete", exam, _("删除考试 %(t)s", t=exam.title))
    db.session.delete(exam)
    db.session.flush()


def find_course(course_id: int | None) -> Course | None:
    """The course an exam may require, by id; DomainError when there is none."""
    if course_id is None:
        return None
    course = db.session.get(Course, course_id)
    if course is None:
        raise DomainError(_("课程不存在"), "required_course")
    return course


def attempt_counts(exam_ids: list[int]) -> dict[int, int]:
    """How many attempts each exam has (exams without any are left out)."""
    if not exam_ids:
        return {}
    query = (
        select(Attempt.exam_id, func.count(Attempt.id))
        .where(Attempt.exam_id.in_(exam_ids))
        .group_by(Attempt.exam_id)
    )
    return dict(db.session.execute(query).all())


@dataclass(frozen=True)
class ExamFigures:
    attempts: int
    submitted: int
    members: int  # active users in the audience


def exam_figures(exam: Exam) -> ExamFigures:
    counted = select(func.count(Attempt.id)).where(Attempt.exam_id == exam.id)
    members = select(func.count()).select_from(audience.audience_members_query(exam).subquery())
    return ExamFigures(
        attempts=db.session.scalar(counted),
        submitted=db.session.scalar(counted.where(Attempt.status == "submitted")),
        members=db.session.scalar(members),
    )


def all_exams(kinds: tuple[str, ...] = EXAM_KINDS):
    return select(Exam).where(Exam.kind.in_(kinds)).order_by(Exam.opens_at.desc(), Exam.id.desc())
