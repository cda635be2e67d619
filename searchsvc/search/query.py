"""The query language: what a person types, turned into the engine's ranked query nodes.

Reading a query has two steps: ``tidy`` and ``parse`` (``syntax.py``) turn the text into
a small syntax tree (``Word``, ``Phrase``, ``Group``, ``Negation``); ``build`` turns the tree
into engine query nodes (``engine/nodes.py``) with the ranking rules (``ranking.py``):

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

from dataclasses import dataclass, field

from ..domain.journal import is_journal_number
from ..engine import nodes
from ..engine.analysis import PART_MARK, exact_term, fold, is_stopword, lemma_term, part_term, stem_term
from ..engine.compounds import MIN_PART
from ..engine.terms import Terms
from .ranking import DEFAULT_RANKING, Ranking
from .syntax import MAX_QUERY_CHARS, Group, Negation, Node, Phrase, Word, parse, tidy

__all__ = ["MAX_QUERY_CHARS", "Highlight", "ParsedQuery", "build", "parse", "parse_query", "positive_words", "tidy"]


# Words of one query looked up by their close spellings, at most.
MAX_RESPELLED = 20


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
    query: nodes.Node
    notes: list[str] = field(default_factory=list)  # what was tidied, for the person
    tree: Node | None = None
    highlight: Highlight = field(default_factory=Highlight)
    mode: str = "strict"
    # Words looked up by a close spelling in a fuzzy retry: typed -> found.
    respellings: dict[str, list[str]] = field(default_factory=dict)


# -- from the tree to the engine's query ------------------------------------------------

@dataclass
class _Context:
    terms: Terms | None
    mode: str
    highlight: Highlight
    respellings: dict[str, list[str]]
    ranking: Ranking


def build(tree: Node, terms: Terms | None = None, mode: str = "strict",
          ranking: Ranking = DEFAULT_RANKING) -> tuple[nodes.Node, Highlight, dict[str, list[str]]]:
    """The engine query for a syntax tree, what to mark in snippets, and the respellings
    used (``fuzzy`` mode).

    :param terms: the index vocabulary, for æ/ø spellings and close spellings; without
        it words are looked up only as typed.
    :param mode: ``strict``, ``fuzzy`` (unknown words by close spellings) or ``any``
        (any of the words instead of all).
    :param ranking: the ranking rules and weights.
    """
    context = _Context(terms, mode, Highlight(), {}, ranking)
    return _build(tree, context), context.highlight, context.respellings


def _build(node: Node, context: _Context, negated: bool = False) -> nodes.Node:
    if isinstance(node, Word):
        return _word(node, context, negated)
    if isinstance(node, Phrase):
        return _phrase(node, context, negated)
    if isinstance(node, Negation):
        return nodes.Not(_build(node.child, context, negated=not negated))
    if node.op == "or":
        return nodes.Or(tuple(_build(child, context, negated) for child in node.children))
    return _and(node.children, context, negated)


def _and(children: tuple[Node, ...], context: _Context, negated: bool) -> nodes.Node:
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
        required = [Group("or", tuple(positive)), *negative] if len(positive) > 1 else [*positive, *negative]
    built = [_build(c, context, negated) for c in required]
    query = built[0] if len(built) == 1 else nodes.And(tuple(built))
    bonus = [_build(c, _quiet(context), negated) for c in optional]
    if not negated:
        content = [c.text for c in plain if not is_stopword(c.text)]
        bonus += _proximity(content, ranking) + _compound(content, ranking)
    if bonus:
        query = nodes.AndMaybe(query, nodes.Or(tuple(bonus)) if len(bonus) > 1 else bonus[0])
    return query


def _quiet(context: _Context) -> _Context:
    """The same context, but what is built in it is not marked in snippets."""
    return _Context(context.terms, context.mode, Highlight(), context.respellings, context.ranking)


def _proximity(words: list[str], ranking: Ranking) -> list[nodes.Node]:
    if len(words) < 2 or len(words) > 8 or not ranking.proximity_boost:
        return []
    stems = tuple(stem_term(w) for w in words)
    weights = ranking.fields
    return [nodes.Phrase(name, stems, slop=ranking.proximity_slop, boost=weights[name] * ranking.proximity_boost)
            for name in ("title", "body")]


def _compound(words: list[str], ranking: Ranking) -> list[nodes.Node]:
    """Documents where the words are parts of one compound: their part terms share a
    position."""
    words = [w for w in words if w.isalpha()]
    if len(words) < 2 or len(words) > 4 or not ranking.compound_bonus:
        return []
    boost = ranking.compound_bonus
    weights = ranking.fields
    return [nodes.Near(tuple(nodes.Term(name, part_term(w), boost=weights[name] * boost) for w in words), slop=0)
            for name in ("title", "body")]


def _fields(name: str | None, ranking: Ranking) -> dict[str, float]:
    return ranking.fields if name is None else {name: 1.0}


def _forms(word: str, context: _Context, negated: bool) -> list[tuple[str, float]]:
    """The terms a word is looked up by in a text field, with their weights."""
    ranking = context.ranking
    spellings = [(word, 1.0)]
    terms = context.terms
    if terms is not None and not negated:
        if ranking.variant_weight:
            spellings += [(v, ranking.variant_weight) for v in terms.letter_variants(word)]
        if (context.mode != "strict" and ranking.fuzzy_weight and len(context.respellings) < MAX_RESPELLED
                and not terms.is_known(word)):
            close = terms.close_words(word)
            if close:
                context.respellings[word] = close
            spellings += [(c, ranking.fuzzy_weight) for c in close]
    forms: dict[str, float] = {}
    for spelling, weight in spellings:
        candidates = [(stem_term(spelling), weight)]
        if ranking.lemma_weight and (lemmatized := lemma_term(spelling)) is not None:
            candidates.append((lemmatized, weight * ranking.lemma_weight))
        if not negated:
            exact = exact_term(spelling)
            if exact is not None and exact != candidates[0][0] and ranking.exact_bonus:
                candidates.append((exact, weight * ranking.exact_bonus))
            if (ranking.part_weight and spelling.isalpha() and len(spelling) >= MIN_PART
                    and not is_stopword(spelling)):
                candidates.append((part_term(spelling), weight * ranking.part_weight))
                if ranking.lemma_weight and (lemmatized := lemma_term(spelling)) is not None:
                    candidates.append((PART_MARK + lemmatized, weight * ranking.part_weight * ranking.lemma_weight))
        for term, term_weight in candidates:
            forms[term] = max(forms.get(term, 0.0), term_weight)
    return list(forms.items())


def _word(node: Word, context: _Context, negated: bool) -> nodes.Node:
    journal: nodes.Node | None = None
    if node.field == "journal" or (node.field is None and is_journal_number(node.text)):
        kind = nodes.Prefix if node.prefix else nodes.Term
        journal = kind("journal", node.text, boost=context.ranking.fields["journal"])
        if node.field == "journal":
            return journal
    fields = {n: w for n, w in _fields(node.field, context.ranking).items() if n != "journal"}
    if node.prefix:
        return _prefix(node, fields, context, negated)
    forms = _forms(node.text, context, negated)
    if not negated:
        context.highlight.concepts.append(frozenset(term for term, _ in forms))
    alternatives: list[nodes.Node] = [nodes.Term(name, term, boost=field_weight * weight)
                                      for name, field_weight in fields.items() for term, weight in forms]
    if journal is not None:
        alternatives.append(journal)
    return nodes.Or(tuple(alternatives))


def _prefix(node: Word, fields: dict[str, float], context: _Context, negated: bool) -> nodes.Node:
    text = node.text
    if text.isalpha():
        starts = list(dict.fromkeys(["=" + text, "=" + text.replace("aa", "å"), "=" + fold(text)]))
    else:
        starts = [text]
    if not negated:
        context.highlight.prefixes.extend(starts)
    return nodes.Or(tuple(nodes.Prefix(name, start, boost=weight) for name, weight in fields.items() for start in starts))


def _phrase(node: Phrase, context: _Context, negated: bool) -> nodes.Node:
    ranking = context.ranking
    stems = tuple(stem_term(w) for w in node.words)
    exact = tuple(exact_term(w) or stem_term(w) for w in node.words)
    # Every word is indexed under its lemma's stem (as its stem, or beside it): the
    # phrase through lemmas ("børnenes skolevej" in "barnets skolevej").
    lemmas = tuple(lemma_term(w) or stem_term(w) for w in node.words) if ranking.lemma_weight else stems
    if not negated:
        context.highlight.phrases.append(tuple(frozenset({s, e, m}) for s, e, m in zip(stems, exact, lemmas)))
    alternatives: list[nodes.Node] = []
    for name, weight in _fields(node.field, ranking).items():
        if name == "journal":
            continue
        alternatives.append(nodes.Phrase(name, stems, boost=weight))
        if lemmas != stems:
            alternatives.append(nodes.Phrase(name, lemmas, boost=weight * ranking.lemma_weight))
        if exact != stems and not negated and ranking.exact_bonus:
            alternatives.append(nodes.Phrase(name, exact, boost=weight * ranking.exact_bonus))
    return nodes.Or(tuple(alternatives))


# -- the entry point ------------------------------------------------------------------

def parse_query(text: str | None, terms: Terms | None = None, mode: str = "strict",
                ranking: Ranking = DEFAULT_RANKING) -> ParsedQuery:
    """Parse a person's query. Never raises: the worst case is an empty query.

    :param terms: the index vocabulary (for æ/ø and close spellings); optional.
    :param mode: ``strict``, or a lenient retry: ``fuzzy`` or ``any`` (see ``build``).
    :param ranking: the ranking rules and weights.
    """
    tidied, notes = tidy(text or "")
    tree = parse(tidied) if tidied.strip() else None
    if tree is None:
        if (text or "").strip():
            notes.append("Søgningen indeholdt ingen ord, der kan søges på.")
            return ParsedQuery(tidied, nodes.Nothing(), notes, mode=mode)
        return ParsedQuery("", nodes.Every(), notes, mode=mode)
    query, highlight, respellings = build(tree, terms, mode, ranking)
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
