"""Centre-group study pages: members see their team's sessions, the team's secretary runs
them, another team's secretary gets 403, administrators see all and review plans (but do not
run sessions)."""

import tempfile
from datetime import date

from flask import current_app

from app.checkin.services import attendance, lectures, outlines, reflections, selfstudy, sessions
from app.common.timeutil import to_local, utcnow
from tests.access import ADMIN_ONLY, ANY_USER, LOGIN, Route, with_status
from tests.checkin.factories import make_plan, make_session

# team A's pages: its members (the cadre, its secretary) and admins
VIEWERS = {"anon": LOGIN, "cadre": 200, "other_sec": 403, "sec": 200, "admin": 200}
# team A's secretary only: admins review, they do not keep the record
OWN_SECRETARY = {"anon": LOGIN, "cadre": 403, "other_sec": 403, "sec": 200, "admin": 403}
OWN_SECRETARY_ACTION = with_status(OWN_SECRETARY, 302)
# the plan page: team A's secretary and the admins who review it
PLAN_READERS = {"anon": LOGIN, "cadre": 403, "other_sec": 403, "sec": 200, "admin": 200}
ADMIN_ACTION = with_status(ADMIN_ONLY, 302)
# team A's members (the cadre, its secretary): their own writing
MEMBERS = {"anon": LOGIN, "cadre": 200, "other_sec": 403, "sec": 200, "admin": 403}
# the cadre's own reflection or check-in: the author alone changes it
AUTHOR = {"anon": LOGIN, "cadre": 200, "other_sec": 403, "sec": 403, "admin": 403}

# the JSON API: 401 without a login; the check-in is refused by its rules (409: the session
# of the matrix is next year, the window not open; an admin is no member) or by scope (403)
API_ANY_USER = {"anon": 401, "cadre": 200, "other_sec": 200, "sec": 200, "admin": 200}
API_CHECK_IN = {"anon": 401, "cadre": 409, "other_sec": 403, "sec": 409, "admin": 409}

REFLECTION_TEXT = "学习体会" * 60  # longer than the default minimum of 200 characters

_FILES = tempfile.TemporaryDirectory(prefix="xuekao-outlines-")  # removed when the run ends


def setup_world(users) -> dict:
    if not current_app.config.get("COURSE_ATTACHMENT_DIR"):
        current_app.config["COURSE_ATTACHMENT_DIR"] = _FILES.name
    sec = users["sec"]
    team = sec.team
    plan = make_plan(sec, team, year=2027)
    session = make_session(sec, team)
    doomed = make_session(sec, team, topic="将被删除的学习")
    speaker = sessions.add_speaker(sec, session, speaker=users["cadre"], role="lead", title="领学")
    outline_speaker = sessions.add_speaker(
        sec,
        session,
        speaker=users["cadre"],
        role="report",
        title="述学",
        outline_file=outlines.OutlineFile(
            "述学提纲.txt", "一、学习体会\n二、下一步打算\n".encode()
        ),
    )
    first = make_session(sec, team, kind="first_topic")
    measure = sessions.add_measure(
        sec, first, what="落实措施", owner=users["cadre"], due_on=date(2027, 4, 1)
    )
    attendance.mark(sec, session, users["cadre"], "leave", reason="出差")
    cadre = users["cadre"]
    reflection = reflections.submit_on_material(
        cadre, "《论党的自我革命》", "读后感", REFLECTION_TEXT
    )
    today = to_local(utcnow()).date()
    # recorded from a lesson, so the author's delete is refused and the row stays for the
    # visitors after them
    study = selfstudy.record(
        cadre, today, 30, selfstudy.Material("book", title="学习读本"), source="lesson"
    )
    lecture = lectures.record(
        sec, team, cadre, lectures.LectureFields(today, "机关第一党支部", "党课题目", 30)
    )
    return {
        "plan_id": plan.id,
        "plan_item_id": plan.items[0].id,
        "study_session_id": session.id,
        "doomed_session_id": doomed.id,
        "speaker_id": speaker.id,
        "outline_speaker_id": outline_speaker.id,
        "measure_id": measure.id,
        "reflection_id": reflection.id,
        "self_study_id": study.id,
        "lecture_id": lecture.id,
    }


K = "/checkin"
ROUTES = [
    Route(
        "checkin_api.check_in",
        "/api/v1/checkin/sessions/{study_session_id}/check-in",
        "POST",
        json={"code": "000000"},
        expect=API_CHECK_IN,
    ),
    Route("checkin_api.my_sessions", "/api/v1/checkin/sessions", expect=API_ANY_USER),
    Route("checkin_api.my_standing", "/api/v1/checkin/me", expect=API_ANY_USER),
    Route("checkin.index", f"{K}/", expect=ANY_USER),
    Route("checkin.team_sessions", K + "/teams/{team_id}/sessions", expect=VIEWERS),
    Route("checkin.new_session", K + "/teams/{team_id}/sessions/new", expect=OWN_SECRETARY),
    # an empty form re-renders with its errors
    Route(
        "checkin.new_session",
        K + "/teams/{team_id}/sessions/new",
        "POST",
        data={},
        expect=OWN_SECRETARY,
    ),
    Route("checkin.session", K + "/sessions/{study_session_id}", expect=VIEWERS),
    Route("checkin.edit_session", K + "/sessions/{study_session_id}/edit", expect=OWN_SECRETARY),
    Route(
        "checkin.edit_session",
        K + "/sessions/{study_session_id}/edit",
        "POST",
        data={},
        expect=OWN_SECRETARY,
    ),
    Route(
        "checkin.delete_session",
        K + "/sessions/{doomed_session_id}/delete",
        "POST",
        data={},
        expect=OWN_SECRETARY_ACTION,
    ),
    Route(
        "checkin.new_code",
        K + "/sessions/{study_session_id}/code",
        "POST",
        data={},
        expect=OWN_SECRETARY_ACTION,
    ),
    Route(
        "checkin.add_speaker",
        K + "/sessions/{study_session_id}/speakers",
        "POST",
        data={"role": "speak", "title": "发言"},
        expect=OWN_SECRETARY_ACTION,
    ),
    # the outline file: whoever sees the session
    Route("checkin.speaker_outline", K + "/speakers/{outline_speaker_id}/outline", expect=VIEWERS),
    Route(
        "checkin.remove_speaker",
        K + "/speakers/{speaker_id}/delete",
        "POST",
        data={},
        expect=OWN_SECRETARY_ACTION,
    ),
    Route(
        "checkin.add_measure",
        K + "/sessions/{study_session_id}/measures",
        "POST",
        data={"what": "措施"},
        expect=OWN_SECRETARY_ACTION,
    ),
    Route(
        "checkin.measure_status",
        K + "/measures/{measure_id}/status",
        "POST",
        data={"status": "done"},
        expect=OWN_SECRETARY_ACTION,
    ),
    Route(
        "checkin.mark_attendance",
        K + "/sessions/{study_session_id}/attendance",
        "POST",
        data={"status": "absent"},
        expect=OWN_SECRETARY_ACTION,
    ),
    Route("checkin.check_in", K + "/s/{study_session_id}?code=123456", expect=VIEWERS),
    # outside the window (or not a member): the page says so, nothing changes
    Route(
        "checkin.check_in",
        K + "/s/{study_session_id}",
        "POST",
        data={"code": "000000"},
        expect=VIEWERS,
    ),
    Route("checkin.team_plan", K + "/teams/{team_id}/plan?year=2027", expect=PLAN_READERS),
    Route(
        "checkin.add_plan_item",
        K + "/teams/{team_id}/plan/items?year=2027",
        "POST",
        data={},
        expect=OWN_SECRETARY,
    ),
    Route("checkin.edit_plan_item", K + "/plan-items/{plan_item_id}/edit", expect=OWN_SECRETARY),
    Route(
        "checkin.edit_plan_item",
        K + "/plan-items/{plan_item_id}/edit",
        "POST",
        data={},
        expect=OWN_SECRETARY,
    ),
    Route(
        "checkin.remove_plan_item",
        K + "/plan-items/{plan_item_id}/delete",
        "POST",
        data={},
        expect=OWN_SECRETARY_ACTION,
    ),
    Route(
        "checkin.file_plan",
        K + "/plans/{plan_id}/file",
        "POST",
        data={},
        expect=OWN_SECRETARY_ACTION,
    ),
    Route(
        "checkin.acknowledge_plan",
        K + "/plans/{plan_id}/acknowledge",
        "POST",
        data={"text": "同意"},
        expect=ADMIN_ACTION,
    ),
    Route(
        "checkin.return_plan",
        K + "/plans/{plan_id}/return",
        "POST",
        data={"text": "请补充"},
        expect=ADMIN_ACTION,
    ),
    Route("checkin.plans_overview", f"{K}/plans?year=2027", expect=ADMIN_ONLY),
    Route(
        "checkin.new_study_test",
        K + "/sessions/{study_session_id}/test",
        "POST",
        data={},
        expect=OWN_SECRETARY_ACTION,
    ),
    Route("checkin.session_qr", K + "/sessions/{study_session_id}/qr.svg", expect=OWN_SECRETARY),
    # reflections: on a session (its members; before it starts the form says so)
    Route(
        "checkin.write_reflection",
        K + "/sessions/{study_session_id}/reflection",
        expect=MEMBERS,
    ),
    Route(
        "checkin.write_reflection",
        K + "/sessions/{study_session_id}/reflection",
        "POST",
        data={"title": "体会", "body": REFLECTION_TEXT},
        expect=MEMBERS,
    ),
    Route("checkin.new_reflection", f"{K}/reflections/new", expect=ANY_USER),
    Route("checkin.new_reflection", f"{K}/reflections/new", "POST", data={}, expect=ANY_USER),
    Route("checkin.reflection", K + "/reflections/{reflection_id}", expect=VIEWERS),
    Route("checkin.edit_reflection", K + "/reflections/{reflection_id}/edit", expect=AUTHOR),
    Route(
        "checkin.edit_reflection",
        K + "/reflections/{reflection_id}/edit",
        "POST",
        data={"title": ""},
        expect=AUTHOR,
    ),
    Route(
        "checkin.team_reflections",
        K + "/teams/{team_id}/reflections?year=2027",
        expect=PLAN_READERS,
    ),
    # self-study: everyone keeps their own
    Route("checkin.self_study", f"{K}/self-study", expect=ANY_USER),
    Route("checkin.self_study", f"{K}/self-study", "POST", data={}, expect=ANY_USER),
    Route(
        "checkin.delete_self_study",
        K + "/self-study/{self_study_id}/delete",
        "POST",
        data={},
        expect=with_status(AUTHOR, 302),
    ),
    # party lectures: the team sees them, its secretary records them
    Route("checkin.team_lectures", K + "/teams/{team_id}/lectures", expect=VIEWERS),
    Route(
        "checkin.team_lectures",
        K + "/teams/{team_id}/lectures",
        "POST",
        data={},
        expect=OWN_SECRETARY,
    ),
    Route(
        "checkin.delete_lecture",
        K + "/lectures/{lecture_id}/delete",
        "POST",
        data={},
        expect=OWN_SECRETARY_ACTION,
    ),
    # quotas (admins), standings (the team; members see their own line), the study record
    Route("checkin.quotas", f"{K}/quotas?year=2027", expect=ADMIN_ONLY),
    Route("checkin.quotas", f"{K}/quotas?year=2027", "POST", data={}, expect=ADMIN_ONLY),
    Route(
        "checkin.team_archive", K + "/teams/{team_id}/archive.zip?year=2027", expect=PLAN_READERS
    ),
    Route("checkin.team_standings", K + "/teams/{team_id}/standings", expect=VIEWERS),
    Route("checkin.study_record", K + "/record/{user_id}", expect=VIEWERS),
]
