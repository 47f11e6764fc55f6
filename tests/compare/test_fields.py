"""The field table drives the model, the form, the view, the PDF and the letter."""

from __future__ import annotations

from oncokind_secondop.compare.fields import COMPARED_KEYS, GROUPS, OPINION_FIELDS, display_value
from oncokind_secondop.compare.forms import MarksForm, OpinionForm, mark_field_name
from oncokind_secondop.compare.models import Opinion


def test_every_field_has_a_column_and_the_issue_lists_are_covered():
    columns = set(Opinion.__table__.columns.keys())
    keys = [spec.key for spec in OPINION_FIELDS]
    assert len(keys) == len(set(keys))
    assert set(keys) <= columns
    # Everything the issue asks an opinion to record.
    assert {
        "doctor",
        "center",
        "seen_on",
        "visit_kind",
        "diagnosis",
        "stage",
        "goal",
        "plan",
        "reasons",
        "evidence",
        "experience",
        "side_effects_short",
        "side_effects_long",
        "time_needed",
        "travel",
        "cost",
        "trials",
        "tests_asked",
        "would_change",
        "patient_notes",
    } == set(keys)
    # Nothing stored on an opinion that the table does not describe.
    bookkeeping = {"id", "patient_id", "created_at", "updated_at", "worksheet_id", "position"}
    assert columns - bookkeeping == set(keys)


def test_every_field_has_label_hint_and_known_group():
    group_keys = {group.key for group in GROUPS}
    for spec in OPINION_FIELDS:
        assert str(spec.label) and str(spec.hint)
        assert spec.group in group_keys


def test_forms_are_built_from_the_table(app):
    with app.test_request_context():
        form = OpinionForm(meta={"csrf": False})
        for spec in OPINION_FIELDS:
            assert spec.key in form
            assert form[spec.key].label.text == str(spec.label)
        marks = MarksForm(meta={"csrf": False})
        assert {name for name in marks._fields if name.startswith("mark_")} == {
            mark_field_name(key) for key in COMPARED_KEYS
        }
        # Who/where and private notes are never marked agree/differ.
        assert "patient_notes" not in COMPARED_KEYS and "doctor" not in COMPARED_KEYS


def test_display_value_formats_dates_and_choices(app):
    from datetime import date

    by_key = {spec.key: spec for spec in OPINION_FIELDS}
    with app.test_request_context():
        assert display_value(by_key["seen_on"], date(2026, 3, 14)) == "Mar 14, 2026"
        assert display_value(by_key["visit_kind"], "remote").startswith("Remote")
        assert display_value(by_key["plan"], None) == ""
