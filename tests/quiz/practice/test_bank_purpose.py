"""Practice, the daily quiz and mistake runs draw only from banks kept for practice
(``both`` or ``practice``); a bank switched to exam-only stops answering and showing keys."""

from __future__ import annotations

from datetime import date

import pytest

from app.common.errors import DomainError
from app.extensions import db
from app.quiz.bank.services import banks
from app.quiz.practice.services import daily, mistakes, practice
from tests.factories import make_user
from tests.quiz.bank.factories import make_question
from tests.quiz.practice.factories import wrong_response

TYPES = ("single", "multiple", "judge", "blank")


@pytest.fixture
def cadre(app):
    return make_user("cadre", username="pcadre")


def filled(name: str, purpose: str, n: int = 4):
    bank = banks.create_bank(None, name=name, purpose=purpose)
    return bank, [make_question(bank, TYPES[i % 4], explanation=f"{name}解析") for i in range(n)]


@pytest.fixture
def three(app):
    return {purpose: filled(f"{purpose}题库", purpose) for purpose in ("both", "exam", "practice")}


def test_practice_lists_and_draws_only_practice_banks(cadre, three):
    listed = {bank.purpose for bank, _n in practice.banks_with_questions(cadre)}
    assert listed == {"both", "practice"}
    for purpose in ("both", "practice"):
        bank, qs = three[purpose]
        run = practice.start_practice(cadre, bank, [], 30)
        assert set(run.question_ids) == {q.id for q in qs}


def test_practice_on_an_exam_bank_is_refused_naming_it(cadre, three):
    bank, _qs = three["exam"]
    with pytest.raises(DomainError, match="exam题库") as refused:
        practice.start_practice(cadre, bank, [], 10)
    assert "仅用于考试" in refused.value.message


def test_the_practice_page_offers_no_exam_bank(client, cadre, three):
    db.session.commit()
    client.login(cadre.username)
    page = client.get("/practice/").get_data(as_text=True)
    assert "both题库" in page and "practice题库" in page and "exam题库" not in page
    bank, _qs = three["exam"]
    response = client.post_form("/practice/", {"bank": str(bank.id), "count": "10"})
    assert response.status_code == 422 and "仅用于考试" in response.get_data(as_text=True)


def test_the_daily_quiz_leaves_exam_banks_out_even_when_named(app, cadre, three, monkeypatch):
    monkeypatch.setitem(app.config, "DAILY_QUIZ_SIZE", 50)
    everything = set(daily.quiz_for(cadre, date(2024, 5, 1)).session.question_ids)
    assert everything == {q.id for p in ("both", "practice") for q in three[p][1]}
    # DAILY_QUIZ_BANKS still narrows the choice among the practice banks …
    monkeypatch.setitem(app.config, "DAILY_QUIZ_BANKS", "practice题库")
    named = set(daily.quiz_for(cadre, date(2024, 5, 2)).session.question_ids)
    assert named == {q.id for q in three["practice"][1]}
    # … and naming an exam-only bank does not put it back
    monkeypatch.setitem(app.config, "DAILY_QUIZ_BANKS", "exam题库,both题库")
    mixed = set(daily.quiz_for(cadre, date(2024, 5, 3)).session.question_ids)
    assert mixed == {q.id for q in three["both"][1]}


def test_a_bank_switched_to_exam_only_stops_answering_and_hides_keys(cadre, three):
    bank, qs = three["both"]
    run = practice.start_practice(cadre, bank, [], 30)
    practice.answer(cadre, run, qs[0].id, wrong_response(qs[0]))
    banks.update_bank(None, bank, name=bank.name, purpose="exam")
    with pytest.raises(practice.AnswerRefused) as refused:
        practice.answer(cadre, run, qs[1].id, wrong_response(qs[1]))
    assert refused.value.reason == "withheld"
    feedback = practice.session_feedback(cadre, run)[qs[0].id]
    assert feedback.withheld and feedback.correct_answer is None
    assert str(feedback.explanation_html) == ""
    # and the mistake book's run has nothing left to practise
    assert mistakes.open_lineages(cadre) == [qs[0].lineage_id]
    with pytest.raises(DomainError, match="暂时都不能练习"):
        practice.start_practice(cadre, None, [], 10, from_mistakes=True)
