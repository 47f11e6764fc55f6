"""Fuzzing the new-share form (the general fuzz in tests/security/test_form_fuzz.py
expects a save to redirect; this one answers its page once, and stores hashes).

Hypothesis posts any Unicode (NUL, controls, right-to-left marks, very long
text), missing or repeated fields, odd day counts and scopes, unknown item
keys, and protected column names carrying another patient's ids. For every
submission: no 5xx; a 400 adds nothing; a 200 adds exactly one share of
Maria's packet, holding what was sent after the documented normalisation
(NUL dropped, surrounding whitespace stripped, the first of a repeated
field), never an injected value."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from oncokind_secondop.extension import current_secondop
from oncokind_secondop.limits import has_control
from oncokind_secondop.packet.checklist import CHECKLIST
from oncokind_secondop.packet.models import Share

from ..conftest import _reset_database
from ..fake_host import create_app
from ..packet.conftest import PacketHelper

KEYS = [e.key for e in CHECKLIST]
CHARS = st.characters(codec="utf-8")
TEXT = st.one_of(
    st.text(CHARS, max_size=40),
    st.sampled_from(["", " ", "\x00", "a\nb", "\u202etxet", "Lakeside\t", " Dr Ruiz ", "x" * 200, "x" * 201,
                     "\u764c" * 200, "A\x00B"]),
)
DAYS = st.one_of(st.integers(-5, 100).map(str), st.sampled_from(["", "1", "14", "90", "91", "1e3", "7.5", " 3 "]),
                 st.text(CHARS, max_size=5))
SCOPE = st.sampled_from(["all", "some", "", "everything", "ALL"])
ITEM = st.one_of(st.sampled_from(KEYS), st.sampled_from(["", "nope", "pathology_reports "]))
INJECTED = st.sampled_from(["patient_id", "packet_id", "token_hash", "code_hash", "created_by", "revoked_at",
                            "failed_attempts", "expires_at", "patient_name", "id"])


@st.composite
def submissions(draw: Any) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for name, values in (("team_name", TEXT), ("contact", TEXT), ("days", DAYS), ("scope", SCOPE)):
        for _ in range(draw(st.integers(0, 2) if draw(st.booleans()) else st.just(1))):
            pairs.append((name, draw(values)))
    pairs += [("item_keys", k) for k in draw(st.lists(ITEM, max_size=4))]
    pairs += [(n, v) for n, v in draw(st.lists(st.tuples(INJECTED, st.sampled_from(["p-lee", "1", "0", "x"])),
                                                max_size=3))]
    return pairs


def _expected(sent: MultiDict[str, str]) -> tuple[str, str] | None:
    """(team_name, contact) the form must store, or None when it must refuse."""
    def clean(name: str) -> str:
        return (sent.get(name) or "").replace("\x00", "").strip()

    team, contact = clean("team_name"), clean("contact")
    days_raw = sent.get("days")
    try:
        days = int(days_raw) if days_raw is not None else None
    except ValueError:
        days = None
    scope, items = sent.get("scope"), sent.getlist("item_keys")
    ok = (bool(team) and len(team) <= 200 and len(contact) <= 200 and not has_control(team)
          and not has_control(contact) and days is not None and 1 <= days <= 90
          and scope in ("all", "some") and all(k in KEYS for k in items)
          and (scope == "all" or bool(items)))
    return (team, contact) if ok else None


def test_the_share_form_under_fuzzing(tmp_path: Path) -> None:
    app = create_app(tmp_path)
    _reset_database(app)
    client = app.test_client()
    client.get("/test-login/p-maria")
    packet_id = PacketHelper(app, client).create()
    url = f"/second-opinion/packet/{packet_id}/shares/new"
    seen = {"saved": 0, "refused": 0}

    def rows() -> list[tuple[Any, ...]]:
        with app.app_context():
            session = current_secondop.records.session
            found = [(s.id, s.patient_id, s.packet_id, s.team_name, s.contact, s.created_by, s.item_keys,
                      s.failed_attempts, s.revoked_at, s.patient_name, s.token_hash)
                     for s in session.scalars(select(Share).order_by(Share.id))]
            session.rollback()
            return found

    @settings(max_examples=80, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(pairs=submissions())
    @example(pairs=[])
    @example(pairs=[("team_name", "Lakeside"), ("days", "14"), ("scope", "some"), ("item_keys", "slides_blocks"),
                    ("patient_id", "p-lee"), ("token_hash", "x")])
    def check(pairs: list[tuple[str, str]]) -> None:
        sent: MultiDict[str, str] = MultiDict(pairs)
        before = rows()
        response = client.post(url, data=sent)
        after = rows()
        want = _expected(sent)
        assert response.status_code < 500
        if want is None:
            assert response.status_code == 400, (pairs, response.status_code)
            assert after == before
            seen["refused"] += 1
            return
        assert response.status_code == 200, (pairs, response.get_data(as_text=True)[:2000])
        [new] = [r for r in after if r not in before]
        _id, patient, packet, team, contact, made_by, keys, attempts, revoked, name, token_hash = new
        assert (patient, packet, made_by, name, attempts, revoked) == ("p-maria", packet_id, "p-maria",
                                                                       "Maria Lopez", 0, None)
        assert (team, contact) == want and len(token_hash) == 64 and token_hash != "x"
        chosen = list(dict.fromkeys(sent.getlist("item_keys"))) if sent.get("scope") == "some" else []
        assert keys == " ".join(chosen)
        with app.app_context():  # room for the next example (the limit is 20 a packet)
            session = current_secondop.records.session
            session.execute(Share.__table__.delete())
            session.commit()
        seen["saved"] += 1

    check()
    assert seen["saved"] and seen["refused"]
    with app.app_context():
        current_secondop.records.engine.dispose()
