"""Mistakes a host can make when mounting, refused by ``init_app``.

Each would otherwise pass silently and fail later, in front of a patient: a
base template that does not exist (``TemplateNotFound`` on the first page), a
layout without the blocks the package writes into (unstyled pages, dead
scripts), a URL prefix whose rules collide with the host's (one of the two
pages silently hidden). Every message names the fix.
"""
from __future__ import annotations

import re
from pathlib import Path

from flask import Blueprint, Flask
from jinja2 import TemplateNotFound, nodes
from werkzeug.routing import Rule

from .config import ConfigError

#: The blocks ``secondop/_layout.html`` fills in the host's layout: the page
#: title, the stylesheet and scripts (``head``), and the page itself.
LAYOUT_BLOCKS = ("title", "head", "content")
PACKAGE_TEMPLATES = Path(__file__).parent / "templates"


def check_base_template(app: Flask, name: str) -> None:
    """Refuse a ``SECONDOP_BASE_TEMPLATE`` the app's Jinja loader cannot find,
    or one (with the layouts it extends) that lacks a block of
    :data:`LAYOUT_BLOCKS`.

    We refuse rather than inject styles some other way: the ``head`` block is
    where a stylesheet belongs (no flash of unstyled page, no inline CSS the
    page's Content-Security-Policy would have to allow), and one
    ``{% block head %}`` in a layout is a one-line fix."""
    env = app.jinja_env
    defined: set[str] = set()
    seen: set[str] = set()
    current: str | None = name
    while current is not None and current not in seen:
        seen.add(current)
        try:
            source, _, _ = env.loader.get_source(env, current)  # type: ignore[union-attr]
        except TemplateNotFound:
            if (PACKAGE_TEMPLATES / current).is_file():
                return  # one of ours (the standalone layout): found once our blueprint is registered
            if current == name:
                raise ConfigError(
                    f"SECONDOP_BASE_TEMPLATE = {name!r}: the app's Jinja loader cannot find this "
                    "template. Put it in the app's templates folder (or a blueprint's), fix the "
                    "name, or set None to use the package's standalone layout.") from None
            return  # the layout extends a missing parent: Jinja will say so itself
        tree = env.parse(source, current)
        defined |= {block.name for block in tree.find_all(nodes.Block)}
        parent = tree.find(nodes.Extends)
        if parent is None:
            break
        if not isinstance(parent.template, nodes.Const):
            return  # a layout that picks its parent at run time: we cannot tell
        current = str(parent.template.value)
    missing = [block for block in LAYOUT_BLOCKS if block not in defined]
    if missing:
        wanted = " ".join(f"{{% block {block} %}}{{% endblock %}}" for block in missing)
        raise ConfigError(
            f"SECONDOP_BASE_TEMPLATE = {name!r} defines no block {', '.join(repr(b) for b in missing)}. "
            f"The package's pages write into the blocks {', '.join(LAYOUT_BLOCKS)} (styles and scripts "
            f"go into 'head', inside <head>); add {wanted} to the layout.")


def _shape(rule: str) -> str:
    # "/packet/<int:packet_id>" and "/packet/<id>" match the same URLs
    return re.sub(r"<[^>]*>", "<>", rule)


def _methods(methods: set[str] | frozenset[str] | None) -> set[str]:
    return set(methods or ()) - {"HEAD", "OPTIONS"}


def check_url_collisions(app: Flask, blueprint: Blueprint, url_prefix: str | None) -> None:
    """Refuse a mount whose rules match the same URLs and methods as a rule
    the host registered already (mount the package after the host's own
    routes for this check to see them). The blueprint is tried on a scratch
    app, so nothing of the host's app changes when we refuse."""
    scratch = Flask(app.import_name, static_folder=None)
    scratch.config.update(app.config)  # registration hooks (Learn's centers files) read it
    scratch.register_blueprint(blueprint, url_prefix=url_prefix)
    host: dict[str, list[Rule]] = {}
    for rule in app.url_map.iter_rules():
        host.setdefault(_shape(rule.rule), []).append(rule)
    clashes = []
    for ours in scratch.url_map.iter_rules():
        for theirs in host.get(_shape(ours.rule), []):
            if _methods(ours.methods) & _methods(theirs.methods):
                clashes.append(f"ours {ours.rule!r} ({ours.endpoint}) and the host's "
                               f"{theirs.rule!r} ({theirs.endpoint})")
    if clashes:
        raise ConfigError(
            f"SECONDOP_URL_PREFIX = {url_prefix or ''!r} makes the package's URLs collide with the "
            f"host's: {'; '.join(clashes)}. Set SECONDOP_URL_PREFIX to a path the host does not use "
            "(the default is '/second-opinion').")
