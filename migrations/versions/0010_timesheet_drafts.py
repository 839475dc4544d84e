"""a timesheet can be a draft

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-07 00:45:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def _status_check(statuses: str) -> None:
    # SQLite cannot alter a CHECK constraint: batch mode copies the table.
    with op.batch_alter_table('timesheet', schema=None, recreate='auto') as batch_op:
        batch_op.drop_constraint(op.f('ck_timesheet_status'), type_='check')
        batch_op.create_check_constraint(op.f('ck_timesheet_status'), f"status IN ({statuses})")


def upgrade():
    _status_check("'draft','submitted','approved','returned'")


def downgrade():
    # Before drafts every save was sent: a draft goes back to being what it was then.
    op.execute("UPDATE timesheet SET status = 'submitted' WHERE status = 'draft'")
    _status_check("'submitted','approved','returned'")
