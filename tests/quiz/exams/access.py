"""Exams: cadres sit their own attempts (another person's is "not found"); administrators
run exams. The world: two published exams for team A (the cadre's and the secretary's),
the cadre with a submitted attempt on the first and one in progress on the second."""

from app.notify import services as notifications
from app.quiz.exams.models import AttemptAnswer
from app.quiz.exams.services import attempts
from tests.access import ADMIN_ONLY, LOGIN, Route, with_status
from tests.quiz.exams.factories import make_exam, make_paper

ADMIN_REDIRECT = with_status(ADMIN_ONLY, 302)
API_LOGIN = 401  # the JSON API answers 401 instead of redirecting


def own(status: int, *, anon: int = LOGIN) -> dict[str, int]:
    """The cadre's own object: the cadre gets ``status``, the other cadres "not found",
    administrators (not cadres) 403."""
    return {"anon": anon, "cadre": status, "other_sec": 404, "sec": 404, "admin": 403}


def cadres(status: int, *, anon: int = LOGIN, other_sec: int | None = None) -> dict[str, int]:
    other = status if other_sec is None else other_sec
    return {"anon": anon, "cadre": status, "other_sec": other, "sec": status, "admin": 403}


def setup_world(users) -> dict:
    cadre, admin = users["cadre"], users["admin"]
    team = cadre.team
    paper = make_paper()
    done_exam = make_exam(questions=paper, teams=[team], title="矩阵考试一", actor=admin)
    open_exam = make_exam(teams=[team], title="矩阵考试二", actor=admin)
    done, _ = attempts.start_attempt(cadre, done_exam)
    essay = next(i for i in done.items if i.question.type == "essay")
    attempts.save_answer(cadre, done.id, essay.question_id, "矩阵作答")
    attempts.submit_attempt(done)
    answer = next(a for a in done.answers if a.question_id == essay.question_id)
    assert isinstance(answer, AttemptAnswer)
    current, _ = attempts.start_attempt(cadre, open_exam)
    note = notifications.notify(cadre, "矩阵通知", f"/exams/attempts/{done.id}/result")
    from app.extensions import db

    db.session.flush()
    return {
        "exam_id": done_exam.id,
        "open_exam_id": open_exam.id,
        "exam_done_attempt_id": done.id,
        "exam_attempt_id": current.id,
        "exam_question_id": current.items[0].question_id,
        "exam_answer_id": answer.id,
        "exam_regrade_question_id": paper[0].id,
        "exam_notification_id": note.id,
    }


E = "/exams"
A = "/admin/exams"
API = "/api/v1"
ROUTES = [
    # cadres
    Route("quiz.my_exams", f"{E}/", expect=cadres(200)),
    Route("quiz.exam", E + "/{exam_id}", expect=cadres(200, other_sec=404)),
    # starting always ends in a redirect: to the exam page (refused) or the new attempt
    Route("quiz.start_exam", E + "/{exam_id}/start", "POST", data={}, expect=cadres(302)),
    Route("quiz.take_attempt", E + "/attempts/{exam_attempt_id}", expect=own(200)),
    Route("quiz.attempt_result", E + "/attempts/{exam_done_attempt_id}/result", expect=own(200)),
    # the JSON API
    Route("quiz_api.list_exams", f"{API}/exams", expect=cadres(200, anon=API_LOGIN)),
    Route(
        "quiz_api.start_attempt",
        API + "/exams/{open_exam_id}/attempts",
        "POST",
        json={},
        # the cadre resumes (200), the secretary of team A starts (201), team B is not invited
        expect={"anon": API_LOGIN, "cadre": 200, "other_sec": 404, "sec": 201, "admin": 403},
    ),
    Route("quiz_api.attempt_state", API + "/attempts/{exam_attempt_id}", expect=own(200, anon=401)),
    Route(
        "quiz_api.save_answer",
        API + "/attempts/{exam_attempt_id}/answers/{exam_question_id}",
        "PUT",
        json={"response": None, "seq": 1},
        expect=own(200, anon=API_LOGIN),
    ),
    Route(
        "quiz_api.submit_attempt",
        API + "/attempts/{exam_done_attempt_id}/submit",
        "POST",
        json={},
        expect=own(200, anon=API_LOGIN),
    ),
    Route(
        "quiz_api.attempt_result",
        API + "/attempts/{exam_done_attempt_id}/result",
        expect=own(200, anon=API_LOGIN),
    ),
    Route(
        "quiz_api.flag_question",
        API + "/attempts/{exam_attempt_id}/flags/{exam_question_id}",
        "PUT",
        json={"flagged": True},
        expect=own(200, anon=API_LOGIN),
    ),
    Route(
        "quiz_api.attempt_event",
        API + "/attempts/{exam_attempt_id}/events",
        "POST",
        json={"kind": "focus_lost"},
        expect=own(200, anon=API_LOGIN),
    ),
    # notifications: one's own only
    Route(
        "notify.open_notification",
        "/notifications/{exam_notification_id}",
        expect={"anon": LOGIN, "cadre": 302, "other_sec": 404, "sec": 404, "admin": 404},
    ),
    # administrators
    Route("exams_admin.exams_list", f"{A}/", expect=ADMIN_ONLY),
    Route("exams_admin.new_exam", f"{A}/new", expect=ADMIN_ONLY),
    # an empty form re-renders with its errors
    Route("exams_admin.new_exam", f"{A}/new", "POST", data={}, expect=ADMIN_ONLY),
    Route("exams_admin.exam", A + "/{exam_id}", expect=ADMIN_ONLY),
    Route("exams_admin.edit_exam", A + "/{exam_id}/edit", expect=ADMIN_ONLY),
    # a POST without fields keeps the current values: saved, redirected
    Route("exams_admin.edit_exam", A + "/{exam_id}/edit", "POST", data={}, expect=ADMIN_REDIRECT),
    Route("exams_admin.paper", A + "/{exam_id}/paper", expect=ADMIN_ONLY),
    # a published paper cannot change: refused with a message, redirected
    Route("exams_admin.paper", A + "/{exam_id}/paper", "POST", data={}, expect=ADMIN_REDIRECT),
    Route("exams_admin.preview", A + "/{exam_id}/preview", expect=ADMIN_ONLY),
    Route(
        "exams_admin.publish_exam", A + "/{exam_id}/publish", "POST", data={}, expect=ADMIN_REDIRECT
    ),
    Route("exams_admin.close_exam", A + "/{exam_id}/close", "POST", data={}, expect=ADMIN_REDIRECT),
    Route(
        "exams_admin.delete_exam", A + "/{exam_id}/delete", "POST", data={}, expect=ADMIN_REDIRECT
    ),
    Route("exams_admin.attempts", A + "/{exam_id}/attempts", expect=ADMIN_ONLY),
    Route("exams_admin.attempt", A + "/attempts/{exam_attempt_id}", expect=ADMIN_ONLY),
    Route(
        "exams_admin.extend_attempt",
        A + "/attempts/{exam_attempt_id}/extend",
        "POST",
        data={"minutes": "5"},
        expect=ADMIN_REDIRECT,
    ),
    Route("exams_admin.grading", f"{A}/grading", expect=ADMIN_ONLY),
    Route("exams_admin.grade_answer", A + "/answers/{exam_answer_id}/grade", expect=ADMIN_ONLY),
    Route(
        "exams_admin.grade_answer",
        A + "/answers/{exam_answer_id}/grade",
        "POST",
        data={},
        expect=ADMIN_ONLY,
    ),
    Route(
        "exams_admin.regrade_question",
        A + "/regrade/{exam_regrade_question_id}",
        expect=ADMIN_ONLY,
    ),
    Route(
        "exams_admin.regrade_question",
        A + "/regrade/{exam_regrade_question_id}",
        "POST",
        data={},
        expect=ADMIN_REDIRECT,
    ),
    Route("exams_admin.analysis_page", A + "/{exam_id}/analysis", expect=ADMIN_ONLY),
    Route("exams_admin.analysis_xlsx", A + "/{exam_id}/analysis.xlsx", expect=ADMIN_ONLY),
]
