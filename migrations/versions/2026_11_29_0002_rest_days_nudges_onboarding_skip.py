"""Rest days, timed nudges (snooze, pain check, weekly summary), onboarding step, skip flag.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('rest_days',
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_rest_days_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'local_date', name=op.f('pk_rest_days'))
    )
    op.create_table('nudges',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=True),
    sa.Column('payload', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['daily_sessions.id'], name=op.f('fk_nudges_session_id_daily_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_nudges_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nudges')),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('nudges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nudges_due_at'), ['due_at'], unique=False)
        batch_op.create_index('ix_nudges_user_kind', ['user_id', 'kind'], unique=False)

    # Recreating the table on SQLite must keep AUTOINCREMENT (ids never reused).
    with op.batch_alter_table(
        'daily_sessions', schema=None, table_kwargs={'sqlite_autoincrement': True}
    ) as batch_op:
        batch_op.add_column(
            sa.Column('skipped', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.alter_column('stretch_id', existing_type=sa.String(length=64), nullable=True)
        batch_op.alter_column('stretch_dose', existing_type=sa.JSON(), nullable=True)

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('onboarding_step', sa.String(length=16), nullable=True))
        batch_op.add_column(
            sa.Column('setup_completed', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch_op.add_column(
            sa.Column('summary_weekday', sa.SmallInteger(), nullable=False, server_default='6')
        )

def downgrade() -> None:
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('summary_weekday')
        batch_op.drop_column('setup_completed')
        batch_op.drop_column('onboarding_step')

    # Recreating the table on SQLite must keep AUTOINCREMENT (ids never reused).
    with op.batch_alter_table(
        'daily_sessions', schema=None, table_kwargs={'sqlite_autoincrement': True}
    ) as batch_op:
        # Days planned without a stretch cannot be kept by the older schema.
        batch_op.execute("DELETE FROM daily_sessions WHERE stretch_id IS NULL")
        batch_op.alter_column('stretch_dose', existing_type=sa.JSON(), nullable=False)
        batch_op.alter_column('stretch_id', existing_type=sa.String(length=64), nullable=False)
        batch_op.drop_column('skipped')

    with op.batch_alter_table('nudges', schema=None) as batch_op:
        batch_op.drop_index('ix_nudges_user_kind')
        batch_op.drop_index(batch_op.f('ix_nudges_due_at'))

    op.drop_table('nudges')
    op.drop_table('rest_days')
