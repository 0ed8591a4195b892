"""What a reader sees: my courses, a course, a lesson, search, my bookmarks and notes."""

from __future__ import annotations

from flask import abort, current_app, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select

from app.common.permissions import login_required
from app.courses import policy, rendering
from app.courses.forms import NoteForm, SearchForm
from app.courses.models import Course
from app.courses.services import assignments as assigning
from app.courses.services import notes, progress, search
from app.courses.views._helpers import visible_course
from app.courses.views.blueprint import bp
from app.extensions import db


@bp.route("/")
@login_required
def index():
    user = current_user
    courses = list(
        db.session.scalars(
            select(Course)
            .where(Course.id.in_(policy.visible_course_ids(user)), Course.published.is_(True))
            .order_by(Course.sort_order, Course.id)
        )
    )
    ids = [c.id for c in courses]
    assigned = assigning.assigned_to(user)
    return render_template(
        "courses/index.html",
        assigned=[(c, assigned[c.id]) for c in courses if c.id in assigned],
        others=[c for c in courses if c.id not in assigned],
        studied=progress.studied_counts([user.id], ids),
        totals=progress.lesson_counts(ids),
        done=progress.completions([user.id], ids),
        form=SearchForm(),
    )


@bp.route("/search")
@login_required
def search_page():
    form = SearchForm(request.args)
    query = (form.q.data or "").strip() if form.validate() else ""
    hits = search.search_lessons(current_user, query) if query else []
    return render_template("courses/search.html", form=form, query=query, hits=hits)


@bp.route("/bookmarks")
@login_required
def bookmarks():
    visible = policy.visible_course_ids(current_user)
    return render_template(
        "courses/bookmarks.html",
        bookmarks=notes.my_bookmarks(current_user, visible),
        notes=notes.my_notes(current_user, visible),
    )


@bp.route("/<course_slug>/")
@login_required
def course(course_slug: str):
    course = visible_course(course_slug)
    state = progress.course_progress(current_user, course)
    return render_template(
        "courses/course.html",
        course=course,
        state=state,
        assigned=assigning.assigned_to(current_user).get(course.id),
        files=[a for a in course.attachments if a.role == "file"],
    )


@bp.route("/<course_slug>/<lesson_slug>")
@login_required
def lesson(course_slug: str, lesson_slug: str):
    course = visible_course(course_slug)
    lessons = list(course.lessons)
    index = next((i for i, les in enumerate(lessons) if les.slug == lesson_slug), None)
    if index is None:
        abort(404)
    lesson = lessons[index]
    note = notes.note_for(current_user, lesson)
    return render_template(
        "courses/lesson.html",
        course=course,
        lesson=lesson,
        html=rendering.lesson_html(lesson.body),
        toc=[h for h in rendering.headings(lesson.body) if h.level in (2, 3) and h.anchor],
        state=progress.lesson_state(current_user, lesson),
        course_state=progress.course_progress(current_user, course),
        previous=lessons[index - 1] if index > 0 else None,
        following=lessons[index + 1] if index + 1 < len(lessons) else None,
        bookmarked=notes.is_bookmarked(current_user, lesson),
        note_form=NoteForm(data={"body": note.body if note else ""}),
        heartbeat_url=url_for("courses_api.heartbeat", lesson_id=lesson.id),
        heartbeat_seconds=current_app.config.get("COURSE_HEARTBEAT_SECONDS", 15),
    )
