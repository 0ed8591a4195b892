from flask import Blueprint, render_template
from flask_login import current_user

from app.common.permissions import login_required
from app.common.todo import todo_for
from app.home import services

bp = Blueprint("home", __name__)


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
