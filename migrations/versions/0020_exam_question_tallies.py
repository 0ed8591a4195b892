"""exams: stored sums by team and question for the results by team (kept by
services/tallies.py; ``flask stats rebuild`` fills them)

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-05 10:30:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "exam_question_tallies",
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.Column("question_id", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("score", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("points", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("correct", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exam_id"],
            ["exams.id"],
            name=op.f("fk_exam_question_tallies_exam_id_exams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_exam_question_tallies_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint(
            "exam_id", "team_id", "question_id", name=op.f("pk_exam_question_tallies")
        ),
    )
    op.create_table(
        "exam_tallied_attempts",
        sa.Column("attempt_id", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("exam_id", sa.Integer(), nullable=False),
        sa.Column("team_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["exam_id"],
            ["exams.id"],
            name=op.f("fk_exam_tallied_attempts_exam_id_exams"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["team_id"],
            ["teams.id"],
            name=op.f("fk_exam_tallied_attempts_team_id_teams"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("attempt_id", name=op.f("pk_exam_tallied_attempts")),
    )
    op.create_index(
        "ix_exam_tallied_attempts_exam_team",
        "exam_tallied_attempts",
        ["exam_id", "team_id"],
        unique=False,
    )


def downgrade():
    op.drop_index("ix_exam_tallied_attempts_exam_team", table_name="exam_tallied_attempts")
    op.drop_table("exam_tallied_attempts")
    op.drop_table("exam_question_tallies")
