"""Timeline: dates with precision, sorting, editing (409 on stale), deleting."""

from __future__ import annotations

import re

from oncokind_secondop.packet.models import TimelineEvent

from .conftest import BASE


def test_events_sorted_with_their_precision(client, auth, packets):
    auth.login("p-maria")
    packet_id = packets.create()
    packets.add_event(packet_id, "First chemotherapy", 2024, 6, 3, kind="treatment")
    packets.add_event(packet_id, "Lump found", 2023, kind="symptom")
    packets.add_event(packet_id, "Biopsy", 2024, 3, kind="diagnosis")
    events = packets.all(TimelineEvent, packet_id=packet_id)
    assert {e.title: e.precision for e in events} == {
        "First chemotherapy": "day",
        "Lump found": "year",
        "Biopsy": "month",
    }
    html = client.get(f"{BASE}/{packet_id}/timeline").get_data(as_text=True)
    visual = html[html.index('class="so-timeline"') : html.index('id="so-events-table"')]
    assert [m for m in re.findall(r'so-timeline__title">([^<]+)<', visual)] == [
        "Lump found",
        "Biopsy",
        "First chemotherapy",
    ]
    assert '<time datetime="2023">2023</time>' in visual
    assert '<time datetime="2024-03">March 2024</time>' in visual
    assert '<time datetime="2024-06-03">Jun 3, 2024</time>' in visual
    table = html[html.index('id="so-events-table"') :]
    assert table.index("Lump found") < table.index("Biopsy") < table.index("First chemotherapy")


def test_invalid_dates_are_explained_and_input_kept(client, auth, packets):
    auth.login("p-maria")
    packet_id = packets.create()
    response = client.post(
        f"{BASE}/{packet_id}/timeline",
        data={
            "year": "2024",
            "month": "2",
            "day": "30",
            "kind": "test",
            "title": "Scan",
            "version": "0",
        },
    )
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert "That month does not have that many days." in html and 'value="Scan"' in html
    response = client.post(
        f"{BASE}/{packet_id}/timeline",
        data={"year": "", "day": "4", "kind": "test", "title": "", "version": "0"},
    )
    html = response.get_data(as_text=True)
    assert "Please enter the year." in html and "Please say in a few words what happened." in html
    assert packets.all(TimelineEvent, packet_id=packet_id) == []


def test_edit_event_and_stale_edit(client, auth, packets, audit_log):
    auth.login("p-maria")
    packet_id = packets.create()
    packets.add_event(packet_id, "CT scan", 2024, 2, 10)
    event = packets.all(TimelineEvent, packet_id=packet_id)[0]
    html = client.get(f"{BASE}/{packet_id}/timeline/{event.id}").get_data(as_text=True)
    assert 'value="2024"' in html and '<option selected value="2">' in html and 'value="10"' in html
    data = {
        "year": "2024",
        "month": "2",
        "day": "",
        "kind": "test",
        "title": "CT scan of the chest",
        "details": "No spread seen",
        "version": "1",
    }
    assert client.post(f"{BASE}/{packet_id}/timeline/{event.id}", data=data).status_code == 302
    saved = packets.get(TimelineEvent, event.id)
    assert (
        saved.title == "CT scan of the chest" and saved.precision == "month" and saved.version == 2
    )
    data["title"] = "Old tab's title"
    response = client.post(f"{BASE}/{packet_id}/timeline/{event.id}", data=data)
    assert response.status_code == 409
    html = response.get_data(as_text=True)
    assert "CT scan of the chest" in html and "Old tab&#39;s title" in html
    assert audit_log[-1].outcome == "conflict" and audit_log[-1].category == "packet_timeline"


def test_delete_event(client, auth, packets):
    auth.login("p-maria")
    packet_id = packets.create()
    packets.add_event(packet_id, "CT scan", 2024)
    event = packets.all(TimelineEvent, packet_id=packet_id)[0]
    assert client.post(f"{BASE}/{packet_id}/timeline/{event.id}/delete").status_code == 302
    assert packets.all(TimelineEvent, packet_id=packet_id) == []


def test_timeline_item_shows_event_count(client, auth, packets):
    auth.login("p-maria")
    packet_id = packets.create()
    packets.add_event(packet_id, "CT scan", 2024)
    packets.add_event(packet_id, "Biopsy", 2024)
    assert "2 events on your timeline." in client.get(f"{BASE}/{packet_id}").get_data(as_text=True)


def test_gaps_page_counts_timeline_events(client, auth, packets):
    auth.login("p-maria")
    packet_id = packets.create()
    packets.add_event(packet_id, "CT scan", 2024)
    html = client.get(f"{BASE}/{packet_id}/gaps").get_data(as_text=True)
    assert "Your timeline has 1 event. When it is complete, mark this item as received." in html
