"""The schema comes only from migrations; they must agree with the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from web.extensions import db as _db


def test_migrations_match_models(app, db):
    with _db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        diff = compare_metadata(ctx, _db.metadata)
    assert diff == [], f"models and migrations differ: {diff}"


def test_migrations_run_down_and_up_again(app, db):
    from flask_migrate import downgrade, upgrade

    downgrade(revision="base")
    upgrade()
    with _db.engine.connect() as conn:
        ctx = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(ctx, _db.metadata) == []
