"""ppo-graph: a knowledge graph of the ITIL v3 PPO roles and responsibilities.

The library is a chain of plain functions over rdflib graphs, one module per step:

    load.load_graph()  ->  reason.reason()  ->  validate.validate() / query / interfaces / viz

Each step takes and returns graphs, so a faster engine can replace one step without touching the
commands in :mod:`ppo_graph.cli`.
"""

__version__ = "0.1.0"
