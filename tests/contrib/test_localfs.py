"""The default file store: the shared contract, plus what is local-disk specific."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from oncokind_secondop.contrib.localfs import LocalFileStore
from oncokind_secondop.testing import FileStoreContract


class TestLocalFileStoreContract(FileStoreContract):
    def make_store(self, tmp_path: Path) -> LocalFileStore:
        return LocalFileStore(tmp_path / "files")


@pytest.fixture
def store(tmp_path: Path) -> LocalFileStore:
    return LocalFileStore(tmp_path / "files")


def test_partial_writes_live_in_tmp_only(store) -> None:
    pending = store.begin()
    pending.write(b"half")
    assert len(store.temporary_files()) == 1
    assert list(store.objects_dir.rglob("*.part")) == []
    pending.commit()
    assert store.temporary_files() == []


def test_failed_writes_leave_no_temp_file(store) -> None:
    with pytest.raises(RuntimeError):
        with store.begin() as pending:
            pending.write(b"data")
            raise RuntimeError("boom")
    assert store.temporary_files() == []


@pytest.mark.parametrize("key", ["A" * 32, "0" * 31, "0" * 33, "g" * 32])
def test_only_lowercase_hex_keys_of_our_length(store, key: str) -> None:
    with pytest.raises(FileNotFoundError):
        store.open(key)


def test_files_are_private_to_the_portal_user(store) -> None:
    stored = store.put([b"private"])
    mode = (store.objects_dir / stored.key[:2] / stored.key).stat().st_mode & 0o777
    assert mode == 0o600


def test_sweep_temporary_removes_abandoned_writes(store) -> None:
    pending = store.begin()
    pending.write(b"abandoned")
    assert store.sweep_temporary(older_than_seconds=3600) == 0
    os.utime(store.temporary_files()[0], (0, 0))
    assert store.sweep_temporary(older_than_seconds=3600) == 1
    assert store.temporary_files() == []


def test_sweep_temporary_dry_run_counts_without_removing(store) -> None:
    pending = store.begin()
    pending.write(b"abandoned")
    os.utime(store.temporary_files()[0], (0, 0))
    assert store.sweep_temporary(older_than_seconds=3600, dry_run=True) == 1
    assert len(store.temporary_files()) == 1
    assert store.sweep_temporary(older_than_seconds=3600) == 1
    assert store.temporary_files() == []


def test_commit_failing_after_the_rename_keeps_no_object(store, monkeypatch) -> None:
    """Regression: the directory fsync after the rename failed and the renamed
    object stayed behind, an orphan whose key nobody learned."""
    from oncokind_secondop.contrib import localfs

    def broken_fsync_dir(path: Path) -> None:
        raise OSError("I/O error")

    monkeypatch.setattr(localfs, "_fsync_dir", broken_fsync_dir)
    pending = store.begin()
    pending.write(b"data")
    with pytest.raises(OSError):
        pending.commit()
    assert list(store.keys()) == []
    assert store.temporary_files() == []
