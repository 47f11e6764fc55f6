"""``flask secondop ...`` commands for hosts."""
from __future__ import annotations

import getpass
from typing import cast

import click
from flask.cli import AppGroup
from sqlalchemy import Engine

from .extension import current_secondop
from .sweep import sweep

secondop_cli = AppGroup("secondop", help="OncoKind Second Opinion commands.")


def _engine() -> Engine:
    # record_store: None with Learn alone, which has no tables
    engine = getattr(current_secondop.record_store, "engine", None)
    if engine is None:
        raise click.ClickException("The record store has no SQLAlchemy engine to migrate.")
    return cast(Engine, engine)


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


@secondop_cli.command("sweep")
@click.option("--grace-seconds", type=click.FloatRange(min=0), default=3600, show_default=True,
              help="Leave temporary and orphan files younger than this (uploads in flight).")
@click.option("--verify", is_flag=True,
              help="Read every stored file and compare its SHA-256 (default: existence only).")
@click.option("--dry-run", is_flag=True, help="Count what would be removed; remove nothing.")
def sweep_command(grace_seconds: float, verify: bool, dry_run: bool) -> None:
    """Remove abandoned temporary files and orphan files; report rows whose
    file is missing or damaged (exit code 1 if any, for cron alerts).

    Prints counts only, never file names or patient ids."""
    state = current_secondop
    if state.file_store is None or state.record_store is None:
        raise click.ClickException("Nothing to sweep: SECONDOP_CAPABILITIES mounts no packet (no files=).")
    try:
        report = sweep(grace_seconds=grace_seconds, verify=verify, dry_run=dry_run)
    except NotImplementedError as exc:
        raise click.ClickException(str(exc)) from exc
    for line in report.lines():
        click.echo(line)
    if report.problem_rows:
        click.echo(f"{report.problem_rows} document row(s) need attention: the file is missing "
                   "or damaged. Restore it from backup; the sweeper never deletes rows.", err=True)
        raise SystemExit(1)


def _cli_actor() -> str:
    try:
        return "cli:" + getpass.getuser()
    except (KeyError, OSError):  # no login name in some containers
        return "cli"


@secondop_cli.command("forget-patient")
@click.argument("patient_id")
@click.option("--yes", is_flag=True, help="Do not ask for confirmation (for scripts).")
@click.option("--actor", default=None,
              help="Who asked, for the audit event (default: cli:<your login name>).")
def forget_patient_command(patient_id: str, yes: bool, actor: str | None) -> None:
    """Delete every record and stored file of PATIENT_ID (when an account
    is deleted). Asks first unless --yes. Prints counts only.

    Patient ids must never be reused: a new account with an old id would
    see the old account's packets."""
    from .accounts import forget

    if not yes:
        click.confirm(f"Delete every second-opinion record and file of patient {patient_id!r}? "
                      "This cannot be undone.", abort=True)
    forgotten = forget(patient_id, actor_id=actor or _cli_actor())
    for line in forgotten.lines():
        click.echo(line)
