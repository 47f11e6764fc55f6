"""Helpers for the patient's sharing pages: make a packet and shares through
the pages, and read the link and code from the page shown once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from ..packet.conftest import BASE, PacketHelper

SECRET = re.compile(r'id="so-share-(link|code)-value">([^<]*)<')


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
    def shares_url(self, packet_id: int) -> str:
        return f"{BASE}/{packet_id}/shares"

    def make(self, packet_id: int, **extra: Any) -> Made:
        response = self.client.post(f"{BASE}/{packet_id}/shares/new", data=share_form(**extra))
        assert response.status_code == 200, response.get_data(as_text=True)
        found = dict(SECRET.findall(response.get_data(as_text=True)))
        return Made(response, found["link"], found["code"])
