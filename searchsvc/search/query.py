"""The query language: what a person types, turned into a ranked Whoosh query.

A plain query means all its words, ranked. Supported: ``"phrases"``, ``OR``/``ELLER``,
``-word`` and ``NOT``/``IKKE``, field prefixes (``titel:``, ``beslutning:``, ``resume:``,
``udvalg:``, ``journal:``) and a trailing ``*`` for prefix search. Anything else a
person can type (unbalanced quotes, lone operators, punctuation) is tidied first, so
parsing never fails.

Reading a query has two steps: ``tidy`` and ``parse`` turn the text into a small
syntax tree (``Word``, ``Phrase``, ``Group``, ``Negation``); ``build`` turns the tree
into a Whoosh query with the ranking rules:

- each word is looked up in every field with the field's weight (BM25F), by its stem,
  by its form as written (a bonus: an exact form ranks above a stem-only match) and as
  a compound part (a smaller score: a part ranks below a whole word);
- a word typed without æ/ø (``aeldrereform``) also looks up the spellings with them;
- function words (``for``, ``med``) are optional in a query with other words, and a
  journal number makes the other words optional: the case is what was asked for;
- several words score more when they stand close together (phrase proximity), and
  most when they are the parts of one compound (``plan for spildevand`` in
  ``Spildevandsplan``).

When nothing matches, ``build`` is called again leniently: ``fuzzy`` looks up unknown
words by their close spellings in the index, ``any`` accepts any of the words. A phrase
stays a phrase: its words in that order are what was asked for.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from whoosh import query as wq

from ..engine import terms
from ..engine.analysis import (exact_analyzer, exact_term, fold, is_journal_number, is_stopword, part_term,
                       stem_term)
from ..engine.compounds import MIN_PART
from ..engine.writer import TEXT_FIELDS

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


@dataclass(frozen=True)
class Ranking:
    """The ranking rules and their weights, relative to a stem match in the same field.

    Set on the judged queries of bench/relevance (README, "Search quality"); a weight of
    0 (or False) turns its rule off, which is how bench/relevance/ablation.py measures
    what each rule is worth.
    """

    exact_bonus: float = 0.5        # added when the word is found as written
    part_weight: float = 0.3        # a compound part instead of a whole word
    variant_weight: float = 0.9     # æ/ø spelling of a word typed with ae/oe
    fuzzy_weight: float = 0.5       # a close spelling, in a lenient retry
    proximity_boost: float = 0.5    # the words of a query near each other ...
    proximity_slop: int = 4         # ... within this many positions, in order
    compound_bonus: float = 2.0     # the words as parts of one compound ("plan for
                                    # spildevand" in "Spildevandsplan")
    optional_function_words: bool = True  # "for", "med" only add to the score
    journal_first: bool = True      # beside a journal number, other words are optional


RANKING = Ranking()

MODES = ("strict", "fuzzy", "any")

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


@dataclass
class Highlight:
    """What a snippet marks: each query word's index forms, each phrase's forms by
    position, and as-written prefixes."""

    concepts: list[frozenset[str]] = field(default_factory=list)
    phrases: list[tuple[frozenset[str], ...]] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)


@dataclass
class ParsedQuery:
    text: str                      # the query as tidied and parsed
    query: wq.Query
    notes: list[str] = field(default_factory=list)  # what was tidied, for the person
    tree: Node | None = None
    highlight: Highlight = field(default_factory=Highlight)
    mode: str = "strict"
    # Words looked up by a close spelling in a fuzzy retry: typed -> found.
    respellings: dict[str, list[str]] = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return isinstance(self.query, wq.Every)


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
        kind = match.lastgroup
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


# -- from the tree to a Whoosh query --------------------------------------------------

@dataclass
class _Context:
    reader: object | None
    mode: str
    highlight: Highlight
    respellings: dict[str, list[str]]
    ranking: Ranking


def build(tree: Node, reader=None, mode: str = "strict") -> tuple[wq.Query, Highlight, dict[str, list[str]]]:
    """The Whoosh query for a syntax tree, what to mark in snippets, and the respellings
    used (``fuzzy`` mode).

    :param reader: the index reader, for æ/ø spellings and close spellings; without it
        words are looked up only as typed.
    :param mode: ``strict``, ``fuzzy`` (unknown words by close spellings) or ``any``
        (any of the words instead of all).

    The ranking rules are ``RANKING``'s, read at each call (``bench/relevance/ablation.py``
    switches them off one by one).
    """
    context = _Context(reader, mode, Highlight(), {}, RANKING)
    return _build(tree, context), context.highlight, context.respellings


def _build(node: Node, context: _Context, negated: bool = False) -> wq.Query:
    if isinstance(node, Word):
        return _word(node, context, negated)
    if isinstance(node, Phrase):
        return _phrase(node, context, negated)
    if isinstance(node, Negation):
        return wq.Not(_build(node.child, context, negated=not negated))
    if node.op == "or":
        return wq.Or([_build(child, context, negated) for child in node.children])
    return _and(node.children, context, negated)


def _and(children: tuple[Node, ...], context: _Context, negated: bool) -> wq.Query:
    """All of the children, except that function words (and, beside a journal number,
    all other words) only add to the score; plus the proximity bonus."""
    ranking = context.ranking
    plain = [c for c in children if isinstance(c, Word) and c.field is None and not c.prefix]
    journal = [c for c in plain if is_journal_number(c.text)]
    optional: list[Node] = []
    if journal and not negated and ranking.journal_first:
        optional = [c for c in children if c not in journal and not isinstance(c, Negation)]
    elif ranking.optional_function_words and (any(not is_stopword(c.text) for c in plain)
                                              or len(plain) < len(children)):
        optional = [c for c in plain if is_stopword(c.text)]
    required = [c for c in children if c not in optional]
    if context.mode == "any" and not negated:
        positive = [c for c in required if not isinstance(c, Negation)]
        negative = [c for c in required if isinstance(c, Negation)]
        required = [Group("or", tuple(positive))] if len(positive) > 1 else positive
        required += negative
    built = [_build(c, context, negated) for c in required]
    query = built[0] if len(built) == 1 else wq.And(built)
    bonus = [_build(c, _quiet(context), negated) for c in optional]
    if not negated:
        content = [c.text for c in plain if not is_stopword(c.text)]
        bonus += _proximity(content, ranking) + _compound(content, ranking)
    if bonus:
        query = wq.AndMaybe(query, wq.Or(bonus) if len(bonus) > 1 else bonus[0])
    return query


def _quiet(context: _Context) -> _Context:
    """The same context, but what is built in it is not marked in snippets."""
    return _Context(context.reader, context.mode, Highlight(), context.respellings, context.ranking)


def _proximity(words: list[str], ranking: Ranking) -> list[wq.Query]:
    if len(words) < 2 or len(words) > 8 or not ranking.proximity_boost:
        return []
    stems = [stem_term(w) for w in words]
    return [wq.Phrase(name, stems, slop=ranking.proximity_slop, boost=TEXT_FIELDS[name] * ranking.proximity_boost)
            for name in ("title", "body")]


def _compound(words: list[str], ranking: Ranking) -> list[wq.Query]:
    """Documents where the words are parts of one compound: their part terms share a
    position."""
    words = [w for w in words if w.isalpha()]
    if len(words) < 2 or len(words) > 4 or not ranking.compound_bonus:
        return []
    boost = ranking.compound_bonus
    return [wq.SpanNear2([wq.Term(name, part_term(w), boost=TEXT_FIELDS[name] * boost) for w in words],
                         slop=0, ordered=False, mindist=0)
            for name in ("title", "body")]


def _fields(name: str | None) -> dict[str, float]:
    return DEFAULT_FIELDS if name is None else {name: 1.0}


def _forms(word: str, context: _Context, negated: bool) -> list[tuple[str, float]]:
    """The terms a word is looked up by in a text field, with their weights."""
    ranking = context.ranking
    spellings = [(word, 1.0)]
    if context.reader is not None and not negated:
        if ranking.variant_weight:
            spellings += [(v, ranking.variant_weight) for v in terms.letter_variants(context.reader, word)]
        if context.mode != "strict" and ranking.fuzzy_weight and not terms.is_known(context.reader, word):
            close = terms.close_words(context.reader, word)
            if close:
                context.respellings[word] = close
            spellings += [(c, ranking.fuzzy_weight) for c in close]
    forms: dict[str, float] = {}
    for spelling, weight in spellings:
        candidates = [(stem_term(spelling), weight)]
        if not negated:
            exact = exact_term(spelling)
            if exact is not None and exact != candidates[0][0] and ranking.exact_bonus:
                candidates.append((exact, weight * ranking.exact_bonus))
            if (ranking.part_weight and spelling.isalpha() and len(spelling) >= MIN_PART
                    and not is_stopword(spelling)):
                candidates.append((part_term(spelling), weight * ranking.part_weight))
        for term, term_weight in candidates:
            forms[term] = max(forms.get(term, 0.0), term_weight)
    return list(forms.items())


def _word(node: Word, context: _Context, negated: bool) -> wq.Query:
    if node.field == "journal" or (node.field is None and is_journal_number(node.text)):
        journal = (wq.Prefix if node.prefix else wq.Term)("journal", node.text, boost=DEFAULT_FIELDS["journal"])
        if node.field == "journal":
            return journal
    else:
        journal = None
    fields = {n: w for n, w in _fields(node.field).items() if n != "journal"}
    if node.prefix:
        return _prefix(node, fields, context, negated)
    forms = _forms(node.text, context, negated)
    if not negated:
        context.highlight.concepts.append(frozenset(term for term, _ in forms))
    alternatives = [wq.Term(name, term, boost=field_weight * weight)
                    for name, field_weight in fields.items() for term, weight in forms]
    if journal is not None:
        alternatives.append(journal)
    return wq.Or(alternatives)


def _prefix(node: Word, fields: dict[str, float], context: _Context, negated: bool) -> wq.Query:
    text = node.text
    if text.isalpha():
        starts = list(dict.fromkeys(["=" + text, "=" + text.replace("aa", "å"), "=" + fold(text)]))
    else:
        starts = [text]
    if not negated:
        context.highlight.prefixes.extend(starts)
    return wq.Or([wq.Prefix(name, start, boost=weight) for name, weight in fields.items() for start in starts])


def _phrase(node: Phrase, context: _Context, negated: bool) -> wq.Query:
    stems = [stem_term(w) for w in node.words]
    exact = [exact_term(w) or stem_term(w) for w in node.words]
    if not negated:
        context.highlight.phrases.append(tuple(frozenset({s, e}) for s, e in zip(stems, exact)))
    alternatives = []
    for name, weight in _fields(node.field).items():
        if name == "journal":
            continue
        alternatives.append(wq.Phrase(name, stems, boost=weight))
        if exact != stems and not negated and context.ranking.exact_bonus:
            alternatives.append(wq.Phrase(name, exact, boost=weight * context.ranking.exact_bonus))
    return wq.Or(alternatives)


# -- the entry point ------------------------------------------------------------------

def parse_query(text: str | None, schema=None, reader=None, mode: str = "strict") -> ParsedQuery:
    """Parse a person's query. Never raises: the worst case is an empty query.

    :param reader: the index reader (for æ/ø and close spellings); optional.
    :param mode: ``strict``, or a lenient retry: ``fuzzy`` or ``any`` (see ``build``).
    """
    tidied, notes = tidy(text or "")
    tree = parse(tidied) if tidied.strip() else None
    if tree is None:
        if (text or "").strip():
            notes.append("Søgningen indeholdt ingen ord, der kan søges på.")
            return ParsedQuery(tidied, wq.NullQuery, notes, mode=mode)
        return ParsedQuery("", wq.Every(), notes, mode=mode)
    query, highlight, respellings = build(tree, reader, mode)
    return ParsedQuery(tidied, query, notes, tree, highlight, mode, respellings)


def positive_words(tree: Node | None) -> list[str]:
    """The words a query asks for (not those it excludes), in order, for corrections."""
    found: list[str] = []

    def walk(node: Node | None) -> None:
        if isinstance(node, Word) and not node.prefix and node.field != "journal":
            found.append(node.text)
        elif isinstance(node, Phrase):
            found.extend(node.words)
        elif isinstance(node, Group):
            for child in node.children:
                walk(child)

    walk(tree)
    return found
