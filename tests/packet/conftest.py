"""Helpers for the packet tests: create a packet through the pages, look up
ids, upload sample files (made in code with pypdf and pydicom)."""

from __future__ import annotations

import io
import threading
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from oncokind_secondop.contrib.localfs import LocalFileStore
from oncokind_secondop.extension import current_secondop
from oncokind_secondop.packet.models import ChecklistItem, Document, Packet, TimelineEvent

from ..conftest import collect_page_errors
from ..uploads.samples import dicom_zip, pdf_bytes

BASE = "/second-opinion/packet"


class PacketHelper:
    def __init__(self, app: Flask, client: FlaskClient) -> None:
        self.app = app
        self.client = client

    def create(self, center: str = "City Cancer Center", **extra: str) -> int:
        data = {
            "center_name": center,
            "consult_questions": "Is surgery the best first step?",
            "proposed_plan": "Surgery, then chemotherapy",
            "plan_goal": "To remove the cancer",
            "version": "0",
            **extra,
        }
        response = self.client.post(f"{BASE}/new", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
        return int(response.location.rstrip("/").rsplit("/", 1)[-1])

    def item_id(self, packet_id: int, key: str) -> int:
        with self.app.app_context():
            session = current_secondop.records.session
            return session.query(ChecklistItem.id).filter_by(packet_id=packet_id, key=key).scalar()

    def set_status(self, packet_id: int, key: str, status: str, **extra: str) -> None:
        item = self.get(ChecklistItem, self.item_id(packet_id, key))
        response = self.client.post(
            f"{BASE}/{packet_id}/items/{item.id}",
            data={"status": status, "version": str(item.version), **extra},
        )
        assert response.status_code == 302, response.get_data(as_text=True)

    def get(self, model: type[Any], object_id: int) -> Any:
        with self.app.app_context():
            session = current_secondop.records.session
            record = session.get(model, object_id)
            session.expunge_all()
            return record

    def all(self, model: type[Any], **where: Any) -> list[Any]:
        with self.app.app_context():
            session = current_secondop.records.session
            rows = session.query(model).filter_by(**where).order_by(model.id).all()
            session.expunge_all()
            return rows

    def add_event(
        self,
        packet_id: int,
        title: str,
        year: int,
        month: int | None = None,
        day: int | None = None,
        kind: str = "test",
    ) -> None:
        response = self.client.post(
            f"{BASE}/{packet_id}/timeline",
            data={
                "year": str(year),
                "month": str(month or ""),
                "day": str(day or ""),
                "kind": kind,
                "title": title,
                "version": "0",
            },
        )
        assert response.status_code == 302, response.get_data(as_text=True)

    def upload(
        self, packet_id: int, key: str, files: list[tuple[bytes, str]], **kwargs: Any
    ) -> Any:
        item = self.item_id(packet_id, key)
        data = {"file": [(io.BytesIO(content), name) for content, name in files]}
        return self.client.post(
            f"{BASE}/{packet_id}/items/{item}/upload",
            data=data,
            content_type="multipart/form-data",
            **kwargs,
        )

    def seed_events(self, packet_id: int, count: int, patient_id: str = "p-maria") -> None:
        """Many timeline events at once (for query-count checks), straight to the store."""
        with self.app.app_context():
            records = current_secondop.records
            for n in range(count):
                records.add(
                    patient_id,
                    TimelineEvent(
                        packet_id=packet_id,
                        event_date=date(2020, 1 + n % 12, 1 + n % 28),
                        precision="day",
                        kind="test",
                        title=f"Event {n}",
                        details="Blood test",
                    ),
                )
            records.commit()


@pytest.fixture
def packets(app: Flask, client: FlaskClient) -> PacketHelper:
    return PacketHelper(app, client)


@pytest.fixture
def sample_pdf() -> bytes:
    return pdf_bytes(2)


@pytest.fixture
def sample_dicom_zip() -> bytes:
    return dicom_zip(3)




@pytest.fixture
def live(tmp_path: Path) -> Iterator[tuple[str, Flask]]:
    """The fake host (CSRF on) served over HTTP in a thread, for a real browser."""
    from werkzeug.serving import make_server

    from ..conftest import _reset_database
    from ..fake_host import create_app

    app = create_app(tmp_path, csrf=True)
    _reset_database(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}", app
    server.shutdown()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    """A headless Chromium page that records script errors in ``page.console_errors``."""
    context = browser.new_context()
    page = context.new_page()
    collect_page_errors(page)
    yield page
    context.close()


__all__ = ["BASE", "PacketHelper", "Packet", "Document"]


# -- services without an app (issue 14): the `store` fixture is in tests/conftest.py



@pytest.fixture
def files(tmp_path: Path) -> LocalFileStore:
    """A file store in a temporary folder, as the fake host uses."""
    return LocalFileStore(tmp_path / "service-files")
