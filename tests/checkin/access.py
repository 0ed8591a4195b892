"""Centre-group study pages: members see their team's sessions, the team's secretary runs
them, another team's secretary gets 403, administrators see all and review plans (but do not
run sessions)."""

from datetime import date

from app.checkin.services import attendance, sessions
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


def setup_world(users) -> dict:
    sec = users["sec"]
    team = sec.team
    plan = make_plan(sec, team, year=2027)
    session = make_session(sec, team)
    doomed = make_session(sec, team, topic="将被删除的学习")
    speaker = sessions.add_speaker(sec, session, speaker=users["cadre"], role="lead", title="领学")
    first = make_session(sec, team, kind="first_topic")
    measure = sessions.add_measure(
        sec, first, what="落实措施", owner=users["cadre"], due_on=date(2027, 4, 1)
    )
    attendance.mark(sec, session, users["cadre"], "leave", reason="出差")
    return {
        "plan_id": plan.id,
        "plan_item_id": plan.items[0].id,
        "study_session_id": session.id,
        "doomed_session_id": doomed.id,
        "speaker_id": speaker.id,
        "measure_id": measure.id,
    }


K = "/checkin"
ROUTES = [
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
]
