"""The portal's own pages: home, login, logout, language switcher."""
from __future__ import annotations

import secrets
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from sqlalchemy import delete, select
from wtforms import EmailField, PasswordField, SelectField
from wtforms.validators import DataRequired

from .models import DEMO_ACCOUNTS, DEMO_PASSWORD, SESSION_TOKEN, PortalSession, User, db

portal = Blueprint("portal", __name__)


class LoginForm(FlaskForm):
    email = EmailField(_l("Email"), validators=[DataRequired()])
    password = PasswordField(_l("Password"), validators=[DataRequired()])


class LanguageForm(FlaskForm):
    lang = SelectField(_l("Language"))


def _safe_next(target: str | None) -> str:
    """Only same-site paths: never an open redirect."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("portal.home")


@portal.route("/")
def home() -> ResponseReturnValue:
    return render_template("home.html")


@portal.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    form = LoginForm()
    if form.validate_on_submit():
        email = form.email.data.strip().lower()
        user = db.session.execute(select(User).where(User.email == email)).scalar_one_or_none()
        if user is not None and user.check_password(form.password.data):
            session.clear()
            token = secrets.token_urlsafe(32)
            db.session.add(PortalSession(token=token, user_id=user.id))
            db.session.commit()
            session[SESSION_TOKEN] = token
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        flash(_l("That email and password do not match."), "error")
    return render_template("login.html", form=form, demo_accounts=DEMO_ACCOUNTS,
                           demo_password=DEMO_PASSWORD)


@portal.route("/logout", methods=["POST"])
@login_required
def logout() -> ResponseReturnValue:
    lang = session.get("lang")
    # End the session on the server too: a copy of this cookie stops working.
    token = session.get(SESSION_TOKEN, "")
    db.session.execute(delete(PortalSession).where(PortalSession.token == token))
    db.session.commit()
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    return redirect(url_for("portal.home"))


@portal.route("/language", methods=["POST"])
def set_language() -> ResponseReturnValue:
    from . import LANGUAGES

    form = LanguageForm()
    form.lang.choices = list(LANGUAGES.items())
    if form.validate_on_submit():
        session["lang"] = form.lang.data
    return redirect(_safe_next(request.form.get("next")))


@portal.app_context_processor
def _portal_context() -> dict[str, object]:
    from flask_babel import get_locale

    from . import LANGUAGES

    form = LanguageForm()
    form.lang.choices = list(LANGUAGES.items())
    # The chosen code as offered ("tl"), not Babel's resolved locale ("fil_PH").
    chosen = session.get("lang")
    form.lang.data = chosen if chosen in LANGUAGES else str(get_locale() or "en")
    return {"language_form": form, "current_user": current_user}
