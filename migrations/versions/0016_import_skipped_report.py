"""import batches keep the skipped report and the importer's notes (issue 11: partial imports)

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-05 03:10:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade():
    # earlier batches were all-or-nothing: nothing skipped, no notes
    with op.batch_alter_table("question_import_batches", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("skip_invalid", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(
            sa.Column("skipped_report", sa.JSON(), server_default="[]", nullable=False)
        )
        batch_op.add_column(sa.Column("notes", sa.JSON(), server_default="[]", nullable=False))


def downgrade():
    with op.batch_alter_table("question_import_batches", schema=None) as batch_op:
        batch_op.drop_column("notes")
        batch_op.drop_column("skipped_report")
        batch_op.drop_column("skip_invalid")
