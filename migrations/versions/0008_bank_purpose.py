"""question banks say what they are for: exams and practice, exams only, practice only

Revision ID: 0008
Revises: 0006
Create Date: 2026-12-05 01:00:00.000000

Another branch adds 0007 (user sessions); when both are merged, point down_revision at
'0007' so the history stays one line.
"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    # every existing bank keeps serving both, as it did
    with op.batch_alter_table('question_banks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=10), server_default='both', nullable=False))


def downgrade():
    with op.batch_alter_table('question_banks', schema=None) as batch_op:
        batch_op.drop_column('purpose')
