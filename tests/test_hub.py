"""The hub: the front door inside the host's layout."""
from __future__ import annotations


def test_hub_renders_inside_host_layout(client):
    response = client.get("/second-opinion/")
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert 'id="fake-host-nav"' in html
    assert "For information only." in html


def test_hub_names_the_patient_a_caregiver_acts_for(client, auth, audit_log):
    auth.login("c-sam")
    html = client.get("/second-opinion/").get_data(as_text=True)
    assert "You are acting for Maria Lopez." in html
    assert audit_log[-1].actor_id == "c-sam" and audit_log[-1].patient_id == "p-maria"
