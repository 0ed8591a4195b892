"""flags on an attempt's questions kept on the server (survive switching devices)

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 03:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0013'
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('exam_attempt_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('flagged', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('exam_attempt_items', schema=None) as batch_op:
        batch_op.drop_column('flagged')
