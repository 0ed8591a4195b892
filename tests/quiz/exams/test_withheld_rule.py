"""The rule of what an exam withholds from a cadre (``services.withheld``), its SQL and set
forms, the bank page's hook, and banks' purposes in paper assembly."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlalchemy import select, update

from app.common.errors import DomainError
from app.extensions import db
from app.quiz.bank.models import Question
from app.quiz.bank.services import banks, categories, questions
from app.quiz.bank.services.holds import holds_for
from app.quiz.exams import withheld as published
from app.quiz.exams.services import assembly, attempts, audience, exams, withheld
from tests.factories import make_team, make_user
from tests.quiz.bank.factories import make_bank, make_question
from tests.quiz.exams.factories import make_exam

T0 = datetime(2026, 3, 2, 2, 0)
HOUR = timedelta(hours=1)


@pytest.fixture
def clock():
    with time_machine.travel(T0.replace(tzinfo=UTC), tick=False) as traveller:
        yield traveller


@pytest.fixture
def paper(app):
    bank = make_bank("规则题库")
    return [make_question(bank, t) for t in ("single", "multiple", "judge", "blank")]


def lineages(qs) -> set[int]:
    return {q.lineage_id for q in qs}


def test_an_open_exam_withholds_its_paper_from_its_audience_only(clock, cadre, paper):
    outsider = make_user("cadre", make_team("别的单位"))
    make_exam(questions=paper, users=[cadre])
    assert withheld.withheld_lineages(cadre) == lineages(paper)
    assert withheld.withheld_lineages(outsider) == set()
    # the SQL form says the same
    ids = set(db.session.scalars(withheld.withheld_lineages_query(cadre)))
    assert ids == lineages(paper)
    # the published module is the same rule
    assert published.withheld_lineages(cadre) == lineages(paper)
    assert published.is_withheld(cadre, paper[0])


def test_team_and_rank_audiences_count(clock, cadre, exam_team, paper):
    child = make_team("下级单位", parent=exam_team)
    member = make_user("cadre", child)
    make_exam(questions=paper, teams=[exam_team])
    assert withheld.withheld_lineages(member) == lineages(paper)


@pytest.mark.parametrize("kind", ["practice", "daily"])
def test_practice_and_daily_exams_withhold_nothing(clock, cadre, paper, kind):
    make_exam(questions=paper, users=[cadre], kind=kind)
    assert withheld.withheld_lineages(cadre) == set()


def test_a_draft_withholds_nothing_an_upcoming_exam_does(clock, cadre, paper):
    draft = make_exam(questions=paper[:2], users=[cadre], publish=False)
    assert withheld.withheld_lineages(cadre) == set()
    make_exam(questions=paper[2:], users=[cadre], opens_at=T0 + 24 * HOUR, closes_at=T0 + 48 * HOUR)
    assert withheld.withheld_lineages(cadre) == lineages(paper[2:])
    assert draft.status == "draft"


@pytest.mark.parametrize(
    ("policy", "kept"), [("after_close", False), ("after_submit", False), ("never", True)]
)
def test_after_the_close_only_never_keeps_it(clock, cadre, paper, policy, kept):
    exam = make_exam(questions=paper, users=[cadre], review_policy=policy, closes_at=T0 + HOUR)
    assert withheld.withheld_lineages(cadre) == lineages(paper)
    clock.move_to((T0 + 2 * HOUR).replace(tzinfo=UTC))
    assert (withheld.withheld_lineages(cadre) == lineages(paper)) is kept
    exams.close_exam(None, exam)
    assert (withheld.withheld_lineages(cadre) == lineages(paper)) is kept


def test_closing_early_releases_an_after_close_exam(clock, cadre, paper):
    exam = make_exam(questions=paper, users=[cadre])
    exams.close_exam(None, exam)
    assert exam.status == "closed"
    assert withheld.withheld_lineages(cadre) == set()


def test_a_sitting_in_its_grace_after_the_close_keeps_it_from_its_cadre(
    clock, cadre, other_cadre, paper
):
    exam = make_exam(questions=paper, users=[cadre, other_cadre], closes_at=T0 + HOUR)
    attempts.start_attempt(cadre, exam)
    clock.move_to((T0 + HOUR + timedelta(seconds=10)).replace(tzinfo=UTC))
    assert withheld.withheld_lineages(cadre) == lineages(paper)
    assert withheld.withheld_lineages(other_cadre) == set()


def test_a_cadre_who_sat_it_stays_covered_when_the_audience_changes(
    clock, cadre, other_cadre, paper
):
    exam = make_exam(questions=paper, users=[cadre])
    attempt, _created = attempts.start_attempt(cadre, exam)
    attempts.submit_attempt(attempt)
    audience.set_audience(None, exam, users=[other_cadre])
    assert withheld.withheld_lineages(cadre) == lineages(paper)


def test_administrators_are_never_withheld_from(clock, exam_admin, paper):
    make_exam(questions=paper, users=[exam_admin])
    assert withheld.withheld_lineages(exam_admin) == set()
    assert withheld.withheld_lineages(None) == set()


def test_every_version_of_a_paper_question_is_withheld(clock, cadre, other_cadre, paper):
    exam = make_exam(questions=paper, users=[cadre, other_cadre])
    attempts.start_attempt(other_cadre, exam)  # the question is in use: an edit makes v2
    first = paper[0]
    newer = questions.update_question(
        None,
        first,
        type=first.type,
        stem="改过的题干（ ）",
        options=list(first.options),
        answer=first.answer,
        explanation=first.explanation,
        difficulty=first.difficulty,
        category=first.category,
    )
    assert newer.id != paper[0].id and newer.lineage_id == paper[0].id
    served = db.session.scalars(
        select(Question.id).where(Question.lineage_id == paper[0].id, withheld.not_withheld(cadre))
    ).all()
    assert served == []
    assert withheld.is_withheld(cadre, newer)


def test_a_first_version_with_a_null_lineage_is_its_own_lineage(clock, cadre, paper):
    db.session.execute(update(Question).where(Question.id == paper[0].id).values(lineage_id=None))
    db.session.expire_all()
    make_exam(questions=[db.session.get(Question, paper[0].id)], users=[cadre])
    assert withheld.withheld_lineages(cadre) == {paper[0].id}
    left = db.session.scalars(
        select(Question.id).where(
            Question.id.in_([q.id for q in paper]), withheld.not_withheld(cadre)
        )
    ).all()
    assert sorted(left) == sorted(q.id for q in paper[1:])


def test_a_rules_exam_withholds_its_whole_draw_pool(clock, cadre):
    bank = make_bank("抽题题库")
    root = categories.create_category(None, bank, name="考点")
    child = categories.create_category(None, bank, name="细目", parent=root)
    aside = categories.create_category(None, bank, name="其他")
    in_root = make_question(bank, "single", category=root, difficulty=2)
    in_child = make_question(bank, "single", category=child, difficulty=3)
    retired = make_question(bank, "single", category=child, difficulty=3)
    too_hard = make_question(bank, "single", category=root, difficulty=5)
    other_type = make_question(bank, "judge", category=root, difficulty=2)
    elsewhere = make_question(bank, "single", category=aside, difficulty=2)
    other_bank = make_question(make_bank("别的题库"), "single", difficulty=2)
    exam = make_exam(questions=[], users=[cadre], assembly="rules", publish=False)
    assembly.set_rules(
        None,
        exam,
        [
            {
                "bank": bank,
                "category": root,
                "type": "single",
                "difficulty_min": 1,
                "difficulty_max": 3,
                "count": 2,
                "points_each": 1,
            }
        ],
    )
    exams.publish_exam(None, exam)
    questions.retire_question(None, retired)
    held = withheld.withheld_lineages(cadre)
    # a retired one may have been drawn already: still covered
    assert held == {in_root.id, in_child.id, retired.id}
    assert not held & {too_hard.id, other_type.id, elsewhere.id, other_bank.id}


def test_except_exam_leaves_out_only_that_exams_own(clock, cadre, paper):
    first = make_exam(questions=paper[:3], users=[cadre])
    make_exam(questions=paper[2:], users=[cadre])
    assert withheld.withheld_lineages(cadre, except_exam_id=first.id) == lineages(paper[2:])


# ---------------------------------------------------------------- the bank page's hook


def test_the_bank_hook_says_who_holds_it_back_and_until_when(clock, cadre, paper):
    bank = paper[0].bank
    open_exam = make_exam(questions=paper[:2], users=[cadre], title="开放中", closes_at=T0 + HOUR)
    make_exam(questions=paper[2:], users=[cadre], title="永不公布", review_policy="never")
    make_exam(questions=paper, users=[cadre], title="草稿", publish=False)
    holds = {hold.title: hold for hold in holds_for(bank)}
    assert set(holds) == {"开放中", "永不公布"}
    assert holds["开放中"].until == open_exam.closes_at and not holds["开放中"].forever
    assert holds["永不公布"].forever
    # closed, one sitting still in its grace: until the answers are out
    attempts.start_attempt(cadre, open_exam)
    clock.move_to((T0 + HOUR + timedelta(seconds=5)).replace(tzinfo=UTC))
    holds = {hold.title: hold for hold in holds_for(bank)}
    assert holds["开放中"].until is None and not holds["开放中"].forever
    assert holds_for(make_bank("空题库")) == []


def test_the_bank_page_lists_the_holding_exams(clock, client, exam_admin, cadre, paper):
    make_exam(questions=paper, users=[cadre], title="年度水平测试", review_policy="never")
    db.session.commit()
    client.login(exam_admin.username)
    page = client.get(f"/admin/questions/banks/{paper[0].bank_id}").get_data(as_text=True)
    assert "年度水平测试" in page and "永久" in page


# ---------------------------------------------------------------- banks kept for practice


def test_an_exam_may_not_use_a_practice_bank(clock, cadre):
    bank = banks.create_bank(None, name="学习专用题库", purpose="practice")
    question = make_question(bank, "single")
    exam = make_exam(questions=[], users=[cadre], publish=False)
    with pytest.raises(DomainError, match="学习专用题库") as refused:
        assembly.add_items(None, exam, [question])
    assert "仅用于练习" in refused.value.message
    rules_exam = make_exam(questions=[], users=[cadre], assembly="rules", publish=False)
    with pytest.raises(DomainError, match="学习专用题库"):
        assembly.set_rules(
            None, rules_exam, [{"bank": bank, "type": "single", "count": 1, "points_each": 1}]
        )


def test_publishing_refuses_a_bank_switched_to_practice(clock, cadre, paper):
    exam = make_exam(questions=paper, users=[cadre], publish=False)
    bank = paper[0].bank
    banks.update_bank(None, bank, name=bank.name, purpose="practice")
    with pytest.raises(DomainError, match=bank.name):
        exams.publish_exam(None, exam)
    assert exam.status == "draft"


def test_an_exam_only_bank_makes_papers(clock, cadre):
    bank = banks.create_bank(None, name="考试专用题库", purpose="exam")
    exam = make_exam(questions=[make_question(bank, "single")], users=[cadre])
    assert exam.status == "published"
