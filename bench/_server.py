"""The benchmark's server process: a small Flask app using the package's
upload receiver and ZIP streamer, served by Werkzeug's threaded server
(as run by ``bench/upload_zip.py``; not meant to be started by hand)."""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from flask import Flask, Response, jsonify

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from oncokind_secondop.contrib.localfs import LocalFileStore  # noqa: E402
from oncokind_secondop.exports.zipstream import ZipMember, stream_zip  # noqa: E402
from oncokind_secondop.uploads import UploadRejected, receive_upload  # noqa: E402


def create_app(store_dir: Path, export_list: Path) -> Flask:
    app = Flask("secondop_bench")
    app.config.update(WTF_CSRF_ENABLED=False, MAX_CONTENT_LENGTH=16 * 1024 * 1024)
    store = LocalFileStore(store_dir)

    @app.post("/upload")
    def upload() -> Response | tuple[Response, int]:
        try:
            received = receive_upload(store, max_file_size=4 * 1024**3, max_files=1)
        except UploadRejected as exc:
            return jsonify(error=str(exc.message)), exc.status
        files = [{"size": f.stored.size, "sha256": f.stored.sha256, "kind": f.kind}
                 for f in received.files]
        received.discard(store)  # keep the disk clean between runs
        return jsonify(files=files)

    @app.get("/zip")
    def download_zip() -> Response:
        entries = json.loads(export_list.read_text())
        members = [ZipMember(e["arcname"], e["size"], sha256=e["sha256"],
                             opener=lambda p=e["path"]: open(p, "rb"))  # noqa: SIM115
                   for e in entries]
        members.append(ZipMember("manifest.json", len(export_list.read_bytes()),
                                 data=export_list.read_bytes()))
        chunks, length = stream_zip(members)
        response = Response(chunks, mimetype="application/zip", direct_passthrough=True)
        response.content_length = length
        return response

    @app.get("/ping")
    def ping() -> str:
        return "ok"

    return app


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--store", type=Path, required=True)
    parser.add_argument("--export-list", type=Path, required=True)
    parser.add_argument("--port", type=int, required=True)
    args = parser.parse_args()
    from werkzeug.serving import make_server

    server = make_server("127.0.0.1", args.port, create_app(args.store, args.export_list),
                         threaded=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
