"""查阅核实 and 评价鉴定: evidence from the figures registry, the assessors' scores and
negative-list marks, the conclusion, the published result; interviews (深度访谈)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import select

from app.common import audit, figures
from app.common.timeutil import utcnow
from app.evaluation import scoring
from app.evaluation.models import (
    Evaluation,
    EvaluationRound,
    Interview,
    NegativeItem,
    NegativeMark,
    StandardScore,
)
from app.evaluation.services import EvaluationError
from app.evaluation.services.fields import required_text, whole_number
from app.evaluation.services.frameworks import specs
from app.extensions import db


def _open(evaluation: Evaluation) -> None:
    if evaluation.published_at is not None:
        raise EvaluationError(_("结果已发布，不能再修改"))


def evidence(evaluation: Evaluation) -> tuple[list[figures.Figure], list[figures.RecordEntry]]:
    """What the platform already holds about the subject in the round's year."""
    period = figures.Period.year(evaluation.round.year)
    if evaluation.user_id is not None:
        figs = figures.member_figures([evaluation.user_id], period).get(evaluation.user_id, [])
        return list(figs), figures.member_record(evaluation.user_id, period)
    return list(figures.team_figures([evaluation.team_id], period).get(evaluation.team_id, [])), []


def matching(keys: str, figs: list[figures.Figure]) -> list[figures.Figure]:
    """The figures a standard names: ``exams.pass_rate`` exactly, or ``exams`` for them all."""
    tokens = keys.split()
    return [f for f in figs if any(f.key == t or f.key.startswith(t + ".") for t in tokens)]


def save_scores(actor, evaluation: Evaluation, entries: dict[int, tuple[str, str]]) -> None:
    """``entries``: standard id → (score as typed, evidence). All or nothing."""
    _open(evaluation)
    rows = []
    for dim in evaluation.round.framework.dimensions:
        for standard in dim.standards:
            raw, proof = entries.get(standard.id, ("", ""))
            if str(raw).strip() == "":
                continue
            label = _("“%(s)s”的得分", s=standard.title[:20])
            rows.append(
                StandardScore(
                    standard_id=standard.id,
                    score=whole_number(raw, f"score_{standard.id}", label, 0, standard.points),
                    evidence=(proof or "").strip()[:2000],
                    assessor_id=actor.id,
                )
            )
    evaluation.score_rows = rows
    db.session.flush()
    audit.record(actor, "evaluation.score", evaluation, evaluation.subject_name)


def mark_negative(actor, evaluation: Evaluation, item: NegativeItem | None, note: str) -> None:
    _open(evaluation)
    framework_items = {n.id for d in evaluation.round.framework.dimensions for n in d.negatives}
    if item is None or item.id not in framework_items:
        raise EvaluationError(_("请选择负面清单事项"), "item")
    if any(m.item_id == item.id for m in evaluation.marks):
        raise EvaluationError(_("该事项已标记"), "item")
    evaluation.marks.append(
        NegativeMark(
            item_id=item.id,
            note=required_text(note, "note", _("事实依据"), 2000),
            marked_by_id=actor.id,
        )
    )
    db.session.flush()
    audit.record(actor, "evaluation.negative.mark", evaluation, item.title, veto=item.veto)


def confirm_mark(actor, mark: NegativeMark) -> None:
    """A veto item counts only when a second assessor confirms it."""
    evaluation = db.session.get(Evaluation, mark.evaluation_id)
    _open(evaluation)
    if mark.confirmed_by_id is not None:
        return
    if mark.marked_by_id == actor.id:
        raise EvaluationError(_("一票否决事项须由另一名考察人员确认"))
    mark.confirmed_by_id = actor.id
    db.session.flush()
    audit.record(actor, "evaluation.negative.confirm", evaluation, mark.item.title)


def remove_mark(actor, mark: NegativeMark) -> None:
    evaluation = db.session.get(Evaluation, mark.evaluation_id)
    _open(evaluation)
    audit.record(actor, "evaluation.negative.remove", evaluation, mark.item.title)
    db.session.delete(mark)
    db.session.flush()


def compute(evaluation: Evaluation) -> scoring.Result:
    framework = evaluation.round.framework
    standards, negatives = specs(framework)
    return scoring.score(
        standards,
        {row.standard_id: row.score for row in evaluation.score_rows},
        negatives,
        {m.item_id: m.counts for m in evaluation.marks},
        framework.bands,
        [d.id for d in framework.dimensions],
    )


def publish(actor, evaluation: Evaluation, conclusion: str) -> scoring.Result:
    """Freeze the result with the conclusion; the cadre may see it from now on."""
    _open(evaluation)
    evaluation.conclusion = required_text(conclusion, "conclusion", _("评价结论"), 4000)
    if not evaluation.score_rows:
        raise EvaluationError(_("还没有评分，不能发布"))
    result = compute(evaluation)
    evaluation.dimension_scores = {str(k): v for k, v in result.dimension_scores.items()}
    evaluation.total = result.total
    evaluation.grade = result.grade
    evaluation.veto = result.veto
    evaluation.published_at = utcnow()
    evaluation.published_by_id = actor.id
    db.session.flush()
    audit.record(
        actor, "evaluation.publish", evaluation, evaluation.subject_name, grade=result.grade
    )
    return result


def add_interview(
    actor, evaluation: Evaluation, held_on: date | None, interviewee: str, notes: str
) -> Interview:
    if held_on is None:
        raise EvaluationError(_("请填写访谈日期"), "held_on")
    interview = Interview(
        evaluation_id=evaluation.id,
        assessor_id=actor.id,
        held_on=held_on,
        interviewee=required_text(interviewee, "interviewee", _("访谈对象"), 100),
        notes=required_text(notes, "notes", _("访谈记录"), 8000),
    )
    db.session.add(interview)
    db.session.flush()
    audit.record(actor, "evaluation.interview.add", evaluation, evaluation.subject_name)
    return interview


def open_interviews(actor, evaluation: Evaluation) -> list[Interview]:
    """The confidential notes; the opening itself is audit-logged."""
    audit.record(actor, "evaluation.interview.open", evaluation, evaluation.subject_name)
    return list(
        db.session.scalars(
            select(Interview)
            .where(Interview.evaluation_id == evaluation.id)
            .order_by(Interview.held_on, Interview.id)
        )
    )


# ------------------------------------------------------------------ portrait


def percent(evaluation: Evaluation) -> dict[int, float]:
    """Dimension scores as a share of each dimension's points (frameworks differ by year)."""
    result = {}
    for dim in evaluation.round.framework.dimensions:
        top = dim.max_points
        got = evaluation.dimension_scores.get(str(dim.id))
        if top and got is not None:
            result[dim.id] = round(100 * got / top, 1)
    return result


def _by_name(evaluation: Evaluation) -> dict[str, float]:
    names = {d.id: d.name for d in evaluation.round.framework.dimensions}
    return {names[k]: v for k, v in percent(evaluation).items()}


@dataclass
class Portrait:
    evaluation: Evaluation
    axes: list[str]
    own: list[float | None]
    team: list[float | None]
    prior: list[float | None]
    prior_year: int | None


def portrait(evaluation: Evaluation) -> Portrait:
    """政治画像: the cadre's dimensions against the team's average in the round and the
    cadre's own result the year before (matched by dimension name)."""
    axes = [d.name for d in evaluation.round.framework.dimensions]
    own = _by_name(evaluation)
    peers = db.session.scalars(
        select(Evaluation).where(
            Evaluation.round_id == evaluation.round_id,
            Evaluation.team_id == evaluation.team_id,
            Evaluation.kind == "cadre",
            Evaluation.published_at.is_not(None),
        )
    ).all()
    team: dict[str, list[float]] = {}
    for peer in peers:
        for name, value in _by_name(peer).items():
            team.setdefault(name, []).append(value)
    prior_eval = None
    if evaluation.user_id is not None:
        prior_eval = db.session.scalars(
            select(Evaluation)
            .join(EvaluationRound)
            .where(
                Evaluation.user_id == evaluation.user_id,
                Evaluation.published_at.is_not(None),
                EvaluationRound.year == evaluation.round.year - 1,
            )
            .order_by(Evaluation.published_at.desc())
            .limit(1)
        ).first()
    prior = _by_name(prior_eval) if prior_eval else {}
    return Portrait(
        evaluation,
        axes,
        [own.get(a) for a in axes],
        [round(sum(team[a]) / len(team[a]), 1) if team.get(a) else None for a in axes],
        [prior.get(a) for a in axes],
        prior_eval.round.year if prior_eval else None,
    )


def published_for(user_id: int) -> list[Evaluation]:
    return list(
        db.session.scalars(
            select(Evaluation)
            .join(EvaluationRound)
            .where(Evaluation.user_id == user_id, Evaluation.published_at.is_not(None))
            .order_by(EvaluationRound.year.desc(), Evaluation.published_at.desc())
        )
    )
