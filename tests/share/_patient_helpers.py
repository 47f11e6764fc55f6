"""Helpers for the patient's sharing pages: make a packet and shares through
the pages, read the link and code from the page shown once, and a stand-in
for the team's entry page until ``views/team.py`` registers the real one."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from flask import Flask
from flask.testing import FlaskClient

from oncokind_secondop.share.views.patient import TEAM_ENTRY

from ..packet.conftest import BASE, PacketHelper

SECRET = re.compile(r'id="so-share-(link|code)-value">([^<]*)<')


def ensure_team_entry(app: Flask) -> None:
    """The test app's stand-in for the team's entry page, only while the real one is missing."""
    if TEAM_ENTRY not in app.view_functions:
        app.add_url_rule("/stand-in/shared/<token>", TEAM_ENTRY, lambda token: "stand-in")


@dataclass
class Made:
    response: Any
    link: str
    code: str

    @property
    def token(self) -> str:
        return self.link.rstrip("/").rsplit("/", 1)[-1]


def share_form(**extra: Any) -> dict[str, Any]:
    return {"team_name": "Lakeside Oncology", "contact": "Dr Ruiz 555-0100", "days": "14",
            "scope": "all", **extra}


class ShareHelper(PacketHelper):
    def __init__(self, app: Flask, client: FlaskClient) -> None:
        super().__init__(app, client)
        ensure_team_entry(app)

    def shares_url(self, packet_id: int) -> str:
        return f"{BASE}/{packet_id}/shares"

    def make(self, packet_id: int, **extra: Any) -> Made:
        response = self.client.post(f"{BASE}/{packet_id}/shares/new", data=share_form(**extra))
        assert response.status_code == 200, response.get_data(as_text=True)
        found = dict(SECRET.findall(response.get_data(as_text=True)))
        return Made(response, found["link"], found["code"])
