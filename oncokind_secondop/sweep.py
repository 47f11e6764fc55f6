"""The maintenance sweeper: temporary files, orphans, and rows without their bytes.

Uploads are written temp file → fsync → rename → database commit, and
deletes remove the bytes only after the row's delete commits. A crash or a
failing disk between those steps can therefore leave, and only leave:

* an abandoned temporary file (a write that never reached its rename),
* an **orphan**: a stored object no document row references (a commit
  that failed after the rename, or a byte delete that failed after the
  row's delete committed).

:func:`sweep` removes both once they are older than a grace period, so an
upload between its rename and its commit is never mistaken for an orphan.
It also **reports, never repairs,** rows whose file is missing or (with
``verify=True``) no longer matches its SHA-256: those need a person.

Run it from cron as ``flask secondop sweep`` (non-zero exit when a row has
a problem), or call it from the host's own scheduler inside an app context::

    from oncokind_secondop.sweep import sweep
    with app.app_context():
        report = sweep(grace_seconds=3600)
        if report.problem_rows:
            alert(report.lines())

The report holds counts only: never a file name, key or patient id.
"""
from __future__ import annotations

import time
from dataclasses import dataclass

from .adapters import FileStore, RecordStore
from .extension import current_secondop
from .uploads import CorruptFile, open_verified

DEFAULT_GRACE_SECONDS = 3600


@dataclass(frozen=True)
class SweepReport:
    dry_run: bool
    grace_seconds: float
    verified: bool
    temporary_removed: int      # (or "would remove", with dry_run)
    orphans_removed: int
    orphans_kept: int           # younger than the grace period, or of unknown age
    rows_checked: int
    rows_missing_file: int
    rows_hash_mismatch: int     # only counted with verify

    @property
    def problem_rows(self) -> int:
        return self.rows_missing_file + self.rows_hash_mismatch

    def lines(self) -> list[str]:
        """Plain English lines for a log or a terminal (counts only)."""
        verb = "would remove" if self.dry_run else "removed"
        grace = f"{self.grace_seconds:g} s"
        return [
            f"temporary files {verb} (older than {grace}): {self.temporary_removed}",
            f"orphan files {verb} (no row, older than {grace}): {self.orphans_removed}",
            f"orphan files kept for now (younger than {grace}): {self.orphans_kept}",
            f"document rows checked: {self.rows_checked}"
            + ("" if self.verified else " (existence only; --verify reads every file)"),
            f"rows whose file is missing: {self.rows_missing_file}",
            "rows whose file does not match its SHA-256: "
            + (str(self.rows_hash_mismatch) if self.verified else "not checked"),
        ]


def _old_enough(files: FileStore, key: str, limit: float, grace_seconds: float) -> bool | None:
    """Whether an orphan may go: True, False (too young), None (vanished meanwhile)."""
    try:
        written = files.stored_at(key)
    except FileNotFoundError:
        return None
    if grace_seconds <= 0:
        return True
    return written is not None and written <= limit


def _row_state(files: FileStore, key: str, size: int, sha256: str, verify: bool) -> str:
    """"ok", "missing" or "mismatch" for one document row's file."""
    if not verify:
        return "ok" if files.exists(key) else "missing"
    try:
        open_verified(files, key, sha256, size).close()
    except FileNotFoundError:
        return "missing"
    except CorruptFile:
        return "mismatch"
    return "ok"


def sweep(files: FileStore | None = None, records: RecordStore | None = None, *,
          grace_seconds: float = DEFAULT_GRACE_SECONDS, verify: bool = False,
          dry_run: bool = False) -> SweepReport:
    """Clean the file store and check every document row (all patients).

    Defaults to the current app's ``current_secondop.files`` and ``.records``.
    ``grace_seconds`` protects uploads in flight: choose it longer than your
    slowest upload takes from its last byte to its commit (0 only when no
    request is running, as in tests). Nothing is removed with ``dry_run``.
    """
    if files is None or records is None:
        files = files or current_secondop.files
        records = records or current_secondop.records
    limit = time.time() - grace_seconds
    # (dry_run passed only when asked: a host store written before it existed still sweeps)
    temporary = (files.sweep_temporary(grace_seconds, dry_run=True) if dry_run
                 else files.sweep_temporary(grace_seconds))
    # List the store BEFORE reading the rows: an upload that commits between
    # the two reads is then either referenced or young, never a false orphan.
    stored = list(files.keys())
    rows = list(records.all_stored_files())
    referenced = {row.key for row in rows}

    removed = kept = 0
    for key in stored:
        if key in referenced:
            continue
        old = _old_enough(files, key, limit, grace_seconds)
        if old is None:
            continue
        if not old:
            kept += 1
            continue
        if not dry_run:
            files.delete(key)
        removed += 1

    problems = {row.key: state for row in rows
                if (state := _row_state(files, row.key, row.size, row.sha256, verify)) != "ok"}
    if problems:
        # A document deleted while we checked (row, then bytes) is no problem:
        # count only rows that still exist.
        still = {row.key for row in records.all_stored_files()}
        problems = {key: state for key, state in problems.items() if key in still}
    states = list(problems.values())
    return SweepReport(
        dry_run=dry_run, grace_seconds=grace_seconds, verified=verify,
        temporary_removed=temporary, orphans_removed=removed, orphans_kept=kept,
        rows_checked=len(rows), rows_missing_file=states.count("missing"),
        rows_hash_mismatch=states.count("mismatch"),
    )
