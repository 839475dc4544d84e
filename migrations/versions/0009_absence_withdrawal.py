"""an absence can be withdrawn, or end early

Revision ID: 0009
Revises: 0004
Create Date: 2026-12-07 00:20:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0009'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('absence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('withdrawn_at', sa.DateTime(), nullable=True))
        batch_op.add_column(sa.Column('withdrawn_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('planned_ends_on', sa.Date(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_absence_withdrawn_by_id_user'), 'user',
                                    ['withdrawn_by_id'], ['id'])


def downgrade():
    with op.batch_alter_table('absence', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_absence_withdrawn_by_id_user'),
                                 type_='foreignkey')
        batch_op.drop_column('planned_ends_on')
        batch_op.drop_column('withdrawn_by_id')
        batch_op.drop_column('withdrawn_at')
