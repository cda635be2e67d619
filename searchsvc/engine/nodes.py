"""The engine's query nodes: what the search layer asks the engine to match and score.

Plain frozen dataclasses, with no Whoosh in them, so that the query language
(``search/query.py``) builds queries without knowing the index library. ``evaluate.py``
is the one visitor that matches and scores them. Terms are index terms (the forms
``analysis.py`` writes: ``klag``, ``=klagerne``, ``+plan``), not words as typed.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    """Documents holding an index term in a field; BM25F-scored, times ``boost``."""

    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Prefix:
    """Documents holding any term of a field that starts with ``text``."""

    field: str
    text: str
    boost: float = 1.0


@dataclass(frozen=True)
class Phrase:
    """Documents where the terms stand in order, each within ``slop`` positions of the
    one before (1: adjacent); scored as the sum of its terms where it applies."""

    field: str
    words: tuple[str, ...]
    slop: int = 1
    boost: float = 1.0


@dataclass(frozen=True)
class Near:
    """Documents where the terms stand within ``slop`` positions of each other, in any
    order (0: at one position, as the parts of one compound); scored as the sum of the
    terms' boosted scores where it applies."""

    terms: tuple[Term, ...]
    slop: int = 0


@dataclass(frozen=True)
class Or:
    """Any of the children; the sum of the scores of those that match."""

    children: tuple[Node, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class And:
    """All of the children; the sum of their scores. An empty ``And`` matches nothing."""

    children: tuple[Node, ...]
    boost: float = 1.0


@dataclass(frozen=True)
class Not:
    """Every document the child does not match (scores 1 inside an ``And``)."""

    child: Node


@dataclass(frozen=True)
class AndMaybe:
    """The documents of ``required``, scored more when ``optional`` matches too."""

    required: Node
    optional: Node


@dataclass(frozen=True)
class Every:
    """Every live document."""


@dataclass(frozen=True)
class Nothing:
    """No document."""


Node = Term | Prefix | Phrase | Near | Or | And | Not | AndMaybe | Every | Nothing
