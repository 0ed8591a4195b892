"""statistics: User.post (职务), bulletins (结果通报), statistics settings

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-05 03:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0011'
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('post', sa.String(length=100), server_default='', nullable=False))

    op.create_table('stats_bulletins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('period_start', sa.Date(), nullable=False),
    sa.Column('period_end', sa.Date(), nullable=False),
    sa.Column('team_ids', sa.JSON(), nullable=False),
    sa.Column('commentary', sa.Text(), nullable=False),
    sa.Column('snapshot', sa.JSON(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('published_at', sa.DateTime(), nullable=False),
    sa.Column('published_by_id', sa.Integer(), nullable=True),
    sa.Column('withdrawn_at', sa.DateTime(), nullable=True),
    sa.Column('withdrawn_by_id', sa.Integer(), nullable=True),
    sa.Column('withdraw_reason', sa.String(length=500), nullable=False),
    sa.ForeignKeyConstraint(['published_by_id'], ['users.id'], name=op.f('fk_stats_bulletins_published_by_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['withdrawn_by_id'], ['users.id'], name=op.f('fk_stats_bulletins_withdrawn_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_stats_bulletins'))
    )
    with op.batch_alter_table('stats_bulletins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stats_bulletins_published_by_id'), ['published_by_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_stats_bulletins_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_stats_bulletins_withdrawn_by_id'), ['withdrawn_by_id'], unique=False)

    op.create_table('stats_settings',
    sa.Column('key', sa.String(length=50), nullable=False),
    sa.Column('value', sa.String(length=200), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['updated_by_id'], ['users.id'], name=op.f('fk_stats_settings_updated_by_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_stats_settings'))
    )
    with op.batch_alter_table('stats_settings', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_stats_settings_updated_by_id'), ['updated_by_id'], unique=False)


def downgrade():
    with op.batch_alter_table('stats_settings', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stats_settings_updated_by_id'))
    op.drop_table('stats_settings')
    with op.batch_alter_table('stats_bulletins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_stats_bulletins_withdrawn_by_id'))
        batch_op.drop_index(batch_op.f('ix_stats_bulletins_status'))
        batch_op.drop_index(batch_op.f('ix_stats_bulletins_published_by_id'))
    op.drop_table('stats_bulletins')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('post')
