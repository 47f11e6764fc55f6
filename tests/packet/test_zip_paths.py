"""ZIP paths for any display names: one folder per checklist item, unique,
safe names that never leave their folder."""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import given, settings
from hypothesis import strategies as st

from oncokind_secondop.packet.checklist import CHECKLIST
from oncokind_secondop.packet.export.packet_zip import plan_files


@dataclass
class FakeDocument:
    item_id: int
    display_name: str


FOLDERS = [(n, str(entry.key)) for n, entry in enumerate(CHECKLIST, start=1)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(1, len(CHECKLIST)), st.text(max_size=300)), max_size=30))
def test_paths_are_unique_safe_and_in_their_folder(documents):
    docs = [FakeDocument(item, name) for item, name in documents]
    planned = plan_files(FOLDERS, docs)
    paths = [p.arcname for p in planned]
    assert len({p.casefold() for p in paths}) == len(paths)
    for plan, doc in zip(planned, docs, strict=True):
        folder, _, leaf = plan.arcname.partition("/")
        assert folder == plan.folder and folder.startswith(f"{doc.item_id:02d} ")
        assert leaf and "/" not in leaf and "\\" not in leaf and leaf not in (".", "..")
        assert not any(ord(ch) < 32 or 0x202A <= ord(ch) <= 0x202E for ch in plan.arcname)
        assert len(leaf.encode("utf-8")) <= 255


def test_same_name_twice_in_one_folder_gets_a_number():
    planned = plan_files(
        FOLDERS,
        [FakeDocument(1, "scan.pdf"), FakeDocument(1, "SCAN.pdf"), FakeDocument(2, "scan.pdf")],
    )
    assert [p.arcname for p in planned] == [
        "01 pathology_reports/scan.pdf",
        "01 pathology_reports/SCAN (2).pdf",
        "02 slides_blocks/scan.pdf",
    ]
