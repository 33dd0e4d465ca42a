"""``ppo serve``: the reasoned graph as a read-only SPARQL 1.1 endpoint (Starlette on uvicorn),
answering from the same engine and cache as the other commands (:mod:`ppo_graph.serve`)."""

from __future__ import annotations

import argparse
import ipaddress
import os
import re
import sys
from typing import Any

from ppo_graph.cli.common import add_input_files, add_store_options, open_graph, store_endpoints
from ppo_graph.errors import EXIT_OK, UsageError

_ORIGIN_RE = re.compile(r"^https?://[^/\s]+$")


def register(subparsers: Any) -> None:
    serve = subparsers.add_parser(
        "serve",
        help="serve the reasoned graph as a read-only SPARQL 1.1 endpoint",
        description="Serve the shipped graph plus your files, reasoned, over HTTP: the SPARQL "
        "1.1 Protocol at /sparql (GET ?query=, POST form or application/sparql-query; SELECT and "
        "ASK as SPARQL JSON, XML, CSV or TSV, CONSTRUCT and DESCRIBE as Turtle, N-Triples, "
        "JSON-LD or RDF/XML, by the Accept header or format=), the canned queries at /queries and "
        "/queries/NAME?param=value, and /health; the workbench at /. Read-only: updates are "
        "refused (403), and so are SERVICE, FROM and FROM NAMED (no request leaves the machine). "
        "Each query runs in a worker process that is stopped at --timeout, capped at "
        "--memory-limit, and cannot open network sockets; at most --max-inflight run at once, "
        "and at most --max-long past a quarter second of CPU (503 with Retry-After beyond "
        "that). Stop it with Ctrl-C.",
        epilog="examples:\n"
        "  ppo serve                                  # http://127.0.0.1:8000/sparql\n"
        "  ppo serve extra.ttl --port 8080 --timeout 30 --max-rows 50000\n"
        "  ppo serve --cors http://localhost:3000     # let that page's scripts query it\n"
        "  ppo serve --store http://127.0.0.1:7878    # answer from a store ppo load filled\n"
        "  curl -H 'Accept: text/csv' --data-urlencode 'query=SELECT * { ?s ?p ?o } LIMIT 5' \\\n"
        "       http://127.0.0.1:8000/sparql",
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    add_input_files(serve)
    serve.add_argument(
        "--host",
        default="127.0.0.1",
        help="address to listen on (default: 127.0.0.1, this machine only)",
    )
    serve.add_argument(
        "--port", type=int, default=8000, help="port to listen on (default: 8000; 0: any free)"
    )
    serve.add_argument(
        "--timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="answer 503 to a query running longer than this (default: 10; 0 for no limit)",
    )
    serve.add_argument(
        "--max-rows",
        type=int,
        default=10_000,
        metavar="N",
        help="send at most N rows (or triples) and say so in the X-PPO-Row-Cap header "
        "(default: 10000; 0 for no cap)",
    )
    serve.add_argument(
        "--memory-limit",
        type=int,
        default=1024,
        metavar="MIB",
        help="stop a query whose evaluation needs more than this much memory, in MiB "
        "(default: 1024; 0 for no cap)",
    )
    serve.add_argument(
        "--max-inflight",
        type=int,
        default=64,
        metavar="N",
        help="evaluate at most N queries at once, counting those being stopped; more get 503 "
        "with Retry-After at once (default: 64)",
    )
    serve.add_argument(
        "--max-long",
        type=int,
        default=4,
        metavar="N",
        help="let at most N of those use more than a quarter second of CPU; a query that would "
        "be one more is stopped with 503 and Retry-After (default: 4). Long queries run at a "
        "lower priority, so short ones stay fast",
    )
    serve.add_argument(
        "--client-timeout",
        type=float,
        default=10.0,
        metavar="SECONDS",
        help="close a connection whose request line and headers, or whose body, take longer than "
        "this to arrive (default: 10)",
    )
    serve.add_argument(
        "--allowed-hosts",
        nargs="+",
        action="extend",
        default=[],
        metavar="HOST",
        help="answer only requests whose Host header names one of these (default: the address "
        "it listens on and localhost; * for any), so a web page cannot reach it by rebinding "
        "its DNS name to this machine",
    )
    serve.add_argument(
        "--cors",
        nargs="+",
        action="extend",
        default=[],
        metavar="ORIGIN",
        help="allow scripts on these origins (http://host:port, or *) to query the endpoint; "
        "CORS is off without it",
    )
    serve.add_argument(
        "--reload",
        action="store_true",
        help="watch the EXTRA files (with watchfiles: the system's file change notifications, "
        "or polling where there are none) and serve the new graph when one changes (queries "
        "running finish on the old one; an edit that does not load keeps the old graph, says "
        "why on stderr and in /health)",
    )
    add_store_options(
        serve,
        what="answer from this SPARQL store's graph (filled by ppo load --store) instead of "
        "the graph in process",
    )
    serve.set_defaults(handler=serve_command)


def serve_command(args: argparse.Namespace) -> int:
    import socket

    import uvicorn

    from ppo_graph.serve.app import Settings, create_app
    from ppo_graph.serve.live import LiveGraph, Watcher

    if not 0 <= args.port <= 65535:
        raise UsageError(f"--port must be between 0 and 65535, not {args.port}")
    if args.timeout < 0 or args.max_rows < 0 or args.memory_limit < 0:
        raise UsageError("--timeout, --max-rows and --memory-limit must be 0 (no limit) or more")
    if args.client_timeout <= 0:
        raise UsageError("--client-timeout must be more than 0")
    if args.max_inflight < 1 or args.max_long < 1:
        raise UsageError("--max-inflight and --max-long must be at least 1")
    _no_files_in_lists(args)
    for origin in args.cors:
        if origin != "*" and not _ORIGIN_RE.match(origin):
            raise UsageError(f"--cors {origin!r} is not an origin such as http://localhost:3000")
    remote = store_endpoints(args) is not None
    if remote and args.reload:
        raise UsageError("--reload watches your EXTRA files; with --store the data is the store's")
    family = socket.AF_INET6 if ":" in args.host else socket.AF_INET
    sock = socket.create_server((args.host, args.port), family=family)  # OSError: exit 2
    host, port = sock.getsockname()[:2]
    if args.reload and not args.extra:
        raise UsageError("--reload watches your EXTRA files: name at least one")
    watcher: Watcher | None = None
    try:
        graph = open_graph(args)
        live = LiveGraph(graph)
        if args.reload:
            watcher = Watcher(live, args.extra, lambda: open_graph(args))
            watcher.start()
        allowed = args.allowed_hosts or _default_hosts(args.host, host)
        settings = Settings(
            args.timeout,
            args.max_rows,
            tuple(args.cors),
            memory_mb=args.memory_limit,
            max_inflight=args.max_inflight,
            max_long=args.max_long,
            client_timeout=args.client_timeout,
            allowed_hosts=tuple(allowed),
        )
        app = create_app(live, settings)
        shown = f"[{host}]" if family == socket.AF_INET6 else host
        source = (
            f"{len(graph):,} triples in the store at {graph.location}"  # unreachable: exit 2
            if remote
            else f"{len(graph):,} triples ({graph.reasoner} reasoning)"
        )
        print(
            f"ppo serve: {source}; workbench at http://{shown}:{port}/, SPARQL endpoint at "
            f"http://{shown}:{port}/sparql",
            file=sys.stderr,
            flush=True,
        )
        if not _is_loopback(args.host):
            print(
                f"ppo serve: warning: listening on {args.host}: other machines can query it",
                file=sys.stderr,
            )
        from ppo_graph.serve.protocol import with_head_timeout

        config = uvicorn.Config(
            app,
            http=with_head_timeout(args.client_timeout),
            log_level="warning",
            access_log=False,
            timeout_keep_alive=5,
            limit_concurrency=CONNECTIONS,
        )
        _server(config, watcher).run(sockets=[sock])
    finally:
        if watcher is not None:
            watcher.stop()
        sock.close()
    return EXIT_OK


def _server(config: Any, watcher: Any) -> Any:
    """uvicorn's server, stopping the ``--reload`` watcher as it shuts down: after a graceful
    shutdown on SIGTERM or SIGINT uvicorn raises that signal again, which ends the process
    before a ``finally`` clause here would run."""
    import asyncio

    import uvicorn

    class Server(uvicorn.Server):
        async def shutdown(self, sockets: Any = None) -> None:
            try:
                await super().shutdown(sockets)
            finally:
                if watcher is not None:
                    await asyncio.to_thread(watcher.stop)

    return Server(config)


def _no_files_in_lists(args: argparse.Namespace) -> None:
    """--allowed-hosts and --cors take every value up to the next option or --, so a file named
    after them (ppo serve --cors http://localhost:3000 extra.ttl) is a value, not an EXTRA file:
    refuse it rather than serve without the file (a file name is a valid host name)."""
    for option, values in (("--allowed-hosts", args.allowed_hosts), ("--cors", args.cors)):
        for value in values:
            if value != "*" and os.path.isfile(value):
                raise UsageError(
                    f"{option} {value!r} is a file: {option} takes the values up to the next "
                    f"option or --, so name your EXTRA files before {option} or after --"
                )


#: Connections served at once; beyond that uvicorn answers 503 (a flood of slow clients).
CONNECTIONS = 256


def _default_hosts(option: str, bound: str) -> list[str]:
    """The Host names answered by default: the address listened on, and localhost with its
    loopback addresses when that address is a loopback or any address."""
    hosts = {option, bound}
    if _is_loopback(option) or option in ("0.0.0.0", "::", ""):
        hosts |= {"localhost", "127.0.0.1", "::1"}
    return sorted(h for h in hosts if h)


def _is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False
