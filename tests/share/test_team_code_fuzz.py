"""Fuzzing the one form a receiving team can post: the access code
(tests/security/test_form_fuzz.py lists it as covered here).

Any submission (any Unicode, controls, very long text, repeated or missing
fields, odd extra fields) on a fresh share answers 303 (the right code,
however typed) or 400 (the form again); never a 5xx. A wrong code counts
exactly one try and says so, a refused form (empty, a control character, too
long) counts none; the share's other columns never move and no grant is given
without the right code.
"""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from oncokind_secondop.extension import current_secondop
from oncokind_secondop.packet.models import Share
from oncokind_secondop.share.views.team_access import GRANTS_KEY

from ._team import Made, make_share, seed_packet, set_share

EXAMPLES = max(20, int(os.environ.get("SECONDOP_FUZZ_EXAMPLES", "300")) // 10)
#: Columns a submission may change: the wrong-try count and the lock (and the row's update time).
MOVING = {"failed_attempts", "locked_at", "updated_at"}


def _row(app: Flask, share_id: int) -> dict[str, Any]:
    with app.app_context():
        session = current_secondop.records.session
        share = session.scalars(select(Share).where(Share.id == share_id)).one()
        values = {c.name: getattr(share, c.name) for c in Share.__table__.columns}
        session.close()
        return values


codes = st.one_of(
    st.text(max_size=60),
    st.text(alphabet=st.characters(codec="utf-8"), min_size=1, max_size=400),
    st.sampled_from(["", " ", "\x00", "ABCDE-FGHJK", "a" * 41, "\u202eKHGFE-DCBA", "١٢٣"]),
)
extra = st.dictionaries(st.sampled_from(["share_id", "patient_id", "token", "failed_attempts", "x"]),
                        st.text(max_size=20), max_size=3)


def test_any_code_submission_is_answered_calmly_and_counted_right(app: Flask, client: FlaskClient) -> None:
    world = seed_packet(app, client)
    made = make_share(app, world["packet_id"])
    before = _row(app, made.id)

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(code=codes, repeat=st.booleans(), fields=extra)
    @example(code=made.code, repeat=False, fields={})
    @example(code=made.code.lower().replace("-", "  "), repeat=True, fields={"share_id": "1"})
    def submit(code: str, repeat: bool, fields: dict[str, str]) -> None:
        set_share(app, made.id, failed_attempts=0, locked_at=None)
        team = app.test_client()
        data: dict[str, Any] = {**fields, "code": [code, "SECOND"] if repeat else code}
        response = team.post(Made(made.id, made.token, made.code).entry, data=data)
        assert response.status_code in (303, 400), response.status_code
        after = _row(app, made.id)
        assert {k: v for k, v in after.items() if k not in MOVING} == \
            {k: v for k, v in before.items() if k not in MOVING}
        with team.session_transaction() as session:
            granted = made.id in session.get(GRANTS_KEY, [])
        if response.status_code == 303:
            assert granted and after["failed_attempts"] == 0
        else:
            assert not granted and after["failed_attempts"] in (0, 1)
            said_wrong = "That code is not right." in response.get_data(as_text=True)
            assert said_wrong == (after["failed_attempts"] == 1)
            assert after["locked_at"] is None

    submit()
