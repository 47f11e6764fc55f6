"""The ``SecondOpinion`` Flask extension: wiring, per-app state, proxy."""
from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, cast

from flask import Flask, current_app
from werkzeug.local import LocalProxy

from .adapters import AuthAdapter, FileStore, RecordStore
from .config import validate_config
from .i18n import DOMAIN, PACKAGE_TRANSLATIONS, jinja_helpers

EXTENSION_KEY = "secondop"
STANDALONE_LAYOUT = "secondop/_standalone.html"


@dataclass(frozen=True)
class SecondOpState:
    """Everything the package knows about one application. Frozen: set once
    in ``init_app``; two apps in one process each have their own."""

    config: Mapping[str, Any]
    auth: AuthAdapter
    records: RecordStore
    files: FileStore
    translation_directories: tuple[str, ...]
    translations_cache: dict[Any, Any] = field(default_factory=dict, compare=False)
    options: Mapping[str, Any] = field(default_factory=dict)

    @property
    def base_template(self) -> str:
        return cast(str, self.config["SECONDOP_BASE_TEMPLATE"] or STANDALONE_LAYOUT)


def _state() -> SecondOpState:
    try:
        return cast(SecondOpState, current_app.extensions[EXTENSION_KEY])
    except KeyError:
        raise RuntimeError("SecondOpinion.init_app(app, ...) was not called for this app") from None


#: The current app's :class:`SecondOpState`.
current_secondop: SecondOpState = cast(SecondOpState, LocalProxy(_state))


def _compile_catalogs_in_source_checkout() -> None:
    """In a git checkout (editable install), build missing or stale ``.mo``
    files from ``translations/`` so the pages are translated without a
    separate step. An installed wheel already carries them."""
    root = PACKAGE_TRANSLATIONS.parent.parent
    if (root / "translations").is_dir() and (root / "setup.py").is_file() and (root / "babel.cfg").is_file():
        from ._catalogs import compile_catalogs

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

    def init_app(self, app: Flask, *, auth: AuthAdapter, records: RecordStore,
                 files: FileStore, **options: Any) -> SecondOpState:
        if EXTENSION_KEY in app.extensions:
            raise RuntimeError("SecondOpinion is already initialised on this app")
        for name, value, kind in (("auth", auth, AuthAdapter), ("records", records, RecordStore),
                                  ("files", files, FileStore)):
            if not isinstance(value, kind):
                raise TypeError(f"{name}= must be a {kind.__module__}.{kind.__name__}, got {value!r}")
        settings = validate_config(app.config)
        app.config.update(settings)  # the host sees every default we use

        state = SecondOpState(
            config=MappingProxyType(settings), auth=auth, records=records, files=files,
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

        from .blueprint import bp
        from .cli import secondop_cli
        from .csrf import exempt_streaming_views

        app.register_blueprint(bp, url_prefix=settings["SECONDOP_URL_PREFIX"] or None)
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
            from flask_babel import Babel

            Babel(app)
        if mode == "merged":
            babel = app.extensions["babel"]
            domains = babel.default_domain.split(";")
            if len(domains) == 1:
                domains = domains * len(babel.translation_directories)
            # ours first: on a clash the host's own string wins
            babel.translation_directories = [str(PACKAGE_TRANSLATIONS), *babel.translation_directories]
            babel.default_domain = ";".join([DOMAIN, *domains])
