"""an absence can be extended: the added days are an absence of their own that names the one
it extends

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-07 03:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('absence', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extends_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_absence_extends_id'), ['extends_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_absence_extends_id_absence'), 'absence',
                                    ['extends_id'], ['id'], ondelete='CASCADE')


def downgrade():
    with op.batch_alter_table('absence', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_absence_extends_id_absence'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_absence_extends_id'))
        batch_op.drop_column('extends_id')
