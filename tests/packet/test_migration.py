"""The packet's Alembic revision builds exactly the packet models' tables."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

from oncokind_secondop.db import Base
from oncokind_secondop.extension import current_secondop
from oncokind_secondop.migrate import downgrade, upgrade


def _packet_tables(obj, name, type_, reflected, compare_to):  # type: ignore[no-untyped-def]
    return type_ != "table" or bool(name) and name.startswith("secondop_packet")


def test_packet_revision_matches_the_models(app) -> None:
    with app.app_context():
        engine = current_secondop.records.engine
        Base.metadata.drop_all(engine)
        upgrade(engine, "0020_packet")
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_object": _packet_tables, "compare_type": True}
            )
            assert compare_metadata(context, Base.metadata) == []
        downgrade(engine, "0001_base")
        with engine.connect() as connection:
            context = MigrationContext.configure(
                connection, opts={"include_object": _packet_tables}
            )
            diff = compare_metadata(context, Base.metadata)
        assert {d[1].name for d in diff if d[0] == "add_table"} == {
            t for t in Base.metadata.tables if t.startswith("secondop_packet")
        }
        downgrade(engine, "base")
        Base.metadata.drop_all(engine)
        Base.metadata.create_all(engine)
