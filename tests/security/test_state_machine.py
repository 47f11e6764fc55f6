"""A Hypothesis state machine over packets, documents, worksheets and
caregiver links (issue 7, item 7).

Rules: create a packet (perhaps copying another packet's timeline, anyone's),
add a timeline event, upload a real PDF to one of its checklist items,
download or delete a document, delete a packet, create or delete a worksheet,
grant or revoke a caregiver's link (``app.extensions["fake_directory"].links``),
choose whom a caregiver acts for, and switch the acting user (Maria, Lee, or the
caregivers Sam and Rita). Every object is tried by whoever is acting, including
other patients' objects.

Invariants, after every step:
- authorization: the user acting for a patient sees exactly that patient's
  packets and worksheets (canary names on the index pages) and every detail
  page of theirs; any other patient's object answers 404/403 or the patient
  chooser, and no page shown carries another patient's canary; a caregiver
  without a link (or with several and none chosen) sees no one's data;
- referential integrity: every checklist item, document, event, request and
  slide has the patient of its packet, a document's item is in its packet, an
  opinion has its worksheet's patient; the database holds exactly the objects
  the model expects, each with its owner;
- files: every document row has its stored file with the row's size and SHA-256,
  no stored file lacks a row, and no temporary file is left.

CI: 25 examples of up to 20 steps, deterministic. A longer run:

    SECONDOP_STATEFUL_EXAMPLES=300 SECONDOP_STATEFUL_STEPS=50 \
        bin/test tests/security/test_state_machine.py -p no:cacheprovider -q
"""

from __future__ import annotations

import hashlib
import io
import os
import shutil
import tempfile
from functools import cache
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import select

from oncokind_secondop.compare.models import Opinion, Worksheet
from oncokind_secondop.packet.models import (
    ChecklistItem,
    Document,
    Facility,
    Packet,
    SlideRecord,
    TimelineEvent,
)

from ..uploads.samples import pdf_bytes
from ._fuzzkit import COMPARE, PACKET, engine_of, make_app

EXAMPLES = int(os.environ.get("SECONDOP_STATEFUL_EXAMPLES", "25"))
STEPS = int(os.environ.get("SECONDOP_STATEFUL_STEPS", "20"))

PATIENTS = ("p-maria", "p-lee")
CAREGIVERS = ("c-sam", "c-rita")
USERS = PATIENTS + CAREGIVERS
PICK = st.integers(min_value=0, max_value=10**6)
MAX_PACKETS = 5  # keeps the per-step page checks cheap


@cache
def sample_pdf(pages: int) -> bytes:
    return pdf_bytes(pages)


def canary(patient: str, kind: str, n: int) -> str:
    return f"cnry-{patient}-{kind}{n}-"


class AccessMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tmp = Path(tempfile.mkdtemp(prefix="secondop-state-"))
        self.app = make_app(self.tmp)
        self.client = self.app.test_client()
        self.links: set[tuple[str, str]] = self.app.extensions["fake_directory"].links
        self.links.clear()
        self.user = ""
        self.chosen: str | None = None  # the patient chosen in this browser session
        self.counter = 0
        #: packet id -> (owner, canary); document id -> (packet id, owner, bytes, canary)
        self.packets: dict[int, tuple[str, str]] = {}
        self.documents: dict[int, tuple[int, str, bytes, str]] = {}
        self.worksheets: dict[int, tuple[str, str]] = {}

    def teardown(self) -> None:
        engine_of(self.app).dispose()
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- the model ----------------------------------------------------------

    def patients_of(self, user: str) -> list[str]:
        own = [user] if user in PATIENTS else []
        return own + sorted(p for c, p in self.links if c == user and p not in own)

    def acting(self) -> str | None:
        """Whom the current user acts for (None: no one, or a choice is needed)."""
        patients = self.patients_of(self.user)
        if self.chosen in patients:
            return self.chosen
        return patients[0] if len(patients) == 1 else None

    def next_canary(self, kind: str) -> str:
        self.counter += 1
        return canary(self.acting() or "nobody", kind, self.counter)

    def assert_denied(self, response: Any, what: str) -> None:
        event("denied: " + "".join(c for c in what if not c.isdigit()).strip())
        status = response.status_code
        chooser = status == 302 and "/choose" in response.location
        assert status in (403, 404) or chooser, f"{self.user} acting for {self.acting()} got {status} on {what}"

    def rows(self, model: type[Any]) -> list[Any]:
        with engine_of(self.app).connect() as conn:
            return list(conn.execute(select(model.__table__)))

    def pick(self, mapping: dict[int, Any], n: int) -> int:
        keys = sorted(mapping)
        return keys[n % len(keys)]

    # -- rules ----------------------------------------------------------------

    @initialize(user=st.sampled_from(USERS))
    def start(self, user: str) -> None:
        """Each patient starts with a packet, a document and a worksheet, so
        every rule has someone's object to try from the first step; Sam cares for Maria."""
        for patient in PATIENTS:
            self.switch_user(patient)
            self.create_packet()
            self.upload(n=len(self.packets) - 1, pages=1)
            self.create_worksheet()
        self.links.add(("c-sam", "p-maria"))
        self.switch_user(user)

    @rule(user=st.sampled_from(USERS))
    def switch_user(self, user: str) -> None:
        assert self.client.get(f"/test-login/{user}").status_code == 200
        self.user = user

    @rule(caregiver=st.sampled_from(CAREGIVERS), patient=st.sampled_from(PATIENTS))
    def grant(self, caregiver: str, patient: str) -> None:
        self.links.add((caregiver, patient))

    @rule(caregiver=st.sampled_from(CAREGIVERS), patient=st.sampled_from(PATIENTS))
    def revoke(self, caregiver: str, patient: str) -> None:
        self.links.discard((caregiver, patient))

    @rule(patient=st.sampled_from(PATIENTS))
    def choose(self, patient: str) -> None:
        response = self.client.post("/second-opinion/choose", data={"patient": patient})
        if patient in self.patients_of(self.user):
            assert response.status_code == 302
            self.chosen = patient
        else:
            assert response.status_code in (200, 400)  # the chooser again, nothing chosen

    @precondition(lambda self: len(self.packets) < MAX_PACKETS)
    @rule(n=PICK, copy=st.booleans())
    def create_packet(self, n: int = 0, copy: bool = False) -> None:
        """A new packet, perhaps copying the timeline of any packet (anyone's)."""
        owner, name = self.acting(), self.next_canary("packet")
        data = {"center_name": name, "version": "0"}
        source = self.pick(self.packets, n) if copy and self.packets else None
        if source is not None:
            data["copy_from"] = str(source)
        response = self.client.post(f"{PACKET}/new", data=data)
        if owner is None:
            self.assert_denied(response, "new packet")
            return
        if source is not None and self.packets[source][0] != owner:
            event("refused: copy from another patient's packet")
            assert response.status_code == 400  # not one of the choices; nothing made
            return
        assert response.status_code == 302, response.status_code
        packet_id = int(response.location.rsplit("/", 1)[-1])
        self.packets[packet_id] = (owner, name)

    @precondition(lambda self: self.packets)
    @rule(n=PICK, pages=st.integers(1, 3))
    def upload(self, n: int, pages: int) -> None:
        packet_id = self.pick(self.packets, n)
        owner = self.packets[packet_id][0]
        item_id = next(r.id for r in self.rows(ChecklistItem) if r.packet_id == packet_id)
        content, name = sample_pdf(pages), self.next_canary("doc") + ".pdf"
        response = self.client.post(
            f"{PACKET}/{packet_id}/items/{item_id}/upload",
            data={"file": (io.BytesIO(content), name)},
            content_type="multipart/form-data",
        )
        if owner != self.acting():
            self.assert_denied(response, f"upload to packet {packet_id}")
            return
        event("allowed: upload")
        assert response.status_code == 303, response.status_code
        known = set(self.documents)
        (new,) = [r for r in self.rows(Document) if r.id not in known]
        assert (new.packet_id, new.item_id, new.patient_id) == (packet_id, item_id, owner)
        self.documents[new.id] = (packet_id, owner, content, name)

    @precondition(lambda self: self.packets)
    @rule(n=PICK)
    def add_event(self, n: int) -> None:
        packet_id = self.pick(self.packets, n)
        response = self.client.post(f"{PACKET}/{packet_id}/timeline", data={
            "year": "2024", "kind": "test", "title": self.next_canary("event"), "version": "0"})
        if self.packets[packet_id][0] != self.acting():
            self.assert_denied(response, f"add event to packet {packet_id}")
            return
        event("allowed: add_event")
        assert response.status_code == 302

    @precondition(lambda self: self.documents)
    @rule(n=PICK)
    def download(self, n: int) -> None:
        doc_id = self.pick(self.documents, n)
        packet_id, owner, content, _name = self.documents[doc_id]
        response = self.client.get(f"{PACKET}/{packet_id}/documents/{doc_id}/download")
        if owner != self.acting():
            self.assert_denied(response, f"download {doc_id}")
            return
        event("allowed: download")
        assert response.status_code == 200
        assert response.get_data() == content

    @precondition(lambda self: self.documents)
    @rule(n=PICK)
    def delete_document(self, n: int) -> None:
        doc_id = self.pick(self.documents, n)
        packet_id, owner, _content, _name = self.documents[doc_id]
        response = self.client.post(f"{PACKET}/{packet_id}/documents/{doc_id}/delete")
        if owner != self.acting():
            self.assert_denied(response, f"delete document {doc_id}")
            return
        event("allowed: delete_document")
        assert response.status_code == 302
        del self.documents[doc_id]

    @precondition(lambda self: self.packets)
    @rule(n=PICK)
    def delete_packet(self, n: int) -> None:
        packet_id = self.pick(self.packets, n)
        owner = self.packets[packet_id][0]
        response = self.client.post(f"{PACKET}/{packet_id}/delete")
        if owner != self.acting():
            self.assert_denied(response, f"delete packet {packet_id}")
            return
        event("allowed: delete_packet")
        assert response.status_code == 302
        del self.packets[packet_id]
        self.documents = {k: v for k, v in self.documents.items() if v[0] != packet_id}

    @rule()
    def create_worksheet(self) -> None:
        owner, title = self.acting(), self.next_canary("sheet")
        response = self.client.post(f"{COMPARE}/new", data={"title": title})
        if owner is None:
            self.assert_denied(response, "new worksheet")
            return
        assert response.status_code == 302
        self.worksheets[int(response.location.rsplit("/", 1)[-1])] = (owner, title)

    @precondition(lambda self: self.worksheets)
    @rule(n=PICK)
    def delete_worksheet(self, n: int) -> None:
        sheet_id = self.pick(self.worksheets, n)
        owner = self.worksheets[sheet_id][0]
        version = next(r.version for r in self.rows(Worksheet) if r.id == sheet_id)
        response = self.client.post(f"{COMPARE}/{sheet_id}/delete", data={"version": str(version)})
        if owner != self.acting():
            self.assert_denied(response, f"delete worksheet {sheet_id}")
            return
        event("allowed: delete_worksheet")
        assert response.status_code == 302
        del self.worksheets[sheet_id]

    # -- invariants -------------------------------------------------------------

    def canaries(self) -> dict[str, str]:
        """Every canary name -> its patient."""
        out = {name: owner for owner, name in self.packets.values()}
        out |= {name: owner for _p, owner, _c, name in self.documents.values()}
        out |= {name: owner for owner, name in self.worksheets.values()}
        return out

    def assert_page_shows_only(self, html: str, patient: str, what: str) -> None:
        strangers = [name for name, owner in self.canaries().items() if owner != patient and name in html]
        assert not strangers, f"{what} shown to {self.user} for {patient} carries {strangers}"

    @invariant()
    def sees_exactly_own_objects(self) -> None:
        patient = self.acting()
        for index, objects in ((f"{PACKET}/", self.packets), (f"{COMPARE}/", self.worksheets)):
            response = self.client.get(index)
            if patient is None:
                self.assert_denied(response, index)
                continue
            assert response.status_code == 200
            html = response.get_data(as_text=True)
            shown = {name for owner, name in objects.values() if name in html}
            assert shown == {name for owner, name in objects.values() if owner == patient}, (index, shown)
            self.assert_page_shows_only(html, patient, index)
        for packet_id, (owner, _name) in self.packets.items():
            response = self.client.get(f"{PACKET}/{packet_id}")
            if owner != patient:
                self.assert_denied(response, f"packet {packet_id}")
                continue
            assert response.status_code == 200
            self.assert_page_shows_only(response.get_data(as_text=True), owner, f"packet {packet_id}")

    @invariant()
    def records_belong_together(self) -> None:
        packets = {r.id: r.patient_id for r in self.rows(Packet)}
        assert packets == {k: owner for k, (owner, _n) in self.packets.items()}
        items = {r.id: r for r in self.rows(ChecklistItem)}
        for model in (ChecklistItem, Document, TimelineEvent, Facility, SlideRecord):
            for row in self.rows(model):
                assert packets[row.packet_id] == row.patient_id, (model.__name__, row.id)
        documents = self.rows(Document)
        for row in documents:
            assert items[row.item_id].packet_id == row.packet_id, row.id
        assert {r.id: r.patient_id for r in documents} == {k: v[1] for k, v in self.documents.items()}
        sheets = {r.id: r.patient_id for r in self.rows(Worksheet)}
        assert sheets == {k: owner for k, (owner, _t) in self.worksheets.items()}
        for row in self.rows(Opinion):
            assert sheets[row.worksheet_id] == row.patient_id, row.id

    @invariant()
    def every_row_has_its_file(self) -> None:
        store = self.app.extensions["secondop"].files
        documents = self.rows(Document)
        for row in documents:
            assert store.exists(row.storage_key), row.id
            with store.open(row.storage_key) as handle:
                data = handle.read()
            assert (len(data), hashlib.sha256(data).hexdigest()) == (row.size, row.sha256), row.id
            assert data == self.documents[row.id][2]
        assert set(store.keys()) == {row.storage_key for row in documents}, "a stored file without a row"
        assert store.temporary_files() == [], "a temporary file was left"


AccessMachine.TestCase.settings = settings(
    max_examples=EXAMPLES,
    stateful_step_count=STEPS,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestAccessMachine = AccessMachine.TestCase
