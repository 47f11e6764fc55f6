"""``flask secondop ...`` commands for hosts."""
from __future__ import annotations

import click
from flask.cli import AppGroup

from .extension import current_secondop

secondop_cli = AppGroup("secondop", help="OncoKind Second Opinion commands.")


def _engine():  # type: ignore[no-untyped-def]
    engine = getattr(current_secondop.records, "engine", None)
    if engine is None:
        raise click.ClickException("The record store has no SQLAlchemy engine to migrate.")
    return engine


@secondop_cli.command("db-upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision: str) -> None:
    """Create or update the package's tables (Alembic)."""
    from .migrate import upgrade

    upgrade(_engine(), revision)
    click.echo(f"secondop tables upgraded to {revision}")


@secondop_cli.command("db-downgrade")
@click.argument("revision")
def db_downgrade(revision: str) -> None:
    """Step the package's tables back to REVISION."""
    from .migrate import downgrade

    downgrade(_engine(), revision)
    click.echo(f"secondop tables downgraded to {revision}")


@secondop_cli.command("db-current")
def db_current() -> None:
    """Show the package's current migration revision."""
    from .migrate import current_revision

    click.echo(current_revision(_engine()) or "none")


@secondop_cli.command("config")
def show_config() -> None:
    """Print every SECONDOP_ setting in force (no secrets are kept there)."""
    for key, value in sorted(current_secondop.config.items()):
        click.echo(f"{key} = {value!r}")
