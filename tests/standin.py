"""A SPARQL store stand-in for the tests, in this process: an HTTP server on 127.0.0.1 (a free
port, a thread of its own) speaking the SPARQL 1.1 Protocol at ``/query`` (GET or a POST form,
``default-graph-uri`` and ``named-graph-uri`` honoured, SELECT and ASK answered as SPARQL JSON,
CONSTRUCT as N-Triples) and the Graph Store Protocol at ``/store?graph=IRI`` (GET, HEAD, PUT,
and POST, which adds), over a pyoxigraph store (:attr:`StandIn.store`, which a test may
change behind the server's back).

What makes it a stand-in rather than a store:

* ``auth``: it may demand credentials, checked here by the server side of each scheme written
  from the RFCs, independently of ``ppo_graph.engine.auth``: :class:`Basic` (RFC 7617),
  :class:`Digest` (RFC 7616 / 2617: MD5, ``qop=auth``, nonces that go stale after a number of
  uses) and :class:`Bearer` (RFC 6750). A refused request gets 401 with a challenge, its body
  echoing the ``Authorization`` header it got (a careless store: the client must not print it).
* ``tamper``: a function that may change the SPARQL JSON of an answer (drop a row, rewrite a
  number) before it is sent, given the query text; ``headers``: what headers to send with the
  answer to a query text;
* ``put_errors``: pages to answer the next uploads (PUT or POST) with, one each, as a 500 with
  the graph left untouched (:data:`DEADLOCK` is Virtuoso 7.2's page for a transaction it rolled
  back); None takes that upload;
* ``uploads``: the body of every upload taken, as (method, N-Triples);
* ``log``: every request as (method, path, whether it carried ``Authorization``, status).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import threading
import urllib.parse
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pyoxigraph as ox

#: Virtuoso 7.2's answer to a PUT whose transaction it rolled back as deadlocked.
DEADLOCK = (
    b"<h1>HTTP/1.1 500 Request Failed</h1><h3>Error 40001</h3>"
    b"<xmp>SR172: Transaction deadlocked</xmp>"
)

#: (query text, SPARQL JSON results) -> the results to send instead.
Tamper = Callable[[str, dict[str, Any]], dict[str, Any]]


class Basic:
    """HTTP Basic: ``Authorization: Basic base64(user:password)``."""

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password

    def challenge(self) -> str:
        return 'Basic realm="standin", charset="UTF-8"'

    def accepts(self, method: str, path: str, header: str) -> bool:
        scheme, _, value = header.partition(" ")
        if scheme.lower() != "basic":
            return False
        try:
            given = base64.b64decode(value.strip(), validate=True).decode("utf-8")
        except ValueError:
            return False
        return given == f"{self.user}:{self.password}"


class Bearer:
    """A bearer token: ``Authorization: Bearer TOKEN``."""

    def __init__(self, token: str) -> None:
        self.token = token

    def challenge(self) -> str:
        return 'Bearer realm="standin"'

    def accepts(self, method: str, path: str, header: str) -> bool:
        return header == f"Bearer {self.token}"


def _digest_fields(header: str) -> dict[str, str]:
    return {
        k.lower(): v[1:-1] if v.startswith('"') else v
        for k, v in re.findall(r'(\w+)=("(?:[^"\\]|\\.)*"|[^,\s]+)', header)
    }


@dataclass
class Digest:
    """HTTP Digest, MD5 and ``qop=auth`` (RFC 7616 section 3.4.1; RFC 2617): the response is
    H(H(user:realm:password):nonce:nc:cnonce:auth:H(method:uri)), the uri must be the request's
    target and the nonce count must grow; a nonce serves ``uses`` requests, then is stale."""

    user: str
    password: str
    realm: str = "standin"
    uses: int = 1000
    nonces: dict[str, int] = field(default_factory=dict)  # nonce -> highest nc seen
    served: dict[str, int] = field(default_factory=dict)  # nonce -> requests accepted
    stale: bool = False  # whether the last refusal was for a stale nonce

    def challenge(self) -> str:
        nonce = os.urandom(12).hex()
        self.nonces[nonce] = 0
        self.served[nonce] = 0
        stale = ", stale=true" if self.stale else ""
        return (
            f'Digest realm="{self.realm}", qop="auth", algorithm=MD5, nonce="{nonce}", '
            f'opaque="0pq"{stale}'
        )

    def accepts(self, method: str, path: str, header: str) -> bool:
        self.stale = False
        scheme, _, rest = header.partition(" ")
        if scheme.lower() != "digest":
            return False
        got = _digest_fields(rest)
        nonce = got.get("nonce", "")
        if nonce not in self.nonces or got.get("uri") != path or got.get("opaque") != "0pq":
            return False
        if got.get("username") != self.user or got.get("realm") != self.realm:
            return False
        if got.get("qop") != "auth" or not got.get("cnonce"):
            return False
        count = int(got.get("nc", "0"), 16)

        def md5(text: str) -> str:
            return hashlib.md5(text.encode("utf-8")).hexdigest()

        ha1 = md5(f"{self.user}:{self.realm}:{self.password}")
        ha2 = md5(f"{method}:{path}")
        want = md5(f"{ha1}:{nonce}:{got['nc']}:{got['cnonce']}:auth:{ha2}")
        if got.get("response") != want or count <= self.nonces[nonce]:
            return False
        if self.served[nonce] >= self.uses:
            self.stale = True
            return False
        self.nonces[nonce] = count
        self.served[nonce] += 1
        return True


class StandIn:
    """The stand-in store (see the module); :func:`standin` starts and stops one."""

    def __init__(self, auth: Any = None, tamper: Tamper | None = None) -> None:
        self.store = ox.Store()
        self.auth = auth
        self.tamper = tamper
        self.log: list[tuple[str, str, bool, int]] = []
        self.put_errors: list[bytes | None] = []
        self.uploads: list[tuple[str, bytes]] = []
        #: the query text -> headers to send with its answer
        self.headers: Callable[[str], dict[str, str]] = lambda text: {}
        #: how it names itself in its ``Server`` header ("": as Python's http.server does)
        self.server_name = ""
        self.lock = threading.Lock()
        self.base = ""

    @property
    def query_url(self) -> str:
        return f"{self.base}/query"

    @property
    def gsp_url(self) -> str:
        return f"{self.base}/store"

    def graph_triples(self, graph: str) -> int:
        return sum(1 for _ in self.store.quads_for_pattern(None, None, None, ox.NamedNode(graph)))


@contextmanager
def standin(auth: Any = None, tamper: Tamper | None = None) -> Iterator[StandIn]:
    """A running :class:`StandIn` (``base`` is ``http://127.0.0.1:PORT``), stopped afterwards."""
    state = StandIn(auth, tamper)

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # quiet
            pass

        def version_string(self) -> str:
            return state.server_name or super().version_string()

        def _send(self, status: int, body: bytes, kind: str, extra: dict[str, str]) -> None:
            self.send_response(status)
            self.send_header("Content-Type", kind)
            self.send_header("Content-Length", str(len(body)))
            for name, value in extra.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def _answer(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            header = self.headers.get("Authorization")
            with state.lock:
                allowed = state.auth is None or (
                    header is not None and state.auth.accepts(self.command, self.path, header)
                )
                challenge = state.auth.challenge() if not allowed else ""
            if not allowed:
                echo = f"refused: {self.command} {self.path} with Authorization: {header}"
                status, out, kind, extra = (
                    401,
                    echo.encode(),
                    "text/plain",
                    {"WWW-Authenticate": challenge},
                )
            else:
                status, out, kind, extra = self._route(body)
            with state.lock:
                state.log.append((self.command, self.path, header is not None, status))
            self._send(status, out, kind, extra)

        def _route(self, body: bytes) -> tuple[int, bytes, str, dict[str, str]]:
            url = urllib.parse.urlsplit(self.path)
            form = urllib.parse.parse_qs(url.query)
            if url.path == "/query":
                if self.command == "POST":
                    form = urllib.parse.parse_qs(body.decode("utf-8"))
                return self._query(form)
            if url.path == "/store" and "graph" in form:
                return self._graph(ox.NamedNode(form["graph"][0]), body)
            header = self.headers.get("Authorization")  # careless: echoed back
            return 404, f"no such endpoint, Authorization: {header}".encode(), "text/plain", {}

        def _query(self, form: dict[str, list[str]]) -> tuple[int, bytes, str, dict[str, str]]:
            text = form.get("query", [""])[0]
            dataset: dict[str, Any] = {}
            if "default-graph-uri" in form:
                dataset["default_graph"] = [ox.NamedNode(g) for g in form["default-graph-uri"]]
            if "named-graph-uri" in form:
                dataset["named_graphs"] = [ox.NamedNode(g) for g in form["named-graph-uri"]]
            try:
                result = state.store.query(text, **dataset)
            except SyntaxError as exc:
                return 400, str(exc).encode(), "text/plain", {}
            if isinstance(result, ox.QueryTriples):
                out = result.serialize(format=ox.RdfFormat.N_TRIPLES) or b""
                return 200, bytes(out), "application/n-triples", {}
            data = json.loads(bytes(result.serialize(format=ox.QueryResultsFormat.JSON) or b""))
            if state.tamper is not None:
                data = state.tamper(text, data)
            kind = "application/sparql-results+json"
            return 200, json.dumps(data).encode(), kind, state.headers(text)

        def _graph(
            self, graph: ox.NamedNode, body: bytes
        ) -> tuple[int, bytes, str, dict[str, str]]:
            exists = graph in set(state.store.named_graphs())
            if self.command in ("PUT", "POST"):
                page = state.put_errors.pop(0) if state.put_errors else None
                if page is not None:
                    return 500, page, "text/html", {}
                if exists and self.command == "PUT":
                    state.store.remove_graph(graph)
                state.store.load(body, format=ox.RdfFormat.N_TRIPLES, to_graph=graph)
                state.uploads.append((self.command, body))
                return (204 if exists else 201), b"", "text/plain", {}
            if self.command in ("GET", "HEAD"):
                if not exists:
                    return 404, b"no such graph", "text/plain", {}
                out = state.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=graph) or b""
                return 200, bytes(out), "application/n-triples", {}
            return 405, b"not allowed", "text/plain", {}

        do_GET = do_POST = do_PUT = do_HEAD = _answer

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    state.base = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    old = {k: os.environ.get(k) for k in ("NO_PROXY", "no_proxy")}
    os.environ.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
        thread.join()
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
