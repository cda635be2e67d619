"""The query language: what a person types, turned into a Whoosh query.

A plain query means all its words, ranked. Supported: ``"phrases"``, ``OR``/``ELLER``,
``-word`` and ``NOT``/``IKKE``, field prefixes (``titel:``, ``beslutning:``, ``resume:``,
``udvalg:``, ``journal:``) and a trailing ``*`` for prefix search. Anything else a
person can type (unbalanced quotes, lone operators, punctuation) is tidied first, so
parsing never fails.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import qparser
from whoosh.query import Every, NullQuery, Query

from .indexer import TEXT_FIELDS

MAX_QUERY_CHARS = 1000

# Danish and English field names people type, mapped to index fields.
FIELD_ALIASES: dict[str, list[str]] = {
    "title": ["titel", "title"],
    "decision": ["beslutning", "decision"],
    "resume": ["resume", "resumé"],
    "body": ["tekst", "text"],
    "committee_text": ["udvalg", "committee"],
    "journal": ["journal", "sag", "sagsnr", "journalnr"],
}
DEFAULT_FIELDS: dict[str, float] = {**TEXT_FIELDS, "journal": 8.0}

_OPERATOR = {"AND": "AND", "OG": "AND", "OR": "OR", "ELLER": "OR", "NOT": "NOT", "IKKE": "NOT"}
_FIELD_PREFIX = re.compile(r"^([^\W\d_]+):(.*)$")


@dataclass
class ParsedQuery:
    text: str                      # the query as tidied and parsed
    query: Query
    notes: list[str] = field(default_factory=list)  # what was tidied, for the person

    @property
    def is_empty(self) -> bool:
        return isinstance(self.query, Every)


def _parser(schema) -> qparser.QueryParser:
    parser = qparser.MultifieldParser(list(DEFAULT_FIELDS), schema, fieldboosts=DEFAULT_FIELDS,
                                      group=qparser.AndGroup)
    for plugin in (qparser.WildcardPlugin, qparser.RangePlugin, qparser.BoostPlugin,
                   qparser.EveryPlugin, qparser.SingleQuotePlugin, qparser.OperatorsPlugin):
        parser.remove_plugin_class(plugin)
    parser.add_plugin(qparser.PrefixPlugin())
    parser.add_plugin(qparser.FieldAliasPlugin(FIELD_ALIASES))
    parser.add_plugin(qparser.OperatorsPlugin(
        And=r"(?<=\s)AND(?=\s)", Or=r"(?<=\s)OR(?=\s)", Not=r"(^|(?<=(\s|[()])))NOT(?=\s)",
        AndNot=None, AndMaybe=None, Require=None,
    ))
    return parser


def tidy(text: str) -> tuple[str, list[str]]:
    """Normalise what a person typed into something the parser reads as they meant.

    >>> tidy('budget ELLER "klima')
    ('budget OR klima', ['Et citationstegn uden partner blev ignoreret.'])
    """
    notes: list[str] = []
    text = re.sub(r"[\x00-\x1f\x7f]", " ", text)
    if len(text) > MAX_QUERY_CHARS:
        text = text[:MAX_QUERY_CHARS]
        notes.append(f"Søgningen blev afkortet til {MAX_QUERY_CHARS} tegn.")
    text = text.replace("“", '"').replace("”", '"').replace("„", '"')
    if text.count('"') % 2:
        index = text.rfind('"')
        text = text[:index] + " " + text[index + 1 :]
        notes.append("Et citationstegn uden partner blev ignoreret.")
    # Parentheses that do not pair up are dropped.
    depth, chars = 0, []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            if depth == 0:
                continue
            depth -= 1
        chars.append(char)
    text = "".join(chars)
    if depth:
        text = text.replace("(", " ").replace(")", " ")

    tokens = re.findall(r'"[^"]*"|\S+', text)
    out: list[str] = []
    for token in tokens:
        if token.startswith('"'):
            if re.search(r"\w", token):
                out.append(token)
            continue
        if token.upper() in _OPERATOR and token.isupper():
            out.append(_OPERATOR[token.upper()])
            continue
        if token.startswith("-") and len(token) > 1 and token[1] != "-":
            out.extend(["NOT", token[1:]])
            continue
        if match := _FIELD_PREFIX.match(token):
            name, rest = match.groups()
            known = any(name.lower() in names for names in FIELD_ALIASES.values())
            if not known:
                token = f"{name} {rest}"  # "foo:bar" is two words, not a field
            else:
                token = f"{name.lower()}:{rest}"
        if token.endswith("*"):
            stem = token.rstrip("*")
            if len(re.sub(r"\W", "", stem)) < 2:
                notes.append("Søgning på begyndelsen af et ord kræver mindst to bogstaver.")
                token = stem
            else:
                token = stem.lower() + "*"
        token = token.replace("*", "*" if token.endswith("*") else "")
        if not re.search(r"\w", token) and token not in "()":
            continue  # punctuation alone carries no meaning
        out.append(token)
    out = _drop_dangling_operators(out)
    return " ".join(out), notes


def _drop_dangling_operators(tokens: list[str]) -> list[str]:
    """Remove operators with nothing to join: at the ends, doubled, or beside a parenthesis."""
    result: list[str] = []
    for token in tokens:
        if token in ("AND", "OR"):
            if not result or result[-1] in ("AND", "OR", "NOT", "("):
                continue
        if token == "NOT" and result and result[-1] == "NOT":
            continue
        result.append(token)
    while result and result[-1] in ("AND", "OR", "NOT"):
        result.pop()
    return result


def parse_query(text: str | None, schema) -> ParsedQuery:
    """Parse a person's query. Never raises: the worst case is an empty query."""
    tidied, notes = tidy(text or "")
    if not tidied.strip():
        if (text or "").strip():
            notes.append("Søgningen indeholdt ingen ord, der kan søges på.")
            return ParsedQuery("", NullQuery, notes)
        return ParsedQuery("", Every(), notes)
    parser = _parser(schema)
    try:
        query = parser.parse(tidied)
    except Exception:  # the parser's own failure modes are many; fall back to plain words
        words = " ".join(re.findall(r"\w+", tidied))
        query = parser.parse(words) if words else NullQuery
        notes.append("Søgningen kunne ikke læses som skrevet; der blev søgt på ordene.")
    if query is NullQuery:
        notes.append("Søgningen indeholdt ingen ord, der kan søges på.")
    return ParsedQuery(tidied, query, notes)
