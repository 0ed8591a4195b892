"""notify: outbox claims (batched delivery) and notifications kept as msgid + parameters

Revision ID: 0019
Revises: 0017
Create Date: 2026-12-05 07:00:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade():
    # the outbox run that claimed a delivery (status "sending") until its lease ends
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.add_column(sa.Column("claim", sa.String(length=32), nullable=True))
    # the message's msgid and parameters, rendered in each reader's language; earlier rows
    # have none and show ``message`` as written
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.add_column(sa.Column("msgid", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("params", sa.JSON(), nullable=True))


def downgrade():
    with op.batch_alter_table("notifications", schema=None) as batch_op:
        batch_op.drop_column("params")
        batch_op.drop_column("msgid")
    with op.batch_alter_table("deliveries", schema=None) as batch_op:
        batch_op.drop_column("claim")
