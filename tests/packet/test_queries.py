"""The packet pages use a fixed number of SQL queries, however long the
timeline is (eager loading, no N+1)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event

from oncokind_secondop.extension import current_secondop

from .conftest import BASE


@contextmanager
def count_queries(app) -> Iterator[list[str]]:
    with app.app_context():
        engine = current_secondop.records.engine
    statements: list[str] = []

    def before(conn, cursor, statement, parameters, context, executemany):  # type: ignore[no-untyped-def]
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", before)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", before)


PAGES = ("", "/timeline", "/gaps", "/requests")


def _counts(app, client, packet_id: int) -> dict[str, int]:
    counts = {}
    for page in PAGES:
        with count_queries(app) as statements:
            assert client.get(f"{BASE}/{packet_id}{page}").status_code == 200
        counts[page] = len(statements)
    return counts


def test_query_count_does_not_grow_with_the_timeline(app, client, auth, packets, sample_pdf):
    auth.login("p-maria")
    small = packets.create("Small")
    large = packets.create("Large")
    for packet_id in (small, large):
        for key in ("pathology_reports", "clinic_notes", "imaging_files"):
            packets.upload(
                packet_id, key, [(sample_pdf, f"{key}.pdf"), (sample_pdf, f"{key}-2.pdf")]
            )
    packets.seed_events(small, 10)
    packets.seed_events(large, 200)
    few, many = _counts(app, client, small), _counts(app, client, large)
    assert few == many
    assert max(few.values()) <= 8
