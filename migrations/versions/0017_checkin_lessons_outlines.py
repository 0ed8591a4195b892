"""centre-group study: lessons as materials of plan items and sessions; speakers' outline files

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-05 07:00:00

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0017"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "study_plan_item_lessons",
        sa.Column("item_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["item_id"],
            ["study_plan_items.id"],
            name=op.f("fk_study_plan_item_lessons_item_id_study_plan_items"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["course_lessons.id"],
            name=op.f("fk_study_plan_item_lessons_lesson_id_course_lessons"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("item_id", "lesson_id", name=op.f("pk_study_plan_item_lessons")),
    )
    with op.batch_alter_table("study_plan_item_lessons", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_study_plan_item_lessons_lesson_id"), ["lesson_id"], unique=False
        )
    op.create_table(
        "study_session_lessons",
        sa.Column("session_id", sa.Integer(), nullable=False),
        sa.Column("lesson_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["lesson_id"],
            ["course_lessons.id"],
            name=op.f("fk_study_session_lessons_lesson_id_course_lessons"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["session_id"],
            ["study_sessions.id"],
            name=op.f("fk_study_session_lessons_session_id_study_sessions"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("session_id", "lesson_id", name=op.f("pk_study_session_lessons")),
    )
    with op.batch_alter_table("study_session_lessons", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_study_session_lessons_lesson_id"), ["lesson_id"], unique=False
        )
    with op.batch_alter_table("study_session_speakers", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("outline_filename", sa.String(length=255), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("outline_stored", sa.String(length=64), nullable=True))
        batch_op.add_column(
            sa.Column(
                "outline_content_type", sa.String(length=100), nullable=False, server_default=""
            )
        )
        batch_op.add_column(
            sa.Column("outline_size", sa.Integer(), nullable=False, server_default="0")
        )


def downgrade():
    with op.batch_alter_table("study_session_speakers", schema=None) as batch_op:
        batch_op.drop_column("outline_size")
        batch_op.drop_column("outline_content_type")
        batch_op.drop_column("outline_stored")
        batch_op.drop_column("outline_filename")
    with op.batch_alter_table("study_session_lessons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_study_session_lessons_lesson_id"))
    op.drop_table("study_session_lessons")
    with op.batch_alter_table("study_plan_item_lessons", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_study_plan_item_lessons_lesson_id"))
    op.drop_table("study_plan_item_lessons")
