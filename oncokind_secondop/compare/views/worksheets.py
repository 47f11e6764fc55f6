"""Worksheet pages: the list, a new worksheet, one worksheet, its name and
notes, deleting it. Each view parses its form, calls one service, audits the
request once and renders or redirects."""

from __future__ import annotations

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue

from ...access import audit_object, patient_view
from ...adapters import StaleVersion
from ...form_messages import configured_limit, full_notice, refuse_at_limit
from ...forms_common import VersionedForm
from ...i18n import _
from ...limits import LimitReached
from .. import services
from ..forms import NewWorksheetForm, WorksheetForm
from ..models import Worksheet
from .common import WORKSHEET, conflict_rows, pid, render, routes, store, titles, worksheet_page


@routes.route("/compare/", endpoint="compare_index")
@patient_view("view", WORKSHEET)
def compare_index() -> ResponseReturnValue:
    worksheets = services.list_worksheets(store(), pid())
    return render("secondop/compare/index.html", worksheets=worksheets)


@routes.route("/compare/new", methods=["GET", "POST"], endpoint="compare_new")
@patient_view("add", WORKSHEET)
def compare_new() -> ResponseReturnValue:
    form = NewWorksheetForm()
    if not form.is_submitted():
        have = services.count_worksheets(store(), pid())
        return render("secondop/compare/new.html", form=form, limit_notice=full_notice("worksheets", have))
    if form.validate():
        try:
            worksheet = services.create_worksheet(
                store(), pid(), form.title.data or "", form.notes.data or "",
                max_worksheets=configured_limit("worksheets"),
            )
        except LimitReached as exc:  # nothing written; the form comes back as typed
            refuse_at_limit(form, exc)
        else:
            audit_object(worksheet.id)
            flash(_("Your worksheet is saved. Now add the opinions you received."), "success")
            return redirect(url_for("secondop.compare_worksheet", worksheet_id=worksheet.id))
    return render("secondop/compare/new.html", form=form), 400


@routes.route("/compare/<int:worksheet_id>", endpoint="compare_worksheet")
@patient_view("view", WORKSHEET)
def compare_worksheet(worksheet_id: int) -> ResponseReturnValue:
    worksheet = services.get_worksheet(store(), pid(), worksheet_id)
    return worksheet_page(worksheet)


@routes.route("/compare/<int:worksheet_id>/edit", methods=["GET", "POST"], endpoint="compare_edit")
@patient_view("change", WORKSHEET)
def compare_edit(worksheet_id: int) -> ResponseReturnValue:
    worksheet = services.get_worksheet(store(), pid(), worksheet_id)
    form = WorksheetForm(obj=worksheet)
    if not form.is_submitted():
        return render("secondop/compare/edit.html", form=form, worksheet=worksheet)
    if not form.validate():
        return render("secondop/compare/edit.html", form=form, worksheet=worksheet), 400
    try:
        services.update_worksheet(
            store(), pid(), worksheet.id, form.expected_version(), form.title.data or "", form.notes.data or ""
        )
    except StaleVersion as stale:
        current: Worksheet = stale.current
        conflict = conflict_rows(
            [
                (form.title.label.text, (form.title.data or ""), current.title),
                (form.notes.label.text, (form.notes.data or ""), current.notes),
            ]
        )
        form.set_version(current.version)
        return render("secondop/compare/edit.html", form=form, worksheet=current, conflict=conflict), 409
    flash(_("Your changes are saved."), "success")
    return redirect(url_for("secondop.compare_worksheet", worksheet_id=worksheet.id))


@routes.route("/compare/<int:worksheet_id>/delete", methods=["GET", "POST"], endpoint="compare_delete")
@patient_view("delete", WORKSHEET)
def compare_delete(worksheet_id: int) -> ResponseReturnValue:
    worksheet = services.get_worksheet(store(), pid(), worksheet_id)
    form = VersionedForm()  # a confirmation that carries the version the person saw
    if not form.is_submitted():
        form.set_version(worksheet.version)
        return render("secondop/compare/delete.html", form=form, worksheet=worksheet, titles=titles(worksheet))
    if not form.validate():
        abort(400)  # only our own buttons send this form
    try:
        services.delete_worksheet(store(), pid(), worksheet.id, form.expected_version())
    except StaleVersion as stale:
        form.set_version(stale.current.version)
        return render(
            "secondop/compare/delete.html",
            form=form,
            worksheet=stale.current,
            titles=titles(stale.current),
            conflict=True,
        ), 409
    flash(_("The worksheet was deleted."), "success")
    return redirect(url_for("secondop.compare_index"))
