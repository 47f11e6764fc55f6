"""The two services the patient's pages added: the share count for the
limit notice, and the names of downloaded files (scoped by patient; a file
deleted since, or another patient's id, is simply not named)."""

from __future__ import annotations

from oncokind_secondop.contrib.sqlalchemy import SQLAlchemyRecordStore
from oncokind_secondop.share import services

from .test_services_share import LEE, MARIA, _document, _packet, _share


def test_count_shares_counts_this_packets_shares_only(store: SQLAlchemyRecordStore) -> None:
    packet, other = _packet(store), _packet(store)
    _share(store, packet)
    _share(store, packet)
    _share(store, other)
    assert services.count_shares(store, MARIA, packet.id) == 2
    assert services.count_shares(store, LEE, packet.id) == 0


def test_access_file_names_names_only_this_patients_existing_files(store: SQLAlchemyRecordStore) -> None:
    packet = _packet(store)
    kept = _document(store, packet, "pathology_reports", "biopsy.pdf")
    new = _share(store, packet)
    for document_id in (kept.id, 9999):
        services.record_access(store, new.share, "file", document_id=document_id)
    services.record_access(store, new.share, "zip")
    summaries = services.list_shares(store, MARIA, packet.id)
    assert services.access_file_names(store, MARIA, summaries) == {kept.id: "biopsy.pdf"}
    assert services.access_file_names(store, LEE, summaries) == {}
    assert services.access_file_names(store, MARIA, []) == {}
