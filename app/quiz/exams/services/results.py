"""Results as the exam's policy allows (成绩与回顾).

The score shows at submit, after the close, or never; the review (the cadre's choices,
the correct answers, explanations and the source lesson) after submit, after the close, or
never. Nothing here returns an answer or explanation before the policy allows it — the
pages and the API render only what ``build_result`` put in. An item another exam withholds
from the viewer (``services.withheld``: it is on that exam's paper or in its draw pool) is
reviewed without its key, verdict, score, comment or explanation until that exam lets go.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from decimal import Decimal
from typing import Any

from flask_babel import gettext as _
from flask_babel import pgettext
from markupsafe import Markup

from app.auth.models import User
from app.common.markup import render_markdown
from app.common.timeutil import format_local, utcnow
from app.courses.services import resolve_source_lesson
from app.quiz.bank.importers.base import LETTERS
from app.quiz.exams.models import Attempt, AttemptItem
from app.quiz.exams.services import marking, withheld
from app.quiz.exams.services.attempts import response_to_api


def _policy_allows(policy: str, attempt: Attempt, now: datetime) -> bool:
    if not attempt.submitted:
        return False
    if policy in ("at_submit", "after_submit"):
        return True
    if policy == "after_close":
        return attempt.exam.has_closed(now)
    return False


def score_visible(attempt: Attempt, viewer: User | None, now: datetime | None = None) -> bool:
    if viewer is not None and viewer.is_admin:
        return attempt.submitted
    return _policy_allows(attempt.exam.score_policy, attempt, now or utcnow())


def review_visible(attempt: Attempt, viewer: User | None, now: datetime | None = None) -> bool:
    if viewer is not None and viewer.is_admin:
        return attempt.submitted
    return _policy_allows(attempt.exam.review_policy, attempt, now or utcnow())


def inline_html(text: str) -> Markup:
    """Markdown of a short text (an option) without the wrapping paragraph."""
    html = str(render_markdown(text)).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return Markup(html)


@dataclass
class CategoryScore:
    name: str
    points: Decimal = Decimal(0)
    score: Decimal = Decimal(0)
    count: int = 0
    pending: int = 0

    @property
    def percent(self) -> int:
        return round(100 * self.score / self.points) if self.points else 0


@dataclass
class ReviewOption:
    id: str
    letter: str
    html: Markup
    chosen: bool
    correct: bool


@dataclass
class ReviewItem:
    position: int
    question_id: int
    type: str
    stem_html: Markup
    points: Decimal
    score: Decimal | None
    correct: bool | None
    options: list[ReviewOption]
    response: Any  # the cadre's response in API shape (option ids)
    response_text: str  # blank/essay/judge in words
    answer_text: str  # the key in words
    explanation_html: Markup
    source: str
    source_link: tuple[str, str] | None
    comment: str
    withheld: bool = False  # another exam holds it back: no key, verdict, score or explanation
    verdict_hidden: bool = False  # the score is hidden, so is each item's verdict and score

    @property
    def verdict(self) -> str:
        """correct / partial (some credit, not full marks) / wrong / pending / withheld /
        hidden."""
        if self.withheld:
            return "withheld"
        if self.verdict_hidden:
            return "hidden"
        if self.correct is None:
            return "pending"
        if self.correct:
            return "correct"
        if self.score is not None and self.score > 0:
            return "partial"
        return "wrong"


@dataclass
class ResultView:
    attempt: Attempt
    score_visible: bool
    review_visible: bool
    message: str = ""
    breakdown: list[CategoryScore] = field(default_factory=list)
    items: list[ReviewItem] = field(default_factory=list)

    @property
    def time_used(self) -> timedelta | None:
        a = self.attempt
        return a.submitted_at - a.started_at if a.submitted_at else None


def _judge_text(value: Any) -> str:
    if value is None:
        return ""
    return pgettext("judge", "正确") if value else pgettext("judge", "错误")


def _review_item(item: AttemptItem, answer, viewer: User | None) -> ReviewItem:
    question = item.question
    response = answer.response if answer is not None else None
    key = question.answer
    options = []
    for shown, original in enumerate(item.option_order or []):
        chosen = response == original if question.type == "single" else original in (response or [])
        options.append(
            ReviewOption(
                id=item.option_ids[original],
                letter=LETTERS[shown],
                html=inline_html(question.options[original]),
                chosen=bool(chosen),
                correct=original in (key or []),
            )
        )
    if question.type == "judge":
        response_text, answer_text = _judge_text(response), _judge_text(key)
    elif question.type == "blank":
        response_text = "；".join(response or [])
        answer_text = "；".join("/".join(alts) for alts in key or [])
    elif question.type == "essay":
        response_text, answer_text = str(response or ""), str(key or "")
    else:
        response_text = "".join(o.letter for o in options if o.chosen)
        answer_text = "".join(o.letter for o in options if o.correct)
    link = None
    if question.source_lesson:
        link = resolve_source_lesson(question.source_lesson, viewer)
    return ReviewItem(
        position=item.position,
        question_id=item.question_id,
        type=question.type,
        stem_html=render_markdown(question.stem),
        points=item.points,
        score=answer.score if answer is not None else None,
        correct=answer.correct if answer is not None else None,
        options=options,
        response=response_to_api(item, question.type, response),
        response_text=response_text,
        answer_text=answer_text,
        explanation_html=render_markdown(question.explanation),
        source=question.source,
        source_link=link,
        comment=answer.comment if answer is not None else "",
    )


def _withhold(item: ReviewItem) -> ReviewItem:
    return replace(
        item,
        options=[replace(option, correct=False) for option in item.options],
        score=None,
        correct=None,
        answer_text="",
        explanation_html=Markup(""),
        comment="",
        withheld=True,
    )


def breakdown(attempt: Attempt) -> list[CategoryScore]:
    answers = marking.answers_by_question(attempt)
    groups: dict[str, CategoryScore] = {}
    for item in attempt.items:
        category = item.question.category
        name = category.full_name if category is not None else _("（未分类）")
        group = groups.setdefault(name, CategoryScore(name))
        group.points += Decimal(item.points)
        group.count += 1
        answer = answers.get(item.question_id)
        if answer is None or answer.score is None:
            group.pending += 1
        else:
            group.score += Decimal(answer.score)
    return sorted(groups.values(), key=lambda g: g.name)


def build_result(attempt: Attempt, viewer: User | None, now: datetime | None = None) -> ResultView:
    now = now or utcnow()
    view = ResultView(
        attempt,
        score_visible=score_visible(attempt, viewer, now),
        review_visible=review_visible(attempt, viewer, now),
    )
    if not attempt.submitted:
        view.message = _("答卷尚未提交")
        return view
    policy = attempt.exam.score_policy
    if not view.score_visible:
        if policy == "after_close":
            view.message = _(
                "成绩将在考试结束（%(t)s）后公布", t=format_local(attempt.exam.closes_at)
            )
        else:
            view.message = _("本场考试不公布成绩")
    if view.score_visible:
        view.breakdown = breakdown(attempt)
    if view.review_visible:
        answers = marking.answers_by_question(attempt)
        hidden = withheld.withheld_lineages(viewer, now, except_exam_id=attempt.exam_id)
        view.items = []
        for item in attempt.items:
            review = _review_item(item, answers.get(item.question_id), viewer)
            lineage = item.question.lineage_id or item.question_id
            review = _withhold(review) if lineage in hidden else review
            # score_policy never (or not yet) with the review shown: per-item verdicts would
            # add up to the score, so they stay hidden with it; the key and explanation show.
            if not view.score_visible:
                review = replace(review, correct=None, score=None, verdict_hidden=True)
            view.items.append(review)
    return view


def review_message(attempt: Attempt, viewer: User | None, now: datetime | None = None) -> str:
    """Why the review is not shown (empty when it is)."""
    if review_visible(attempt, viewer, now):
        return ""
    if attempt.exam.review_policy == "after_close" and attempt.submitted:
        return _("答案与解析将在考试结束（%(t)s）后开放", t=format_local(attempt.exam.closes_at))
    if attempt.exam.review_policy == "never":
        return _("本场考试不提供答案与解析")
    return ""
