"""The workbench ``ppo serve`` shows at ``/``: fully offline, every asset served from the package.

- :mod:`.routes`: the pages' routes (the one module importing Starlette);
- :mod:`.markup`: HTML built with every label escaped, the page shell and the CSPs;
- :mod:`.sparql_page`: the editor page (``static/workbench.js`` runs it);
- :mod:`.roles`: the role index and the printable role pages;
- :mod:`.validation`: the report of ``ppo validate --checks``;
- :mod:`.ontology`: the ontology's documentation (pyLODE style);
- :mod:`.assess_page`: the self-assessment form, scored in the page (``static/assess.js``);
- :mod:`.quiz_page`: a quiz of ``ppo quiz`` to take in the browser (``static/quiz.js``);
- :mod:`.assets`: the static files, CodeMirror 5 (MIT) vendored among them.
"""
