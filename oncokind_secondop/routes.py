"""Routes collected per capability, added to a blueprint later.

A capability's views keep Flask's decorator style (``@routes.route(...)``),
but importing them changes nothing global: the blueprint factory
(:func:`oncokind_secondop.blueprint.build_blueprint`) calls
:meth:`Routes.register` on each app's own blueprint, and only for the
capabilities that app mounts.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from flask import Blueprint
from flask.blueprints import BlueprintSetupState

F = TypeVar("F", bound=Callable[..., Any])


@dataclass(frozen=True)
class HubCard:
    """A capability's card on the hub: a link to its first page."""

    endpoint: str
    title: object  # lazy string
    summary: object  # lazy string
    order: int


class Routes:
    """The routes (and blueprint hooks) of one capability, kept until registered."""

    def __init__(self) -> None:
        self._steps: list[Callable[[Blueprint], object]] = []

    def route(self, rule: str, **options: Any) -> Callable[[F], F]:
        """Like ``Blueprint.route``; ``endpoint=`` names it ``secondop.<endpoint>``."""

        def decorator(view: F) -> F:
            self._steps.append(lambda bp: bp.add_url_rule(rule, view_func=view, **options))
            return view

        return decorator

    def context_processor(self, function: F) -> F:
        self._steps.append(lambda bp: bp.context_processor(function))
        return function

    def after_request(self, function: F) -> F:
        """Like ``Blueprint.after_request`` (it runs for every request of the
        blueprint: check ``request.endpoint`` to act on this capability's own)."""
        self._steps.append(lambda bp: bp.after_request(function))
        return function

    def record_once(self, function: Callable[[BlueprintSetupState], None]) -> Callable[[BlueprintSetupState], None]:
        """Run ``function`` when the blueprint is registered on an app (app start-up)."""
        self._steps.append(lambda bp: bp.record_once(function))
        return function

    def register(self, bp: Blueprint) -> None:
        """Add everything collected to ``bp`` (a new blueprint, not yet registered)."""
        for step in self._steps:
            step(bp)
