"""Opinion pages: add, edit, remove and move an opinion of a worksheet. An
opinion id under a worksheet it does not belong to is not found (the service
raises ``NotFound``, the blueprint answers 404 with the request's audit event)."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, redirect, url_for
from flask.typing import ResponseReturnValue

from ...access import audit_object, patient_view
from ...adapters import StaleVersion
from ...conflicts import ConflictRow
from ...form_messages import configured_limit, full_notice, refuse_at_limit
from ...forms_common import VersionedForm
from ...i18n import _
from ...limits import LimitReached
from ...signals import emit_audit
from .. import services
from ..fields import GROUPS, OPINION_FIELDS, display_value
from ..forms import MoveForm, OpinionForm
from ..models import Worksheet
from .common import (
    OPINION,
    WORKSHEET,
    conflict_rows,
    opinion_title,
    pid,
    render,
    routes,
    store,
    titles,
    worksheet_page,
)

FORM_PAGE = "secondop/compare/opinion_form.html"


def _opinion_conflict(form: Any, saved: dict[str, Any]) -> list[ConflictRow]:
    pairs = []
    for spec in OPINION_FIELDS:
        yours = display_value(spec, form.values()[spec.key])
        pairs.append((spec.label, yours, display_value(spec, saved.get(spec.key))))
    return conflict_rows(pairs)


def _form_context(worksheet: Worksheet, opinion_id: int | None, number: int) -> dict[str, Any]:
    return {
        "worksheet": worksheet,
        "opinion_id": opinion_id,
        "number": number,
        "fields": OPINION_FIELDS,
        "groups": GROUPS,
    }


@routes.route(
    "/compare/<int:worksheet_id>/opinions/new",
    methods=["GET", "POST"],
    endpoint="compare_opinion_new",
)
@patient_view("add", OPINION)
def compare_opinion_new(worksheet_id: int) -> ResponseReturnValue:
    worksheet = services.get_worksheet(store(), pid(), worksheet_id)
    form = OpinionForm()
    context = _form_context(worksheet, None, len(worksheet.opinions) + 1)
    if not form.is_submitted():
        form.set_version(worksheet.version)
        # The blank form shows the worksheet: the decorator would say opinion.
        emit_audit("view", WORKSHEET, object_id=worksheet.id)
        notice = full_notice("opinions", len(worksheet.opinions))
        return render(FORM_PAGE, form=form, limit_notice=notice, **context)
    if not form.validate():
        return render(FORM_PAGE, form=form, **context), 400
    try:
        opinion = services.add_opinion(
            store(), pid(), worksheet.id, form.expected_version(), form.values(),
            max_opinions=configured_limit("opinions"),
        )
    except LimitReached as exc:  # counted under the worksheet's lock; nothing written
        refuse_at_limit(form, exc)
        return render(FORM_PAGE, form=form, **context), 400
    except StaleVersion as stale:
        current: Worksheet = stale.current
        form.set_version(current.version)
        context.update(
            worksheet=current,
            number=len(current.opinions) + 1,
            titles=titles(current),
            conflict_new=True,
        )
        return render(FORM_PAGE, form=form, **context), 409
    audit_object(opinion.id)
    flash(_("The opinion is saved."), "success")
    return redirect(url_for("secondop.compare_worksheet", worksheet_id=worksheet.id))


@routes.route(
    "/compare/<int:worksheet_id>/opinions/<int:opinion_id>/edit",
    methods=["GET", "POST"],
    endpoint="compare_opinion_edit",
)
@patient_view("change", OPINION)
def compare_opinion_edit(worksheet_id: int, opinion_id: int) -> ResponseReturnValue:
    worksheet, opinion = services.get_opinion(store(), pid(), worksheet_id, opinion_id)
    form = OpinionForm(obj=opinion)
    context = _form_context(worksheet, opinion.id, services.opinion_number(worksheet, opinion))
    if not form.is_submitted():
        form.set_version(worksheet.version)
        return render(FORM_PAGE, form=form, **context)
    if not form.validate():
        return render(FORM_PAGE, form=form, **context), 400
    try:
        services.save_opinion(store(), pid(), worksheet.id, opinion.id, form.expected_version(), form.values())
    except StaleVersion as stale:
        current: Worksheet = stale.current
        # Removed in the other window? Then the form offers to add it back.
        still_there = services.find_opinion(store(), pid(), current, opinion_id)
        saved = services.opinion_values(still_there) if still_there is not None else {}
        form.set_version(current.version)
        context.update(
            worksheet=current,
            conflict=_opinion_conflict(form, saved),
            opinion_gone=still_there is None,
            titles=titles(current),
        )
        return render(FORM_PAGE, form=form, **context), 409
    flash(_("Your changes are saved."), "success")
    return redirect(url_for("secondop.compare_worksheet", worksheet_id=worksheet.id))


@routes.route(
    "/compare/<int:worksheet_id>/opinions/<int:opinion_id>/remove",
    methods=["GET", "POST"],
    endpoint="compare_opinion_remove",
)
@patient_view("delete", OPINION)
def compare_opinion_remove(worksheet_id: int, opinion_id: int) -> ResponseReturnValue:
    worksheet, opinion = services.get_opinion(store(), pid(), worksheet_id, opinion_id)
    title = opinion_title(opinion, services.opinion_number(worksheet, opinion))
    form = VersionedForm()  # a confirmation that carries the version the person saw
    if not form.is_submitted():
        form.set_version(worksheet.version)
        return render(
            "secondop/compare/opinion_remove.html",
            form=form,
            worksheet=worksheet,
            opinion=opinion,
            title=title,
        )
    if not form.validate():
        abort(400)  # only our own buttons send this form
    try:
        services.remove_opinion(store(), pid(), worksheet.id, opinion.id, form.expected_version())
    except StaleVersion as stale:
        form.set_version(stale.current.version)
        return render(
            "secondop/compare/opinion_remove.html",
            form=form,
            worksheet=stale.current,
            opinion=opinion,
            title=title,
            conflict=True,
        ), 409
    flash(_("The opinion was removed."), "success")
    return redirect(url_for("secondop.compare_worksheet", worksheet_id=worksheet_id))


@routes.route(
    "/compare/<int:worksheet_id>/opinions/<int:opinion_id>/move",
    methods=["POST"],
    endpoint="compare_opinion_move",
)
@patient_view("change", OPINION)
def compare_opinion_move(worksheet_id: int, opinion_id: int) -> ResponseReturnValue:
    worksheet, opinion = services.get_opinion(store(), pid(), worksheet_id, opinion_id)
    form = MoveForm()
    if not form.validate():
        abort(400)  # only our own buttons send this form
    step = -1 if form.direction.data == "up" else 1
    try:
        services.move_opinion(store(), pid(), worksheet.id, opinion.id, form.expected_version(), step)
    except StaleVersion as stale:
        return worksheet_page(stale.current, moved_conflict=True), 409
    return redirect(
        url_for("secondop.compare_worksheet", worksheet_id=worksheet.id) + f"#opinion-{opinion_id}"
    )
