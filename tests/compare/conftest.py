"""Helpers for the Compare tests: Maria's worksheet with three typed opinions."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from oncokind_secondop.compare.fields import OPINION_FIELDS
from oncokind_secondop.compare.models import Opinion, Worksheet
from oncokind_secondop.extension import current_secondop

BASE = "/second-opinion/compare"


def opinion_data(n: int, **overrides: Any) -> dict[str, str]:
    """Every field typed, each value unique to this opinion (easy to find in a PDF)."""
    data: dict[str, str] = {}
    for spec in OPINION_FIELDS:
        if spec.kind == "date":
            data[spec.key] = f"2026-0{n}-1{n}"
        elif spec.kind == "choice":
            data[spec.key] = "remote" if n % 2 == 0 else "visit"
        else:
            data[spec.key] = f"{spec.key.replace('_', ' ')} answer{n}"
    data["doctor"] = f"Dr Ortiz{n}"
    data["center"] = f"Hope Center{n}"
    data.update(overrides)
    return data


def version_in(html: str) -> int:
    match = re.search(r'name="version" type="hidden" value="(\d+)"', html)
    assert match, "the form must carry the worksheet version"
    return int(match.group(1))


@dataclass
class CompareHelper:
    app: Flask
    client: FlaskClient
    made: list[int] = field(default_factory=list)

    def create(self, title: str = "Surgery or radiation", notes: str = "Decide by June") -> int:
        response = self.client.post(f"{BASE}/new", data={"title": title, "notes": notes})
        assert response.status_code == 302, response.get_data(as_text=True)
        worksheet_id = int(response.location.rstrip("/").rsplit("/", 1)[-1])
        self.made.append(worksheet_id)
        return worksheet_id

    def version(self, worksheet_id: int, patient_id: str = "p-maria") -> int:
        with self.app.app_context():
            worksheet = current_secondop.records.get(Worksheet, patient_id, worksheet_id)
            assert worksheet is not None
            return worksheet.version

    def worksheet(self, worksheet_id: int, patient_id: str = "p-maria") -> dict[str, Any]:
        with self.app.app_context():
            worksheet = current_secondop.records.get(Worksheet, patient_id, worksheet_id)
            assert worksheet is not None
            return {
                "title": worksheet.title,
                "notes": worksheet.notes,
                "marks": dict(worksheet.marks),
                "version": worksheet.version,
                "opinions": [
                    {spec.key: getattr(o, spec.key) for spec in OPINION_FIELDS} | {"id": o.id}
                    for o in worksheet.opinions
                ],
            }

    def opinion_ids(self, worksheet_id: int, patient_id: str = "p-maria") -> list[int]:
        with self.app.app_context():
            return [
                o.id
                for o in current_secondop.records.list(
                    Opinion,
                    patient_id,
                    where={"worksheet_id": worksheet_id},
                    order_by=("position", "id"),
                )
            ]

    def add_opinion(self, worksheet_id: int, data: dict[str, str]) -> int:
        before = set(self.opinion_ids(worksheet_id))
        response = self.client.post(
            f"{BASE}/{worksheet_id}/opinions/new",
            data={**data, "version": self.version(worksheet_id)},
        )
        assert response.status_code == 302, response.get_data(as_text=True)
        (new,) = set(self.opinion_ids(worksheet_id)) - before
        return new

    def with_opinions(self, count: int = 3, title: str = "Surgery or radiation") -> int:
        worksheet_id = self.create(title)
        for n in range(1, count + 1):
            self.add_opinion(worksheet_id, opinion_data(n))
        return worksheet_id


@pytest.fixture
def compare(app: Flask, client: FlaskClient, auth: Any) -> CompareHelper:
    auth.login("p-maria")
    return CompareHelper(app, client)


# -- services without an app (issue 14): the `store` fixture is in tests/conftest.py
