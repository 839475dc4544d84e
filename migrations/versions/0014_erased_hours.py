"""approved hours of an erased participant stay in the employer's reimbursement claims, with
nothing of the person: mentor, week and hours

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-07 20:00:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'erased_hours',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('mentor_id', sa.Integer(), nullable=False),
        sa.Column('week_start', sa.Date(), nullable=False),
        sa.Column('hours', sa.Double(), nullable=False),
        sa.Column('erased_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['mentor_id'], ['mentor.id'],
                                name=op.f('fk_erased_hours_mentor_id_mentor'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_erased_hours')),
    )
    with op.batch_alter_table('erased_hours', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_erased_hours_mentor_id'), ['mentor_id'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('erased_hours', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_erased_hours_mentor_id'))
    op.drop_table('erased_hours')
