"""Routes of the Compare worksheet.

Every view is a :func:`patient_view`; worksheets and opinions are fetched
with :func:`get_or_404` (an opinion must also belong to the worksheet in the
URL). Each request emits one audit event. A stale save answers 409 and shows
the person what they typed beside what is saved now.
"""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from ..access import acting, get_or_404, patient_view
from ..adapters import StaleVersion
from ..conflicts import ConflictRow
from ..exports import budget
from ..exports.pdf import render_pdf
from ..extension import current_secondop
from ..form_messages import check_limit, configured_limit, full_notice, refuse_at_limit
from ..forms_common import VersionedForm
from ..i18n import _, _l
from ..limits import LimitReached
from ..responses import attachment_response, head_response, is_head
from ..routes import HubCard, Routes
from ..signals import emit_audit
from . import services
from .fields import COMPARED_FIELDS, GROUPS, OPINION_FIELDS, display_value
from .forms import (
    MARK_CHOICES,
    MarksForm,
    MoveForm,
    NewWorksheetForm,
    OpinionForm,
    WorksheetForm,
    mark_field_name,
)
from .guidance import QUESTIONS, active_prompts
from .models import Opinion, Worksheet

WORKSHEET = "compare_worksheet"
OPINION = "compare_opinion"

routes = Routes()
HUB = HubCard(
    "secondop.compare_index",
    _l("Compare opinions"),
    _l(
        "When two or more doctors give different advice, lay their opinions side by side, "
        "see where they agree, and prepare questions for each team."
    ),
    order=30,
)


# -- helpers ----------------------------------------------------------------

#: Every compare template may test these; defined always, so a host running
#: Jinja with StrictUndefined renders our pages too.
PAGE_DEFAULTS: dict[str, Any] = {
    "moved_conflict": False,
    "conflict": None,
    "conflict_new": False,
    "opinion_gone": False,
    "titles": [],
}


def _render(template: str, **context: Any) -> str:
    return render_template(template, **{**PAGE_DEFAULTS, **context})


def _pid() -> str:
    return acting().patient.id


def _worksheet(worksheet_id: int, action: str) -> Worksheet:
    return get_or_404(Worksheet, worksheet_id, action=action, category=WORKSHEET)


def _opinion(worksheet: Worksheet, opinion_id: int, action: str) -> Opinion:
    opinion: Opinion = get_or_404(Opinion, opinion_id, action=action, category=OPINION)
    if opinion.worksheet_id != worksheet.id:  # an opinion of another worksheet is not here
        emit_audit(action, OPINION, outcome="not_found", object_id=opinion_id)
        abort(404)
    return opinion


def _conflict_rows(pairs: list[tuple[Any, str, str]]) -> list[ConflictRow]:
    """Rows for the conflict panel from (label, the user's unsaved text, the saved text)."""
    return [ConflictRow(label, saved=saved, yours=yours) for label, yours, saved in pairs]


def _opinion_title(opinion: Opinion, number: int) -> str:
    name = opinion.doctor or opinion.center
    return (
        _("Opinion %(number)s: %(name)s", number=number, name=name)
        if name
        else _("Opinion %(number)s", number=number)
    )


def _titles(worksheet: Worksheet) -> list[str]:
    return [_opinion_title(o, i) for i, o in enumerate(worksheet.opinions, start=1)]


# -- worksheets -------------------------------------------------------------


@routes.route("/compare/", endpoint="compare_index")
@patient_view("view", WORKSHEET)
def compare_index() -> ResponseReturnValue:
    worksheets = services.list_worksheets(_pid())
    emit_audit("view", WORKSHEET)
    return _render("secondop/compare/index.html", worksheets=worksheets)


@routes.route("/compare/new", methods=["GET", "POST"], endpoint="compare_new")
@patient_view("add", WORKSHEET)
def compare_new() -> ResponseReturnValue:
    form = NewWorksheetForm()
    have = current_secondop.records.count(Worksheet, _pid())
    if form.validate_on_submit():
        try:
            check_limit("worksheets", have)
        except LimitReached as exc:  # nothing written; the form comes back as typed
            refuse_at_limit(form, exc)
        else:
            worksheet = services.create_worksheet(_pid(), form.title.data or "", form.notes.data or "")
            emit_audit("add", WORKSHEET, object_id=worksheet.id)
            flash(_("Your worksheet is saved. Now add the opinions you received."), "success")
            return redirect(url_for("secondop.compare_worksheet", worksheet_id=worksheet.id))
    if not form.is_submitted():
        emit_audit("view", WORKSHEET)
        return _render(
            "secondop/compare/new.html", form=form, limit_notice=full_notice("worksheets", have)
        )
    emit_audit("add", WORKSHEET, outcome="invalid")
    return _render("secondop/compare/new.html", form=form), 400


@routes.route("/compare/<int:worksheet_id>", endpoint="compare_worksheet")
@patient_view("view", WORKSHEET)
def compare_worksheet(worksheet_id: int) -> ResponseReturnValue:
    worksheet = _worksheet(worksheet_id, "view")
    emit_audit("view", WORKSHEET, object_id=worksheet.id)
    return _worksheet_page(worksheet)


def _worksheet_page(worksheet: Worksheet, **context: Any) -> str:
    form = MoveForm()
    form.set_version(worksheet.version)
    return _render(
        "secondop/compare/worksheet.html",
        worksheet=worksheet,
        titles=_titles(worksheet),
        move_form=form,
        **context,
    )


@routes.route("/compare/<int:worksheet_id>/edit", methods=["GET", "POST"], endpoint="compare_edit")
@patient_view("change", WORKSHEET)
def compare_edit(worksheet_id: int) -> ResponseReturnValue:
    worksheet = _worksheet(worksheet_id, "change")
    form = WorksheetForm(obj=worksheet)
    if not form.is_submitted():
        emit_audit("view", WORKSHEET, object_id=worksheet.id)
        return _render("secondop/compare/edit.html", form=form, worksheet=worksheet)
    if not form.validate():
        emit_audit("change", WORKSHEET, outcome="invalid", object_id=worksheet.id)
        return _render("secondop/compare/edit.html", form=form, worksheet=worksheet), 400
    version = form.expected_version()
    try:
        services.update_worksheet(
            _pid(), worksheet.id, version, form.title.data or "", form.notes.data or ""
        )
    except StaleVersion as stale:
        current: Worksheet = stale.current
        conflict = _conflict_rows(
            [
                (form.title.label.text, (form.title.data or ""), current.title),
                (form.notes.label.text, (form.notes.data or ""), current.notes),
            ]
        )
        form.set_version(current.version)
        emit_audit("change", WORKSHEET, outcome="conflict", object_id=worksheet.id)
        return _render(
            "secondop/compare/edit.html", form=form, worksheet=current, conflict=conflict
        ), 409
    emit_audit("change", WORKSHEET, object_id=worksheet.id)
    flash(_("Your changes are saved."), "success")
    return redirect(url_for("secondop.compare_worksheet", worksheet_id=worksheet.id))


@routes.route("/compare/<int:worksheet_id>/delete", methods=["GET", "POST"], endpoint="compare_delete")
@patient_view("delete", WORKSHEET)
def compare_delete(worksheet_id: int) -> ResponseReturnValue:
    worksheet = _worksheet(worksheet_id, "delete")
    form = VersionedForm()  # a confirmation that carries the version the person saw
    if not form.is_submitted():
        form.set_version(worksheet.version)
        emit_audit("view", WORKSHEET, object_id=worksheet.id)
        return _render(
            "secondop/compare/delete.html",
            form=form,
            worksheet=worksheet,
            titles=_titles(worksheet),
        )
    if not form.validate():
        abort(400)  # only our own buttons send this form
    version = form.expected_version()
    try:
        services.delete_worksheet(_pid(), worksheet.id, version)
    except StaleVersion as stale:
        form.set_version(stale.current.version)
        emit_audit("delete", WORKSHEET, outcome="conflict", object_id=worksheet.id)
        return _render(
            "secondop/compare/delete.html",
            form=form,
            worksheet=stale.current,
            titles=_titles(stale.current),
            conflict=True,
        ), 409
    emit_audit("delete", WORKSHEET, object_id=worksheet_id)
    flash(_("The worksheet was deleted."), "success")
    return redirect(url_for("secondop.compare_index"))


# -- opinions ---------------------------------------------------------------


def _opinion_conflict(form: Any, saved: dict[str, Any]) -> list[ConflictRow]:
    pairs = []
    for spec in OPINION_FIELDS:
        yours = display_value(spec, form.values()[spec.key])
        pairs.append((spec.label, yours, display_value(spec, saved.get(spec.key))))
    return _conflict_rows(pairs)


@routes.route(
    "/compare/<int:worksheet_id>/opinions/new",
    methods=["GET", "POST"],
    endpoint="compare_opinion_new",
)
@patient_view("add", OPINION)
def compare_opinion_new(worksheet_id: int) -> ResponseReturnValue:
    worksheet = _worksheet(worksheet_id, "add")
    form = OpinionForm()
    number = len(worksheet.opinions) + 1
    context: dict[str, Any] = {
        "worksheet": worksheet,
        "opinion_id": None,
        "number": number,
        "fields": OPINION_FIELDS,
        "groups": GROUPS,
    }
    if not form.is_submitted():
        form.set_version(worksheet.version)
        emit_audit("view", WORKSHEET, object_id=worksheet.id)
        notice = full_notice("opinions", len(worksheet.opinions))
        return _render(
            "secondop/compare/opinion_form.html", form=form, limit_notice=notice, **context
        )
    if not form.validate():
        emit_audit("add", OPINION, outcome="invalid", object_id=worksheet.id)
        return _render("secondop/compare/opinion_form.html", form=form, **context), 400
    version = form.expected_version()
    try:
        opinion = services.add_opinion(
            _pid(), worksheet.id, version, form.values(), max_opinions=configured_limit("opinions")
        )
    except LimitReached as exc:  # counted under the worksheet's lock; nothing written
        refuse_at_limit(form, exc)
        emit_audit("add", OPINION, outcome="invalid", object_id=worksheet.id)
        return _render("secondop/compare/opinion_form.html", form=form, **context), 400
    except StaleVersion as stale:
        current: Worksheet = stale.current
        form.set_version(current.version)
        emit_audit("add", OPINION, outcome="conflict", object_id=worksheet.id)
        context.update(
            worksheet=current,
            number=len(current.opinions) + 1,
            titles=_titles(current),
            conflict_new=True,
        )
        return _render("secondop/compare/opinion_form.html", form=form, **context), 409
    emit_audit("add", OPINION, object_id=opinion.id)
    flash(_("The opinion is saved."), "success")
    return redirect(url_for("secondop.compare_worksheet", worksheet_id=worksheet.id))


@routes.route(
    "/compare/<int:worksheet_id>/opinions/<int:opinion_id>/edit",
    methods=["GET", "POST"],
    endpoint="compare_opinion_edit",
)
@patient_view("change", OPINION)
def compare_opinion_edit(worksheet_id: int, opinion_id: int) -> ResponseReturnValue:
    worksheet = _worksheet(worksheet_id, "change")
    opinion = _opinion(worksheet, opinion_id, "change")
    number = worksheet.opinions.index(opinion) + 1
    form = OpinionForm(obj=opinion)
    context: dict[str, Any] = {
        "worksheet": worksheet,
        "opinion_id": opinion.id,
        "number": number,
        "fields": OPINION_FIELDS,
        "groups": GROUPS,
    }
    if not form.is_submitted():
        form.set_version(worksheet.version)
        emit_audit("view", OPINION, object_id=opinion.id)
        return _render("secondop/compare/opinion_form.html", form=form, **context)
    if not form.validate():
        emit_audit("change", OPINION, outcome="invalid", object_id=opinion.id)
        return _render("secondop/compare/opinion_form.html", form=form, **context), 400
    version = form.expected_version()
    try:
        services.save_opinion(_pid(), worksheet.id, opinion, version, form.values())
    except StaleVersion as stale:
        current: Worksheet = stale.current
        # Removed in the other window? Then the form offers to add it back.
        still_there = services.find_opinion(_pid(), current, opinion_id)
        saved = services.opinion_values(still_there) if still_there is not None else {}
        form.set_version(current.version)
        emit_audit("change", OPINION, outcome="conflict", object_id=opinion_id)
        context.update(
            worksheet=current,
            conflict=_opinion_conflict(form, saved),
            opinion_gone=still_there is None,
            titles=_titles(current),
        )
        return _render("secondop/compare/opinion_form.html", form=form, **context), 409
    emit_audit("change", OPINION, object_id=opinion.id)
    flash(_("Your changes are saved."), "success")
    return redirect(url_for("secondop.compare_worksheet", worksheet_id=worksheet.id))


@routes.route(
    "/compare/<int:worksheet_id>/opinions/<int:opinion_id>/remove",
    methods=["GET", "POST"],
    endpoint="compare_opinion_remove",
)
@patient_view("delete", OPINION)
def compare_opinion_remove(worksheet_id: int, opinion_id: int) -> ResponseReturnValue:
    worksheet = _worksheet(worksheet_id, "delete")
    opinion = _opinion(worksheet, opinion_id, "delete")
    title = _opinion_title(opinion, worksheet.opinions.index(opinion) + 1)
    form = VersionedForm()  # a confirmation that carries the version the person saw
    if not form.is_submitted():
        form.set_version(worksheet.version)
        emit_audit("view", OPINION, object_id=opinion.id)
        return _render(
            "secondop/compare/opinion_remove.html",
            form=form,
            worksheet=worksheet,
            opinion=opinion,
            title=title,
        )
    if not form.validate():
        abort(400)  # only our own buttons send this form
    version = form.expected_version()
    try:
        services.remove_opinion(_pid(), worksheet.id, opinion, version)
    except StaleVersion as stale:
        form.set_version(stale.current.version)
        emit_audit("delete", OPINION, outcome="conflict", object_id=opinion_id)
        return _render(
            "secondop/compare/opinion_remove.html",
            form=form,
            worksheet=stale.current,
            opinion=opinion,
            title=title,
            conflict=True,
        ), 409
    emit_audit("delete", OPINION, object_id=opinion_id)
    flash(_("The opinion was removed."), "success")
    return redirect(url_for("secondop.compare_worksheet", worksheet_id=worksheet_id))


@routes.route(
    "/compare/<int:worksheet_id>/opinions/<int:opinion_id>/move",
    methods=["POST"],
    endpoint="compare_opinion_move",
)
@patient_view("change", OPINION)
def compare_opinion_move(worksheet_id: int, opinion_id: int) -> ResponseReturnValue:
    worksheet = _worksheet(worksheet_id, "change")
    opinion = _opinion(worksheet, opinion_id, "change")
    form = MoveForm()
    if not form.validate():
        abort(400)  # only our own buttons send this form
    version = form.expected_version()
    step = -1 if form.direction.data == "up" else 1
    try:
        services.move_opinion(_pid(), worksheet.id, opinion, version, step)
    except StaleVersion as stale:
        emit_audit("change", OPINION, outcome="conflict", object_id=opinion_id)
        return _worksheet_page(stale.current, moved_conflict=True), 409
    emit_audit("change", OPINION, object_id=opinion_id)
    return redirect(
        url_for("secondop.compare_worksheet", worksheet_id=worksheet.id) + f"#opinion-{opinion_id}"
    )


# -- side by side, letter, PDFs ---------------------------------------------


def _comparison_context(
    worksheet: Worksheet, marks: dict[str, str] | None = None
) -> dict[str, Any]:
    rows = services.comparison_rows(worksheet, marks)
    differing, from_marks = services.differing_rows(rows)
    return {
        "worksheet": worksheet,
        "titles": _titles(worksheet),
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
    worksheet = _worksheet(worksheet_id, "view")
    emit_audit("view", WORKSHEET, object_id=worksheet.id)
    return _render(
        "secondop/compare/side_by_side.html",
        form=_marks_form(worksheet),
        **_comparison_context(worksheet),
    )


@routes.route(
    "/compare/<int:worksheet_id>/side-by-side", methods=["POST"], endpoint="compare_save_marks"
)
@patient_view("change", WORKSHEET)
def compare_save_marks(worksheet_id: int) -> ResponseReturnValue:
    worksheet = _worksheet(worksheet_id, "change")
    form = _marks_form(worksheet)
    if not form.validate():
        emit_audit("change", WORKSHEET, outcome="invalid", object_id=worksheet.id)
        return _render(
            "secondop/compare/side_by_side.html", form=form, **_comparison_context(worksheet)
        ), 400
    version = form.expected_version()
    try:
        services.save_marks(_pid(), worksheet.id, version, form.marks())
    except StaleVersion as stale:
        current: Worksheet = stale.current
        labels = dict(MARK_CHOICES)
        conflict = _conflict_rows(
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
        emit_audit("change", WORKSHEET, outcome="conflict", object_id=worksheet.id)
        return _render(
            "secondop/compare/side_by_side.html",
            form=form,
            conflict=conflict,
            **_comparison_context(current, form.marks()),
        ), 409
    emit_audit("change", WORKSHEET, object_id=worksheet.id)
    flash(_("Your marks are saved."), "success")
    return redirect(
        url_for("secondop.compare_side_by_side", worksheet_id=worksheet.id) + "#compare-table"
    )


@routes.route("/compare/<int:worksheet_id>/letter", endpoint="compare_letter")
@patient_view("view", WORKSHEET)
def compare_letter(worksheet_id: int) -> ResponseReturnValue:
    worksheet = _worksheet(worksheet_id, "view")
    emit_audit("view", WORKSHEET, object_id=worksheet.id)
    return _render("secondop/compare/letter.html", **_comparison_context(worksheet))


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
    worksheet = _worksheet(worksheet_id, "export")
    filename = _("opinion-comparison.pdf")
    if is_head():  # headers only: no PDF is made, no export recorded
        emit_audit("view", WORKSHEET, object_id=worksheet.id)
        return head_response(filename=filename, mimetype="application/pdf")
    # Private notes leave the patient's pages only when ticked for this export.
    include_private = request.args.get("private_notes") == "yes"
    pdf = render_pdf(
        "secondop/compare/pdf_comparison.html", **_pdf_context(worksheet, include_private)
    )
    emit_audit("export", WORKSHEET, object_id=worksheet.id)
    return attachment_response(pdf, filename=filename, mimetype="application/pdf", size=len(pdf))


@routes.route("/compare/<int:worksheet_id>/letter.pdf", endpoint="compare_letter_pdf")
@patient_view("export", WORKSHEET)
def compare_letter_pdf(worksheet_id: int) -> ResponseReturnValue:
    worksheet = _worksheet(worksheet_id, "export")
    filename = _("letter-to-care-teams.pdf")
    if is_head():  # headers only: no PDF is made, no export recorded
        emit_audit("view", WORKSHEET, object_id=worksheet.id)
        return head_response(filename=filename, mimetype="application/pdf")
    pdf = render_pdf("secondop/compare/pdf_letter.html", **_comparison_context(worksheet))
    emit_audit("export", WORKSHEET, object_id=worksheet.id)
    return attachment_response(pdf, filename=filename, mimetype="application/pdf", size=len(pdf))
