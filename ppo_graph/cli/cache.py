"""``ppo cache info|clear``: the cache of reasoned graphs (see :mod:`ppo_graph.engine.cache`)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from ppo_graph.errors import EXIT_OK
from ppo_graph.formats import ReportFormat, choices


def register(subparsers: Any) -> None:
    p = subparsers.add_parser(
        "cache",
        help="show or clear the cache of reasoned graphs",
        description="Reasoned graphs are cached (a small one as an N-Quads snapshot, a large one as an "
        "on-disk store read in place), keyed by the contents of their "
        "input files, the package version and the reasoner's, so a second command on the same "
        "files answers at once. The folder is $PPO_CACHE_DIR, else the user's cache folder; at "
        "most 32 entries and $PPO_CACHE_MAX_MB (default 4096) MB are kept, the least recently "
        "used going first.",
    )
    p.add_argument(
        "action", choices=("info", "clear"), help="info: where and what; clear: empty it"
    )
    p.add_argument(
        "--format",
        choices=choices(ReportFormat.TEXT, ReportFormat.JSON),
        default=ReportFormat.TEXT.value,
    )
    p.set_defaults(handler=cmd_cache)


def cmd_cache(args: argparse.Namespace) -> int:
    from ppo_graph.engine import cache

    if args.action == "clear":
        removed = cache.clear()
        print(f"removed {removed} cached graph(s) from {cache.cache_dir()}")
        return EXIT_OK
    entries = cache.describe(cache.entries())
    if args.format == ReportFormat.JSON:
        from ppo_graph.tables import json_text

        sys.stdout.write(json_text({"folder": str(cache.cache_dir()), "entries": entries}))
        return EXIT_OK
    total = sum(int(e["bytes"]) for e in entries)
    print(f"cache folder: {cache.cache_dir()}")
    print(f"{len(entries)} reasoned graph(s), {total / 1e6:.1f} MB")
    for e in entries:
        extra = ", ".join(e["inputs"] or []) or "shipped graph only"
        print(
            f"  {e['used']}  {e['asserted']} asserted + {e['inferred']} inferred "
            f"({e['reasoner']})  {extra}"
        )
    return EXIT_OK
