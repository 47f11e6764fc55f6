"""The committed locks agree with pyproject.toml (run bin/lock after editing it).

``requirements/lock.txt`` pins every dependency the project states (runtime, the
test extra, the build system's, ``requirements/tools.in``) at a version its range
admits; ``requirements/lowest.txt`` pins each direct dependency at the lowest
version its range admits; ``requirements/runtime.txt`` holds the lock's versions.
"""
from __future__ import annotations

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)", re.M)


def pins(name: str) -> dict[str, Version]:
    text = (ROOT / "requirements" / name).read_text(encoding="utf-8")
    return {canonicalize_name(n): Version(v) for n, v in PIN.findall(text)}


def stated(*, extras: tuple[str, ...] = ("test",), build: bool = True) -> list[Requirement]:
    found = [Requirement(r) for r in PROJECT["project"]["dependencies"]]
    for extra in extras:
        found += [Requirement(r) for r in PROJECT["project"]["optional-dependencies"][extra]]
    if build:
        found += [Requirement(r) for r in PROJECT["build-system"]["requires"]]
    return found


def tools() -> list[Requirement]:
    lines = (ROOT / "requirements" / "tools.in").read_text(encoding="utf-8").splitlines()
    return [Requirement(line.split("#")[0]) for line in lines if line.split("#")[0].strip()]


def outside(requirements: list[Requirement], locked: dict[str, Version]) -> list[str]:
    """Requirements the pins miss or pin outside the stated range."""
    return [f"{r} (locked: {locked.get(canonicalize_name(r.name), 'nothing')})" for r in requirements
            if not r.specifier.contains(locked.get(canonicalize_name(r.name), Version("0")), prereleases=True)
            or canonicalize_name(r.name) not in locked]


def test_lock_pins_everything_stated_within_its_range() -> None:
    wrong = outside(stated() + tools(), pins("lock.txt"))
    assert not wrong, f"requirements/lock.txt is stale, run bin/lock: {wrong}"


def test_runtime_lock_holds_the_locks_versions() -> None:
    lock, runtime = pins("lock.txt"), pins("runtime.txt")
    assert not outside(stated(extras=("example",), build=False), runtime), "run bin/lock"
    assert {n: v for n, v in runtime.items() if lock.get(n) != v} == {}, "run bin/lock"


def _floor(requirement: Requirement) -> Version | None:
    floors = [Version(s.version) for s in requirement.specifier if s.operator in (">=", "==", "~=")]
    return max(floors) if floors else None


@pytest.mark.parametrize("requirement", stated(build=False), ids=str)
def test_lowest_lock_pins_the_stated_floor(requirement: Requirement) -> None:
    """lowest.txt pins each direct dependency at its floor: ``>=22`` may be 22.0.0,
    ``>=77`` 77.0.1 where 77.0.0 is not installable, never 78 or 22.1."""
    floor = _floor(requirement)
    assert floor is not None, f"{requirement}: state the lowest version it supports"
    locked = pins("lowest.txt").get(canonicalize_name(requirement.name))
    assert locked is not None and requirement.specifier.contains(locked, prereleases=True), "run bin/lock"
    assert locked.release[:len(floor.release)] == floor.release, \
        f"{requirement.name}: lowest.txt has {locked}, the floor is {floor} (raise the floor to what really resolves)"


def test_the_checks_can_fail() -> None:
    locked = {"flask": Version("3.0.0")}
    assert outside([Requirement("flask>=3.1")], locked) and outside([Requirement("babel>=2")], locked)
    assert not outside([Requirement("flask>=3.0")], locked)
    assert _floor(Requirement("wheel")) is None
