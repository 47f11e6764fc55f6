"""Run by a venv's python with a lock file: the venv holds exactly the lock's
releases (those whose markers apply here), nothing more but the project itself
and, where the lock does not pin it (lowest.txt), the pip the venv came with.
It is what makes "delete .venv, run bin/test again" install the same versions."""
from __future__ import annotations

import re
import sys
from importlib.metadata import distributions
from pathlib import Path

from packaging.markers import Marker
from packaging.utils import canonicalize_name

PIN = re.compile(r"^([A-Za-z0-9_.-]+)==([^\s;\\]+)(?:\s*;\s*([^\\]+?))?\s*\\?$", re.M)
PROJECT = "oncokind-secondop"

lock = Path(sys.argv[1]).read_text(encoding="utf-8")
wanted = {canonicalize_name(name): version for name, version, marker in PIN.findall(lock)
          if not marker or Marker(marker).evaluate()}
installed = {canonicalize_name(d.metadata["Name"]): d.version for d in distributions()}
installed.pop(PROJECT, None)
if "pip" not in wanted:
    installed.pop("pip", None)
problems = [f"{name}: locked {version}, installed {installed.get(name, 'nothing')}"
            for name, version in sorted(wanted.items()) if installed.get(name) != version]
problems += [f"{name} {version}: installed, not in the lock" for name, version in sorted(installed.items())
             if name not in wanted]
if problems:
    sys.exit(f"{sys.argv[1]}: the venv is not the lock:\n  " + "\n  ".join(problems))
print(f"{sys.argv[1]}: the venv holds exactly its {len(wanted)} releases")
