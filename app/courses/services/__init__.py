"""The courses' business rules, one module per concept. What other features use:

- ``course_by_slug(slug)`` and ``course_completed(user, course)``: an exam's
  "required course" gate;
- ``resolve_source_lesson(ref)``: a question's source → (URL, title) of the lesson paragraph.
"""

from app.courses.services.content import course_by_slug
from app.courses.services.progress import course_completed
from app.courses.services.sources import lesson_url, resolve_source_lesson

__all__ = ["course_by_slug", "course_completed", "lesson_url", "resolve_source_lesson"]
