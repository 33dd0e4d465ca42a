"""Duty-level self-assessment (``ppo assess``, the workbench's ``/assess``): how far an
organisation carries each duty, rated on a 0-5 capability scale.

- :mod:`.model`: the duties, their restatement pairs and the scale, read from the graph
  (reports ``assess-duties``, ``assess-scale`` and the question ``owner-manager-restatements``),
  the statements of a form and the form's rows;
- :mod:`.phrasing`: the assessable statement derived from a duty's words;
- :mod:`.answers`: a filled form read back and checked, every problem with its line;
- :mod:`.score`: the scores per duty, role, process and theme (mean and coverage);
- :mod:`.chart`: the scores as a bar chart (SVG by hand, PNG by matplotlib);
- :mod:`.report`: the self-contained HTML report;
- :mod:`.rdf`: the answers as W3C DQV measurements of a ``ppo:SelfAssessment``, in Turtle.
"""
