"""String-based constraint components: ``sh:minLength``, ``sh:maxLength``, ``sh:pattern``
(with ``sh:flags``). Oxigraph's REGEX runs a pattern where it reads it as Python does; pySHACL's
own tests (Python's ``re``, lengths of rdflib's string forms) run as SPARQL extension functions."""

from __future__ import annotations

import re
from collections.abc import Callable

import pyoxigraph as ox

from ppo_graph.backends.fast.shacl.context import _Context, _int_or_none
from ppo_graph.backends.fast.shacl.messages import _fixed_literal
from ppo_graph.backends.fast.shacl.model import _V, Unsupported, _Constraint, _fill, _Shape
from ppo_graph.backends.fast.shacl.terms import (
    _XSD_INTEGERS,
    RDF_LANGSTRING,
    XSD_BOOLEAN,
    XSD_INTEGER,
    XSD_STRING,
    Term,
    _sh,
    _term_str,
    _value_string,
)

_TRUE = ox.Literal("true", datatype=ox.NamedNode(XSD_BOOLEAN))
_FALSE = ox.Literal("false", datatype=ox.NamedNode(XSD_BOOLEAN))

#: The pieces of a regular expression that Python's ``re`` and oxigraph's REGEX (Rust's regex
#: crate) read alike: ASCII characters and operators, escaped operators, ``\d``, simple
#: character classes, counted repetition, and ``$``.
_PATTERN_TOKEN = re.compile(
    r"[A-Za-z0-9 _:/#@%=!,'<>;\"^.*+?()|-]"
    r"|\\[.\\()*+?|^$\[\]{}d-]"
    r"|\[[^\[\]\\&~]+\]"
    r"|\{[0-9]+(?:,[0-9]*)?\}"
    r"|\$"
)


def _sparql_regex(pattern: str, multiline: bool) -> str | None:
    """``pattern`` for oxigraph's REGEX with Python's meaning, or None when unsure."""
    if "(?" in pattern:
        return None
    pieces: list[str] = []
    position = 0
    while position < len(pattern):
        match = _PATTERN_TOKEN.match(pattern, position)
        if match is None:
            return None
        piece = match.group()
        if piece.startswith("{") and (not pieces or pieces[-1] in ("(", "|", "^")):
            return None  # Python reads a brace with nothing to repeat as a character
        if piece == "$" and not multiline:
            piece = "(?:\\n?\\z)"  # Python's $ also matches before a final newline
        pieces.append(piece)
        position = match.end()
    return "".join(pieces)


def _length(term: Term) -> ox.Literal:
    """The length pySHACL measures: of the string form rdflib gives a non-string literal."""
    return ox.Literal(str(len(_value_string(term))), datatype=ox.NamedNode(XSD_INTEGER))


def _searcher(compiled: re.Pattern[str]) -> Callable[[Term], ox.Literal]:
    """pySHACL's sh:pattern test (Python's ``re``), as a SPARQL function."""

    def search(term: Term) -> ox.Literal:
        return _TRUE if compiled.search(_value_string(term)) else _FALSE

    return search


class _StringBased(_Context):
    def _length(self, shape: _Shape, local: str, values: list[Term]) -> None:
        rule = self._single(shape, local, values)
        limit = _int_or_none(rule.value) if isinstance(rule, ox.Literal) else None
        if not (
            isinstance(rule, ox.Literal)
            and rule.datatype.value in _XSD_INTEGERS
            and limit is not None
            and limit >= 0
        ):
            raise Unsupported(f"{shape.name}: sh:{local} is not a non-negative integer")
        if local == "minLength" and limit == 0:
            return  # pySHACL: always passes
        fn = self.function(_length)
        op, word = ("<", ">=") if local == "minLength" else (">", "<=")
        v = _V
        # oxigraph's lexical form is rdflib's for strings and IRIs; Python says for the rest
        size = (
            f"IF(isLiteral({v}) && datatype({v}) != <{XSD_STRING}> && "
            f"datatype({v}) != <{RDF_LANGSTRING}>, {fn}({v}), STRLEN(STR({v})))"
        )
        shape.constraints.append(
            _Constraint(
                local[0].upper() + local[1:],
                "value",
                fails=_fill(f"isBlank({v}) || {size} {op} {limit}"),
                generic=_fixed_literal(f"String length not {word} ", rule),
            )
        )

    def c_minLength(self, shape: _Shape, values: list[Term]) -> None:
        self._length(shape, "minLength", values)

    def c_maxLength(self, shape: _Shape, values: list[Term]) -> None:
        self._length(shape, "maxLength", values)

    def c_pattern(self, shape: _Shape, values: list[Term]) -> None:
        flag_values = {_term_str(f) for f in self.g.objects(shape.node, _sh("flags"))}
        if len(flag_values) > 1:
            raise Unsupported(f"{shape.name}: more than one sh:flags")
        flags = next(iter(flag_values), "").lower()  # pySHACL honours i and m only
        re_flags = (re.I if "i" in flags else 0) | (re.M if "m" in flags else 0)
        sparql_flags = "".join(f for f in "im" if f in flags)
        v = _V
        for pattern in values:
            if not isinstance(pattern, ox.Literal):
                raise Unsupported(f"{shape.name}: sh:pattern {pattern} is not a literal")
            text = str(pattern.value)
            try:
                compiled = re.compile(text, re_flags)
            except re.error as exc:
                raise Unsupported(f"{shape.name}: bad sh:pattern {text!r}: {exc}") from exc
            fn = self.function(_searcher(compiled))
            translated = _sparql_regex(text, "m" in flags)
            if translated is not None:
                regex = f"REGEX(STR({v}), {ox.Literal(translated)}, {ox.Literal(sparql_flags)})"
                test = (
                    f"IF(isIRI({v}) || (isLiteral({v}) && (datatype({v}) = <{XSD_STRING}> "
                    f"|| datatype({v}) = <{RDF_LANGSTRING}>)), {regex}, {fn}({v}))"
                )
            else:
                test = f"{fn}({v})"
            self._value(
                shape,
                "Pattern",
                _fill(f"isBlank({v}) || !({test})"),
                f"Value does not match pattern '{text}'" if len(values) == 1 else None,
                "several sh:pattern values",
            )
