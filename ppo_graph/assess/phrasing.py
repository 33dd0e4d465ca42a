"""The assessable statement a self-assessment form shows for a duty, derived from its text by a
fixed rule, never written by hand: the tutorial lists duties as gerund phrases ("Producing
regular management reports ...") or, in 7.14, in the third person ("Identifies and analyses
..."); the statement puts the same words after "we", the verbs in their plain form:
"Capacity Management: we produce regular management reports ...".

The rule: the leading verbs (a list of verbs joined by commas, "and" or "or", an adverb such
as "proactively" or "regularly" allowed before each) and every later verb that follows "and" or
"or" take their plain form from :data:`VERBS` ("ensuring" -> "ensure", "being" -> "are");
a duty that opens with a noun ("Production, regular review and revision of the Capacity Plan")
becomes "we carry out production, regular review and revision of ...". Nothing else changes:
the statement is the duty's own words (its corrected reading where an editor gave one), so the
verbatim text stays beside it in the form, the source the statement is derived from.
"""

from __future__ import annotations

import re

#: Each verb form the duties open with, or join with "and"/"or", -> its plain form.
VERBS = {
    "acting": "act",
    "addressing": "address",
    "analyses": "analyse",
    "analysing": "analyse",
    "anticipates": "anticipate",
    "appointing": "appoint",
    "assessing": "assess",
    "assisting": "assist",
    "attending": "attend",
    "auditing": "audit",
    "being": "are",
    "carries": "carry",
    "carrying": "carry",
    "classifying": "classify",
    "communicating": "communicate",
    "completing": "complete",
    "coordinating": "coordinate",
    "creating": "create",
    "defines": "define",
    "defining": "define",
    "designing": "design",
    "determining": "determine",
    "developing": "develop",
    "documenting": "document",
    "ensures": "ensure",
    "ensuring": "ensure",
    "forecasting": "forecast",
    "gears": "gear",
    "handling": "handle",
    "helps": "help",
    "identifies": "identify",
    "identifying": "identify",
    "implementing": "implement",
    "improving": "improve",
    "initiating": "initiate",
    "instigating": "instigate",
    "interfaces": "interface",
    "invoking": "invoke",
    "maintaining": "maintain",
    "making": "make",
    "managing": "manage",
    "manages": "manage",
    "monitoring": "monitor",
    "negotiating": "negotiate",
    "optimizing": "optimize",
    "participating": "participate",
    "performing": "perform",
    "predicting": "predict",
    "preparing": "prepare",
    "prevents": "prevent",
    "producing": "produce",
    "promoting": "promote",
    "providing": "provide",
    "publicizing": "publicize",
    "raising": "raise",
    "recommending": "recommend",
    "reducing": "reduce",
    "reporting": "report",
    "representing": "represent",
    "reports": "report",
    "reviewing": "review",
    "revising": "revise",
    "sizing": "size",
    "specifying": "specify",
    "taking": "take",
    "testing": "test",
    "undertaking": "undertake",
    "understanding": "understand",
    "updating": "update",
    "working": "work",
    "works": "work",
}

_VERB = "|".join(sorted(VERBS, key=len, reverse=True))
_ADVERB = r"[a-z]+ly"
#: The leading verbs: [adverb] verb, then (joiner [adverb] verb)*; a joiner is a comma, "and",
#: "or", ", and", ", or" or a slash.
_LEADING = re.compile(
    rf"(?:{_ADVERB} )?(?:{_VERB})\b(?:(?:, (?:and |or )?| and | or |/)(?:{_ADVERB} )?(?:{_VERB})\b)*",
    re.IGNORECASE,
)
_ONE_VERB = re.compile(rf"\b({_VERB})\b", re.IGNORECASE)
#: A gerund after "and" or "or" later in the text (an adverb allowed between).
_LATER = re.compile(rf"\b(and|or) ((?:{_ADVERB} )?)({_VERB})\b")
#: What opens a duty written as a noun phrase: "we carry out" goes before it.
NOUN_OPENING = "carry out"


def plain(word: str) -> str | None:
    """The plain form of a verb form of :data:`VERBS` ("Ensuring" -> "ensure"), else None."""
    return VERBS.get(word.lower())


def _lower_first(text: str) -> str:
    """``text`` with its first letter in lower case, unless its first word is an abbreviation
    or a name written in capitals ("AMIS", "IT")."""
    first = text.split(" ", 1)[0]
    if len(first) > 1 and first[:2].isupper():
        return text
    return text[:1].lower() + text[1:]


def _plain_verb(match: re.Match[str]) -> str:
    return VERBS[match.group(1).lower()]


def _later_verb(match: re.Match[str]) -> str:
    joiner, adverb, verb = match.groups()
    if not verb.endswith("ing"):  # "and reports": a noun as likely as a verb
        return match.group(0)
    before = match.string[: match.start()].split()
    if before and before[-1].lower().endswith("ing"):
        return match.group(0)  # "for operating and maintaining": two gerunds of one phrase
    return f"{joiner} {adverb}{VERBS[verb.lower()]}"


def we_form(reading: str) -> str:
    """The duty's words after "we", its verbs in their plain form (see the module's rule)."""
    text = " ".join(reading.split())
    if text.endswith(".") and not text.endswith("etc."):
        text = text[:-1]
    lead = _LEADING.match(text)
    if lead is None:
        return f"{NOUN_OPENING} {_lower_first(text)}"
    verbs = _ONE_VERB.sub(_plain_verb, lead.group(0).lower())
    rest = _LATER.sub(_later_verb, text[lead.end() :])
    return verbs + rest


def statement(reading: str, subject: str) -> str:
    """The assessable statement: ``subject`` (the process, or "Every process" for a generic
    role's duty), a colon, "we" and the duty's words (:func:`we_form`)."""
    return f"{subject}: we {we_form(reading)}"
