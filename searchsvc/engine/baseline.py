"""Whoosh with its defaults, as the baseline that ``searchsvc eval --baseline`` scores.

Danish stemming (``LanguageAnalyzer("da")``), title and body fields, Whoosh's query
parser and BM25F ranking: what a plain Whoosh setup would find, built on the same items
in a temporary folder.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager

from whoosh import index as whoosh_index
from whoosh import qparser
from whoosh.analysis import LanguageAnalyzer
from whoosh.fields import ID, TEXT, Schema

from .schema import row_text


@contextmanager
def baseline_ranker(rows: Iterable[dict]) -> Iterator[Callable[[str, int], list[str]]]:
    """A ranker over the rows with Whoosh's defaults: ``rank(query, limit)`` gives item
    ids, best first. The index lives as long as the ``with`` block."""
    schema = Schema(id=ID(stored=True, unique=True), title=TEXT(analyzer=LanguageAnalyzer("da")),
                    body=TEXT(analyzer=LanguageAnalyzer("da")))
    with tempfile.TemporaryDirectory(prefix="searchsvc-baseline-") as folder:
        ix = whoosh_index.create_in(folder, schema)
        writer = ix.writer(limitmb=256)
        for row in rows:
            writer.add_document(id=row["id"], title=row["title"], body=row_text(row))
        writer.commit()
        parser = qparser.MultifieldParser(["title", "body"], ix.schema)
        with ix.searcher() as searcher:
            yield lambda query, limit: [hit["id"] for hit in searcher.search(parser.parse(query), limit=limit)]
