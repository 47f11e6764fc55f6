"""Fallback server for ``bench/upload_zip.py`` when gunicorn is not installed:
the example portal (``example_host.create_app()``, data in
``$EXAMPLE_HOST_DATA``) served by Werkzeug's threaded server. Not meant to be
started by hand."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from example_host import create_app  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    from werkzeug.serving import make_server

    make_server("127.0.0.1", args.port, create_app(), threaded=True).serve_forever()


if __name__ == "__main__":
    main()
