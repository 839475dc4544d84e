"""a substitute logs the hours of a covered week on a timesheet of their own: one sheet per
assignment, week and mentor

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-07 07:00:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('timesheet', schema=None) as batch_op:
        batch_op.drop_constraint('uq_timesheet_week', type_='unique')
        batch_op.create_unique_constraint(
            'uq_timesheet_week_mentor', ['proposal_id', 'week_start', 'mentor_id'])


def downgrade():
    # A week covered by a substitute has two sheets: the substitute's go, as before 0012
    # (where the hours could not be logged at all).
    op.execute("DELETE FROM timesheet WHERE mentor_id <> "
               "(SELECT mentor_id FROM proposal WHERE proposal.id = timesheet.proposal_id)")
    with op.batch_alter_table('timesheet', schema=None) as batch_op:
        batch_op.drop_constraint('uq_timesheet_week_mentor', type_='unique')
        batch_op.create_unique_constraint('uq_timesheet_week', ['proposal_id', 'week_start'])
