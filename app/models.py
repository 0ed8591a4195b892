"""Imports every model module so the metadata is complete (Alembic, create_all)."""

from app.auth.models import SecretaryScope, Team, User, UserRole  # noqa: F401
from app.common.audit import AuditLog  # noqa: F401
from app.quiz.models import Category, ImportBatch, Question, QuestionBank  # noqa: F401
