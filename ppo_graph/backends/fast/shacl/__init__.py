"""A fast SHACL validation path over pyoxigraph that gives pySHACL's verdict.

pySHACL (``ppo_graph.backends.reference.validate``) stays the reference engine. This module compiles a shapes graph
held in a ``pyoxigraph.Store`` into SPARQL queries and evaluates them inside oxigraph over the
union of all graphs of the data store, so that validation scales to millions of quads. Every query
returns failures only; sibling property shapes (same focus nodes) share one query per kind of
check, a UNION branch per constraint: an anti-join for ``sh:minCount``, a self-join for
``sh:maxCount`` 0 or 1 (an aggregate above), an anti-join for ``sh:class`` and a filter for the
other value constraints; a node shape's own constraints take one query, plus one per
``sh:class``. Conformance to the members of ``sh:not``/``sh:and``/``sh:or``/``sh:xone`` is
compiled to nested ``EXISTS`` expressions.

:meth:`CompiledShapes.validate` returns the same results as ``validate.validate`` (pySHACL with
``inference="none"``, ``allow_warnings=True``, ``advanced=True``), field by field, for every
shapes graph :func:`compile_shapes` accepts; :meth:`CompiledShapes.check` adds pySHACL's
``conforms`` flag. Anything outside the supported subset raises :class:`Unsupported` from
:func:`compile_shapes`, naming the construct, so that the caller can fall back to pySHACL. No
triple in the ``sh:`` namespace is silently ignored.

Supported: node and property shapes (typed or implicit); ``sh:targetClass`` (SHACL instances,
``rdf:type/rdfs:subClassOf*`` in the data), ``sh:targetNode`` (IRIs and literals),
``sh:targetSubjectsOf``, ``sh:targetObjectsOf`` and implicit class targets; predicate,
``sh:inversePath``, ``sh:alternativePath`` and sequence paths; ``sh:property`` (nested too),
``sh:minCount``, ``sh:maxCount``, ``sh:class``, ``sh:datatype`` (``xsd:string``,
``rdf:langString``, ``rdfs:Literal``, ``xsd:integer``, ``xsd:decimal``, ``xsd:double``,
``xsd:float``, ``xsd:boolean``, ``xsd:anyURI``, ``xsd:language`` and datatypes outside the XSD and
RDF namespaces), ``sh:nodeKind``, ``sh:minLength``, ``sh:maxLength``, ``sh:pattern`` with
``sh:flags``, ``sh:minInclusive``, ``sh:minExclusive``, ``sh:maxInclusive``, ``sh:maxExclusive``
(numeric bounds), ``sh:disjoint``, ``sh:not``, ``sh:and``, ``sh:or``, ``sh:xone``, ``sh:message``,
``sh:name``, ``sh:severity``, ``sh:deactivated`` and the non-validating ``sh:description``,
``sh:order``, ``sh:group``, ``sh:defaultValue``. pySHACL's default messages (shapes without
``sh:message``) are reproduced, prefixed names included (see :class:`_Namer`).

Refused (:class:`Unsupported`): SPARQL constraints and targets, SHACL-AF rules, functions and
expressions, custom constraint components, ``sh:node``, ``sh:qualifiedValueShape``,
``sh:closed``, ``sh:equals``, ``sh:lessThan(OrEquals)``, ``sh:in``, ``sh:hasValue``,
``sh:languageIn``, ``sh:uniqueLang``, ``sh:zeroOrMorePath``, ``sh:oneOrMorePath``,
``sh:zeroOrOnePath``, other ``sh:datatype`` values, recursive shapes, and anything whose pySHACL
outcome depends on rdflib's iteration order (two ``sh:message``, ``rdfs:label`` or ``sh:name``
values where one is reported, a property shape used by two shapes, several values of one
parameter in a default message).

Known limits that no shapes graph can avoid, because a ``pyoxigraph.Store`` canonicalises
literals when it stores them (``"01"^^xsd:integer`` becomes ``"1"``, ``xsd:int``, ``xsd:long``
and the other integer types become ``xsd:integer``, ``"2.50"^^xsd:decimal`` becomes ``"2.5"``,
language tags are lower-cased): a value of a derived integer type passes ``sh:datatype
xsd:integer`` here (pySHACL flags it), and decimal and date/time values are reported in
oxigraph's canonical lexical form. (``KnowledgeGraph.validate`` does not let these limits reach
a report: the engine notes the user's literals that its store rewrites, ``parse.AsWritten``, and
hands shapes that may see one to pySHACL with the literals as written.) rdflib's own literal normalisation (``"1"^^xsd:double`` is
``"1.0"``, booleans are ``true``/``false``) is reproduced. Plain and ``xsd:string`` literals are
indistinguishable in a store; pySHACL's default messages are reproduced for plain ones. Those
messages print IRIs with the prefixes of the rdflib graphs pySHACL sees: rdflib's defaults and
the project's, plus the ``prefixes`` given to :func:`compile_shapes` (those declared in the
shapes files, which ``validate.load_shapes`` binds) and to :meth:`CompiledShapes.validate` (those
bound in the data graph handed to pySHACL, if any).

The package, one concept a module: ``terms`` (the IRIs it names, rdflib's forms of literals),
``messages`` (pySHACL's default messages), ``shapes_graph`` (the shapes graph in memory),
``model`` (shapes, constraints, queries), ``reading`` (shapes, paths, targets), the constraint
components by SHACL family (``cardinality``, ``value_type``, ``string_based``, ``value_range``,
``property_pair``, ``logical``), ``planning`` (the queries), ``compiler`` (all of these put
together) and ``checker`` (running the queries, building the results).
"""

from ppo_graph.backends.fast.shacl.checker import CompiledShapes
from ppo_graph.backends.fast.shacl.compiler import compile_shapes
from ppo_graph.backends.fast.shacl.model import Unsupported

__all__ = ["CompiledShapes", "Unsupported", "compile_shapes"]
