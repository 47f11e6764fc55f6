"""The shipped Alembic migrations build exactly the models' tables."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from oncokind_secondop import models  # noqa: F401
from oncokind_secondop.db import Base
from oncokind_secondop.extension import current_secondop
from oncokind_secondop.migrate import VERSION_TABLE, current_revision, downgrade, upgrade


def _only_ours(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    return type_ != "table" or (bool(name) and name.startswith("secondop_") and name != VERSION_TABLE)


def test_upgrade_head_matches_the_models(app) -> None:
    with app.app_context():
        engine = current_secondop.records.engine
        Base.metadata.drop_all(engine)
        upgrade(engine)
        assert current_revision(engine) is not None
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_object": _only_ours, "compare_type": True})
            assert compare_metadata(context, Base.metadata) == []
        downgrade(engine, "base")
        assert current_revision(engine) is None
        upgrade(engine)


def test_cli_upgrade(app, runner) -> None:
    with app.app_context():
        Base.metadata.drop_all(current_secondop.records.engine)
    result = runner.invoke(args=["secondop", "db-upgrade"])
    assert result.exit_code == 0, result.output
    assert "upgraded" in result.output
    result = runner.invoke(args=["secondop", "db-current"])
    assert result.output.strip() not in ("", "none")
