"""``AuthAdapter.can()`` is asked for exactly the actions ``adapters.ACTIONS``
documents: a host that allow-lists those actions denies nothing the package
needs, and the package never asks for an action a host was not told about.

The actions asked are recorded through the fake host's auth adapter while
every route of the blueprint runs, with every method it accepts, as Maria
(the owner, so every check is reached and answered yes) on her seeded world,
in the authorization matrix's order (deletes last).
"""

from __future__ import annotations

from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient

from oncokind_secondop.access import patient_view
from oncokind_secondop.adapters import ACTIONS

from ._authz_world import build_world, login, ordered_cells, send


def test_every_route_asks_can_only_for_the_documented_actions(
    app: Flask, client: FlaskClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    world = build_world(app, client)
    auth = app.extensions["secondop"].auth
    asked: set[str] = set()
    answer = auth.can

    def recording_can(actor: Any, patient_id: str, action: str) -> bool:
        asked.add(action)
        return bool(answer(actor, patient_id, action))

    monkeypatch.setattr(auth, "can", recording_can)
    login(client, "p-maria")
    for rule, method in ordered_cells(app):
        response = send(client, app, rule, method, world.maria)
        assert response.status_code < 500, f"{rule.endpoint} {method}: {response.status_code}"
    assert asked == ACTIONS


def test_every_patient_view_declares_a_documented_action(app: Flask) -> None:
    declared = {
        getattr(view, "secondop_patient_view", (None,))[0]
        for endpoint, view in app.view_functions.items()
        if endpoint.startswith("secondop.")
    } - {None}
    assert declared <= ACTIONS
    assert declared  # the walk found the patient views


def test_an_undocumented_action_is_refused_when_the_view_is_declared() -> None:
    with pytest.raises(ValueError, match="ACTIONS"):
        patient_view("publish", "packet")
