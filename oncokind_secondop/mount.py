"""``SecondOpinion``: mounting the package on a host app (``init_app``).

The top of the import graph: it validates the settings, fills the per-app
state (:mod:`oncokind_secondop.extension`) and registers a blueprint built for
this app (:func:`oncokind_secondop.blueprint.build_blueprint`). Nothing below
imports this module.
"""
from __future__ import annotations

from types import MappingProxyType
from typing import Any

from flask import Flask
from flask_babel import Babel

from ._catalogs import compile_catalogs
from .adapters import AuthAdapter, FileStore, RecordStore
from .blueprint import build_blueprint
from .capabilities import needed_adapters
from .cli import secondop_cli
from .config import validate_config
from .csrf import exempt_streaming_views
from .extension import EXTENSION_KEY, SecondOpState, secondop_mounted
from .i18n import DOMAIN, PACKAGE_TRANSLATIONS, jinja_helpers


def _compile_catalogs_in_source_checkout() -> None:
    """In a git checkout (editable install), build missing or stale ``.mo``
    files from ``translations/`` so the pages are translated without a
    separate step. An installed wheel already carries them."""
    root = PACKAGE_TRANSLATIONS.parent.parent
    if (root / "translations").is_dir() and (root / "setup.py").is_file() and (root / "babel.cfg").is_file():
        compile_catalogs(root / "translations", PACKAGE_TRANSLATIONS, only_if_stale=True)


class SecondOpinion:
    """Mount the second-opinion pages on a host portal.

    ``SecondOpinion(app, auth=..., records=..., files=...)`` or, with an app
    factory, ``ext = SecondOpinion()`` then ``ext.init_app(app, ...)``. The
    object keeps no state of its own: everything lives in
    ``app.extensions["secondop"]``.
    """

    def __init__(self, app: Flask | None = None, **adapters: Any) -> None:
        if app is not None:
            self.init_app(app, **adapters)

    def init_app(self, app: Flask, *, auth: AuthAdapter, records: RecordStore | None = None,
                 files: FileStore | None = None, **options: Any) -> SecondOpState:
        """Validate the ``SECONDOP_*`` settings and mount the pages.

        ``auth`` is always needed (the hub and the patient chooser ask it).
        ``SECONDOP_CAPABILITIES`` (default: learn, packet, compare) decides
        which pages get routes and hub cards, and so which stores are needed:
        ``records`` for packet or compare, ``files`` for packet. Learn alone
        stores nothing (a hospital's public site): ``auth`` is enough. A store
        a mounted capability needs and did not get is refused here.
        """
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
        app.config.update(settings)  # the host sees every default we use

        state = SecondOpState(
            config=MappingProxyType(settings), auth=auth, record_store=records, file_store=files,
            translation_directories=(
                str(PACKAGE_TRANSLATIONS),
                *(str(p) for p in settings["SECONDOP_TRANSLATION_DIRECTORIES"]),
            ),
            options=MappingProxyType(dict(options)),
        )
        app.extensions[EXTENSION_KEY] = state

        for adapter in (auth, records, files):
            hook = getattr(adapter, "init_app", None)
            if callable(hook):
                hook(app)

        _compile_catalogs_in_source_checkout()
        self._init_babel(app, settings["SECONDOP_I18N_MODE"])
        app.jinja_env.globals.update(jinja_helpers())
        app.jinja_env.globals["secondop_base_template"] = state.base_template
        app.jinja_env.globals["secondop_mounted"] = secondop_mounted

        app.register_blueprint(build_blueprint(settings),
                               url_prefix=settings["SECONDOP_URL_PREFIX"] or None)
        exempt_streaming_views(app)
        # A host may set up its CSRFProtect after us: exempt again before its
        # check runs (ours was registered first), or it would parse and spool
        # the whole upload body before our view could stream it.
        app.before_request(lambda: exempt_streaming_views(app))
        if "secondop" not in app.cli.commands:
            app.cli.add_command(secondop_cli)
        return state

    @staticmethod
    def _init_babel(app: Flask, mode: str) -> None:
        """Use the host's Flask-Babel (and its locale selector). Only when the
        host has none do we set up a plain one, so our domain can resolve a
        locale; we never replace the host's."""
        if "babel" not in app.extensions:
            Babel(app)
        if mode == "merged":
            babel = app.extensions["babel"]
            domains = babel.default_domain.split(";")
            if len(domains) == 1:
                domains = domains * len(babel.translation_directories)
            # ours first: on a clash the host's own string wins
            babel.translation_directories = [str(PACKAGE_TRANSLATIONS), *babel.translation_directories]
            babel.default_domain = ";".join([DOMAIN, *domains])
