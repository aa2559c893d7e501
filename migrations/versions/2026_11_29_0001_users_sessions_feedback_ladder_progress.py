"""Users, their ladder progress, daily sessions (the outbox) and their answers.

Revision ID: 0001
Revises:
Create Date: 2026-11-29
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0001'
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('users',
    sa.Column('id', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('chat_id', sa.BigInteger(), nullable=False),
    sa.Column('language_code', sa.String(length=16), nullable=True),
    sa.Column('timezone', sa.String(length=64), nullable=False),
    sa.Column('reminder_time', sa.String(length=5), nullable=False),
    sa.Column('next_reminder_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_served_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('paused_until', sa.Date(), nullable=True),
    sa.Column('focus', sa.String(length=16), nullable=True),
    sa.Column('equipment', sa.JSON(), nullable=False),
    sa.Column('contraindications', sa.JSON(), nullable=False),
    sa.Column('strength_paused', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_users'))
    )
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.create_index('ix_users_due', ['status', 'next_reminder_at'], unique=False)

    op.create_table('daily_sessions',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('local_date', sa.Date(), nullable=False),
    sa.Column('focus', sa.String(length=16), nullable=False),
    sa.Column('stretch_id', sa.String(length=64), nullable=False),
    sa.Column('stretch_dose', sa.JSON(), nullable=False),
    sa.Column('strength_id', sa.String(length=64), nullable=True),
    sa.Column('strength_dose', sa.JSON(), nullable=True),
    sa.Column('high_intensity', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.SmallInteger(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('lease_until', sa.DateTime(timezone=True), nullable=True),
    sa.Column('telegram_message_id', sa.BigInteger(), nullable=True),
    sa.Column('sent_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_daily_sessions_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_daily_sessions')),
    sa.UniqueConstraint('user_id', 'local_date', name=op.f('uq_daily_sessions_user_id_local_date')),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('daily_sessions', schema=None) as batch_op:
        batch_op.create_index('ix_daily_sessions_outbox', ['status', 'lease_until'], unique=False)

    op.create_table('ladder_progress',
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('ladder', sa.String(length=64), nullable=False),
    sa.Column('level', sa.SmallInteger(), nullable=False),
    sa.Column('dose_step', sa.SmallInteger(), nullable=False),
    sa.Column('clean_streak', sa.SmallInteger(), nullable=False),
    sa.Column('level_changed_on', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_ladder_progress_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('user_id', 'ladder', name=op.f('pk_ladder_progress'))
    )
    op.create_table('feedback',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('session_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.BigInteger(), nullable=False),
    sa.Column('move_id', sa.String(length=64), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=False),
    sa.Column('pain', sa.SmallInteger(), nullable=True),
    sa.Column('offered_move_id', sa.String(length=64), nullable=True),
    sa.Column('offered_dose', sa.JSON(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['session_id'], ['daily_sessions.id'], name=op.f('fk_feedback_session_id_daily_sessions'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_feedback_user_id_users'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_feedback')),
    sa.UniqueConstraint('session_id', 'move_id', name=op.f('uq_feedback_session_id_move_id')),
    sqlite_autoincrement=True,
    )
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_feedback_user_id'), ['user_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('feedback', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_feedback_user_id'))

    op.drop_table('feedback')
    op.drop_table('ladder_progress')
    with op.batch_alter_table('daily_sessions', schema=None) as batch_op:
        batch_op.drop_index('ix_daily_sessions_outbox')

    op.drop_table('daily_sessions')
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_index('ix_users_due')

    op.drop_table('users')
