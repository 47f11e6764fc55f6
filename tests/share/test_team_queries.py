"""Opening a share costs a fixed number of SQL queries whatever the packet's
size (issue 15, item 7): the team's packet page for a packet with a few
events and files and for one with many."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from ..packet.conftest import PacketHelper
from ..packet.test_queries import count_queries
from ..uploads.samples import pdf_bytes
from ._team import make_share, open_share


def test_the_team_page_query_count_does_not_grow_with_the_packet(app: Flask, client: FlaskClient) -> None:
    assert client.get("/test-login/p-maria").status_code == 200
    packets = PacketHelper(app, client)
    small, large = packets.create("Small"), packets.create("Large")
    for packet_id, files in ((small, 1), (large, 6)):
        for key in ("pathology_reports", "clinic_notes", "imaging_reports"):
            packets.upload(packet_id, key, [(pdf_bytes(n + 1), f"{key}-{n}.pdf") for n in range(files)])
    packets.seed_events(small, 3)
    packets.seed_events(large, 150)
    counts = []
    for packet_id in (small, large):
        made = make_share(app, packet_id)
        team = app.test_client()
        assert open_share(team, made).status_code == 303
        with count_queries(app) as statements:
            assert team.get(made.packet).status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 8, counts  # the grant's share, the packet, items+files, events, slides, requests
