"""Admin pages: users, teams, bulk user import, audit log. Every view is admin-only."""

from app.admin.views import audit, teams, user_import, users  # noqa: F401  (routes on bp)
from app.admin.views.blueprint import bp

__all__ = ["bp"]
