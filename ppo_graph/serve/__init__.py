"""``ppo serve``: a read-only SPARQL 1.1 endpoint over the engine (Starlette on uvicorn).

- :mod:`.app`: the routes (``/sparql``, ``/queries``, ``/queries/{name}``, ``/health``);
- :mod:`.results`: refusing, evaluating under a deadline, capping and writing one answer;
- :mod:`.negotiation`: Accept headers and ``format=``;
- :mod:`.description`: the SPARQL service description;
- :mod:`.catalogue_json`: the canned catalogue as JSON.

Starlette is imported by :mod:`.app` only, so the rest is usable (and tested) without a server.
"""
