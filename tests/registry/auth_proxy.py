"""A loopback HTTP proxy that demands credentials before it forwards to a registry.

Apicurio Registry 2.6 authenticates through an OpenID Connect server only; to test
``basic.auth.user.info`` and bearer tokens against a real registry, this proxy sits in
front of it and answers 401 (as Confluent's registry does) unless the request carries
``Basic alice:<password>`` or ``Bearer <token>``. Also serves as "not a registry" (any
path answers HTML) when started with ``upstream=None``.
"""

from __future__ import annotations

import base64
import http.client
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

USER, PASSWORD, TOKEN = "alice", "s3cret-Passw0rd", "tok-0123456789abcdef"


class AuthProxy:
    def __init__(self, upstream: str | None) -> None:
        self.upstream = urlsplit(upstream) if upstream else None
        self.seen: list[str] = []  # the Authorization headers received
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _handle(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if proxy.upstream is None:
                    self._answer(200, b"<html><body>Hello</body></html>", "text/html")
                    return
                auth = self.headers.get("Authorization", "")
                proxy.seen.append(auth)
                basic = "Basic " + base64.b64encode(f"{USER}:{PASSWORD}".encode()).decode()
                if auth not in (basic, f"Bearer {TOKEN}"):
                    self._answer(401, b'{"error_code":40101,"message":"Unauthorized"}',
                                 "application/json")
                    return
                up = proxy.upstream
                connection = http.client.HTTPConnection(up.hostname or "", up.port, timeout=30)
                headers = {k: v for k, v in self.headers.items()
                           if k.lower() not in ("host", "authorization", "content-length")}
                path = up.path.rstrip("/") + self.path
                connection.request(self.command, path, body=body, headers=headers)
                answer = connection.getresponse()
                data = answer.read()
                self._answer(answer.status, data, answer.getheader("Content-Type") or "")
                connection.close()

            def _answer(self, status: int, data: bytes, content_type: str) -> None:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> AuthProxy:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
