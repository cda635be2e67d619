"""The compound-word dictionary: Danish compounds split into parts the corpus knows.

Danish writes compounds as one word (``Spildevandsplan``, ``Borgerdialog``). A person
looking for them types the parts (``plan for spildevand``). At index time each
compound is split into parts that the corpus also uses as words on their own, joined
directly or by a linking ``s`` or ``e`` (``spildevand-s-plan``, ``ældre-reform``).

Rules that keep false hits down (``bil`` must not find every ``bilag``):

- a part is at least ``MIN_PART`` letters, and a known part is a word seen on its own
  whose inflections together are seen at least ``MIN_COUNT`` times (``reform`` once and
  ``reformen`` twice), and that is not a function word (``for``, ``med``, ``over``);
- a split must cover the whole word, and the fewest parts win (longer, likelier parts);
- an inflected form of a simple word is not a compound: the split must fall inside
  the word's stem (``aktiv|erede`` is ``aktivere`` inflected, not ``aktiv`` + ``rede``);
- a first part the corpus never writes alone (``egnsteater`` in ``Egnsteateraftale``)
  is accepted only when it is long and the rest is a common word.

The dictionary is the corpus vocabulary with counts. It is persisted in the
generation folder and only grows between full rebuilds, so an incremental reindex
never takes a part away from a document indexed earlier.
"""

from __future__ import annotations

import gzip
from collections import Counter
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from ..files import write_atomically
from .stems import STOPWORDS, stem

DICTIONARY_FILE = "compound-words.tsv.gz"
MIN_PART = 4
MIN_COUNT = 2
# An unattested first part must be this long, and the rest this common.
MIN_UNKNOWN_HEAD = 5
MIN_STRONG_TAIL = 6
MIN_STRONG_COUNT = 10
LINKS = ("", "s", "e")
# Longer words are not split: no Danish compound comes near it, and trying every cut of
# a very long token (a hostile document) costs time that grows with its cube.
MAX_COMPOUND_CHARS = 60

# Function words and verb prefixes are never parts: "forslag" is not "for" + "slag".
NOT_PARTS = STOPWORDS | {
    "frem", "gennem", "imod", "igen", "sammen", "tilbage", "mellem", "omkring", "uden",
    "efter", "inden", "hver", "hvilke", "hvilken", "deres", "vores", "samt", "eller",
}
# Words that are also derivational endings are never a last part: "borgerskab" is not
# "borger" + "skab", "betalingen" not "betal" + "ingen", "rapportering" not "rapport"
# + "ring".
NOT_TAILS = NOT_PARTS | {
    "skab", "skabs", "skaber", "skabet", "skaberne", "ingen", "inger", "gerne", "else",
    "elser", "ende", "ender", "erne", "lige", "ligt", "lighed", "heden", "tages", "ring",
    "ringen", "ringer", "linger", "lingen", "ninger", "ningen", "rede", "svarer",
}


# What the cache holds for a text not looked at yet (None is a valid answer).
_UNSEEN: Any = object()


class CompoundDictionary:
    """Word counts from the corpus, and the splitting of compounds they allow.

    >>> d = CompoundDictionary(Counter({"spildevand": 5, "plan": 9, "planen": 3, "bil": 4}))
    >>> d.parts("spildevandsplanen")
    ['spildevand', 'planen']
    >>> d.parts("bilag") is None
    True
    """

    def __init__(self, counts: Counter[str] | None = None) -> None:
        self.counts: Counter[str] = counts if counts is not None else Counter()
        self._cache: dict[str, list[str] | None] = {}
        self._stem_counts: Counter[str] | None = None

    def __len__(self) -> int:
        return len(self.counts)

    def update(self, words: Iterable[str] | Mapping[str, int]) -> int:
        """Count more words (lowercase, as written; or words with their counts); return
        how many were new."""
        before = len(self.counts)
        if isinstance(words, Mapping):
            self.counts.update({w: n for w, n in words.items() if w.isalpha()})
        else:
            self.counts.update(w for w in words if w.isalpha())
        self._cache.clear()
        self._stem_counts = None
        return len(self.counts) - before

    def known(self, word: str) -> bool:
        """Whether a word may be a part: long enough, seen alone, common enough with its
        inflections, not a function word."""
        if len(word) < MIN_PART or word in NOT_PARTS or word not in self.counts:
            return False
        stem_counts = self._stem_counts
        if stem_counts is None:
            # Built aside and published whole: server threads share this dictionary and
            # must never read a half-filled table.
            stem_counts = Counter()
            for seen, count in self.counts.items():
                stem_counts[stem(seen)] += count
            self._stem_counts = stem_counts
        return stem_counts[stem(word)] >= MIN_COUNT

    def parts(self, word: str) -> list[str] | None:
        """The parts of a compound (as written in it, linking letters dropped), or None.

        A split must fall inside the word's stem, so that an inflected simple word
        (``aktiverede``, stem ``aktiv``) is not taken for a compound.
        """
        if word in self._cache:
            return self._cache[word]
        result = None
        if 2 * MIN_PART <= len(word) <= MAX_COMPOUND_CHARS and word.isalpha():
            result = self._split(word, limit=len(stem(word)))
        self._cache[word] = result
        return result

    def all_parts(self, word: str) -> list[str]:
        """Every part at every level: ``spildevandsplanforslag`` gives
        ``spildevandsplan``, ``forslag``, ``spildevand`` and ``plan``."""
        found: list[str] = []
        pending = [word]
        while pending:
            for part in self.parts(pending.pop()) or ():
                if part not in found:
                    found.append(part)
                    pending.append(part)
        return found

    def _split(self, word: str, limit: int) -> list[str] | None:
        """The best split of ``word`` into two or more parts."""
        best: list[str] | None = None
        for cut in range(MIN_PART, min(len(word) - MIN_PART, limit - 1) + 1):
            head = word[:cut]
            head_known = self.known(head)
            if not head_known and not self._plausible_head(head):
                continue
            for link in LINKS:
                if not word.startswith(link, cut):
                    continue
                tail = word[cut + len(link):]
                if len(tail) < MIN_PART or tail in NOT_TAILS:
                    continue
                if head_known:
                    rest = self._cover(tail)
                elif self._strong(tail):
                    rest = [tail]  # an unattested head needs a long, common word after it
                else:
                    rest = None
                if rest is None:
                    continue
                candidate = [head] + rest
                if best is None or self._better(candidate, best):
                    best = candidate
        return best

    def _plausible_head(self, head: str) -> bool:
        """An unattested first part must be long and end in a word the corpus knows
        (``egns|teater``), so that a cut inside a word (``klimav|enlige``) is refused."""
        if len(head) < MIN_UNKNOWN_HEAD or head in NOT_PARTS:
            return False
        return any(self.counts.get(head[i:], 0) >= MIN_COUNT and head[i:] not in NOT_PARTS
                   for i in range(1, len(head) - 2))

    def _strong(self, word: str) -> bool:
        return (len(word) >= MIN_STRONG_TAIL and self.counts.get(word, 0) >= MIN_STRONG_COUNT
                and word not in NOT_TAILS)

    def _cover(self, text: str) -> list[str] | None:
        """The fewest known parts that make up ``text`` exactly (one part if it is known)."""
        if self.known(text) and text not in NOT_TAILS:
            return [text]
        cached = self._cache.get("\0" + text, _UNSEEN)
        if cached is not _UNSEEN:
            return cached
        best = None
        for cut in range(MIN_PART, len(text) - MIN_PART + 1):
            head = text[:cut]
            if not self.known(head):
                continue
            for link in LINKS:
                if not text.startswith(link, cut):
                    continue
                rest = self._cover(text[cut + len(link):]) if len(text) - cut - len(link) >= MIN_PART else None
                if rest is not None and (best is None or self._better([head] + rest, best)):
                    best = [head] + rest
        self._cache["\0" + text] = best
        return best

    def _better(self, a: list[str], b: list[str]) -> bool:
        """Fewer parts win; then the split whose rarest part is commoner; then the one
        that drops fewer letters as linking letters (``landsbygge|fonden``)."""
        if len(a) != len(b):
            return len(a) < len(b)
        rarest_a = min(self.counts.get(p, 0) for p in a)
        rarest_b = min(self.counts.get(p, 0) for p in b)
        if rarest_a != rarest_b:
            return rarest_a > rarest_b
        return sum(map(len, a)) > sum(map(len, b))

    # -- persistence --------------------------------------------------------------------

    def save(self, folder: Path) -> None:
        """Write the dictionary into a generation folder, atomically."""
        lines = "".join(f"{w}\t{n}\n" for w, n in sorted(self.counts.items()))
        write_atomically(Path(folder) / DICTIONARY_FILE, gzip.compress(lines.encode("utf-8"), compresslevel=6))

    @classmethod
    def load(cls, folder: Path) -> CompoundDictionary:
        """The dictionary of a generation folder; empty when it has none yet."""
        path = Path(folder) / DICTIONARY_FILE
        counts: Counter[str] = Counter()
        try:
            with gzip.open(path, "rt", encoding="utf-8") as handle:
                for line in handle:
                    word, _, count = line.rstrip("\n").partition("\t")
                    if word and count.isdigit():
                        counts[word] = int(count)
        except FileNotFoundError:
            pass
        return cls(counts)
