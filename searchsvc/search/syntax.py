"""The query language's syntax: what a person types, tidied and parsed into a small tree.

A plain query means all its words. Supported: ``"phrases"``, ``OR``/``ELLER``,
``-word`` and ``NOT``/``IKKE``, field prefixes (``titel:``, ``beslutning:``, ``resume:``,
``udvalg:``, ``journal:``) and a trailing ``*`` for prefix search. Anything else a
person can type (unbalanced quotes, lone operators, punctuation) is tidied first, so
parsing never fails. ``tidy`` and ``parse`` give the tree (``Word``, ``Phrase``,
``Group``, ``Negation``); ``query.py`` turns it into the engine's query nodes.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..engine.analysis import exact_analyzer

MAX_QUERY_CHARS = 1000
# Groups nest at most this deep: parsing recurses once per level.
MAX_DEPTH = 20
# Prefix words (skole*) per query: each expands to every indexed word it begins.
MAX_PREFIXES = 10

# Danish and English field names people type, mapped to index fields.
FIELD_ALIASES: dict[str, list[str]] = {
    "title": ["titel", "title"],
    "decision": ["beslutning", "decision"],
    "resume": ["resume", "resumé"],
    "body": ["tekst", "text"],
    "committee_text": ["udvalg", "committee"],
    "journal": ["journal", "sag", "sagsnr", "journalnr"],
}

_OPERATOR = {"AND": "AND", "OG": "AND", "OR": "OR", "ELLER": "OR", "NOT": "NOT", "IKKE": "NOT"}
_FIELD_PREFIX = re.compile(r"^([^\W\d_]+):(.*)$")
_ALIAS_TO_FIELD = {alias: name for name, aliases in FIELD_ALIASES.items() for alias in aliases}


# -- the syntax tree ------------------------------------------------------------------

@dataclass(frozen=True)
class Word:
    text: str                   # lowercase, as typed (without the * of a prefix)
    field: str | None = None    # None: the default fields
    prefix: bool = False


@dataclass(frozen=True)
class Phrase:
    words: tuple[str, ...]
    field: str | None = None


@dataclass(frozen=True)
class Negation:
    child: Node


@dataclass(frozen=True)
class Group:
    op: str                     # "and" or "or"
    children: tuple[Node, ...]


Node = Word | Phrase | Negation | Group


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
    if depth or nesting(text) > MAX_DEPTH:
        if not depth:
            notes.append(f"Parenteser i mere end {MAX_DEPTH} niveauer blev ignoreret.")
        text = text.replace("(", " ").replace(")", " ")

    tokens = re.findall(r'"[^"]*"|\S+', text)
    prefixes = 0
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
            elif prefixes >= MAX_PREFIXES:
                if prefixes == MAX_PREFIXES:
                    notes.append(f"Kun de første {MAX_PREFIXES} ord med * blev søgt som begyndelser af ord.")
                prefixes += 1
                token = stem
            else:
                prefixes += 1
                token = stem.lower() + "*"
        token = token.replace("*", "*" if token.endswith("*") else "")
        if not re.search(r"\w", token) and token not in "()":
            continue  # punctuation alone carries no meaning
        out.append(token)
    out = _drop_dangling_operators(out)
    return " ".join(out), notes


def nesting(text: str) -> int:
    """How deep the parentheses of a text nest (unpaired ones counted as they come)."""
    depth = deepest = 0
    for char in text:
        if char == "(":
            depth += 1
            deepest = max(deepest, depth)
        elif char == ")" and depth:
            depth -= 1
    return deepest


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


def parse(tidied: str) -> Node | None:
    """The syntax tree of a tidied query; None when it has nothing to search for.

    >>> parse('budget OR "grøn omstilling"')
    Group(op='or', children=(Word(text='budget', field=None, prefix=False), Phrase(words=('grøn', 'omstilling'), field=None)))
    """
    tokens = _lex(tidied)
    node, _ = _parse_or(tokens, 0, None)
    return node


_LEXER = re.compile(r'(?P<phrase>(?:[^\W\d_]+:)?"[^"]*")|(?P<open>\()|(?P<close>\))|(?P<word>[^\s()"]+)')


def _lex(text: str) -> list[tuple[str, str]]:
    tokens = []
    for match in _LEXER.finditer(text):
        kind = match.lastgroup or "word"
        value = match.group()
        if kind == "word" and value in ("AND", "OR", "NOT"):
            kind = value
        tokens.append((kind, value))
    return tokens


def _parse_or(tokens, at, field_name):
    children = []
    while at < len(tokens):
        node, at = _parse_and(tokens, at, field_name)
        if node is not None:
            children.append(node)
        if at < len(tokens) and tokens[at][0] == "OR":
            at += 1
            continue
        if at < len(tokens) and tokens[at][0] == "close":
            break
    return _group("or", children), at


def _parse_and(tokens, at, field_name):
    children = []
    while at < len(tokens) and tokens[at][0] not in ("OR", "close"):
        if tokens[at][0] == "AND":
            at += 1
            continue
        node, at = _parse_unary(tokens, at, field_name)
        if node is not None:
            children.append(node)
    return _group("and", children), at


def _parse_unary(tokens, at, field_name):
    kind, value = tokens[at]
    if kind == "NOT":
        if at + 1 >= len(tokens) or tokens[at + 1][0] in ("OR", "AND", "close"):
            return None, at + 1
        child, at = _parse_unary(tokens, at + 1, field_name)
        return (Negation(child) if child is not None else None), at
    if kind == "open":
        node, at = _parse_or(tokens, at + 1, field_name)
        if at < len(tokens) and tokens[at][0] == "close":
            at += 1
        return node, at
    if kind == "close":
        return None, at + 1
    name, text = _split_field(value)
    if name is not None and text == "" and at + 1 < len(tokens) and tokens[at + 1][0] == "open":
        return _parse_unary(tokens, at + 1, name)  # titel:(a b)
    field_name = name or field_name
    if kind == "phrase":
        words = _analyse(text.strip('"'))
        if not words:
            return None, at + 1
        return (Phrase(tuple(words), field_name) if len(words) > 1 else Word(words[0], field_name)), at + 1
    prefix = text.endswith("*")
    if field_name == "journal":
        text = text.rstrip("*").lower()
        return (Word(text, "journal", prefix) if text else None), at + 1
    words = _analyse(text.rstrip("*"))
    if not words:
        return None, at + 1
    if len(words) > 1:  # "co2-udledning", "2,5": the parts in order
        return Phrase(tuple(words), field_name), at + 1
    return Word(words[0], field_name, prefix), at + 1


def _split_field(value: str) -> tuple[str | None, str]:
    match = _FIELD_PREFIX.match(value)
    if match and match.group(1).lower() in _ALIAS_TO_FIELD:
        return _ALIAS_TO_FIELD[match.group(1).lower()], match.group(2)
    return None, value


_query_analyzer = exact_analyzer()


def _analyse(text: str) -> list[str]:
    return [token.text for token in _query_analyzer(text)]


def _group(op: str, children: list[Node]) -> Node | None:
    if not children:
        return None
    if len(children) == 1:
        return children[0]
    return Group(op, tuple(children))
