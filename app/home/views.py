from flask import Blueprint, render_template
from flask_babel import gettext
from flask_login import current_user

from app.common.nav import NavItem, register_nav
from app.common.permissions import login_required
from app.home import services
from app.home.todo import todo_for

bp = Blueprint("home", __name__)

register_nav(NavItem("home.index", lambda: gettext("首页"), (), icon="house", order=0))


@bp.route("/")
@login_required
def index():
    user = current_user
    return render_template(
        "home/index.html",
        todos=todo_for(user),
        admin=services.admin_overview() if user.is_admin else None,
        secretary=services.secretary_overview(user) if user.has_role("secretary") else None,
    )
