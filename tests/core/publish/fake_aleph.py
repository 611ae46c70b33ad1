"""A small stand-in for Aleph's HTTP API on 127.0.0.1: it answers exactly the calls alephclient
makes for a push (find/create a collection by foreign id, ``_bulk`` entity writes, ``ingest``
uploads) and records what it was sent. It checks nothing Aleph would; no real Aleph server is
tested here. ``refuse`` names entity ids the bulk endpoint answers with HTTP 400."""

from __future__ import annotations

import json
import threading
from email.parser import BytesParser
from email.policy import HTTP
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlparse


class FakeAleph:
    def __init__(self) -> None:
        self.collections: dict[str, dict[str, Any]] = {}
        self.entities: dict[str, dict[str, Any]] = {}
        self.bulk_calls = 0
        self.uploads: list[dict[str, Any]] = []
        self.refuse: set[str] = set()
        self.auth: list[str | None] = []
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> FakeAleph:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:  # keep test output quiet
                pass

            def _reply(self, status: int, body: Any) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def do_GET(self) -> None:
                fake.auth.append(self.headers.get("Authorization"))
                url = urlparse(self.path)
                if url.path == "/api/2/collections":
                    wanted = parse_qs(url.query).get("filter:foreign_id", [None])[0]
                    found = [c for c in fake.collections.values() if c["foreign_id"] == wanted]
                    self._reply(
                        200,
                        {
                            "results": found,
                            "total": len(found),
                            "offset": 0,
                            "limit": 20,
                            "next": None,
                        },
                    )
                    return
                self._reply(404, {"status": "error", "message": "Not found"})

            def do_POST(self) -> None:
                fake.auth.append(self.headers.get("Authorization"))
                url = urlparse(self.path)
                parts = url.path.strip("/").split("/")
                body = self._body()
                if url.path == "/api/2/collections":
                    data = json.loads(body)
                    cid = str(len(fake.collections) + 1)
                    coll = {**data, "id": cid, "collection_id": cid}
                    fake.collections[cid] = coll
                    self._reply(200, coll)
                elif parts[-1] == "_bulk" and parts[-2] in fake.collections:
                    fake.bulk_calls += 1
                    chunk = json.loads(body)
                    bad = [e["id"] for e in chunk if e["id"] in fake.refuse]
                    if bad:
                        self._reply(400, {"status": "error", "message": "Invalid entity data"})
                        return
                    for e in chunk:
                        fake.entities[e["id"]] = e
                    self._reply(200, {"status": "ok"})
                elif parts[-1] == "ingest" and parts[-2] in fake.collections:
                    head = f"Content-Type: {self.headers['Content-Type']}\r\n\r\n".encode()
                    msg = BytesParser(policy=HTTP).parsebytes(head + body)
                    fields = {
                        p.get_param("name", header="content-disposition"): p
                        for p in msg.iter_parts()
                    }
                    meta = json.loads(fields["meta"].get_content())
                    file_part = fields["file"]
                    fake.uploads.append(
                        {
                            "meta": meta,
                            "filename": file_part.get_filename(),
                            "size": len(file_part.get_payload(decode=True)),
                        }
                    )
                    self._reply(201, {"status": "ok", "id": f"upload{len(fake.uploads)}"})
                else:
                    self._reply(404, {"status": "error", "message": "Not found"})

        return Handler
