"""``ppo serve``: a read-only SPARQL 1.1 endpoint over the engine (Starlette on uvicorn).

- :mod:`.app`: the routes (``/sparql``, ``/queries``, ``/queries/{name}``, ``/health``);
- :mod:`.results`: one answer, as a worker process computes it: the boundary's verdict
  (:mod:`ppo_graph.engine.boundary`), evaluation, the row cap and the whole body;
- :mod:`.negotiation`: Accept headers and ``format=``;
- :mod:`.description`: the SPARQL service description;
- :mod:`.catalogue_json`: the canned catalogue as JSON;
- :mod:`.workbench`: the offline web workbench at ``/`` (editor, role pages, interface graph,
  validation report, ontology documentation).

Starlette is imported by :mod:`.app` and :mod:`.workbench.routes` only, so the rest is usable
(and tested) without a server.
"""
