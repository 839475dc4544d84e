"""the week of a mentor without a login is recorded by their employer or the consultant:
the sheet says who

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-07 23:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('timesheet', schema=None) as batch_op:
        batch_op.add_column(sa.Column('recorded_by_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(op.f('fk_timesheet_recorded_by_id_user'), 'user',
                                    ['recorded_by_id'], ['id'], ondelete='SET NULL')


def downgrade():
    with op.batch_alter_table('timesheet', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('fk_timesheet_recorded_by_id_user'), type_='foreignkey')
        batch_op.drop_column('recorded_by_id')
