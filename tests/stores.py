"""Real SPARQL stores for the tests, each started on free loopback ports in a temporary folder and
stopped by its PID: the Oxigraph server (the ``oxigraph`` package's binary, the in-process
engine's own) and OpenLink Virtuoso (Debian's ``virtuoso-opensource-7-bin``), a store of another
make. A test reaches either through a :class:`Store`, which says where its endpoints are, so the
same test code runs on both (tests/conftest.py has the session fixtures ``oxigraph``,
``virtuoso`` and the parametrised ``loaded_store``).

Virtuoso is written a small ``virtuoso.ini`` (its database, log and temporary files in the
folder; both its SQL and HTTP ports on 127.0.0.1; few buffers, so it starts in about two seconds
in some 100 MB), run in the foreground (``virtuoso-t -f``), waited for until its SPARQL endpoint
answers, and given ``SPARQL_UPDATE`` for the anonymous ``SPARQL`` user through ``isql-vt``, so
``ppo load`` can PUT to its Graph Store Protocol endpoint ``/sparql-graph-crud``."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from conftest import require_tool, skip_or_fail

from ppo_graph.engine.remote import Endpoints

#: Opens loopback URLs with no proxy in between.
NO_PROXY = urllib.request.build_opener(urllib.request.ProxyHandler({}))
VIRTUOSO_INSTALL = "apt-get install virtuoso-opensource-7-bin"
#: Virtuoso's administrator, as a new database has it (the test server is on loopback only).
VIRTUOSO_DBA = ("dba", "dba")
#: Seconds a server may take to answer its first request.
START_TIMEOUT = 60.0


@dataclass(frozen=True)
class Store:
    """A running store: where its SPARQL query and Graph Store Protocol endpoints are.

    ``kind`` is ``"oxigraph"`` or ``"virtuoso"``; ``base`` is ``http://127.0.0.1:PORT``;
    ``folder`` holds its files (``stderr.txt``, and Virtuoso's ``virtuoso.log``). Virtuoso's
    ``sql_port`` is where :meth:`isql` connects, and ``auth_gsp_url`` its Graph Store Protocol
    endpoint behind HTTP Digest authentication (``/sparql-graph-crud-auth``)."""

    kind: str
    base: str
    query_url: str
    gsp_url: str
    folder: Path
    sql_port: int | None = None
    auth_gsp_url: str | None = None

    def args(self, graph: str | None = None) -> list[str]:
        """The command-line options that point ``ppo`` at this store (and at ``graph``)."""
        found = ["--query-url", self.query_url, "--gsp-url", self.gsp_url]
        return found + (["--graph", graph] if graph else [])

    def endpoints(self, graph: str | None = None) -> Endpoints:
        """:class:`Endpoints` of this store (and of ``graph``, else the default one)."""
        return Endpoints.of(None, query_url=self.query_url, gsp_url=self.gsp_url, graph=graph)

    def isql(self, sql: str) -> str:
        """Run SQL statements (``;``-separated) as Virtuoso's ``dba``; their output, or the test
        fails with Virtuoso's error."""
        if self.sql_port is None:
            raise TypeError(f"{self.kind} has no SQL port")
        user, password = VIRTUOSO_DBA
        done = subprocess.run(
            [require_tool("isql-vt", VIRTUOSO_INSTALL), str(self.sql_port), user, password],
            input=sql if sql.rstrip().endswith(";") else sql + ";",
            capture_output=True,
            text=True,
            timeout=60,
        )
        if done.returncode != 0 or "*** Error" in done.stderr:
            pytest.fail(f"isql-vt {self.sql_port}: {sql!r} failed: {done.stderr.strip()}")
        return done.stdout


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def oxigraph_binary() -> str:
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        skip_or_fail("needs the Oxigraph server: pip install '.[dev]' (the oxigraph package)")
    return found


@contextmanager
def no_proxy() -> Iterator[None]:
    """Loopback needs no proxy: ``NO_PROXY`` set meanwhile (for ``ppo``'s own requests)."""
    old = {k: os.environ.get(k) for k in ("NO_PROXY", "no_proxy")}
    os.environ.update(NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost")
    try:
        yield
    finally:
        for key, value in old.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


@contextmanager
def _running(argv: list[str], folder: Path, ready: str, what: str) -> Iterator[None]:
    """``argv`` started in ``folder`` (its output in ``stderr.txt``) and waited for until a GET
    of ``ready`` answers; terminated by its PID afterwards (killed if it lingers)."""
    with (folder / "stderr.txt").open("wb") as log:
        server = subprocess.Popen(
            argv, cwd=folder, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                NO_PROXY.open(ready, timeout=2).close()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"{what} did not start: {(folder / 'stderr.txt').read_text()}")
                time.sleep(0.1)
        yield
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextmanager
def oxigraph_server(folder: Path) -> Iterator[str]:
    """``http://127.0.0.1:PORT`` of an Oxigraph server storing in ``folder``."""
    with oxigraph_store(folder) as store:
        yield store.base


@contextmanager
def oxigraph_store(folder: Path) -> Iterator[Store]:
    """A :class:`Store`: an Oxigraph server storing in ``folder`` (``/query``, ``/store``)."""
    base = f"http://127.0.0.1:{free_port()}"
    argv = [oxigraph_binary(), "serve", "--location", str(folder / "db"), "--bind", base[7:]]
    with no_proxy(), _running(argv, folder, f"{base}/query?query=ASK%7B%7D", "oxigraph serve"):
        yield Store("oxigraph", base, f"{base}/query", f"{base}/store", folder)


VIRTUOSO_INI = """\
; written by tests/stores.py: a throwaway database on loopback ports
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
ServerThreads = 10
CheckpointInterval = 0
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
MaxVectorSize = {max_rows}
MaxQueryMem = {query_mem}
DirsAllowed = {folder}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {folder}
ServerThreads = 5
MaxClientConnections = 5

[SPARQL]
ResultSetMaxRows = {max_rows}
MaxQueryExecutionTime = {max_seconds}
"""


@contextmanager
def virtuoso_store(
    folder: Path,
    *,
    buffers: int = 10000,
    max_seconds: int = 120,
    max_rows: int = 1_000_000,
    query_mem: str = "2G",
) -> Iterator[Store]:
    """A :class:`Store`: Virtuoso with a new database in ``folder`` (``/sparql`` for queries,
    ``/sparql-graph-crud`` for the Graph Store Protocol), the anonymous SPARQL user allowed to
    update. Skips naming the install line where ``virtuoso-t`` is missing (fails under CI).
    ``buffers`` (8 KiB pages: 10000 is 80 MB), ``max_seconds`` (its MaxQueryExecutionTime, 0
    for none) and ``max_rows`` (ResultSetMaxRows, and MaxVectorSize, without which 7.2 cannot
    send a graph of more triples over the Graph Store Protocol: error FRVEC) and ``query_mem``
    (MaxQueryMem, the query processor's memory: "Low query memory limit" in its log) are raised
    for larger data by bench/store.py."""
    binary = require_tool("virtuoso-t", VIRTUOSO_INSTALL)
    require_tool("isql-vt", VIRTUOSO_INSTALL)
    sql_port, http_port = free_port(), free_port()
    ini = folder / "virtuoso.ini"
    ini.write_text(
        VIRTUOSO_INI.format(
            folder=folder,
            sql_port=sql_port,
            http_port=http_port,
            buffers=buffers,
            dirty=buffers * 3 // 5,
            max_seconds=max_seconds,
            max_rows=max_rows,
            query_mem=query_mem,
        ),
        encoding="utf-8",
    )
    base = f"http://127.0.0.1:{http_port}"
    store = Store(
        "virtuoso",
        base,
        f"{base}/sparql",
        f"{base}/sparql-graph-crud",
        folder,
        sql_port=sql_port,
        auth_gsp_url=f"{base}/sparql-graph-crud-auth",
    )
    argv = [binary, "-f", "-c", str(ini)]
    with no_proxy(), _running(argv, folder, f"{base}/sparql?query=ASK%7B%7D", "virtuoso-t"):
        # the HTTP port opens a moment before the SQL one: try until the grant is made
        deadline = time.monotonic() + START_TIMEOUT
        while True:
            try:
                store.isql('GRANT SPARQL_UPDATE TO "SPARQL"')
                break
            except pytest.fail.Exception:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.1)
        yield store


#: Canned queries a store is known to answer differently, with why (each also said in the query's
#: ``# portability:`` header): tests/test_store.py and tests/test_store_check.py prove the
#: difference is there, so that one a store fixes, or one that spreads, is seen.
KNOWN_DEVIATIONS: dict[tuple[str, str], str] = {}

#: The named graphs :func:`load_examples` fills beside the default one.
BROKEN_GRAPH = "https://example.org/test/broken"
ORG_GRAPH = "https://example.org/test/org"


def load_examples(store: Store) -> None:
    """``ppo load`` into ``store``: the shipped graph into the default named graph, and with it
    ``tests/fixtures/broken.ttl`` into :data:`BROKEN_GRAPH` and the example organisation into
    :data:`ORG_GRAPH` (each upload replaces its graph, so loading again is harmless)."""
    from conftest import FIXTURES, ROOT

    from ppo_graph.cli import main

    with no_proxy():
        for graph, files in (
            (None, []),
            (BROKEN_GRAPH, [FIXTURES / "broken.ttl"]),
            (ORG_GRAPH, [ROOT / "examples" / "org" / "org.ttl"]),
        ):
            argv = ["load", *store.args(graph), *map(str, files)]
            assert main(argv) == 0, argv
