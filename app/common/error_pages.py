"""Error pages in the user's language, JSON under /api/; never a stack trace."""

from __future__ import annotations

from flask import current_app, g, render_template, request
from flask_babel import gettext as _
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError
from werkzeug.exceptions import HTTPException

from app.common.http import is_api_request, json_error
from app.extensions import db, login_manager

# SQLSTATE classes that mean "the database cannot take this now", not "this request is wrong":
# 08 connection, 53 insufficient resources (disk full), 57P operator intervention (shutdown,
# restart), 25006 read-only transaction (a standby, a read-only switch).
UNAVAILABLE_SQLSTATES = ("08", "53", "57P", "25006")
# SQLite primary result codes: BUSY, LOCKED, NOMEM, READONLY, IOERR, FULL, CANTOPEN.
SQLITE_UNAVAILABLE = {5, 6, 7, 8, 10, 13, 14}
RETRY_AFTER_SECONDS = 5


def _messages() -> dict[int, tuple[str, str]]:
    return {
        400: (_("请求有误"), _("提交的内容无法处理，请返回检查后重试。")),
        401: (_("请先登录"), _("该页面需要登录后访问。")),
        403: (_("没有权限"), _("您没有访问该页面的权限。如有需要，请联系管理员。")),
        404: (_("页面不存在"), _("您要找的页面不存在或已被删除。")),
        405: (_("请求方式不允许"), _("该地址不接受这种请求方式。")),
        409: (_("操作冲突"), _("该操作与当前状态冲突，请刷新后重试。")),
        413: (_("文件太大"), _("上传的文件超过了允许的大小。")),
        422: (_("内容无效"), _("提交的内容格式不正确。")),
        429: (_("操作过于频繁"), _("尝试次数过多，请稍后再试。")),
        500: (_("服务器内部错误"), _("服务器出了点问题，我们已记录。请稍后重试。")),
        503: (_("服务暂时不可用"), _("数据库暂时无法访问，本次操作没有保存。请稍后重试。")),
    }


def render_error(status: int, message: str | None = None):
    title, default_message = _messages().get(status, _messages()[500])
    message = message or default_message
    if is_api_request():
        return json_error(status, str(status), message)
    return render_template("errors/error.html", status=status, title=title, message=message), status


def database_unavailable(exc: BaseException) -> bool:
    """A database error that is about the database (down, restarting, locked, full,
    read-only), which a retry a little later may get through — not about the statement."""
    if not isinstance(exc, DBAPIError):
        return False
    if exc.connection_invalidated:
        return True
    code = getattr(exc.orig, "sqlite_errorcode", None)
    if code is not None:  # SQLite says "no such table" with the same exception class
        return code & 0xFF in SQLITE_UNAVAILABLE
    sqlstate = getattr(exc.orig, "sqlstate", None)
    if sqlstate:
        return sqlstate.startswith(UNAVAILABLE_SQLSTATES)
    # psycopg's failures to connect or to read carry no SQLSTATE
    return isinstance(exc, OperationalError | InterfaceError)


def unavailable_response(exc: BaseException):
    current_app.logger.warning(
        "database unavailable on %s %s: %s", request.method, request.path, str(exc).splitlines()[0]
    )
    try:
        db.session.rollback()
    except Exception:  # the connection is gone: the pool discards it (pre-ping next time)
        db.session.remove()
    # The page must not query again to render itself: it shows as to a visitor.
    g._login_user = login_manager.anonymous_user()
    response = render_error(503)
    response = response if not isinstance(response, tuple) else current_app.make_response(response)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return response


def register_error_handlers(app) -> None:
    @app.errorhandler(CSRFError)
    def _csrf(_exc):
        return render_error(400, _("页面已过期或缺少安全令牌，请刷新页面后重试。"))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException):
        return render_error(exc.code or 500)

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception):
        if isinstance(exc, HTTPException):
            return render_error(exc.code or 500)
        if database_unavailable(exc):
            return unavailable_response(exc)
        current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
        # A failed statement leaves PostgreSQL's transaction aborted: end it before the
        # error page (which may query) and before the connection goes back to the pool.
        db.session.rollback()
        return render_error(500)
