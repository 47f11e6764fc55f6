"""Hypothesis state machine over the worksheet services: adds, edits,
removals and marks, each from the current version or a stale one. After
every step the database matches a simple model: a stale save changed
nothing, a good one moved the version on by exactly one."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule

from oncokind_secondop.adapters import StaleVersion
from oncokind_secondop.compare import services
from oncokind_secondop.compare.fields import COMPARED_KEYS
from oncokind_secondop.compare.models import Worksheet
from oncokind_secondop.extension import current_secondop
from oncokind_secondop.limits import LimitReached

from ..conftest import _reset_database
from ..fake_host import create_app

PATIENT = "p-maria"
MAX_OPINIONS = 4  # small, so the machine reaches the limit (issue 13)
plans = st.text(alphabet="abc xyz", min_size=1, max_size=12)
marks = st.dictionaries(
    st.sampled_from(COMPARED_KEYS), st.sampled_from(["agree", "differ", "unsure"]), max_size=4
)


class WorksheetMachine(RuleBasedStateMachine):
    @initialize()
    def start(self) -> None:
        self.tmp = tempfile.TemporaryDirectory()
        self.app = create_app(Path(self.tmp.name))
        _reset_database(self.app)
        with self.app.app_context():
            records = current_secondop.records
            self.worksheet_id = services.create_worksheet(records, PATIENT, "Machine", "", max_worksheets=20).id
        self.version = 1
        self.plans: dict[int, str] = {}  # opinion id -> plan
        self.order: list[int] = []  # opinion ids, in column order
        self.marks: dict[str, str] = {}

    def teardown(self) -> None:
        if hasattr(self, "app"):
            with self.app.app_context():
                current_secondop.records.engine.dispose()
            self.tmp.cleanup()

    def _call(self, stale: bool, action: Any) -> bool:
        """Run one service call in its own app context (its own session)."""
        version = self.version - 1 if stale else self.version
        with self.app.app_context():
            try:
                action(version)
            except StaleVersion:
                assert stale, "a save from the current version was refused"
                return False
        assert not stale, "a save from a stale version went through"
        self.version += 1
        return True

    @rule(plan=plans, stale=st.booleans())
    def add(self, plan: str, stale: bool) -> None:
        stale = stale and self.version > 1
        created: list[int] = []

        def action(version: int) -> None:
            opinion = services.add_opinion(
                current_secondop.records, PATIENT, self.worksheet_id, version, {"doctor": "Dr", "plan": plan},
                max_opinions=MAX_OPINIONS,
            )
            created.append(opinion.id)

        if len(self.plans) >= MAX_OPINIONS and not stale:
            # At the limit: refused, and nothing moves (the invariant checks the version).
            with self.app.app_context(), pytest.raises(LimitReached):
                action(self.version)
            return
        if self._call(stale, action):
            self.plans[created[0]] = plan
            self.order.append(created[0])

    @rule(data=st.data(), plan=plans, stale=st.booleans())
    @precondition(lambda self: bool(self.plans))
    def edit(self, data: st.DataObject, plan: str, stale: bool) -> None:
        opinion_id = data.draw(st.sampled_from(sorted(self.plans)))
        stale = stale and self.version > 1

        def action(version: int) -> None:
            services.save_opinion(current_secondop.records, PATIENT, self.worksheet_id, opinion_id, version,
                                  {"plan": plan})

        if self._call(stale, action):
            self.plans[opinion_id] = plan

    @rule(data=st.data(), stale=st.booleans())
    @precondition(lambda self: bool(self.plans))
    def remove(self, data: st.DataObject, stale: bool) -> None:
        opinion_id = data.draw(st.sampled_from(sorted(self.plans)))
        stale = stale and self.version > 1

        def action(version: int) -> None:
            services.remove_opinion(current_secondop.records, PATIENT, self.worksheet_id, opinion_id, version)

        if self._call(stale, action):
            del self.plans[opinion_id]
            self.order.remove(opinion_id)

    @rule(data=st.data(), step=st.sampled_from([-1, 1]), stale=st.booleans())
    @precondition(lambda self: bool(self.plans))
    def move(self, data: st.DataObject, step: int, stale: bool) -> None:
        opinion_id = data.draw(st.sampled_from(self.order))
        stale = stale and self.version > 1

        def action(version: int) -> None:
            services.move_opinion(current_secondop.records, PATIENT, self.worksheet_id, opinion_id, version, step)

        if self._call(stale, action):
            index = self.order.index(opinion_id)
            target = min(max(index + step, 0), len(self.order) - 1)
            self.order.insert(target, self.order.pop(index))

    @rule(new=marks, stale=st.booleans())
    def mark(self, new: dict[str, str], stale: bool) -> None:
        stale = stale and self.version > 1
        def action(version: int) -> None:
            services.save_marks(current_secondop.records, PATIENT, self.worksheet_id, version, new)

        if self._call(stale, action):
            self.marks = dict(new)

    @invariant()
    def database_matches_the_model(self) -> None:
        if not hasattr(self, "app"):
            return
        with self.app.app_context():
            worksheet = current_secondop.records.get(Worksheet, PATIENT, self.worksheet_id)
            assert worksheet.version == self.version
            assert worksheet.marks == self.marks
            opinions = list(worksheet.opinions)
            assert {o.id: o.plan for o in opinions} == self.plans
            assert [o.id for o in opinions] == self.order
            positions = [o.position for o in opinions]
            assert positions == sorted(set(positions))


WorksheetMachine.TestCase.settings = settings(
    max_examples=30,
    stateful_step_count=12,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
test_worksheet_machine = WorksheetMachine.TestCase
