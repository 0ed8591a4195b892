"""The administrator's to-do: imports previewed but not yet confirmed (the file is kept a
day, then it has to be uploaded again)."""

from __future__ import annotations

from flask_babel import gettext as _

from app.common import links
from app.common.todo import TodoItem
from app.quiz.bank import uploads


def import_todos(user) -> list[TodoItem]:
    if not user.is_admin:
        return []
    return [
        TodoItem(
            _("确认导入文件“%(f)s”", f=kept.get("filename", "")),
            links.url("quiz_admin.imports", _anchor="pending"),
            "import",
            detail=_("已预览，尚未确认导入；预览后保留一天"),
        )
        for kept in uploads.pending(user.id)
    ]
