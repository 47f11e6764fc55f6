"""Shared set-up for the packet benchmarks: the tests' fake host (SQLite in a
temporary folder, or ``SECONDOP_TEST_DATABASE_URL``), Maria logged in, and a
packet filled with timeline events and stored files."""

from __future__ import annotations

import os
import platform
import re
import secrets
import sys
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from oncokind_secondop import models  # noqa: E402,F401
from oncokind_secondop.db import Base  # noqa: E402
from oncokind_secondop.extension import current_secondop  # noqa: E402
from oncokind_secondop.packet.checklist import CHECKLIST  # noqa: E402
from oncokind_secondop.packet.models import ChecklistItem, Document, TimelineEvent  # noqa: E402
from tests.fake_host import create_app  # noqa: E402

KINDS = ("symptom", "test", "diagnosis", "treatment", "other")
DETAILS = (
    "Blood counts were low, so the next cycle was delayed by a week. "
    "Nausea on days 2 to 4, helped by the medicine from the clinic."
)


def make_app(tmp: Path) -> tuple[Any, Any]:
    app = create_app(tmp)
    with app.app_context():
        engine = current_secondop.records.engine
        Base.metadata.drop_all(engine)
        Base.metadata.create_all(engine)
    client = app.test_client()
    assert client.get("/test-login/p-maria").status_code == 200
    return app, client


def make_packet(app: Any, client: Any, *, events: int, files: int, file_size: int = 4096) -> int:
    response = client.post(
        "/second-opinion/packet/new",
        data={
            "center_name": "City Cancer Center",
            "consult_questions": "Is surgery the best first step?\n"
            "Would a clinical trial be an option?",
            "proposed_plan": "Surgery, then chemotherapy",
            "plan_goal": "To remove the cancer",
            "version": "0",
        },
    )
    packet_id = int(response.location.rsplit("/", 1)[-1])
    with app.app_context():
        records = current_secondop.records
        store = current_secondop.files
        items = records.list(
            ChecklistItem, "p-maria", where={"packet_id": packet_id}, order_by=("position",)
        )
        for n in range(events):
            records.add(
                "p-maria",
                TimelineEvent(
                    packet_id=packet_id,
                    event_date=date(2019 + n // 120, 1 + n % 12, 1 + n % 28),
                    precision=("day", "month", "year")[n % 3],
                    kind=KINDS[n % len(KINDS)],
                    title=f"Event {n + 1}: clinic visit and blood test",
                    details=DETAILS,
                ),
            )
        for n in range(files):
            stored = store.put([secrets.token_bytes(file_size)])
            item = items[n % (len(CHECKLIST) - 2)]
            records.add(
                "p-maria",
                Document(
                    packet_id=packet_id,
                    item_id=item.id,
                    display_name=f"Report {n + 1} from the clinic.pdf",
                    kind="pdf",
                    mimetype="application/pdf",
                    size=stored.size,
                    sha256=stored.sha256,
                    storage_key=stored.key,
                    uploaded_at=datetime.now(UTC),
                ),
            )
        records.commit()
    return packet_id


def machine() -> str:
    database = (
        "PostgreSQL"
        if "postgresql" in os.environ.get("SECONDOP_TEST_DATABASE_URL", "")
        else "SQLite"
    )
    return (
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {platform.system()} {platform.release()}, "
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, {database}"
    )


def write_docs(name: str, title: str, body: str) -> None:
    """Replace (or add) this benchmark's own section of docs/benchmarks.md."""
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n"
    block = f"<!-- bench:{name} -->\n{body}<!-- /bench:{name} -->"
    pattern = re.compile(rf"<!-- bench:{name} -->.*?<!-- /bench:{name} -->", re.DOTALL)
    if pattern.search(text):
        text = pattern.sub(lambda _m: block, text)
    else:
        text = text.rstrip("\n") + f"\n\n## {title}\n\n{block}\n"
    path.write_text(text)
