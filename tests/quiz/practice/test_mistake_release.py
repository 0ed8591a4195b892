"""A test's misses reach the mistake book (错题本) only when its review policy shows the
answers: at submit, once the test has closed (scheduler job, opening the book, closing
early), or never; essays marked and regrades done before that go out with the release."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import time_machine
from sqlalchemy import event, func, select

from app.extensions import db
from app.notify.jobs import registered_jobs
from app.quiz.bank.services import questions
from app.quiz.exams import hooks as listeners
from app.quiz.exams.jobs import release_mistakes
from app.quiz.exams.models import Attempt
from app.quiz.exams.services import attempts, exams, marking, regrade
from app.quiz.practice.models import MistakeEntry
from app.quiz.practice.services import mistakes
from tests.quiz.bank.factories import make_bank, make_question
from tests.quiz.exams.factories import make_exam

T0 = datetime(2026, 9, 1, 1, 0, 0)  # 09:00 in Shanghai
CLOSES = T0 + timedelta(hours=2)


@pytest.fixture
def clock(app):
    with time_machine.travel(T0, tick=False) as traveller:
        yield traveller


@pytest.fixture
def heard(app):
    """What the graded-answer listeners are told: (question id, correct, source)."""
    got: list[tuple[int, bool, str]] = []

    def spy(user, graded, source):
        got.extend((question.id, correct, source) for question, correct in graded)

    listeners.register_answer_graded_listener(spy)
    yield got
    listeners.unregister_answer_graded_listener(spy)


def _judges(n: int) -> list:
    bank = make_bank()
    return [make_question(bank, "judge", answer=True) for _ in range(n)]


def _exam(paper, cadres, review_policy: str):
    return make_exam(
        questions=paper,
        users=cadres,
        review_policy=review_policy,
        opens_at=T0 - timedelta(hours=1),
        closes_at=CLOSES,
    )


def _sit(user, exam, responses: dict) -> Attempt:
    """Start, save ``{question id: response}``, submit."""
    attempt, _created = attempts.start_attempt(user, exam)
    for question_id, value in responses.items():
        attempts.save_answer(user, attempt.id, question_id, value)
    attempts.submit_attempt(attempt)
    return attempt


def _correct_key(question, answer):
    """An administrator corrects a used question's key; the regrade follows."""
    fields = questions.to_parsed(question).__dict__ | {"answer": answer}
    fields.pop("category")
    latest = questions.update_question(None, question, **fields)
    assert latest.id != question.id  # a used question gets a new version
    regrade.regrade_question(None, latest)
    return latest


def test_after_submit_misses_reach_the_book_at_submit(clock, cadre):
    wrong, right = _judges(2)
    exam = _exam([wrong, right], [cadre], "after_submit")
    attempt = _sit(cadre, exam, {wrong.id: False, right.id: True})
    entry = mistakes.entry_for(cadre, wrong)
    assert (entry.misses, entry.last_source) == (1, "exam")
    assert mistakes.entry_for(cadre, right) is None
    assert attempt.mistakes_released is True
    assert release_mistakes() == 0  # nothing left for the job
    assert mistakes.entry_for(cadre, wrong).misses == 1


def test_after_close_waits_for_the_close_and_the_job_releases_once(clock, cadre):
    (q,) = _judges(1)
    exam = _exam([q], [cadre], "after_close")
    attempt = _sit(cadre, exam, {q.id: False})
    assert mistakes.entry_for(cadre, q) is None
    assert attempt.mistakes_released is False
    assert release_mistakes() == 0  # still open: the cadre may have attempts left
    assert mistakes.entry_for(cadre, q) is None

    clock.move_to(CLOSES)
    assert release_mistakes() == 1
    assert mistakes.entry_for(cadre, q).misses == 1
    assert db.session.get(Attempt, attempt.id).mistakes_released is True
    assert release_mistakes() == 0
    assert listeners.release([attempt.id]) == 0  # a second release changes nothing
    assert mistakes.entry_for(cadre, q).misses == 1


def test_the_release_job_is_scheduled():
    spec = next(j for j in registered_jobs() if j.id == "exams.release_mistakes")
    assert spec.trigger == "interval" and spec.options == {"minutes": 5}


def test_opening_the_mistake_book_releases_a_closed_tests_misses(
    app, clock, cadre, other_cadre, client
):
    (q,) = _judges(1)
    exam = _exam([q], [cadre, other_cadre], "after_close")
    mine = _sit(cadre, exam, {q.id: False})
    theirs = _sit(other_cadre, exam, {q.id: False})
    db.session.commit()
    client.login(cadre.username)
    page = client.get("/mistakes/")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert q.stem[:8] not in text
    assert "考试的错题在该考试公布答案后记入" in text  # the note that tells why

    clock.move_to(CLOSES + timedelta(minutes=1))  # before the job's next run
    page = client.get("/mistakes/")
    assert page.status_code == 200
    assert q.stem[:8] in page.get_data(as_text=True)
    db.session.expire_all()
    assert mistakes.entry_for(cadre, q).misses == 1
    assert db.session.get(Attempt, mine.id).mistakes_released is True
    # only the reader's own sittings: a colleague's wait for the job or their own visit
    assert mistakes.entry_for(other_cadre, q) is None
    assert db.session.get(Attempt, theirs.id).mistakes_released is False
    assert client.get("/mistakes/").status_code == 200
    assert mistakes.entry_for(cadre, q).misses == 1


def test_closing_early_releases_at_once(clock, cadre, other_cadre, exam_admin):
    (q,) = _judges(1)
    exam = _exam([q], [cadre, other_cadre], "after_close")
    _sit(cadre, exam, {q.id: False})
    late, _created = attempts.start_attempt(other_cadre, exam)
    attempts.save_answer(other_cadre, late.id, q.id, False)
    exams.close_exam(exam_admin, exam)
    assert mistakes.entry_for(cadre, q).misses == 1
    assert mistakes.entry_for(other_cadre, q) is None  # still in its grace
    # the sitting in progress is submitted after the close: released at submit
    clock.move_to(T0 + timedelta(minutes=1))
    attempts.settle(late)
    assert late.mistakes_released is True
    assert mistakes.entry_for(other_cadre, q).misses == 1


def test_never_keeps_misses_out_of_the_book(clock, cadre, exam_admin, client):
    (q,) = _judges(1)
    exam = _exam([q], [cadre], "never")
    attempt = _sit(cadre, exam, {q.id: False})
    exams.close_exam(exam_admin, exam)
    clock.move_to(CLOSES + timedelta(days=1))
    assert release_mistakes() == 0
    db.session.commit()
    client.login(cadre.username)
    page = client.get("/mistakes/")
    assert q.stem[:8] not in page.get_data(as_text=True)
    assert mistakes.entry_for(cadre, q) is None
    assert db.session.get(Attempt, attempt.id).mistakes_released is False


def test_an_essay_marked_before_the_release_goes_out_with_it(clock, cadre, exam_admin, heard):
    bank = make_bank()
    judge, essay = make_question(bank, "judge", answer=True), make_question(bank, "essay")
    exam = _exam([judge, essay], [cadre], "after_close")
    attempt = _sit(cadre, exam, {judge.id: False, essay.id: "我的论述"})
    essay_answer = next(a for a in attempt.answers if a.question_id == essay.id)
    assert essay_answer.score is None  # waits for a person
    marking.grade_essay(exam_admin, essay_answer, "1")  # full marks
    assert heard == []  # the test is open: nothing goes out yet

    exams.close_exam(exam_admin, exam)
    assert sorted(heard) == sorted([(judge.id, False, "exam"), (essay.id, True, "exam")])
    heard.clear()
    marking.grade_essay(exam_admin, essay_answer, "0")  # re-marked after the release
    assert heard == [(essay.id, False, "regrade")]


def test_a_regrade_before_the_release_is_read_by_it(clock, cadre, exam_admin):
    (q,) = _judges(1)  # the key says True
    exam = _exam([q], [cadre], "after_close")
    _sit(cadre, exam, {q.id: True})
    v2 = _correct_key(q, False)  # the cadre's True is now wrong
    assert mistakes.entry_for(cadre, q) is None  # not released: the regrade tells no one

    exams.close_exam(exam_admin, exam)
    entry = mistakes.entry_for(cadre, q)
    assert entry.misses == 1 and entry.question_id == v2.id

    _correct_key(v2, True)  # after the release a regrade is announced: right again
    assert mistakes.entry_for(cadre, q) is None


def test_the_release_batches_existing_and_new_entries(clock, cadre):
    mastered, fresh_a, fresh_b, right = _judges(4)
    mistakes.record_answer(cadre, mastered, False, "practice")
    for _ in range(3):
        mistakes.record_answer(cadre, mastered, True, "practice", from_book=True)
    assert mistakes.entry_for(cadre, mastered).mastered
    mistakes.record_answer(cadre, right, False, "daily")
    exam = _exam([mastered, fresh_a, fresh_b, right], [cadre], "after_submit")
    attempt, _created = attempts.start_attempt(cadre, exam)
    for q, value in ((mastered, False), (fresh_a, False), (fresh_b, False), (right, True)):
        attempts.save_answer(cadre, attempt.id, q.id, value)

    selects = []

    def count(conn, cursor, statement, parameters, context, executemany):
        if statement.lstrip().upper().startswith("SELECT") and "mistake_entries" in statement:
            selects.append(statement)

    engine = db.session.connection().engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        attempts.submit_attempt(attempt)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert len(selects) == 1  # one look-up for the whole paper, not one per answer

    again = mistakes.entry_for(cadre, mastered)
    assert (again.misses, again.correct_streak, again.mastered, again.last_source) == (
        2,
        0,
        False,
        "exam",
    )
    for q in (fresh_a, fresh_b):
        entry = mistakes.entry_for(cadre, q)
        assert (entry.misses, entry.last_source, entry.first_missed_at) == (1, "exam", T0)
    kept = mistakes.entry_for(cadre, right)
    assert (kept.misses, kept.last_source) == (1, "daily")  # a right answer changes nothing


def test_a_concurrent_insert_falls_back_one_entry_at_a_time(app, cadre, monkeypatch):
    raced, fresh = _judges(2)
    mistakes.record_answer(cadre, raced, False, "practice")
    # as if another request inserted ``raced``'s entry after this one looked
    monkeypatch.setattr(mistakes, "_entries_for", lambda user, lineages: {})
    mistakes.record_answers(cadre, [(raced, False), (fresh, False)], "exam")
    monkeypatch.undo()
    db.session.expire_all()
    assert mistakes.entry_for(cadre, raced).misses == 2
    assert mistakes.entry_for(cadre, fresh).misses == 1
    count = select(func.count(MistakeEntry.id)).where(MistakeEntry.user_id == cadre.id)
    assert db.session.scalar(count) == 2
