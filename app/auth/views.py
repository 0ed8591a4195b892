"""Login, logout, the user's login sessions, password change and the language switch."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    g,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_user, logout_user
from sqlalchemy.exc import SQLAlchemyError

from app.auth import login_queue, services, sessions
from app.auth.forms import ChangePasswordForm, LoginForm
from app.common.db import reads_first, write_intent
from app.common.errors import DomainError
from app.common.http import client_ip, safe_next_url
from app.common.permissions import login_required, public
from app.common.timeutil import utcnow
from app.extensions import db, limiter

bp = Blueprint("auth", __name__)


def login_rate_key() -> str:
    """Throttle per login name and address: one person's guesses, not a whole NAT'd office."""
    # The guarded reader: a JSON body that is not a safe object is a 400 before this line.
    data = (request.get_json(silent=True) or {}) if request.is_json else request.form
    username = data.get("username")
    username = username.strip().lower() if isinstance(username, str) else ""
    return f"login:{username}:{client_ip()}"


def login_rate_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _failed_login(_response) -> bool:
    # Only failed attempts count towards the limit.
    return bool(g.get("login_failed"))


# One budget shared by the login page and the JSON login.
login_limit = limiter.shared_limit(
    login_rate_limit,
    scope="login",
    key_func=login_rate_key,
    methods=["POST"],
    deduct_when=_failed_login,
)


def start_session(user, remember: bool = False) -> None:
    """A fresh session for a fresh login: nothing from before carries over. The login is a
    ``UserSession`` on the server; both cookies carry its token (``User.get_id``)."""
    config = current_app.config
    record, token = sessions.open_session(
        user,
        now=utcnow(),
        remember=remember,
        lifetime=config["PERMANENT_SESSION_LIFETIME"],
        remember_lifetime=config["REMEMBER_COOKIE_DURATION"],
        address=client_ip(),
        user_agent=request.headers.get("User-Agent", ""),
    )
    user.login = sessions.Login.of(record, token)
    lang = session.get("lang")
    session.clear()
    if lang:
        session["lang"] = lang
    session.permanent = True
    login_user(user, remember=remember)


def end_session() -> None:
    """Log out: the login ends on the server at once (a copy of either cookie is worthless
    from now on), then the browser forgets it."""
    login = getattr(current_user._get_current_object(), "login", None)
    if login is not None:
        sessions.revoke_session(login.session_id, utcnow())
        db.session.commit()
    lang = session.get("lang")
    session.clear()  # first: logout_user then marks the remember cookie for deletion
    logout_user()
    if lang:
        session["lang"] = lang


@bp.after_app_request
def touch_login_session(response):
    """Every few minutes of use, a login's "last seen" (and the expiry of one without
    remember-me) moves on, in a short write of its own after the view: never on every
    request, and never inside a view's transaction (an answer save keeps its one write)."""
    login = getattr(g.get("_login_user"), "login", None)  # Flask-Login's per-request user
    config = current_app.config
    now = utcnow()
    if login is None or response.status_code >= 500:
        return response
    if not login.touch_due(now, config["SESSION_TOUCH_INTERVAL"]):
        return response
    try:
        with write_intent(db.session):  # what the view left uncommitted is dropped anyway
            sessions.touch(
                login.session_id,
                now=now,
                touch_every=config["SESSION_TOUCH_INTERVAL"],
                lifetime=config["PERMANENT_SESSION_LIFETIME"],
            )
            db.session.commit()
    except SQLAlchemyError:
        db.session.rollback()
        current_app.logger.warning("could not record the last use of a login", exc_info=True)
    return response


QUEUE_HEADER = "X-Login-Queue"  # sent by static/js/login.js


@bp.route("/login", methods=["GET", "POST"])
@public
@login_limit
@reads_first  # the password hash is checked before the write lock is taken
def login():
    if current_user.is_authenticated and request.method == "GET":
        return redirect(url_for("home.index"))
    form = LoginForm()
    status = 200
    if form.validate_on_submit():
        try:
            user = services.authenticate(
                form.username.data, form.password.data, waited=login_queue.waited(request)
            )
        except login_queue.LoginBusy as exc:
            # The page's script (login.js) tries again after X-Login-Wait by itself.
            form.password.errors.append(exc.message)
            page = make_response(render_template("auth/login.html", form=form), 503)
            return login_queue.with_wait(page, exc)
        except DomainError as exc:
            g.login_failed = True
            form.password.errors.append(exc.message)
            status = 401
        else:
            start_session(user, remember=form.remember.data)
            db.session.commit()
            if user.must_change_password:
                flash(_("首次登录请先修改密码"), "warning")
                return _logged_in(url_for("auth.change_password"))
            return _logged_in(safe_next_url(request.args.get("next")) or url_for("home.index"))
    elif request.method == "POST":
        status = 400
    return render_template("auth/login.html", form=form), status


def _logged_in(target: str):
    """Where a page login goes next: a redirect, or for the page's own script (which sent
    the form itself, to be able to wait in the login queue) that place as JSON, so the
    script goes there and the flashed message is shown there, not to the script."""
    if request.headers.get(QUEUE_HEADER):
        return jsonify({"next": target})
    return redirect(target)


@bp.route("/logout", methods=["POST"])
@public
def logout():
    end_session()
    flash(_("您已退出登录"), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account/sessions")
@login_required
def list_sessions():
    return render_template(
        "auth/sessions.html",
        rows=sessions.active_sessions(current_user, utcnow()),
        current_id=current_user.login.session_id,
    )


@bp.route("/account/sessions/end-others", methods=["POST"])
@login_required
def end_other_sessions():
    ended = sessions.revoke_user_sessions(
        current_user, utcnow(), keep=current_user.login.session_id
    )
    db.session.commit()
    flash(ngettext("已退出其他 %(num)d 处登录", "已退出其他 %(num)d 处登录", ended), "success")
    return redirect(url_for("auth.list_sessions"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            services.change_own_password(
                current_user, form.current_password.data, form.new_password.data
            )
        except DomainError as exc:
            getattr(form, exc.field or "new_password").errors.append(exc.message)
        else:
            db.session.commit()
            # The password change rotated the session token: log in again under it.
            start_session(current_user._get_current_object())
            flash(_("密码已修改"), "success")
            return redirect(url_for("home.index"))
    return render_template("auth/change_password.html", form=form)


@bp.route("/lang/<code>")
@public
def set_language(code: str):
    if code in current_app.config["LANGUAGES"]:
        session["lang"] = code
    return redirect(safe_next_url(request.args.get("next")) or url_for("home.index"))
