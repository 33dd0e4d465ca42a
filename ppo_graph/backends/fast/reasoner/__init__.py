"""The fast OWL RL reasoner: the rules this project's ontology uses, in one pass over a worklist.

owlrl (the design card's reasoner) stays the reference: ``tests/test_reasoner_equivalence.py``
reasons the shipped graph and every fixture with both and requires the same inferred triples and
the same inconsistency messages. This package implements exactly the OWL 2 RL rules below and
refuses (:class:`Unsupported`) any input that uses OWL vocabulary outside them, so that the
engine falls back to owlrl instead of giving a different answer:

* schema: scm-cls, scm-sco, scm-eqc1/2, scm-op, scm-dp, scm-spo, scm-eqp1/2, scm-dom1/2,
  scm-rng1/2 (closed once, up front, in Python sets);
* instances: cax-sco, cax-eqc1/2, prp-dom, prp-rng, prp-spo1, prp-eqp1/2, prp-inv1/2, prp-symp,
  prp-trp, prp-spo2 (property chains of any length);
* inconsistencies, with owlrl's own messages: cax-dw, cls-nothing2 and dt-not-type (literals
  whose lexical form does not fit their datatype).

It works on any hashable RDF terms (pyoxigraph's, or rdflib's in the tests:
:func:`ppo_graph.backends.reference.reason.rdflib_terms`) through a small :class:`Terms`
adapter, and internally on integers, so a million triples reason in seconds, not hours.

The modules: ``coding`` (terms, and the IRIs the rules name, as integers),
``coverage`` (what the rules cover; the refusal of the rest), ``schema`` (the schema closure),
``instances`` (the instance rules), ``inconsistencies`` (the clashes) and ``closure`` (all of
them in order, and the result).
"""

from ppo_graph.backends.fast.reasoner.closure import Closure, reason
from ppo_graph.backends.fast.reasoner.coding import Terms, oxigraph_terms
from ppo_graph.backends.fast.reasoner.coverage import Unsupported

#: Bumped whenever the rules or their output change: part of the cache key.
VERSION = "1"

__all__ = [
    "VERSION",
    "Closure",
    "Terms",
    "Unsupported",
    "oxigraph_terms",
    "reason",
]
