"""A SPARQL 1.1 store over HTTP in place of the in-process graph (``--store URL``).

``ppo load --store URL`` uploads the reasoned graph (asserted and inferred triples, as the engine
holds them) into one named graph with the SPARQL 1.1 Graph Store Protocol: a single ``PUT`` of
N-Triples to ``GSP?graph=IRI``, which replaces the graph in one request (sent again, up to three
times, when the store rolls it back as deadlocked). ``ppo query --store`` and
``ppo validate --store`` then run the canned queries *in the store*: each query is sent with the
protocol's ``default-graph-uri=IRI``, so the named graph is the query's default graph on any
SPARQL 1.1 store (no need for a union-default-graph setting, and the query text is left as it is).

Results come back as SPARQL JSON and are parsed by pyoxigraph into the very objects an in-process
query gives (:class:`RemoteStore` answers ``query()`` like a ``pyoxigraph.Store``), so parameters
are bound by the same code (:func:`ppo_graph.backends.fast.sparql.run_spec`: a ``VALUES`` block of terms, the
names resolved by queries in the store) and the rows compare equal.

Endpoints, from ``--store BASE`` (Oxigraph server's names, ``oxigraph serve``): ``BASE/query``
for queries and ``BASE/store`` for the Graph Store Protocol; ``--query-url`` and ``--gsp-url``
name them for stores that use other paths (Fuseki: ``/DATASET/query`` and ``/DATASET/data``).
Every request carries the store's credentials, if any (:mod:`ppo_graph.engine.auth`: Basic or
Digest as the store asks, or a bearer token), and no message shows them. Only the standard
library speaks HTTP here.
"""

from __future__ import annotations

import contextlib
import re
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ppo_graph.backends.fast.sparql import QueryTimeout
from ppo_graph.engine.auth import (
    PASSWORD_ENV,
    TOKEN_ENV,
    Authenticator,
    Credentials,
    challenges,
)
from ppo_graph.engine.protocol import CatalogueRows, ValidatorName
from ppo_graph.errors import StoreError as StoreError  # re-exported: the store client raises it
from ppo_graph.errors import UsageError
from ppo_graph.namespaces import DEFAULT_GRAPH as DEFAULT_GRAPH  # the store's graph, by default

if TYPE_CHECKING:
    from ppo_graph.catalogue import QuerySpec
    from ppo_graph.engine import KnowledgeGraph
    from ppo_graph.engine.isolation import Pool
    from ppo_graph.report import ValidationReport
    from ppo_graph.tables import Row

NTRIPLES = "application/n-triples"
RESULTS_JSON = "application/sparql-results+json"
#: What a query asks the store for: SPARQL JSON for SELECT and ASK, N-Triples for CONSTRUCT and
#: DESCRIBE (the store answers with the one its query form gives).
QUERY_ACCEPT = f"{RESULTS_JSON}, {NTRIPLES};q=0.9"
#: The same for CONSTRUCT and DESCRIBE, N-Triples first: Virtuoso, offered SPARQL JSON first,
#: writes a graph as a table of ?s ?p ?o.
GRAPH_ACCEPT = f"{NTRIPLES}, {RESULTS_JSON};q=0.9"
#: Seconds to wait for an upload or a download (a query has its own --timeout).
TRANSFER_TIMEOUT = 300.0
#: A request body larger than this, to a store that has not yet challenged (with credentials to
#: answer it or none), is preceded by a HEAD to the same URL, so that the body is not sent twice
#: nor left unread behind a 401.
PROBE_ABOVE = 64 * 1024


@dataclass(frozen=True)
class Endpoints:
    """Where a store answers: its query URL, its Graph Store Protocol URL, and the named graph;
    and whom to send requests as (``credentials``, never shown)."""

    query_url: str
    gsp_url: str
    graph: str = DEFAULT_GRAPH
    credentials: Credentials | None = field(default=None, compare=False)

    @classmethod
    def of(
        cls,
        store: str | None,
        *,
        query_url: str | None = None,
        gsp_url: str | None = None,
        graph: str | None = None,
        credentials: Credentials | None = None,
    ) -> Endpoints:
        """``--store BASE`` gives ``BASE/query`` and ``BASE/store``; the others override them.
        A URL with a user or password in it is refused (without showing it)."""
        base = (store or "").rstrip("/")
        if not base and not (query_url and gsp_url):
            raise UsageError("give --store URL (or both --query-url and --gsp-url)")
        found = cls(
            query_url or f"{base}/query",
            gsp_url or f"{base}/store",
            graph or DEFAULT_GRAPH,
            credentials,
        )
        for url in (found.query_url, found.gsp_url):
            parts = urllib.parse.urlsplit(url)
            if parts.scheme not in ("http", "https") or not parts.netloc:
                raise UsageError(f"{shown_url(url)!r} is not an http(s) URL of a SPARQL store")
            if "@" in parts.netloc:
                raise UsageError(
                    f"{shown_url(url)}: put no user name or password in the store's URL; give "
                    f"--store-user NAME with the password in {PASSWORD_ENV} or ~/.netrc, or a "
                    f"bearer token in {TOKEN_ENV}"
                )
        if not _is_absolute_iri(found.graph):
            raise UsageError(f"--graph {found.graph!r} is not an absolute IRI")
        return found

    def graph_url(self) -> str:
        """The Graph Store Protocol URL of the named graph (indirect identification)."""
        joiner = "&" if "?" in self.gsp_url else "?"
        return f"{self.gsp_url}{joiner}{urllib.parse.urlencode({'graph': self.graph})}"


def shown_url(url: str) -> str:
    """A URL as messages show it: without its query string or any user information."""
    parts = urllib.parse.urlsplit(url.split("?")[0])
    netloc = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def _is_absolute_iri(text: str) -> bool:
    scheme, _, rest = text.partition(":")
    return (
        bool(scheme)
        and scheme[0].isalpha()
        and bool(rest)
        and not any(c in text for c in ' <>"{}|^`\\')
    )


def _request(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float | None = TRANSFER_TIMEOUT,
    what: str = "the store",
    auth: Authenticator | None = None,
) -> tuple[int, bytes]:
    """(status, body) of one HTTP exchange; :class:`StoreError` naming the URL when the store is
    unreachable or answers with an error status (the store's own message included)."""
    status, data, _ = _exchange(
        url, method=method, body=body, headers=headers, timeout=timeout, what=what, auth=auth
    )
    return status, data


def _exchange(
    url: str,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float | None = TRANSFER_TIMEOUT,
    what: str = "the store",
    auth: Authenticator | None = None,
    seen: dict[str, str] | None = None,
) -> tuple[int, bytes, str]:
    """:func:`_request`, with the response's media type (lower case, no parameters); ``seen``
    gets the response's ``Server`` header (how the store names itself). With
    ``auth``, a 401 challenge is answered and the request sent again (twice at most: a Digest
    nonce may go stale). A large body is preceded by a HEAD while the scheme is unknown, and
    always without credentials: a store that wants them answers the HEAD with its challenge,
    where a large body sent first could be left unread (Virtuoso 7.2 answers 401 and stops
    reading: the client then waits on a full socket, or its pipe breaks)."""
    shown = shown_url(url)
    unknown = auth is None or auth.scheme is None
    if unknown and body is not None and len(body) > PROBE_ABOVE:
        try:
            _exchange(url, method="HEAD", headers=headers, timeout=timeout, what=what, auth=auth)
        except HTTPStatusError as exc:
            if exc.status == 401:
                raise
    for attempt in range(3):
        answer = auth.header(method, url) if auth is not None else None
        sent = dict(headers or {})
        if answer is not None:
            sent["Authorization"] = answer
        request = urllib.request.Request(url, data=body, method=method, headers=sent)
        try:
            with _OPENER.open(request, timeout=timeout or None) as response:
                kind = str(response.headers.get("Content-Type", "")).split(";")[0].strip().lower()
                _refuse_incomplete(response.headers, shown, what)
                if seen is not None:
                    seen["server"] = str(response.headers.get("Server") or "")
                return int(response.status), bytes(response.read()), kind
        except urllib.error.HTTPError as exc:
            challenge = (exc.headers.get_all("WWW-Authenticate") or []) if exc.headers else []
            detail = exc.read().decode("utf-8", "replace").strip()
            exc.close()
            retry = exc.code == 401 and auth is not None and attempt < 2
            if retry and auth is not None and auth.challenged(challenge, sent=answer is not None):
                continue
            raise _status_error(exc, shown, what, detail, challenge, auth) from None
        except TimeoutError:
            raise QueryTimeout(
                f"{what} at {shown} did not answer within {timeout:g} s; give --timeout SECONDS "
                "(0 for no limit)"
            ) from None
        except urllib.error.URLError as exc:
            if isinstance(exc.reason, TimeoutError):
                raise StoreUnreachable(
                    f"{what} at {shown} did not answer within {timeout:g} s"
                ) from None
            raise StoreUnreachable(f"cannot reach {what} at {shown}: {exc.reason}") from None
        except OSError as exc:
            raise StoreUnreachable(f"cannot reach {what} at {shown}: {exc}") from None
    raise AssertionError("unreachable: the last attempt returns or raises")


def _refuse_incomplete(headers: Any, shown: str, what: str) -> None:
    """An answer the store says it cut short is an error, not rows: Virtuoso answers 200 with
    the rows found so far when a query reaches its time limit (``X-SQL-State: S1TAT``), and
    with the first ResultSetMaxRows rows when there are that many or more
    (``X-SPARQL-MaxRows: N``), as 7.2 does."""
    state = str(headers.get("X-SQL-State") or "")
    if state.upper().startswith("S1TAT"):
        raise StoreError(
            f"{what} at {shown} stopped the query at its time limit and sent incomplete results "
            f"(X-SQL-State {state}); raise the store's limit (Virtuoso: MaxQueryExecutionTime "
            "in virtuoso.ini's [SPARQL] section)"
        )
    cap = headers.get("X-SPARQL-MaxRows")
    if cap is not None:
        raise StoreError(
            f"{what} at {shown} sent its row limit's worth of results, {cap} rows, so perhaps not "
            "all (X-SPARQL-MaxRows); raise the store's limit (Virtuoso: ResultSetMaxRows in "
            "virtuoso.ini's [SPARQL] section)"
        )


def _status_error(
    exc: urllib.error.HTTPError,
    shown: str,
    what: str,
    detail: str,
    challenge: list[str],
    auth: Authenticator | None,
) -> HTTPStatusError:
    """The error for a store's error status, naming the URL and never a secret."""
    if auth is not None:
        detail = auth.creds.scrub(detail)
    if len(detail) > 600:
        detail = detail[:600] + " ..."
    message = f"{what} at {shown} answered {exc.code} {exc.reason}"
    if exc.code == 401 and auth is not None:
        message += f": {auth.refused()}"
    elif exc.code == 401:
        offered = challenges(challenge)
        schemes = ", ".join(
            f"{scheme.capitalize()}" + (f' realm "{p["realm"]}"' if "realm" in p else "")
            for scheme, p in offered.items()
        )
        message += (
            f" ({schemes or 'no scheme named'}): it wants credentials: give --store-user NAME "
            f"(the password in "
            f"{PASSWORD_ENV} or ~/.netrc) or a bearer token in {TOKEN_ENV}"
        )
    elif detail:
        message += f": {detail}"
    return HTTPStatusError(exc.code, message)


class _NoCredentialsElsewhere(urllib.request.HTTPRedirectHandler):
    """Redirects followed as urllib does, but the ``Authorization`` header only to the same
    scheme, host and port."""

    def redirect_request(
        self, req: urllib.request.Request, fp: Any, code: int, msg: str, headers: Any, newurl: str
    ) -> urllib.request.Request | None:
        new = super().redirect_request(req, fp, code, msg, headers, newurl)
        if new is not None:
            before, after = urllib.parse.urlsplit(req.full_url), urllib.parse.urlsplit(newurl)
            if (before.scheme, before.netloc) != (after.scheme, after.netloc):
                new.remove_header("Authorization")
        return new


_OPENER = urllib.request.build_opener(_NoCredentialsElsewhere())


class StoreUnreachable(StoreError):
    """The store could not be reached (no answer at all)."""


class HTTPStatusError(StoreError):
    """The store answered with an error status."""

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        super().__init__(message)

    def __reduce__(self) -> Any:  # kept whole across a worker process's pipe
        return (type(self), (self.status, str(self)))


#: How many times a PUT the store rolled back as deadlocked is sent (:meth:`RemoteStore.put_graph`).
PUT_TRIES = 3
#: Seconds before the second PUT (twice that before the third).
RETRY_PAUSE = 1.0


def _deadlocked(exc: HTTPStatusError) -> bool:
    """The store's error says the transaction deadlocked: SQLSTATE 40001 (serialisation
    failure) or Virtuoso's SR172, in a server error's message."""
    return exc.status >= 500 and bool(
        re.search(r"\b40001\b|\bSR172\b|transaction deadlocked", str(exc), re.IGNORECASE)
    )


#: A triple naming a blank node, as N-Triples writes it: the subject, or the object before
#: the final " ." (a literal ends in a quote, a language tag or a datatype's ">").
_BLANK = re.compile(rb"^_:|\s_:\S+\s*\.\s*$")


def batches(ntriples: bytes, size: int) -> list[bytes]:
    """N-Triples split into requests of at most ``size`` triples, in order, except that every
    triple naming a blank node goes into the first (which may then hold more): a blank node's
    label means the same node only within one document."""
    if size < 1:
        raise ValueError("a batch holds at least one triple")
    lines = ntriples.splitlines(keepends=True)
    blank = [line for line in lines if _BLANK.search(line)]
    ground = [line for line in lines if line.strip() and not _BLANK.search(line)]
    first = max(size - len(blank), 0)
    found = [b"".join(blank + ground[:first])]
    found += [b"".join(ground[i : i + size]) for i in range(first, len(ground), size)]
    return found


XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"
#: xsd:boolean's other lexical forms and their canonical ones (Virtuoso writes "1" and "0").
_BOOLEAN_CANONICAL = {"1": "true", "0": "false"}


def _results_normalised(body: bytes) -> bytes:
    """SPARQL JSON as pyoxigraph reads it and the engine in process would answer it:

    - each blank node label renamed to one pyoxigraph reads (Virtuoso sends
      ``nodeID://b10007``, which it does not), the same label to the same name; pyoxigraph reads
      the rows lazily, so a bad label would only fail at the row that has it;
    - an xsd:boolean in its canonical form: Virtuoso keeps booleans as 1 and 0 and writes
      ``"1"^^xsd:boolean``, the same value as ``"true"^^xsd:boolean`` but not the same term."""
    import hashlib
    import json

    data = json.loads(body)

    def normalise(term: dict[str, Any]) -> None:
        if term.get("type") == "bnode":
            term["value"] = "b" + hashlib.sha1(str(term["value"]).encode()).hexdigest()[:20]
        elif term.get("datatype") == XSD_BOOLEAN and term.get("value") in _BOOLEAN_CANONICAL:
            term["value"] = _BOOLEAN_CANONICAL[term["value"]]
        for part in ("subject", "predicate", "object"):  # a quoted triple's terms
            if isinstance(term.get(part), dict):
                normalise(term[part])

    for binding in data.get("results", {}).get("bindings", []):
        for term in binding.values():
            normalise(term)
    return json.dumps(data).encode("utf-8")


def _query_form(text: str) -> str | None:
    """SELECT, ASK, CONSTRUCT or DESCRIBE: the first of them in the text (the prologue has none,
    and a sub-select comes after its query's own form)."""
    from ppo_graph.catalogue.sparql_text import tokens

    for kind, value in tokens(text):
        if kind == "word" and value.upper() in ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE"):
            return value.upper()
    return None


def _ask_from_table(body: bytes) -> bytes:
    """An ASK's answer as SPARQL JSON's boolean: Virtuoso answers ASK with a one-column table
    (``?__ASK_RETVAL``, 1 or 0) rather than ``{"boolean": ...}``."""
    import json

    data = json.loads(body)
    rows = data.get("results", {}).get("bindings", [])
    values = [str(term.get("value", "")) for row in rows[:1] for term in row.values()]
    return json.dumps({"head": {}, "boolean": values[:1] in (["1"], ["true"])}).encode("utf-8")


class RemoteTriples(list[Any]):
    """A CONSTRUCT or DESCRIBE result from the store: its ``pyoxigraph.Triple`` objects, parsed
    from the N-Triples it sent (what an in-process ``QueryTriples`` iterates over)."""


class RemoteStore:
    """A SPARQL store over HTTP that answers ``query()`` as a ``pyoxigraph.Store`` does: SELECT
    and ASK results parsed by pyoxigraph, so the engine's query code runs on it unchanged;
    CONSTRUCT and DESCRIBE as :class:`RemoteTriples`."""

    def __init__(self, endpoints: Endpoints, timeout: float | None = None) -> None:
        self.endpoints = endpoints
        self.timeout = timeout
        creds = endpoints.credentials
        self.auth = Authenticator(creds) if creds is not None else None
        self._seen: dict[str, str] = {}

    def server(self) -> str:
        """How the store names itself (its HTTP ``Server`` header, "" when it sends none), asked
        with an ``ASK {}`` unless a query has already been answered."""
        if "server" not in self._seen:
            self.query("ASK {}")
        return self._seen.get("server", "")

    def query(self, text: str, use_default_graph_as_union: bool = True, **options: Any) -> Any:
        """Run query text on the named graph; a malformed query is a SyntaxError carrying the
        store's message. The dataset is pinned by the protocol: the served graph is the default
        graph (``default-graph-uri``) and the only named graph (``named-graph-uri``), which take
        precedence over any FROM in the text, so no query sees the store's other graphs. The
        pyoxigraph keywords (``use_default_graph_as_union``, ``base_iri``, a dataset) are
        accepted for its signature: the named graph already holds the union."""
        import pyoxigraph as ox

        served = self.endpoints.graph
        form = urllib.parse.urlencode(
            {"query": text, "default-graph-uri": served, "named-graph-uri": served}
        )
        query_form = _query_form(text)
        try:
            _, body, kind = _exchange(
                self.endpoints.query_url,
                method="POST",
                body=form.encode("utf-8"),
                headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": GRAPH_ACCEPT
                    if query_form in ("CONSTRUCT", "DESCRIBE")
                    else QUERY_ACCEPT,
                },
                timeout=self.timeout,
                what="the SPARQL store",
                auth=self.auth,
                seen=self._seen,
            )
        except HTTPStatusError as exc:
            if exc.status == 400:
                raise SyntaxError(str(exc)) from None
            raise
        graph_format = ox.RdfFormat.from_media_type(kind) if kind else None
        if graph_format is not None:
            try:
                return RemoteTriples(q.triple for q in ox.parse(body, format=graph_format))
            except (SyntaxError, ValueError) as exc:
                raise StoreError(
                    f"the SPARQL store at {self.endpoints.query_url} sent {kind} that does not "
                    f"parse: {exc}"
                ) from None
        try:
            if query_form == "ASK" and b'"boolean"' not in body:
                body = _ask_from_table(body)
            if b'"bnode"' in body or b"XMLSchema#boolean" in body:  # (a "\/" may be escaped)
                body = _results_normalised(body)
            return ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
        except (SyntaxError, ValueError) as exc:
            raise StoreError(
                f"the SPARQL store at {self.endpoints.query_url} sent results that are not "
                f"SPARQL JSON: {exc}"
            ) from None

    def count(self) -> int:
        """How many triples the named graph holds (the count in whatever numeric form the store
        writes it: 12, "12"^^xsd:int, 12.0)."""
        from decimal import Decimal, InvalidOperation

        result = self.query("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
        for solution in result:
            try:
                return int(Decimal(solution["n"].value))
            except (InvalidOperation, ValueError):
                raise StoreError(
                    f"the SPARQL store at {shown_url(self.endpoints.query_url)} counted the "
                    f"triples as {solution['n']}, not a number"
                ) from None
        return 0

    def put_graph(
        self,
        ntriples: bytes,
        timeout: float | None = TRANSFER_TIMEOUT,
        *,
        batch: int | None = None,
    ) -> None:
        """Replace the named graph with these triples (Graph Store Protocol), waiting ``timeout``
        seconds for the store's answer to each request (None: no limit).

        In one PUT (atomic: the graph is the old one or the new one) unless ``batch`` is given
        and the triples are more: then the first ``batch`` triples (with every triple naming a
        blank node, since a blank node's label holds only within one request) replace the graph
        by PUT and the rest are added by POSTs of ``batch`` triples each, smaller transactions
        for a store that does not take a million triples in one (Virtuoso 7.2 deadlocked or hung,
        bench/README.md). A request that fails after the first leaves the graph partly loaded:
        the error says how much of it is there.

        A store that answers that the transaction deadlocked (SQLSTATE 40001, a serialisation
        failure: Virtuoso 7.2's ``SR172: Transaction deadlocked``, seen on about one upload of a
        million triples in three) has rolled that request back, so it is sent again,
        :data:`PUT_TRIES` times in all, saying so on standard error; any other error, or the
        last deadlock, is the error."""
        parts = [ntriples] if not batch else batches(ntriples, batch)
        sent = 0
        for number, part in enumerate(parts, 1):
            try:
                self._send("PUT" if number == 1 else "POST", part, timeout)
            except StoreError as exc:
                if number == 1:
                    raise
                total = sum(each.count(b"\n") for each in parts)
                raise StoreError(
                    f"{exc}\nthe upload stopped at request {number} of {len(parts)}: graph "
                    f"<{self.endpoints.graph}> holds the first {sent:,} of the {total:,} "
                    "triples; run ppo load again to replace it whole"
                ) from None
            sent += part.count(b"\n")

    def _send(self, method: str, body: bytes, timeout: float | None) -> None:
        """One Graph Store Protocol ``method`` (PUT replaces the graph, POST adds to it), sent
        again when the store rolled it back as deadlocked (see :meth:`put_graph`)."""
        for attempt in range(1, PUT_TRIES + 1):
            try:
                _request(
                    self.endpoints.graph_url(),
                    method=method,
                    body=body,
                    headers={"Content-Type": NTRIPLES},
                    timeout=timeout,
                    what="the graph store",
                    auth=self.auth,
                )
                return
            except HTTPStatusError as exc:
                if attempt == PUT_TRIES or not _deadlocked(exc):
                    raise
                print(
                    f"ppo: the graph store at {shown_url(self.endpoints.graph_url())} rolled the "
                    f"upload back (transaction deadlocked); sending it again ({attempt + 1} of "
                    f"{PUT_TRIES})",
                    file=sys.stderr,
                )
                time.sleep(attempt * RETRY_PAUSE)

    def get_graph(self) -> bytes:
        """The named graph as N-Triples (Graph Store Protocol GET)."""
        try:
            _, body = _request(
                self.endpoints.graph_url(),
                headers={"Accept": NTRIPLES},
                what="the graph store",
                auth=self.auth,
            )
        except HTTPStatusError as exc:
            if exc.status == 404:
                raise StoreError(
                    f"the graph store at {self.endpoints.gsp_url} has no graph "
                    f"<{self.endpoints.graph}>: upload it with ppo load --store"
                ) from None
            raise
        return body


@dataclass
class RemoteGraph(CatalogueRows):
    """The reasoned graph as a SPARQL store holds it: what ``ppo query`` and ``ppo validate``
    need of a :class:`~ppo_graph.engine.KnowledgeGraph`, answered in the store."""

    store: RemoteStore
    shapes_in_data: list[Path] = field(default_factory=list)
    inconsistencies: list[str] = field(default_factory=list)
    _pools: dict[Any, Any] = field(default_factory=dict, repr=False)
    #: Where a known deviation is said (default: a line on stderr).
    note: Callable[[str], None] = field(default=lambda what: _note(what), repr=False)
    _noted: set[tuple[str, str]] = field(default_factory=set, repr=False)

    @classmethod
    def connect(cls, endpoints: Endpoints, timeout: float | None = TRANSFER_TIMEOUT) -> RemoteGraph:
        """The graph in the store at ``endpoints``, each request given ``timeout`` seconds for
        its answer (None: no limit)."""
        return cls(RemoteStore(endpoints, timeout))

    def _before_isolated(self, timeout: float) -> None:
        self.store.timeout = timeout  # the worker's HTTP requests give up at the deadline too

    def rows(
        self,
        name_or_spec: str | QuerySpec,
        params: Mapping[str, str] | None = None,
        **options: Any,
    ) -> list[Row]:
        """:meth:`CatalogueRows.rows`, with a note on stderr first when the query's header says
        this store answers it otherwise (``# deviates:``), so a known deviation is never silent."""
        from ppo_graph.catalogue import default_catalogue

        spec = (
            default_catalogue().get(name_or_spec) if isinstance(name_or_spec, str) else name_or_spec
        )
        for what in deviations(spec, self.store.server() if spec.deviates else ""):
            if (spec.name, what) not in self._noted:
                self._noted.add((spec.name, what))
                self.note(what)
        return super().rows(spec, params, **options)

    def isolated(
        self, timeout: float, *, network: bool = True, memory_mb: int | None = None
    ) -> Pool:
        """A pool of one worker process for this graph (the worker reaches the store)."""
        from ppo_graph.engine.isolation import single

        return single(self._pools, self, timeout, network=True, memory_mb=memory_mb)

    @property
    def location(self) -> str:
        """Where the graph is: the store's query URL and the named graph."""
        return f"{self.store.endpoints.query_url} graph <{self.store.endpoints.graph}>"

    def __len__(self) -> int:
        """How many triples the store's named graph holds (asked of the store)."""
        return self.store.count()

    def rdflib_graph(self, which: str = "union") -> Any:
        """The named graph fetched into rdflib (the store holds one graph: ``which`` is moot)."""
        return self.local_copy().rdflib_graph("union")

    def local_copy(self) -> Any:
        """The named graph fetched over the Graph Store Protocol into an in-process engine (taken
        as it is: the store holds the graph already reasoned)."""
        import pyoxigraph as ox

        from ppo_graph.engine import KnowledgeGraph
        from ppo_graph.namespaces import ASSERTED_GRAPH

        local = ox.Store()
        try:
            local.load(
                self.store.get_graph(),
                format=ox.RdfFormat.N_TRIPLES,
                to_graph=ox.NamedNode(ASSERTED_GRAPH),
            )
        except SyntaxError as exc:
            raise StoreError(
                f"the graph store at {self.store.endpoints.gsp_url} sent N-Triples that do not "
                f"parse: {exc}"
            ) from None
        return KnowledgeGraph(local, [], len(local), 0, reasoner="none")

    def validate(
        self, shapes: Sequence[Path | str] = (), *, engine: ValidatorName = "auto"
    ) -> ValidationReport:
        """SHACL on a copy fetched over the protocol, with the engine's own validator."""
        report: ValidationReport = self.local_copy().validate(shapes, engine=engine)
        return report


def deviations(spec: QuerySpec, server: str) -> list[str]:
    """What ``spec``'s header says the store that names itself ``server`` (its ``Server`` header,
    such as ``Virtuoso/07.20.3229 (Linux)``) answers otherwise, in words naming the query."""
    product = server.split("/")[0].split()[0].lower() if server.strip() else ""
    return [
        f"{server.split()[0]} is known to answer {spec.name} otherwise than in process: {what} "
        f"(its header, {spec.path.name})"
        for store, what in spec.deviates
        if product and product == store.lower()
    ]


def _note(what: str) -> None:
    """A note on stderr; never the reason a query fails (an evaluation worker's stderr may be a
    descriptor its zygote closed, as under pytest's capture)."""
    with contextlib.suppress(OSError, ValueError):
        print(f"ppo: note: {what}", file=sys.stderr, flush=True)


def upload(
    kg: KnowledgeGraph,
    endpoints: Endpoints,
    timeout: float | None = TRANSFER_TIMEOUT,
    *,
    batch: int | None = None,
) -> int:
    """Replace the store's named graph with the engine's asserted and inferred triples (one PUT,
    or requests of ``batch`` triples: :meth:`RemoteStore.put_graph`), the store given
    ``timeout`` seconds to take each (None: no limit); returns how many triples the store then
    reports for it."""
    import pyoxigraph as ox

    from ppo_graph.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH

    as_written = getattr(kg, "as_written", None)
    if as_written:  # the user's literals as the files wrote them, not as the store keeps them
        body = as_written.dump(kg.store, (ASSERTED_GRAPH, INFERRED_GRAPH))
    else:
        body = b"".join(
            bytes(
                kg.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name)) or b""
            )
            for name in (ASSERTED_GRAPH, INFERRED_GRAPH)
        )
    store = RemoteStore(endpoints, timeout=TRANSFER_TIMEOUT)
    store.put_graph(body, timeout, batch=batch)
    return store.count()
