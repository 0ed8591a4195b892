"""JSON for the course pages' scripts: the lesson heartbeat and the editor's preview."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import current_user

from app.common.http import json_error
from app.common.permissions import login_required, role_required
from app.courses import policy, rendering
from app.courses.models import Lesson
from app.courses.services import progress
from app.extensions import db

bp = Blueprint("courses_api", __name__, url_prefix="/api/v1")

MAX_PREVIEW_CHARS = 200_000


def _body() -> dict | None:
    if not request.is_json:
        return None
    data = request.get_json(silent=True)
    return data if isinstance(data, dict) else None


def state_json(state: progress.LessonState, course_state: progress.CourseProgress) -> dict:
    return {
        "lesson_id": state.lesson.id,
        "seconds": state.seconds,
        "required_seconds": state.required,
        "reached_end": state.reached_end,
        "studied": state.studied,
        "course": {
            "studied": course_state.studied,
            "total": course_state.total,
            "percent": course_state.percent,
            "completed": course_state.completed,
        },
    }


@bp.route("/lessons/<int:lesson_id>/heartbeat", methods=["POST"])
@login_required
def heartbeat(lesson_id: int):
    """ "This lesson's page is visible to me now." The server's clock measures the time."""
    data = _body()
    if data is None:
        return json_error(415, "unsupported_media_type", _("请以 application/json 提交"))
    reached_end, start = data.get("reached_end", False), data.get("start", False)
    if not isinstance(reached_end, bool) or not isinstance(start, bool):
        return json_error(422, "invalid", _("reached_end 和 start 须为 true 或 false"))
    lesson = db.session.get(Lesson, lesson_id)
    if lesson is None or (not lesson.course.published and not current_user.is_admin):
        return json_error(404, "not_found", _("没有这个章节"))
    if not policy.can_view_course(current_user, lesson.course):
        return json_error(403, "forbidden", _("您没有学习这门课程的权限"))
    state = progress.record_heartbeat(current_user, lesson, reached_end=reached_end, start=start)
    course_state = progress.course_progress(current_user, lesson.course)
    db.session.commit()
    return jsonify(state_json(state, course_state))


@bp.route("/courses/preview", methods=["POST"])
@role_required("admin")
def preview():
    """Markdown → the sanitised HTML a lesson page would show."""
    data = _body()
    if data is None:
        return json_error(415, "unsupported_media_type", _("请以 application/json 提交"))
    text = data.get("markdown")
    if not isinstance(text, str):
        return json_error(422, "invalid", _("需要字符串字段 markdown"))
    if len(text) > MAX_PREVIEW_CHARS:
        return json_error(413, "too_large", _("内容过长，无法预览"))
    html = str(rendering.lesson_html(text))
    toc = [
        {"level": h.level, "anchor": h.anchor, "text": h.text}
        for h in rendering.headings(text)
        if h.anchor
    ]
    return jsonify({"html": html, "headings": toc})
