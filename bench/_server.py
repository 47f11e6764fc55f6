"""The example portal in a subprocess, for the HTTP benchmarks
(``bench/upload_zip.py``, ``bench/load.py``).

As a module: :class:`PortalServer` starts the example portal
(``example_host.create_app()``, data in a temporary ``EXAMPLE_HOST_DATA``,
CSRF on, Flask-SQLAlchemy on SQLite) under gunicorn (``-k gthread``) on
loopback, or under Werkzeug's threaded server if gunicorn is not installed.

As a script (not meant to be run by hand; the env must name the data folder):

    python bench/_server.py --port 8123          # the Werkzeug fallback server
    python bench/_server.py --add-patients 50    # create the portal once, add patient accounts
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOAD_PASSWORD = "load-password"  # the accounts added by --add-patients (demo data only)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def children(pid: int) -> list[int]:
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def portal_env(workdir: Path) -> dict[str, str]:
    """The environment of the portal's processes: data in ``workdir/portal``."""
    env = dict(os.environ, EXAMPLE_HOST_DATA=str(workdir / "portal"),
               PYTHONPATH=os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])))
    env.pop("SECONDOP_TEST_DATABASE_URL", None)  # the portal owns its SQLite database
    return env


def add_patients(workdir: Path, count: int) -> list[str]:
    """Create the portal's database (in a child process, like a deploy step
    before the server starts) and ``count`` patient accounts through the
    example host's own models; return their emails (password ``LOAD_PASSWORD``)."""
    completed = subprocess.run(
        [sys.executable, str(Path(__file__)), "--add-patients", str(count)],
        cwd=ROOT, env=portal_env(workdir), capture_output=True, text=True, check=False,
    )
    if completed.returncode:
        raise SystemExit(f"adding patients failed:\n{completed.stderr[-3000:]}")
    return list(json.loads(completed.stdout.strip().splitlines()[-1]))


class PortalServer:
    """The example portal in a subprocess: gunicorn (gthread) with ``workers``
    processes of ``threads`` threads if installed, else Werkzeug's threaded
    server (``bench/_server.py --port``). ``pid`` is the process that serves
    requests when there is one (gunicorn: the single worker, not the arbiter);
    ``worker_pids`` lists all of them."""

    def __init__(self, workdir: Path, *, workers: int = 1, threads: int = 4) -> None:
        self.port = free_port()
        self.log_path = workdir / "server.log"
        self.log = self.log_path.open("wb")
        try:
            import gunicorn  # noqa: F401

            self.kind = (f"gunicorn -k gthread ({workers} worker{'s' if workers > 1 else ''}, "
                         f"{threads} threads)")
            args = [sys.executable, "-m", "gunicorn", "-k", "gthread", "--workers", str(workers),
                    "--threads", str(threads), "--timeout", "600", "--bind", f"127.0.0.1:{self.port}",
                    "example_host:create_app()"]
        except ImportError:
            workers = 0
            self.kind = "Werkzeug threaded server (gunicorn not installed)"
            args = [sys.executable, str(Path(__file__)), "--port", str(self.port)]
        self.process = subprocess.Popen(args, cwd=ROOT, env=portal_env(workdir), stdout=self.log,
                                        stderr=subprocess.STDOUT)
        self._wait_until_ready(workers)
        self.worker_pids = children(self.process.pid) if workers else [self.process.pid]
        self.pid = self.worker_pids[0]

    def _wait_until_ready(self, workers: int) -> None:
        """Until the login page answers and (gunicorn) every worker has booted."""
        deadline = time.monotonic() + 60
        while True:
            try:
                self.request("GET", "/login").read()
                if not workers or len(children(self.process.pid)) == workers:
                    return
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise SystemExit(f"the portal server did not start; see {self.log_path}")
            time.sleep(0.2)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def request(self, method: str, path: str, body: object = None,
                headers: dict[str, str] | None = None) -> http.client.HTTPResponse:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=900)
        conn.request(method, path, body=body, headers=headers or {})  # type: ignore[arg-type]
        return conn.getresponse()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        self.log.close()


def _add_patients(count: int) -> list[str]:
    sys.path.insert(0, str(ROOT))
    from example_host import create_app
    from example_host.models import User, db

    app = create_app()
    emails = [f"patient{n:03d}@load.example.org" for n in range(1, count + 1)]
    with app.app_context():
        for n, email in enumerate(emails, start=1):
            user = User(email=email, name=f"Load Patient {n:03d}", is_patient=True)
            user.set_password(LOAD_PASSWORD)
            db.session.add(user)
        db.session.commit()
    return emails


def main() -> None:
    parser = argparse.ArgumentParser()
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--port", type=int)
    group.add_argument("--add-patients", type=int)
    args = parser.parse_args()
    if args.add_patients is not None:
        print(json.dumps(_add_patients(args.add_patients)))
        return
    sys.path.insert(0, str(ROOT))
    from werkzeug.serving import make_server

    from example_host import create_app

    make_server("127.0.0.1", args.port, create_app(), threaded=True).serve_forever()


if __name__ == "__main__":
    main()
