"""A deterministic organisation of N people in the CSV layout of ``ppo org import``.

    python bench/generate_org.py N --out DIR [--seed 1] [--raci-per-person 4]

Writes ``DIR/people.csv`` and ``DIR/raci.csv`` (see ``ppo org import --help``):

* services: ``max(3, N // 100)`` (500 at N = 50,000), grouped in service lines;
* the six PPO processes (Capacity, Availability, IT Service Continuity, Information Security,
  Demand) each have a head post holding the process owner role; every service has a Capacity
  Manager post and an Availability Manager post (a few services have none, a deliberate gap);
  the other processes have one manager post per service line; everybody else is a Process
  Practitioner in an analyst post of their team, shared by about ten people;
* teams: one per process and service line (about ``N / 50`` teams);
* past memberships: about one person in eight held another post before (``from``..``to``),
  then the current one; managers hold their post from a date, some with a predecessor whose
  membership ended;
* RACI: per process one ``A`` row for the head on every duty of the owner's section, and about
  ``--raci-per-person`` rows per person (R, C or I on a duty of their process's sections or the
  generic sections 7.3-7.5), some on posts by name.

The duties and role labels come from the shipped graph, so the output is valid input for
``ppo org import`` as long as the graph names them. With the default settings that is about
29 triples per person after reasoning with the shipped graph (34,094 at 1k, 290,995 at 10k), so
about 1.45M at N = 50,000 (extrapolated; ``bench/org_size.py`` prints the exact count); pass
``--raci-per-person 2.5`` for nearer 1.2M.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import sys
from pathlib import Path

PPOD = "https://w3id.org/ppo-graph/id/"

# (short name, owner section, manager section, owner role label, manager role label)
PROCESSES = (
    ("Capacity", "7.6", "7.7", "Capacity Management Process Owner", "Capacity Manager"),
    ("Availability", "7.8", "7.9", "Availability Management Process Owner", "Availability Manager"),
    ("Continuity", "7.10", "7.11", "ITSCM Owner", "ITSCM Manager"),
    ("Security", "7.12", "7.13", "ISM Owner", "ISM Manager"),
    ("Demand", "7.14", "7.15", "Demand Management Process Owner", "Demand Manager"),
)
GENERIC_SECTIONS = ("7.3", "7.4", "7.5")
PRACTITIONER = "Process Practitioner"
FIRST = [
    "Amara",
    "Bruno",
    "Chen",
    "Dara",
    "Elif",
    "Farid",
    "Grace",
    "Hiro",
    "Ines",
    "Jonas",
    "Kavya",
    "Liam",
    "Maya",
    "Nils",
    "Olga",
    "Pablo",
    "Qi",
    "Rosa",
    "Sami",
    "Tomas",
    "Uma",
    "Vera",
    "Wen",
    "Xavier",
    "Yara",
    "Zoltan",
]
LAST = [
    "Okafor",
    "Lindqvist",
    "Wei",
    "Byrne",
    "Demir",
    "Haddad",
    "Mensah",
    "Tanaka",
    "Moreau",
    "Weber",
    "Rao",
    "Novak",
    "Cohen",
    "Berg",
    "Ivanova",
    "Ruiz",
    "Zhang",
    "Costa",
    "Nakamura",
    "Silva",
    "Kowalski",
    "Jensen",
    "Murphy",
    "Rossi",
    "Dubois",
    "Sato",
]


def shipped_duties() -> list[str]:
    """The duty IRIs of the shipped graph, sorted."""
    from ppo_graph import engine

    kg = engine.KnowledgeGraph.open([], cache=False, reasoning=False)
    rows = kg.query(
        "PREFIX ppo: <https://w3id.org/ppo-graph/ontology#> "
        "SELECT DISTINCT ?d WHERE { ?d a ppo:Duty } ORDER BY ?d"
    )
    return sorted(str(row["d"].value) for row in rows)


def _section(duty: str) -> str:
    # https://w3id.org/ppo-graph/id/duty-7.10-03 -> 7.10
    return duty.rsplit("/", 1)[1].split("-")[1]


def _curie(duty: str) -> str:
    return "ppod:" + duty[len(PPOD) :] if duty.startswith(PPOD) else duty


def _date(rng: random.Random, start: dt.date, days: int) -> dt.date:
    return start + dt.timedelta(days=rng.randrange(days))


def generate(
    n: int, *, seed: int = 1, raci_per_person: float = 4.0, duties: list[str] | None = None
) -> tuple[list[list[str]], list[list[str]]]:
    """The people rows and the RACI rows (without headers) of an organisation of ``n`` people."""
    if n < 20:
        raise ValueError("at least 20 people")
    rng = random.Random(seed)
    duties = duties if duties is not None else shipped_duties()
    by_section: dict[str, list[str]] = {}
    for duty in duties:
        by_section.setdefault(_section(duty), []).append(duty)

    services = [f"Service {i:04d}" for i in range(max(3, n // 100))]
    line_count = max(1, len(services) // 10)
    lines = [f"Line {i:02d}" for i in range(line_count)]
    service_line = {s: lines[i % line_count] for i, s in enumerate(services)}

    # posts: name -> (team, role, service)
    posts: dict[str, tuple[str, str, str]] = {}
    post_process: dict[str, int] = {}
    for p, (short, _, _, owner, _) in enumerate(PROCESSES):
        posts[f"Head of {short}"] = (f"{short} Office", owner, "")
        post_process[f"Head of {short}"] = p
    manager_posts: list[str] = []
    for p, (short, _, _, _, manager) in enumerate(PROCESSES):
        if short in ("Capacity", "Availability"):
            for service in services:
                name = f"{manager} ({service})"
                posts[name] = (f"{short} {service_line[service]}", manager, service)
                post_process[name] = p
                manager_posts.append(name)
        else:
            for line in lines:
                name = f"{manager} ({line})"
                posts[name] = (f"{short} {line}", manager, "")
                post_process[name] = p
                manager_posts.append(name)
    # a deliberate gap: about one service in fifty has no Availability Manager post filled
    unfilled = {f"Availability Manager ({s})" for i, s in enumerate(services) if i % 50 == 49}
    filled = [name for name in manager_posts if name not in unfilled]
    named = len(PROCESSES) + len(filled)
    practitioners = max(0, n - named)
    analyst_posts: list[str] = []
    for i in range(max(1, practitioners // 10)):
        p = i % len(PROCESSES)
        line = lines[(i // len(PROCESSES)) % line_count]
        name = f"{PROCESSES[p][0]} Analyst {i:05d}"
        posts[name] = (f"{PROCESSES[p][0]} {line}", PRACTITIONER, "")
        post_process[name] = p
        analyst_posts.append(name)

    current: list[str] = [f"Head of {short}" for short, *_ in PROCESSES] + filled
    current += [analyst_posts[i % len(analyst_posts)] for i in range(max(0, n - len(current)))]
    current = current[:n]

    people: list[list[str]] = []
    held: list[tuple[str, str]] = []  # (person id, current post)
    width = len(str(n))
    for i, post in enumerate(current):
        pid = f"p{i + 1:0{width}d}"
        first, last = FIRST[i % len(FIRST)], LAST[(i // len(FIRST)) % len(LAST)]
        name = f"{first} {last} {i + 1}"
        email = f"{first.lower()}.{last.lower()}.{i + 1}@example.org"
        team, role, service = posts[post]
        start = _date(rng, dt.date(2019, 1, 1), 5 * 365)
        if rng.random() < 0.125 and analyst_posts:
            before = analyst_posts[rng.randrange(len(analyst_posts))]
            if before != post:
                b_team, b_role, b_service = posts[before]
                b_start = _date(rng, dt.date(2012, 1, 1), 6 * 365)
                b_end = start - dt.timedelta(days=1 + rng.randrange(30))
                people.append(
                    [
                        pid,
                        name,
                        email,
                        b_team,
                        before,
                        b_role,
                        b_start.isoformat(),
                        b_end.isoformat(),
                        b_service,
                    ]
                )
        people.append([pid, name, email, team, post, role, start.isoformat(), "", service])
        held.append((pid, post))

    raci: set[tuple[str, str, str]] = set()
    heads = {post: pid for pid, post in held if post.startswith("Head of ")}
    for short, owner_section, _, _, _ in PROCESSES:
        for duty in by_section.get(owner_section, []):
            raci.add((heads[f"Head of {short}"], _curie(duty), "A"))
    wanted = int(n * raci_per_person)
    letters = ("R", "R", "C", "I")
    tries = 0
    while len(raci) < wanted + len(PROCESSES) * 20 and tries < wanted * 3:
        tries += 1
        pid, post = held[rng.randrange(len(held))]
        _, owner_section, manager_section, _, _ = PROCESSES[post_process[post]]
        sections = (owner_section, manager_section, *GENERIC_SECTIONS)
        pool = by_section.get(sections[rng.randrange(len(sections))]) or duties
        duty = _curie(pool[rng.randrange(len(pool))])
        who = post if rng.random() < 0.05 else pid
        raci.add((who, duty, letters[rng.randrange(len(letters))]))
    return people, [list(row) for row in sorted(raci)]


def write(out: Path, n: int, *, seed: int = 1, raci_per_person: float = 4.0) -> tuple[int, int]:
    """Write ``out/people.csv`` and ``out/raci.csv``; the number of rows of each."""
    people, raci = generate(n, seed=seed, raci_per_person=raci_per_person)
    out.mkdir(parents=True, exist_ok=True)
    with (out / "people.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(
            ["person", "name", "email", "team", "post", "role", "from", "to", "service"]
        )
        writer.writerows(people)
    with (out / "raci.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["who", "duty", "letter"])
        writer.writerows(raci)
    return len(people), len(raci)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("n", type=int, help="number of people (at least 20)")
    parser.add_argument("--out", type=Path, required=True, help="directory for the CSV files")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument(
        "--raci-per-person", type=float, default=4.0, help="RACI rows per person (about)"
    )
    args = parser.parse_args(argv)
    people, raci = write(args.out, args.n, seed=args.seed, raci_per_person=args.raci_per_person)
    print(f"{args.out}/people.csv: {people} rows; {args.out}/raci.csv: {raci} rows")
    return 0


if __name__ == "__main__":
    sys.exit(main())
