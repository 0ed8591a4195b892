"""The course pages and API: readers see the courses assigned to them, secretaries manage
their own teams, administrators author."""

import tempfile

from flask import current_app

from app.courses.services import content
from tests.access import ADMIN_ONLY, ANY_USER, LOGIN, Route, with_status
from tests.courses.factories import PNG, assign, attach, make_course

# team A's course: its cadre and secretary see it, team B's secretary does not
READERS = {"anon": LOGIN, "cadre": 200, "other_sec": 403, "sec": 200, "admin": 200}
READER_ACTIONS = with_status(READERS, 302)
MANAGERS = {"anon": LOGIN, "cadre": 403, "other_sec": 200, "sec": 200, "admin": 200}
OWN_MANAGERS = {"anon": LOGIN, "cadre": 403, "other_sec": 403, "sec": 200, "admin": 200}
API_READERS = {"anon": 401, "cadre": 200, "other_sec": 403, "sec": 200, "admin": 200}
API_ADMIN = {"anon": 401, "cadre": 403, "other_sec": 403, "sec": 403, "admin": 200}
ADMIN_REDIRECT = with_status(ADMIN_ONLY, 302)
ADMIN_BAD_REQUEST = with_status(ADMIN_ONLY, 400)
# only its author (the admin) may withdraw an assignment
WITHDRAW = {"anon": LOGIN, "cadre": 403, "other_sec": 403, "sec": 403, "admin": 302}


_FILES = tempfile.TemporaryDirectory(prefix="xuekao-att-")  # removed when the run ends


def setup_world(users) -> dict:
    if not current_app.config.get("COURSE_ATTACHMENT_DIR"):
        current_app.config["COURSE_ATTACHMENT_DIR"] = _FILES.name
    admin = users["admin"]
    course = make_course(admin, slug="matrix-course")
    assignment = assign(admin, course, team=users["cadre"].team)
    lesson = course.lessons[0]
    picture = attach(admin, course, PNG, "matrix.png")
    program = content.create_program(admin, title="矩阵学习计划")
    return {
        "course_id": course.id,
        "course_slug": course.slug,
        "lesson_slug": lesson.slug,
        "lesson_id": lesson.id,
        "attachment_id": picture.id,
        "assignment_id": assignment.id,
        "program_id": program.id,
    }


C = "/courses"
A = "/admin/courses"
ROUTES = [
    Route("courses.index", f"{C}/", expect=ANY_USER),
    Route("courses.search_page", f"{C}/search?q=中心组", expect=ANY_USER),
    Route("courses.bookmarks", f"{C}/bookmarks", expect=ANY_USER),
    Route("courses.course", C + "/{course_slug}/", expect=READERS),
    Route("courses.lesson", C + "/{course_slug}/{lesson_slug}", expect=READERS),
    Route(
        "courses.toggle_bookmark",
        C + "/lessons/{lesson_id}/bookmark",
        "POST",
        data={},
        expect=READER_ACTIONS,
    ),
    Route(
        "courses.save_note",
        C + "/lessons/{lesson_id}/note",
        "POST",
        data={"body": "笔记"},
        expect=READER_ACTIONS,
    ),
    Route("courses.attachment", C + "/attachments/{attachment_id}", expect=READERS),
    Route("courses.manage_index", f"{C}/manage/", expect=MANAGERS),
    Route("courses.assignments", C + "/manage/{course_id}/assignments", expect=OWN_MANAGERS),
    # an empty form re-renders with its errors
    Route(
        "courses.assignments",
        C + "/manage/{course_id}/assignments",
        "POST",
        data={},
        expect=OWN_MANAGERS,
    ),
    Route(
        "courses.withdraw",
        C + "/manage/assignments/{assignment_id}/withdraw",
        "POST",
        data={},
        expect=WITHDRAW,
    ),
    Route("stats.team_progress", C + "/teams/{team_id}", expect=OWN_MANAGERS),
    Route("stats.team_course", C + "/teams/{team_id}/{course_id}", expect=OWN_MANAGERS),
    Route(
        "courses_api.heartbeat",
        "/api/v1/lessons/{lesson_id}/heartbeat",
        "POST",
        json={},
        expect=API_READERS,
    ),
    Route(
        "courses_api.preview",
        "/api/v1/courses/preview",
        "POST",
        json={"markdown": "## 标题 {#a}"},
        expect=API_ADMIN,
    ),
    Route("courses_admin.courses", f"{A}/", expect=ADMIN_ONLY),
    Route("courses_admin.new_program", f"{A}/programmes/new", expect=ADMIN_ONLY),
    Route("courses_admin.new_program", f"{A}/programmes/new", "POST", data={}, expect=ADMIN_ONLY),
    Route("courses_admin.edit_program", A + "/programmes/{program_id}/edit", expect=ADMIN_ONLY),
    Route(
        "courses_admin.edit_program",
        A + "/programmes/{program_id}/edit",
        "POST",
        data={"title": ""},
        expect=ADMIN_ONLY,
    ),
    Route("courses_admin.new_course", f"{A}/new", expect=ADMIN_ONLY),
    Route("courses_admin.new_course", f"{A}/new", "POST", data={}, expect=ADMIN_ONLY),
    Route("courses_admin.course", A + "/{course_id}", expect=ADMIN_ONLY),
    Route("courses_admin.edit_course", A + "/{course_id}/edit", expect=ADMIN_ONLY),
    Route(
        "courses_admin.edit_course",
        A + "/{course_id}/edit",
        "POST",
        data={"title": ""},
        expect=ADMIN_ONLY,
    ),
    # no file: the form is refused with 400
    Route(
        "courses_admin.upload_attachment",
        A + "/{course_id}/attachments",
        "POST",
        data={},
        expect=ADMIN_BAD_REQUEST,
    ),
    Route(
        "courses_admin.delete_attachment",
        A + "/attachments/{attachment_id}/delete",
        "POST",
        data={},
        expect=ADMIN_REDIRECT,
    ),
    Route("courses_admin.new_lesson", A + "/{course_id}/lessons/new", expect=ADMIN_ONLY),
    Route(
        "courses_admin.new_lesson",
        A + "/{course_id}/lessons/new",
        "POST",
        data={},
        expect=ADMIN_ONLY,
    ),
    Route("courses_admin.edit_lesson", A + "/lessons/{lesson_id}/edit", expect=ADMIN_ONLY),
    Route(
        "courses_admin.edit_lesson",
        A + "/lessons/{lesson_id}/edit",
        "POST",
        data={"title": ""},
        expect=ADMIN_ONLY,
    ),
    Route(
        "courses_admin.delete_lesson",
        A + "/lessons/{lesson_id}/delete",
        "POST",
        data={},
        expect=ADMIN_REDIRECT,
    ),
]
