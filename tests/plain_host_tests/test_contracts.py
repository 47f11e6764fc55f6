"""The plain host runs the three contract kits the way docs/hosting.md tells a host
to, and the guide's code is the code that runs: its quotes of the plain host
are the plain host's own lines, and its in-memory file store passes the kit."""
from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from oncokind_secondop.adapters import FileStore, RecordStore
from oncokind_secondop.contrib.localfs import LocalFileStore
from oncokind_secondop.migrate import upgrade
from oncokind_secondop.testing import AuthAdapterContract, FileStoreContract, RecordStoreContract

from ..plain_host import PASSWORD, create_app

ROOT = Path(__file__).resolve().parents[2]
GUIDE = (ROOT / "docs" / "hosting.md").read_text()
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", GUIDE, flags=re.DOTALL)


def guide_block(containing: str) -> str:
    (block,) = [b for b in PYTHON_BLOCKS if containing in b]
    return block


class TestClinicRecords(RecordStoreContract):
    def make_store(self, tmp_path: Path) -> Iterator[RecordStore]:
        app = create_app(tmp_path)
        with app.app_context():
            records = app.extensions["secondop"].records
            upgrade(records.engine)
            yield records
            records.engine.dispose()


class TestClinicAuth(AuthAdapterContract):
    patient = "rosa@clinic.test"
    caregiver = "rosa@clinic.test"  # the plain host has no caregivers: the patient plays both roles
    stranger_patient_id = "2"  # Tom, the other patient (ids follow the order of PEOPLE)

    def make_app(self, tmp_path: Path) -> Flask:
        return create_app(tmp_path, {"TESTING": True})

    def sign_in(self, client: FlaskClient, who: str) -> None:
        assert client.post("/login", data={"email": who, "password": PASSWORD}).status_code == 302

    def test_a_revoked_access_is_gone_on_the_next_request(self, host: Flask) -> None:
        pytest.skip("the plain host has no caregivers, so no access to revoke")


class TestClinicFiles(FileStoreContract):
    def make_store(self, tmp_path: Path) -> FileStore:
        return LocalFileStore(tmp_path / "files")


class TestTheGuidesMemoryFileStore(FileStoreContract):
    def make_store(self, tmp_path: Path) -> FileStore:
        namespace: dict[str, Any] = {}
        exec(guide_block("class MemoryFileStore"), namespace)  # noqa: S102 - our own guide's code
        store: FileStore = namespace["MemoryFileStore"]()
        return store


def test_the_guide_quotes_the_plain_hosts_adapter_and_mount() -> None:
    assert guide_block("class ClinicAuth") in (ROOT / "tests" / "plain_host" / "auth.py").read_text()
    assert guide_block("auth=ClinicAuth()") in (ROOT / "tests" / "plain_host" / "__init__.py").read_text()

