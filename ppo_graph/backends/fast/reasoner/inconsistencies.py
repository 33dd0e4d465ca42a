"""Inconsistencies, with owlrl's own messages: dt-not-type (literals whose lexical form does not
fit their datatype, as owlrl's converters judge them), cls-nothing2 (an instance of owl:Nothing)
and cax-dw (a common instance of disjoint classes)."""

from __future__ import annotations

import re
import time
from collections import defaultdict
from collections.abc import Callable
from decimal import Decimal, InvalidOperation

from ppo_graph.backends.fast.reasoner.coding import Coded, Ids
from ppo_graph.backends.fast.reasoner.coverage import Unsupported
from ppo_graph.namespaces import RDF_NS, XSD_NS


def _check_integer(v: str) -> None:
    int(v)


def _bounded(low: int | None, high: int | None) -> Callable[[str], None]:
    def check(v: str) -> None:
        i = int(v)
        if not ((low is None or low < i) and (high is None or i < high)):
            raise ValueError(v)

    return check


def _check_boolean(v: str) -> None:
    if v.lower() not in ("true", "1", "false", "0"):
        raise ValueError(v)


def _check_decimal(v: str) -> None:
    if "e" in v or "E" in v:
        raise ValueError(v)
    try:
        Decimal(v)
    except InvalidOperation as exc:
        raise ValueError(v) from exc


def _floating(low: str, high: str) -> Callable[[str], None]:
    def check(v: str) -> None:
        try:
            value = Decimal(v)
        except InvalidOperation as exc:
            raise ValueError(v) from exc
        if not Decimal(low) < abs(value) < Decimal(high):
            raise ValueError(v)

    return check


_TZ = re.compile(r".*(\+|-)([0-9][0-9]):([0-9][0-9])")


def _check_date(v: str) -> None:
    if v[-1] == "Z":
        v = v[:-1]
    elif _TZ.match(v):
        v = v[:-6]
    time.strptime(v, "%Y-%m-%d")


def _no_check(v: str) -> None:
    return None


_CHECKS: dict[str, Callable[[str], None]] = {
    XSD_NS + "string": _no_check,
    RDF_NS + "HTML": _no_check,
    XSD_NS + "integer": _check_integer,
    XSD_NS + "boolean": _check_boolean,
    XSD_NS + "decimal": _check_decimal,
    XSD_NS + "double": _floating("1.0E-330", "1.0E+310"),
    XSD_NS + "float": _floating("1.0E-50", "1.0E+40"),
    XSD_NS + "date": _check_date,
    XSD_NS + "byte": _bounded(-129, 128),
    XSD_NS + "short": _bounded(-32769, 32768),
    XSD_NS + "int": _bounded(-2147483649, 2147483648),
    XSD_NS + "long": _bounded(-9223372036854775809, 9223372036854775808),
    XSD_NS + "positiveInteger": _bounded(0, None),
    XSD_NS + "nonNegativeInteger": _bounded(-1, None),
    XSD_NS + "negativeInteger": _bounded(None, 0),
    XSD_NS + "nonPositiveInteger": _bounded(None, 1),
    XSD_NS + "unsignedByte": _bounded(-1, 256),
    XSD_NS + "unsignedShort": _bounded(-1, 65536),
    XSD_NS + "unsignedInt": _bounded(-1, 4294967296),
    XSD_NS + "unsignedLong": _bounded(-1, 18446744073709551616),
}
#: The other datatypes owlrl checks (OWL_RL_Datatypes): their literals are left to owlrl.
_UNCHECKED_RL_DATATYPES = frozenset(
    [
        XSD_NS + name
        for name in [
            "language",
            "NMTOKEN",
            "Name",
            "NCName",
            "token",
            "normalizedString",
            "anyURI",
            "base64Binary",
            "hexBinary",
            "dateTime",
            "dateTimeStamp",
            "time",
            "gYearMonth",
            "gYear",
            "gMonthDay",
            "gDay",
            "gMonth",
        ]
    ]
    + [RDF_NS + "PlainLiteral", RDF_NS + "XMLLiteral"]
)


def _literal_error(lexical: str, datatype: str) -> str | None:
    check = _CHECKS.get(datatype)
    if check is None:
        if datatype in _UNCHECKED_RL_DATATYPES:
            raise Unsupported(
                f"literal of datatype {datatype} (owlrl checks it; these rules do not)"
            )
        return None
    try:
        check(lexical)
    except (ValueError, IndexError):
        return f"Lexical value of the literal '{lexical}' does not match its datatype ({datatype})"
    return None


def ill_typed_literals(g: Coded) -> list[str]:
    """dt-not-type: a message for each distinct ill-typed literal the input asserts."""
    errors: list[str] = []
    is_literal = g.is_literal
    literals = sorted({o for _s, _p, o in g.asserted if is_literal[o]})  # each literal once
    for o in literals:
        datatype = g.terms.datatype(g.names[o])
        if datatype is not None:
            message = _literal_error(g.text[o], datatype)
            if message and message not in errors:
                errors.append(message)
    return errors


def clashes(g: Coded, closure: set[Ids], errors: list[str]) -> None:
    """cls-nothing2 and cax-dw on the closed graph, added to ``errors`` (each message once)."""
    v, text = g.v, g.text
    types: dict[int, set[int]] = defaultdict(set)  # individual -> its classes
    members: dict[int, set[int]] = defaultdict(set)  # class -> its individuals
    for s, p, o in closure:
        if p == v.type:
            types[s].add(o)
            members[o].add(s)
    for s, classes in types.items():
        if v.nothing in classes:
            message = f"{text[s]} is defined of type 'Nothing'"
            if message not in errors:
                errors.append(message)
    order = {s: i for i, s in enumerate(types)}  # the messages in the order of the individuals
    for c1, c2 in g.by_pred.get(v.disjoint, ()):
        # the individuals of both classes, from the smaller class's members, not by testing
        # every individual against every pair (owl:Thing's members are in the closure when a
        # pair names it: instances.close_instances)
        small, large = sorted((members.get(c1, set()), members.get(c2, set())), key=len)
        common = {s for s in small if s in large}
        for s in sorted(common, key=order.__getitem__):
            message = (
                f"Disjoint classes {text[c1]} and {text[c2]} have a common individual {text[s]}"
            )
            if message not in errors:
                errors.append(message)
