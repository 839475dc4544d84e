"""a colleague-mentor's wage cost holds from a month on: a change no longer reprices the
claims of months before it

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-07 08:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade():
    # The wages entered so far held for every month, as they did before.
    with op.batch_alter_table('mentor_wage', schema=None) as batch_op:
        batch_op.add_column(sa.Column('valid_from', sa.Date(), nullable=False,
                                      server_default='2000-01-01'))
        batch_op.drop_constraint(op.f('uq_mentor_wage_mentor_id'), type_='unique')
        batch_op.create_unique_constraint('uq_mentor_wage_from', ['mentor_id', 'valid_from'])
        batch_op.create_index(op.f('ix_mentor_wage_mentor_id'), ['mentor_id'], unique=False)


def downgrade():
    # One wage per mentor again: the latest.
    op.execute("DELETE FROM mentor_wage WHERE valid_from < (SELECT MAX(w.valid_from) FROM "
               "mentor_wage w WHERE w.mentor_id = mentor_wage.mentor_id)")
    with op.batch_alter_table('mentor_wage', schema=None) as batch_op:
        batch_op.drop_index(op.f('ix_mentor_wage_mentor_id'))
        batch_op.drop_constraint('uq_mentor_wage_from', type_='unique')
        batch_op.create_unique_constraint(op.f('uq_mentor_wage_mentor_id'), ['mentor_id'])
        batch_op.drop_column('valid_from')
