"""question banks say what they are for: exams and practice, exams only, practice only

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-05 01:00:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade():
    # every existing bank keeps serving both, as it did
    with op.batch_alter_table('question_banks', schema=None) as batch_op:
        batch_op.add_column(sa.Column('purpose', sa.String(length=10), server_default='both', nullable=False))


def downgrade():
    with op.batch_alter_table('question_banks', schema=None) as batch_op:
        batch_op.drop_column('purpose')
