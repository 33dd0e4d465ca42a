"""ppo-graph: a knowledge graph of the ITIL v3 PPO roles and responsibilities.

One engine, :class:`ppo_graph.engine.KnowledgeGraph`, loads the shipped graph plus the user's
files, reasons, caches the result and answers SPARQL and SHACL for every command::

    parse -> reasoner (fast OWL RL rules) -> cache -> sparql / shacl_fast / interfaces / viz

The design card's engines stay the reference: :mod:`ppo_graph.backends.reference.load` (rdflib),
:mod:`ppo_graph.backends.reference.reason` (owlrl), :mod:`ppo_graph.backends.reference.validate`
(pySHACL) and :mod:`ppo_graph.backends.reference.query` (rdflib SPARQL). Each fast step is tested
equal to them on the same inputs, and the engine falls back to them for input a fast step does
not cover, through the one registry :func:`ppo_graph.backends.reference_backend`: no other module
imports rdflib, owlrl or pySHACL.
"""

__version__ = "0.1.0"
