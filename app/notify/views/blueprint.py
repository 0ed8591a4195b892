from flask import Blueprint

bp = Blueprint("notify", __name__, url_prefix="/notifications", template_folder="../templates")
admin_bp = Blueprint(
    "notify_admin", __name__, url_prefix="/admin/notify", template_folder="../templates"
)
