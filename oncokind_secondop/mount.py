"""``SecondOpinion``: mounting the package on a host app (``init_app``).

The top of the import graph: it validates the settings, fills the per-app
state (:mod:`oncokind_secondop.extension`) and registers a blueprint built for
this app (:func:`oncokind_secondop.blueprint.build_blueprint`). Nothing below
imports this module.
"""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Never

from flask import Flask
from flask_babel import Babel

from ._catalogs import compile_catalogs
from .adapters import AuthAdapter, FileStore, RecordStore
from .blueprint import build_blueprint
from .capabilities import needed_adapters
from .cli import secondop_cli
from .config import PREFIX, SETTINGS, validate_config
from .csrf import exempt_streaming_views
from .extension import EXTENSION_KEY, SecondOpState, secondop_mounted
from .i18n import DOMAIN, PACKAGE_TRANSLATIONS, jinja_helpers, negotiate_locale
from .startup_checks import check_base_template, check_url_collisions


def _compile_catalogs_in_source_checkout() -> None:
    """In a git checkout (editable install), build missing or stale ``.mo``
    files from ``translations/`` so the pages are translated without a
    separate step. An installed wheel already carries them."""
    root = PACKAGE_TRANSLATIONS.parent.parent
    if (root / "translations").is_dir() and (root / "setup.py").is_file() and (root / "babel.cfg").is_file():
        compile_catalogs(root / "translations", PACKAGE_TRANSLATIONS, only_if_stale=True)


def _unexpected_keywords(unexpected: Mapping[str, object]) -> str:
    """A TypeError message naming the fix: most keywords a host tries are
    settings, which belong in ``app.config``."""
    hints = []
    for name in sorted(unexpected):
        setting = PREFIX + name.upper()
        hints.append(f"{name}= (set app.config[{setting!r}] instead)" if setting in SETTINGS
                     else f"{name}=")
    return ("SecondOpinion.init_app() takes only auth=, records= and files=; got "
            + ", ".join(hints) + ". Every other choice is a SECONDOP_* setting in app.config "
            "(flask secondop config lists them).")


class SecondOpinion:
    """Mount the second-opinion pages on a host portal.

    ``SecondOpinion(app, auth=..., records=..., files=...)`` or, with an app
    factory, ``ext = SecondOpinion()`` then ``ext.init_app(app, ...)``. The
    object keeps no state of its own: everything lives in
    ``app.extensions["secondop"]``.
    """

    def __init__(self, app: Flask | None = None, *, auth: AuthAdapter | None = None,
                 records: RecordStore | None = None, files: FileStore | None = None,
                 **unexpected: Never) -> None:
        if unexpected:
            raise TypeError(_unexpected_keywords(unexpected))
        if app is not None:
            if auth is None:
                raise TypeError("SecondOpinion(app, auth=...) needs auth=, an AuthAdapter")
            self.init_app(app, auth=auth, records=records, files=files)

    def init_app(self, app: Flask, *, auth: AuthAdapter, records: RecordStore | None = None,
                 files: FileStore | None = None, **unexpected: Never) -> SecondOpState:
        """Validate the ``SECONDOP_*`` settings and mount the pages on ``app``.

        :param auth: an :class:`~oncokind_secondop.adapters.AuthAdapter`, always
            needed (the hub and the patient chooser ask it).
        :param records: a :class:`~oncokind_secondop.adapters.RecordStore`, needed
            when packet or compare is mounted.
        :param files: a :class:`~oncokind_secondop.adapters.FileStore`, needed
            when packet is mounted.

        Everything else is a ``SECONDOP_*`` setting in ``app.config`` (the URL
        prefix, the base template, the capabilities...; see
        :mod:`oncokind_secondop.config`), not a keyword here: an unknown
        keyword is a ``TypeError``. ``SECONDOP_CAPABILITIES`` (default: learn,
        packet, compare, share) decides which pages get routes and hub cards,
        and so which stores are needed; Learn alone stores nothing (a
        hospital's public site): ``auth`` is enough. A store a mounted
        capability needs and did not get is refused here.

        Refused with :class:`~oncokind_secondop.config.ConfigError`, each
        message naming the fix: an unknown setting or bad value; a
        ``SECONDOP_BASE_TEMPLATE`` the app's Jinja loader cannot find, or
        one without the blocks ``title``, ``head`` and ``content``; a URL
        prefix whose rules collide with rules the host registered before this
        call. Returns the app's state (also ``app.extensions["secondop"]``).
        """
        if unexpected:
            raise TypeError(_unexpected_keywords(unexpected))
        if EXTENSION_KEY in app.extensions:
            raise RuntimeError("SecondOpinion is already initialised on this app")
        settings = validate_config(app.config)
        given = {"auth": auth, "records": records, "files": files}
        needed = needed_adapters(settings["SECONDOP_CAPABILITIES"])
        for name, kind in (("auth", AuthAdapter), ("records", RecordStore), ("files", FileStore)):
            value = given[name]
            if value is None and name != "auth":
                if name in needed:
                    raise TypeError(f"{name}= is needed by SECONDOP_CAPABILITIES "
                                    f"{sorted(needed[name])!r}; init_app got none")
                continue
            if not isinstance(value, kind):
                raise TypeError(f"{name}= must be a {kind.__module__}.{kind.__name__}, got {value!r}")
        # Refuse before anything of the app changes: a refused mount leaves no trace.
        if settings["SECONDOP_BASE_TEMPLATE"] is not None:
            check_base_template(app, settings["SECONDOP_BASE_TEMPLATE"])
        url_prefix = settings["SECONDOP_URL_PREFIX"] or None
        check_url_collisions(app, build_blueprint(settings), url_prefix)
        app.config.update(settings)  # the host sees every default we use

        state = SecondOpState(
            config=MappingProxyType(settings), auth=auth, record_store=records, file_store=files,
            translation_directories=(
                str(PACKAGE_TRANSLATIONS),
                *(str(p) for p in settings["SECONDOP_TRANSLATION_DIRECTORIES"]),
            ),
        )
        app.extensions[EXTENSION_KEY] = state

        for adapter in (auth, records, files):
            hook = getattr(adapter, "init_app", None)
            if callable(hook):
                hook(app)

        _compile_catalogs_in_source_checkout()
        self._init_babel(app, settings["SECONDOP_I18N_MODE"], settings["SECONDOP_NEGOTIATE_LOCALE"])
        app.jinja_env.globals.update(jinja_helpers())
        app.jinja_env.globals["secondop_base_template"] = state.base_template
        app.jinja_env.globals["secondop_mounted"] = secondop_mounted

        app.register_blueprint(build_blueprint(settings), url_prefix=url_prefix)
        exempt_streaming_views(app)
        # A host may set up its CSRFProtect after us: exempt again before its
        # check runs (ours was registered first), or it would parse and spool
        # the whole upload body before our view could stream it.
        app.before_request(lambda: exempt_streaming_views(app))
        if "secondop" not in app.cli.commands:
            app.cli.add_command(secondop_cli)
        return state

    @staticmethod
    def _init_babel(app: Flask, mode: str, negotiate: bool) -> None:
        """Use the host's Flask-Babel (and its locale selector). Only when the
        host has none do we set up a plain one, so our domain can resolve a
        locale; we never replace the host's selector.

        With no selector at all (no Flask-Babel, or one set up without
        ``locale_selector=``) every page would be English: unless
        ``SECONDOP_NEGOTIATE_LOCALE`` is False, the browser's
        ``Accept-Language`` then picks among the shipped languages."""
        selector = negotiate_locale if negotiate else None
        if "babel" not in app.extensions:
            Babel(app, locale_selector=selector)
        elif app.extensions["babel"].locale_selector is None and selector is not None:
            app.extensions["babel"].locale_selector = selector
        if mode == "merged":
            babel = app.extensions["babel"]
            domains = babel.default_domain.split(";")
            if len(domains) == 1:
                domains = domains * len(babel.translation_directories)
            # ours first: on a clash the host's own string wins
            babel.translation_directories = [str(PACKAGE_TRANSLATIONS), *babel.translation_directories]
            babel.default_domain = ";".join([DOMAIN, *domains])
