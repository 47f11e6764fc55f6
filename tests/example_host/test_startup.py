"""The example portal starts cleanly when several processes create it at once
on a new data folder, as gunicorn's workers do (``bench/load.py`` runs 3).
Before the set-up lock, the losers of that race crashed on duplicate demo
accounts or a migration applied twice (and gunicorn stopped), or signed
sessions with a different secret key than their siblings."""
from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PROCESSES = 4

# Each child imports Flask, SQLAlchemy and the package, says it is ready, then
# waits for the "go" file, so all reach create_app() together.
CHILD = """
import json, os, sys, time
from pathlib import Path
from example_host import create_app
go, ready = Path(sys.argv[1]), Path(sys.argv[2])
ready.touch()
while not go.exists():
    time.sleep(0.005)
app = create_app()
print(json.dumps({"key": app.config["SECRET_KEY"]}))
"""


def test_workers_starting_together_share_one_clean_set_up(tmp_path: Path) -> None:
    data, go = tmp_path / "data", tmp_path / "go"
    env = dict(os.environ, EXAMPLE_HOST_DATA=str(data),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    env.pop("SECONDOP_TEST_DATABASE_URL", None)  # the portal owns its SQLite database
    ready = [tmp_path / f"ready-{n}" for n in range(PROCESSES)]
    children = [subprocess.Popen([sys.executable, "-c", CHILD, str(go), str(flag)], cwd=ROOT, env=env,
                                 stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                for flag in ready]
    give_up = time.monotonic() + 120
    # Wait until every child has imported (or one has died: communicate() shows why).
    while not all(flag.exists() for flag in ready) and time.monotonic() < give_up \
            and all(child.poll() is None for child in children):
        time.sleep(0.01)
    go.touch()
    outputs = [child.communicate(timeout=120) for child in children]
    for child, (_out, err) in zip(children, outputs, strict=True):
        assert child.returncode == 0, err[-3000:]
    keys = {json.loads(out.strip().splitlines()[-1])["key"] for out, _err in outputs}
    assert len(keys) == 1 and keys == {(data / "secret_key").read_text().strip()}
    assert (data / "secret_key").stat().st_mode & 0o777 == 0o600
    with sqlite3.connect(data / "portal.db") as db:
        assert db.execute("SELECT count(*) FROM portal_user").fetchone() == (3,)
        assert db.execute("SELECT count(*) FROM portal_caregiver_link").fetchone() == (1,)
        assert db.execute("SELECT count(*) FROM secondop_alembic_version").fetchone() == (1,)
