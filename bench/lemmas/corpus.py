"""The real corpus (../shared/corpus) as item texts, and which items hold which words.

Reads Frederiksberg referat text, Greve FirstAgenda JSON and the Aarhus pages (HTML and
the PDF agenda) with the project's own parsers, so the words are those the index sees.
"""

from __future__ import annotations

import pickle
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from searchsvc.domain.model import slugify
from searchsvc.engine.analysis import words
from searchsvc.sources import detect_format, read_source

CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus"
SOURCES = (("frederiksberg", "Frederiksberg Kommune"), ("greve", "Greve Kommune"),
           ("aarhus", "Aarhus Kommune"))


@dataclass
class ItemText:
    """One agenda item: its reference (as the judged sets write it), case number, title, text."""

    ref: str
    journal_number: str | None
    title: str
    text: str


def load_items(corpus: Path = CORPUS) -> list[ItemText]:
    """Every agenda item of the corpus, parsed by searchsvc's source readers.

    :raise FileNotFoundError: the corpus is not there.
    """
    if not corpus.is_dir():
        raise FileNotFoundError(f"{corpus}: the corpus folder is missing")
    items = []
    for folder, municipality in SOURCES:
        for path in sorted((corpus / folder).iterdir()):
            data = path.read_bytes()
            if detect_format(path, data) is None:
                continue
            for meeting in read_source(path, data, municipality=municipality).meetings:
                for item in meeting.items:
                    ref = f"{folder}/{item.date.isoformat()}/{item.item_number}/{slugify(item.committee)}"
                    body = "\n".join(s.text for s in item.sections)
                    items.append(ItemText(ref, item.journal_number, item.title,
                                          f"{item.title}\n{body}\n" + "\n".join(item.attachments)))
    return items


@dataclass
class WordIndex:
    """For each lowercase word, how many items hold it and how often it occurs in all."""

    document_frequency: Counter[str]
    frequency: Counter[str]
    items: int


def word_index(items: list[ItemText]) -> WordIndex:
    df: Counter[str] = Counter()
    tf: Counter[str] = Counter()
    for item in items:
        counts = Counter(words(item.text))
        tf.update(counts)
        df.update(counts.keys())
    return WordIndex(df, tf, len(items))


def cached_word_index(cache: Path | None = None) -> WordIndex:
    """``word_index`` of the whole corpus, kept in a pickle (a parse takes ~30 s)."""
    if cache is not None and cache.exists():
        return pickle.loads(cache.read_bytes())
    index = word_index(load_items())
    if cache is not None:
        cache.write_bytes(pickle.dumps(index))
    return index
