"""The Alembic revision creates exactly the tables the models describe."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, inspect

from oncokind_secondop import migrate
from oncokind_secondop.db import Base

from ..conftest import on_postgres
from ..fake_host import database_url

TABLES = {"secondop_compare_worksheet", "secondop_compare_opinion"}


def _only_compare(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    table = obj if type_ == "table" else getattr(obj, "table", None)
    table_name = name if type_ == "table" else getattr(table, "name", None)
    return table_name in TABLES


def test_upgrade_head_matches_the_models(tmp_path: Path):
    engine = create_engine(database_url(tmp_path))
    try:
        if on_postgres():
            Base.metadata.drop_all(engine)
            with engine.begin() as connection:
                connection.exec_driver_sql(f"DROP TABLE IF EXISTS {migrate.VERSION_TABLE}")
        migrate.upgrade(engine)
        assert TABLES <= set(inspect(engine).get_table_names())
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"compare_type": True, "include_object": _only_compare}
            )
            assert compare_metadata(context, Base.metadata) == []
        migrate.downgrade(engine, "0001_base")
        assert not TABLES & set(inspect(engine).get_table_names())
    finally:
        if on_postgres():
            with engine.begin() as connection:
                connection.exec_driver_sql(f"DROP TABLE IF EXISTS {migrate.VERSION_TABLE}")
        engine.dispose()
