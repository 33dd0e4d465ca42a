"""An organisation mapped onto the PPO roles (W3C ORG, see ``ontology/org.ttl``).

``csvfile`` reads and checks the people, RACI and segregation CSV files (every bad row with its line number),
``names`` resolves role, duty and person names against the graph, ``rdf`` turns the checked rows
into Turtle and a loaded organisation back into rows; ``ppo org`` (:mod:`ppo_graph.cli.org`) is
the thin command over them.
"""

from __future__ import annotations

#: The people CSV: one row per membership (a person holding a post, with its role, for a period).
PEOPLE_COLUMNS = ("person", "name", "email", "team", "post", "role", "from", "to")
#: Columns a people CSV may add: a post's service, and ids for posts, teams and services (when
#: a file gives one, the id is the post's, team's or service's identity and the name its label).
PEOPLE_OPTIONAL = ("service", "post_id", "team_id", "service_id")
#: The id columns and the name column each identifies.
ID_COLUMNS = {"post_id": "post", "team_id": "team", "service_id": "service"}
#: The RACI CSV: one row per assignment of a duty to a person (by id) or a post (by name).
RACI_COLUMNS = ("who", "duty", "letter")
RACI_LETTERS = ("R", "A", "C", "I")
#: The segregation-of-duties CSV: one row per pair of roles one person must not hold together.
PAIRS_COLUMNS = ("role", "incompatible_with")
