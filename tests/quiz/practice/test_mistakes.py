"""错题本: misses counted, mastery after three right answers in a row from the book, reset
by a miss, one entry across question versions, and the page."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.quiz.bank.services import questions
from app.quiz.exams import hooks
from app.quiz.exams.services import attempts
from app.quiz.practice.models import MistakeEntry
from app.quiz.practice.services import mistakes, practice
from tests.factories import make_user
from tests.quiz.bank.factories import make_bank, make_question
from tests.quiz.exams.factories import make_exam
from tests.quiz.practice.factories import right_response, wrong_response


@pytest.fixture
def cadre(app):
    return make_user("cadre", username="mcadre")


@pytest.fixture
def question(app):
    return make_question(make_bank(), "single", explanation="解析", source="第一部分")


def test_a_wrong_answer_adds_an_entry_and_counts_misses(cadre, question):
    entry = mistakes.record_answer(cadre, question, False, "practice")
    assert (entry.misses, entry.correct_streak, entry.last_source) == (1, 0, "practice")
    assert entry.lineage_id == question.lineage_id and entry.question_id == question.id
    again = mistakes.record_answer(cadre, question, False, "exam")
    assert again is entry
    assert (entry.misses, entry.last_source) == (2, "exam")
    assert db.session.query(MistakeEntry).count() == 1


def test_a_right_answer_outside_the_book_changes_nothing(cadre, question):
    assert mistakes.record_answer(cadre, question, True, "practice") is None
    assert mistakes.entry_for(cadre, question) is None
    entry = mistakes.record_answer(cadre, question, False, "daily")
    mistakes.record_answer(cadre, question, True, "exam")
    mistakes.record_answer(cadre, question, True, "daily")
    assert (entry.correct_streak, entry.mastered) == (0, False)


def test_three_right_in_a_row_from_the_book_master_it(cadre, question):
    entry = mistakes.record_answer(cadre, question, False, "practice")
    for streak in (1, 2):
        mistakes.record_answer(cadre, question, True, "practice", from_book=True)
        assert (entry.correct_streak, entry.mastered) == (streak, False)
    mistakes.record_answer(cadre, question, True, "practice", from_book=True)
    assert entry.mastered and entry.mastered_at is not None
    assert mistakes.counts(cadre) == mistakes.BookCounts(open=0, mastered=1)


def test_a_miss_resets_the_streak_and_unmasters(cadre, question):
    entry = mistakes.record_answer(cadre, question, False, "practice")
    for _ in range(2):
        mistakes.record_answer(cadre, question, True, "practice", from_book=True)
    mistakes.record_answer(cadre, question, False, "practice")
    assert (entry.misses, entry.correct_streak) == (2, 0)
    for _ in range(3):
        mistakes.record_answer(cadre, question, True, "practice", from_book=True)
    assert entry.mastered
    mistakes.record_answer(cadre, question, False, "exam")
    assert not entry.mastered and (entry.misses, entry.correct_streak) == (3, 0)
    assert mistakes.counts(cadre).open == 1


def test_a_new_version_continues_the_same_entry(cadre, question, in_use):
    entry = mistakes.record_answer(cadre, question, False, "exam")
    in_use.add(question.id)
    fields = questions.to_parsed(question).__dict__ | {"stem": "修改后的题干（ ）"}
    fields.pop("category")
    v2 = questions.update_question(None, question, **fields)
    assert v2.id != question.id and v2.lineage_id == question.lineage_id
    assert mistakes.record_answer(cadre, v2, False, "practice") is entry
    assert (entry.misses, entry.question_id) == (2, v2.id)
    # an exam that drew the old version before the edit does not move the entry back
    mistakes.record_answer(cadre, question, False, "exam")
    assert (entry.misses, entry.question_id) == (3, v2.id)
    assert db.session.query(MistakeEntry).count() == 1
    # practising the book draws the latest version
    run = practice.start_practice(cadre, None, [], 5, from_mistakes=True)
    assert run.question_ids == [v2.id]


def test_each_cadre_has_their_own_book(cadre, question):
    other = make_user("cadre", username="mother")
    mistakes.record_answer(cadre, question, False, "practice")
    mistakes.record_answer(other, question, False, "practice")
    mistakes.record_answer(other, question, False, "practice")
    mine, theirs = mistakes.entry_for(cadre, question), mistakes.entry_for(other, question)
    assert mine is not theirs and (mine.misses, theirs.misses) == (1, 2)


def test_unknown_source_is_a_programming_error(cadre, question):
    with pytest.raises(ValueError):
        mistakes.record_answer(cadre, question, False, "quiz")


def test_the_exam_listener_records_misses(cadre, question):
    mistakes.on_exam_answers_graded(cadre, [(question, False)], "exam")
    mistakes.on_exam_answers_graded(cadre, [(question, True)], "exam")
    entry = mistakes.entry_for(cadre, question)
    assert (entry.misses, entry.last_source, entry.correct_streak) == (1, "exam", 0)


def test_practice_answers_feed_the_book(cadre):
    bank = make_bank()
    q = make_question(bank, "judge", answer=False)
    run = practice.start_practice(cadre, bank, [], 5)
    practice.answer(cadre, run, q.id, wrong_response(q))
    entry = mistakes.entry_for(cadre, q)
    assert (entry.misses, entry.last_source) == (1, "practice")
    again = practice.start_practice(cadre, None, [], 5, from_mistakes=True)
    assert again.kind == "mistakes"
    practice.answer(cadre, again, q.id, right_response(q))
    assert entry.correct_streak == 1


def test_mistake_practice_needs_open_entries(cadre, question):
    with pytest.raises(practice.DomainError) as caught:
        practice.start_practice(cadre, None, [], 5, from_mistakes=True)
    assert caught.value.field == "from_mistakes"


# ------------------------------------------------------------------ the page


@pytest.fixture
def logged_in(client, cadre):
    db.session.commit()
    assert client.login(cadre.username).status_code == 302
    return client


def test_the_page_lists_open_entries_with_misses_and_progress(logged_in, cadre):
    bank = make_bank()
    open_q = make_question(bank, "single", stem="尚未掌握的题干（ ）", source="第二部分")
    done_q = make_question(bank, "judge", stem="已经掌握的题干")
    for _ in range(2):
        mistakes.record_answer(cadre, open_q, False, "daily")
    mistakes.record_answer(cadre, open_q, True, "practice", from_book=True)
    mistakes.record_answer(cadre, done_q, False, "exam")
    for _ in range(3):
        mistakes.record_answer(cadre, done_q, True, "practice", from_book=True)
    db.session.commit()
    page = logged_in.get("/mistakes/").get_data(as_text=True)
    assert "尚未掌握的题干" in page and "已经掌握的题干" not in page
    assert "答错 2 次" in page and "巩固进度 1 / 3" in page and "出处：第二部分" in page
    assert "练习这些错题" in page
    mastered = logged_in.get("/mistakes/?show=mastered").get_data(as_text=True)
    assert "已经掌握的题干" in mastered and "尚未掌握的题干" not in mastered
    everything = logged_in.get("/mistakes/?show=all").get_data(as_text=True)
    assert "已经掌握的题干" in everything and "尚未掌握的题干" in everything


def test_the_page_links_the_source_lesson(logged_in, cadre):
    from app.courses.services import content

    course = content.create_course(
        None, slug="pb", title="政治建设", published=True, open_to_all=True
    )
    content.create_lesson(
        None,
        course,
        slug="theory",
        title="理论学习",
        body="# 理论学习\n\n## 中心组 {#centre}\n\n内容",
    )
    q = make_question(make_bank(), "single", source_lesson="pb/theory#centre", source="原文")
    mistakes.record_answer(cadre, q, False, "practice")
    db.session.commit()
    page = logged_in.get("/mistakes/").get_data(as_text=True)
    assert 'href="/courses/pb/theory#centre"' in page


def _card(page: str, stem_part: str) -> str:
    start = page.index(stem_part)
    return page[start : page.index("</article>", start)]


def test_the_page_shows_the_answer_given_the_key_and_explanation_folded(logged_in, cadre):
    q = make_question(
        make_bank(), "single", stem="错题回顾的题干", answer=[1], explanation="解析正文"
    )
    run = practice.start_practice(cadre, q.bank, [], 1)
    practice.answer(cadre, run, q.id, 2)  # 丙, the key is 乙
    db.session.commit()
    card = _card(logged_in.get("/mistakes/").get_data(as_text=True), "错题回顾的题干")
    assert "A. 甲" in card and "C. 丙" in card
    assert "data-your-answer>C<" in card and "data-key>B<" in card and "解析正文" in card
    # folded: re-practising the book should not start with the key in sight
    assert '<details class="small mb-2 xk-mistake-key">' in card


def test_an_exam_holding_the_question_keeps_its_key_out_of_the_book(logged_in, cadre):
    q = make_question(make_bank(), "judge", stem="考试正在用的题干", explanation="考试的秘密解析")
    mistakes.record_answer(cadre, q, False, "practice")
    make_exam(questions=[q], users=[cadre], review_policy="after_close")
    db.session.commit()
    card = _card(logged_in.get("/mistakes/").get_data(as_text=True), "考试正在用的题干")
    assert "data-withheld" in card
    assert "考试的秘密解析" not in card and "data-key" not in card


def test_an_exam_answer_shows_once_its_review_is_released(logged_in, cadre):
    q = make_question(make_bank(), "judge", stem="考试里答错的题干", answer=True)
    exam = make_exam(questions=[q], users=[cadre], review_policy="after_close")
    attempt, _created = attempts.start_attempt(cadre, exam)
    attempts.save_answer(cadre, attempt.id, q.id, False)
    attempts.submit_attempt(attempt)
    db.session.commit()
    assert "考试里答错的题干" not in logged_in.get("/mistakes/").get_data(as_text=True)
    hooks.release([attempt.id])  # as when the exam closes
    exam.closes_at = exam.opens_at  # closed: it holds the question back no more
    db.session.commit()
    card = _card(logged_in.get("/mistakes/").get_data(as_text=True), "考试里答错的题干")
    assert "data-your-answer>错误<" in card and "data-key>正确<" in card


def test_practise_these_starts_a_run_from_the_book(logged_in, cadre):
    bank = make_bank()
    qs = [make_question(bank, "judge", answer=True) for _ in range(3)]
    for q in qs[:2]:
        mistakes.record_answer(cadre, q, False, "practice")
    db.session.commit()
    response = logged_in.post_form("/mistakes/practice", {"count": "10"})
    assert response.status_code == 302
    run_id = int(response.headers["Location"].rstrip("/").rsplit("/", 1)[-1])
    run = db.session.get(practice.PracticeSession, run_id)
    assert run.kind == "mistakes" and sorted(run.question_ids) == sorted(q.id for q in qs[:2])


def test_practise_these_with_an_empty_book_says_so(logged_in):
    response = logged_in.post_form("/mistakes/practice", {"count": "10"}, follow_redirects=True)
    assert "错题本中没有待巩固的题目" in response.get_data(as_text=True)
