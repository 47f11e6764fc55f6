"""Concurrency (ASVS 2.3.4): no lost updates under real threads.

A real threaded WSGI server (werkzeug ``make_server`` on 127.0.0.1:0) serves
the fake host. Two HTTP clients -- Maria and Sam, her caregiver -- each hold a
keep-alive connection. In each of 100 iterations both read the same version,
wait at a barrier, and then save at the same moment: first the worksheet
(compare edit), then one checklist item (packet item status form).

Proved for every iteration and both records, on SQLite and PostgreSQL:
exactly one save wins (302), the other gets 409 (never a 500 or "database is
locked"), the stored value is exactly the winner's, the version went up by
exactly one, and each save is audited once (a change or a conflict).
"""
from __future__ import annotations

import http.client
import threading
import urllib.parse
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from werkzeug.serving import make_server

from oncokind_secondop.compare.models import Worksheet
from oncokind_secondop.extension import current_secondop
from oncokind_secondop.packet.models import ChecklistItem

from ..compare.conftest import BASE as COMPARE
from ..packet.conftest import BASE as PACKET

ITERATIONS = 100
PATIENT = "p-maria"


class HttpUser:
    """One browser: a keep-alive connection and the host's session cookie."""

    def __init__(self, port: int, user_id: str) -> None:
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.cookie = ""
        status, _ = self.request("GET", f"/test-login/{user_id}")
        assert status == 200 and self.cookie, "the fake host must log the user in"

    def request(self, method: str, path: str, data: dict[str, Any] | None = None) -> tuple[int, str]:
        headers = {"Cookie": self.cookie} if self.cookie else {}
        body = None
        if data is not None:
            body = urllib.parse.urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        self.conn.request(method, path, body=body, headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        set_cookie = response.getheader("Set-Cookie")
        if set_cookie:
            self.cookie = set_cookie.split(";", 1)[0]
        return response.status, text

    def close(self) -> None:
        self.conn.close()


@dataclass
class Server:
    app: Flask
    port: int


@pytest.fixture
def server(app: Flask) -> Iterator[Server]:
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield Server(app, httpd.server_port)
    finally:
        httpd.shutdown()
        thread.join(timeout=10)
        httpd.server_close()


def _stored(app: Flask, model: type[Any], object_id: int) -> Any:
    with app.app_context():
        record = current_secondop.records.get(model, PATIENT, object_id)
        assert record is not None
        current_secondop.records.session.expunge(record)
        return record


def _race(users: list[HttpUser], path: str, payloads: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """Send ``payloads[i]`` as ``users[i]`` at the same instant (a barrier)."""
    barrier = threading.Barrier(len(users))
    results: list[tuple[int, str] | BaseException] = [RuntimeError("no answer")] * len(users)

    def send(i: int) -> None:
        try:
            barrier.wait(timeout=10)
            results[i] = users[i].request("POST", path, payloads[i])
        except BaseException as exc:  # reported below, in the test's thread
            results[i] = exc

    threads = [threading.Thread(target=send, args=(i,)) for i in range(len(users))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    for result in results:
        if isinstance(result, BaseException):
            raise result
    return results  # type: ignore[return-value]


def _one_winner(answers: list[tuple[int, str]], what: str, iteration: int) -> int:
    statuses = sorted(status for status, _ in answers)
    assert statuses == [302, 409], (
        f"{what}, iteration {iteration}: expected one 302 and one 409, got {statuses}: "
        + " | ".join(body[:300] for status, body in answers if status not in (302, 409))
    )
    return next(i for i, (status, _) in enumerate(answers) if status == 302)


def test_simultaneous_saves_lose_nothing(server: Server, client: Any, audit_log: list[Any]) -> None:
    app = server.app
    assert client.get(f"/test-login/{PATIENT}").status_code == 200
    response = client.post(f"{COMPARE}/new", data={"title": "Start", "notes": ""})
    worksheet_id = int(response.location.rstrip("/").rsplit("/", 1)[-1])
    response = client.post(f"{PACKET}/new", data={
        "center_name": "City Cancer Center", "consult_questions": "Which first?",
        "proposed_plan": "Surgery", "plan_goal": "Cure", "version": "0"})
    packet_id = int(response.location.rstrip("/").rsplit("/", 1)[-1])
    with app.app_context():
        item_id = current_secondop.records.list(
            ChecklistItem, PATIENT, where={"packet_id": packet_id, "key": "clinic_notes"})[0].id

    users = [HttpUser(server.port, PATIENT), HttpUser(server.port, "c-sam")]
    names = ["maria", "sam"]
    try:
        for i in range(ITERATIONS):
            before = _stored(app, Worksheet, worksheet_id)
            titles = [f"{name}-{i}" for name in names]
            answers = _race(users, f"{COMPARE}/{worksheet_id}/edit", [
                {"title": title, "notes": f"notes-{title}", "version": before.version} for title in titles])
            winner = _one_winner(answers, "worksheet", i)
            after = _stored(app, Worksheet, worksheet_id)
            assert (after.title, after.notes) == (titles[winner], f"notes-{titles[winner]}")
            assert after.version == before.version + 1

            before = _stored(app, ChecklistItem, item_id)
            statuses = ["requested", "received"] if i % 2 else ["received", "requested"]
            notes = [f"{name}-{i}" for name in names]
            answers = _race(users, f"{PACKET}/{packet_id}/items/{item_id}", [
                {"status": status, "notes": note, "version": before.version}
                for status, note in zip(statuses, notes, strict=True)])
            winner = _one_winner(answers, "checklist item", i)
            after = _stored(app, ChecklistItem, item_id)
            assert (after.status, after.notes) == (statuses[winner], notes[winner])
            assert after.version == before.version + 1
    finally:
        for user in users:
            user.close()
    assert _stored(app, Worksheet, worksheet_id).version == 1 + ITERATIONS
    # Each save was audited once, from its own thread: the winner's change, the loser's conflict.
    saves = Counter((e.category, e.outcome, e.actor_id) for e in audit_log if e.action == "change")
    for category in ("compare_worksheet", "packet_item"):
        assert saves[(category, "success", "p-maria")] + saves[(category, "success", "c-sam")] == ITERATIONS
        assert saves[(category, "conflict", "p-maria")] + saves[(category, "conflict", "c-sam")] == ITERATIONS
