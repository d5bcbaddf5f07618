"""delivery outbox

Revision ID: 0002
Revises: 0001
Create Date: 2026-12-04 17:00:00.000000
"""

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('delivery_outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('entry_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('claimed_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('done_at', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_delivery_outbox'))
    )
    with op.batch_alter_table('delivery_outbox', schema=None) as batch_op:
        batch_op.create_index('ix_delivery_outbox_pending', ['done_at', 'created_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('delivery_outbox', schema=None) as batch_op:
        batch_op.drop_index('ix_delivery_outbox_pending')

    op.drop_table('delivery_outbox')
