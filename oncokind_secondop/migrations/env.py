"""Alembic environment for oncokind_secondop's own tables."""
from alembic import context
from sqlalchemy.schema import SchemaItem

from oncokind_secondop import models  # noqa: F401  (fills the metadata)
from oncokind_secondop.db import Base
from oncokind_secondop.migrate import VERSION_TABLE

engine = context.config.attributes["engine"]


def include_object(obj: SchemaItem, name: str | None, type_: str, reflected: bool,
                   compare_to: SchemaItem | None) -> bool:
    # Only our own tables: the host's tables share the database.
    if type_ == "table":
        return bool(name and name.startswith("secondop_")) and name != VERSION_TABLE
    return True


with engine.connect() as connection:
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        version_table=VERSION_TABLE,
        include_object=include_object,
        render_as_batch=True,  # SQLite needs batch mode for ALTER
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()
    connection.commit()
