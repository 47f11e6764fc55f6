"""The comparison pages: side by side (with the patient's marks), the letter
to the care teams, and both as PDFs."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from ...access import acting, patient_view
from ...adapters import StaleVersion
from ...exports import budget
from ...exports.pdf import render_pdf
from ...i18n import _
from ...responses import attachment_response, head_response, is_head
from .. import services
from ..comparison import comparison_rows, differing_rows
from ..fields import COMPARED_FIELDS, GROUPS, display_value
from ..forms import MARK_CHOICES, MarksForm, mark_field_name
from ..guidance import QUESTIONS, active_prompts
from ..models import Worksheet
from .common import WORKSHEET, conflict_rows, pid, render, routes, store, titles


def _comparison_context(worksheet: Worksheet, marks: dict[str, str] | None = None) -> dict[str, Any]:
    rows = comparison_rows(worksheet, marks, show=display_value)
    differing, from_marks = differing_rows(rows)
    return {
        "worksheet": worksheet,
        "titles": titles(worksheet),
        "rows": rows,
        "differing": differing,
        "differing_from_marks": from_marks,
        "marks_outdated": marks is None and services.marks_outdated(worksheet),
        "unsure": [row for row in rows if row.mark == "unsure"],
        "prompts": active_prompts(rows),
        "questions": QUESTIONS,
        "mark_labels": dict(MARK_CHOICES),
        "groups": {group.key: group.title for group in GROUPS},
        "patient": acting().patient,
    }


def _marks_form(worksheet: Worksheet) -> Any:
    form = MarksForm()
    if not form.is_submitted():
        for spec in COMPARED_FIELDS:
            form[mark_field_name(spec.key)].data = worksheet.mark_for(spec.key)
        form.set_version(worksheet.version)
    return form


@routes.route("/compare/<int:worksheet_id>/side-by-side", endpoint="compare_side_by_side")
@patient_view("view", WORKSHEET)
def compare_side_by_side(worksheet_id: int) -> ResponseReturnValue:
    worksheet = services.get_worksheet(store(), pid(), worksheet_id)
    return render(
        "secondop/compare/side_by_side.html",
        form=_marks_form(worksheet),
        **_comparison_context(worksheet),
    )


@routes.route("/compare/<int:worksheet_id>/side-by-side", methods=["POST"], endpoint="compare_save_marks")
@patient_view("change", WORKSHEET)
def compare_save_marks(worksheet_id: int) -> ResponseReturnValue:
    worksheet = services.get_worksheet(store(), pid(), worksheet_id)
    form = _marks_form(worksheet)
    if not form.validate():
        return render(
            "secondop/compare/side_by_side.html", form=form, **_comparison_context(worksheet)
        ), 400
    try:
        services.save_marks(store(), pid(), worksheet.id, form.expected_version(), form.marks())
    except StaleVersion as stale:
        current: Worksheet = stale.current
        labels = dict(MARK_CHOICES)
        conflict = conflict_rows(
            [
                (
                    spec.label,
                    str(labels[form[mark_field_name(spec.key)].data or ""]),
                    str(labels[current.mark_for(spec.key)]),
                )
                for spec in COMPARED_FIELDS
            ]
        )
        form.set_version(current.version)
        return render(
            "secondop/compare/side_by_side.html",
            form=form,
            conflict=conflict,
            **_comparison_context(current, form.marks()),
        ), 409
    flash(_("Your marks are saved."), "success")
    return redirect(url_for("secondop.compare_side_by_side", worksheet_id=worksheet.id) + "#compare-table")


@routes.route("/compare/<int:worksheet_id>/letter", endpoint="compare_letter")
@patient_view("view", WORKSHEET)
def compare_letter(worksheet_id: int) -> ResponseReturnValue:
    worksheet = services.get_worksheet(store(), pid(), worksheet_id)
    return render("secondop/compare/letter.html", **_comparison_context(worksheet))


#: The comparison PDF's character budget for the table (exports/budget.py):
#: 6 opinions × 20 questions at 5,000 characters each would be 600,000; the
#: table shows at most about this many, and says when it shortened an answer.
TABLE_BUDGET = 30_000
CELL_FLOOR = 150
TITLE_CHARS = 60
PRIVATE_FIELDS = frozenset({"patient_notes"})


def _pdf_context(worksheet: Worksheet, include_private: bool) -> dict[str, Any]:
    """The comparison PDF's context: private notes only when the patient asked
    in this export, and every text within the PDF's budget."""
    context = _comparison_context(worksheet)
    rows = context["rows"]
    if not include_private:
        rows = [row for row in rows if row.field.key not in PRIVATE_FIELDS]
    cap = budget.share(TABLE_BUDGET, len(rows) * max(len(worksheet.opinions), 1), CELL_FLOOR)
    context.update(
        rows=rows,
        titles=[budget.clip(title, TITLE_CHARS) for title in context["titles"]],
        worksheet_title=budget.clip(worksheet.title, TITLE_CHARS),
        cell_clip=lambda value: budget.clip(value, cap),
        shortened=not budget.fits([v for row in rows for v in row.values], cap)
        or not budget.fits(context["titles"] + [worksheet.title], TITLE_CHARS),
        private_included=include_private,
    )
    return context


@routes.route("/compare/<int:worksheet_id>/comparison.pdf", endpoint="compare_pdf")
@patient_view("export", WORKSHEET)
def compare_pdf(worksheet_id: int) -> ResponseReturnValue:
    worksheet = services.get_worksheet(store(), pid(), worksheet_id)
    filename = _("opinion-comparison.pdf")
    if is_head():  # headers only: no PDF is made, no export recorded
        return head_response(filename=filename, mimetype="application/pdf")
    # Private notes leave the patient's pages only when ticked for this export.
    include_private = request.args.get("private_notes") == "yes"
    pdf = render_pdf("secondop/compare/pdf_comparison.html", **_pdf_context(worksheet, include_private))
    return attachment_response(pdf, filename=filename, mimetype="application/pdf", size=len(pdf))


@routes.route("/compare/<int:worksheet_id>/letter.pdf", endpoint="compare_letter_pdf")
@patient_view("export", WORKSHEET)
def compare_letter_pdf(worksheet_id: int) -> ResponseReturnValue:
    worksheet = services.get_worksheet(store(), pid(), worksheet_id)
    filename = _("letter-to-care-teams.pdf")
    if is_head():  # headers only: no PDF is made, no export recorded
        return head_response(filename=filename, mimetype="application/pdf")
    pdf = render_pdf("secondop/compare/pdf_letter.html", **_comparison_context(worksheet))
    return attachment_response(pdf, filename=filename, mimetype="application/pdf", size=len(pdf))
