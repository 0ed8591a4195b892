"""Notifications: one's own inbox; a team's robots for admins and that team's secretary;
one-off reminders for secretaries and admins; the job and outbox pages for admins."""

from app.extensions import db
from app.notify import services as notifications
from app.notify.models import Delivery, TeamRobot
from tests.access import ADMIN_ONLY, ANY_USER, LOGIN, Route, with_status


def setup_world(users) -> dict:
    cadre, sec = users["cadre"], users["sec"]
    note = notifications.notify(cadre, "矩阵通知（收件箱）", "/")
    robot = TeamRobot(
        team_id=cadre.team_id, kind="json", name="矩阵机器人", url="http://127.0.0.1:9/"
    )
    db.session.add(robot)
    db.session.flush()
    delivery = Delivery(channel="robot", robot_id=robot.id, recipient=robot.url, status="failed")
    db.session.add(delivery)
    db.session.flush()
    assert sec.secretary_teams[0].id == cadre.team_id
    return {
        "notify_note_id": note.id,
        "notify_robot_id": robot.id,
        "notify_delivery_id": delivery.id,
    }


SECRETARY_OF_A = {"anon": LOGIN, "cadre": 403, "other_sec": 403, "sec": 200, "admin": 200}
SENDERS = {"anon": LOGIN, "cadre": 403, "other_sec": 200, "sec": 200, "admin": 200}
N = "/notifications"
A = "/admin/notify"
ROUTES = [
    Route("notify.inbox", f"{N}/", expect=ANY_USER),
    Route(
        "notify.mark_read",
        N + "/{notify_note_id}/read",
        "POST",
        expect={"anon": LOGIN, "cadre": 302, "other_sec": 404, "sec": 404, "admin": 404},
    ),
    Route("notify.mark_all_read", f"{N}/read-all", "POST", expect=with_status(ANY_USER, 302)),
    Route("notify.settings", f"{N}/settings", expect=ANY_USER),
    Route(
        "notify.settings",
        f"{N}/settings",
        "POST",
        expect=with_status(ANY_USER, 302),
        data={"language": "zh_CN"},
    ),
    Route("notify.robots_index", f"{N}/robots", expect=SENDERS),
    Route("notify.team_robots", N + "/teams/{team_id}/robots", expect=SECRETARY_OF_A),
    Route(
        "notify.team_robots",
        N + "/teams/{team_id}/robots",
        "POST",
        expect=SECRETARY_OF_A,
        data={"kind": "json", "name": "", "url": ""},
    ),
    # the secretary deletes it; the admin after them finds it gone
    Route(
        "notify.delete_robot",
        N + "/robots/{notify_robot_id}/delete",
        "POST",
        expect={"anon": LOGIN, "cadre": 403, "other_sec": 403, "sec": 302, "admin": 404},
    ),
    Route("notify.remind", f"{N}/remind?users=" + "{user_id}", expect=SENDERS),
    Route(
        "notify.remind", f"{N}/remind", "POST", expect=SENDERS, data={"users": "", "message": ""}
    ),
    Route("notify_admin.jobs", f"{A}/jobs", expect=ADMIN_ONLY),
    Route(
        "notify_admin.pause_job",
        f"{A}/jobs/notify.purge/pause",
        "POST",
        expect=with_status(ADMIN_ONLY, 302),
    ),
    Route(
        "notify_admin.resume_job",
        f"{A}/jobs/notify.purge/resume",
        "POST",
        expect=with_status(ADMIN_ONLY, 302),
    ),
    Route(
        "notify_admin.run_job_now",
        f"{A}/jobs/notify.purge/run",
        "POST",
        expect=with_status(ADMIN_ONLY, 302),
    ),
    Route("notify_admin.outbox_page", f"{A}/outbox", expect=ADMIN_ONLY),
    Route(
        "notify_admin.retry_delivery",
        A + "/outbox/{notify_delivery_id}/retry",
        "POST",
        expect=with_status(ADMIN_ONLY, 302),
    ),
]
