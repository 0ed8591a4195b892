"""exam misses reach the mistake book as the review policy allows

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-28 08:10:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0006'
down_revision = '0005'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('exam_attempts', schema=None) as batch_op:
        batch_op.add_column(sa.Column('mistakes_released', sa.Boolean(), server_default=sa.false(), nullable=False))
        batch_op.create_index(batch_op.f('ix_exam_attempts_mistakes_released'), ['mistakes_released'], unique=False)

    # until now every submitted attempt went to the mistake book at submit: don't count it twice
    attempts = sa.table('exam_attempts', sa.column('status', sa.String), sa.column('mistakes_released', sa.Boolean))
    op.execute(attempts.update().where(attempts.c.status == 'submitted').values(mistakes_released=True))


def downgrade():
    with op.batch_alter_table('exam_attempts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_exam_attempts_mistakes_released'))
        batch_op.drop_column('mistakes_released')
