"""Write ``bench/queries.jsonl``: the benchmark's query log, made once from the real corpus.

The log is checked in, so every run times the same requests; run this again only to
change the mix. Each line is the query-string parameters of one request (lists of
strings, as ``SearchRequest.from_params`` and the HTTP API take them) and a ``kind``.
Words, phrases and case numbers come from the titles and case numbers of the real
Greve items, so they hit the corpus the way people's searches do: common words match
thousands of items, rarer ones a handful. Every filter value exists at every corpus
size (the scaled corpora contain the originals).

    .venv/bin/python -m bench.make_queries
"""

from __future__ import annotations

import json
import random
import re
from collections import Counter
from pathlib import Path

from .scale import load_originals

LOG = Path(__file__).resolve().parent / "queries.jsonl"
WARMUP = Path(__file__).resolve().parent / "warmup.jsonl"

# Words too common or too empty to be a search (Danish function words).
STOPWORDS = set("""
af alle andet andre at blev bliver da de dem den denne der deres det dette dig din disse
dog du efter eller en end er et for fra ham han hans har havde have hende hendes her hos
hun hvad hvis hvor i ikke ind jeg jer jo kan kunne man mange med meget men mig min mine
mit mod ned noget nogle nu når og også om op os over på sig sin sine sit skal skulle som
sådan thi til ud under var vi vil ville vor være været samt nr ved mv vedr jf pkt lukket
godkendelse orientering underskriftsark dagsorden huskeliste formanden gensidig
""".split())

DECISIONS = ["godkendt", "taget-til-efterretning", "anbefalet", "oversendt", "udsat"]
YEARS = ["2022", "2023", "2024", "2025"]


def _words(title: str) -> list[str]:
    return [w for w in re.findall(r"[^\W\d_]{3,}", title.lower()) if w not in STOPWORDS]


def build(seed: int = 20251122) -> tuple[list[dict], list[dict]]:
    """The query log and a warm-up of other queries."""
    rng = random.Random(seed)
    meetings = load_originals()
    titles: list[str] = []
    cases: list[str] = []
    committees: Counter[str] = Counter()
    for meeting in meetings:
        committee = meeting.committee.lstrip(". ")
        committee = re.sub(r"[\s_]+(?:19|20)\d{2}\s*-\s*\d{2,4}\s*$", "", committee)
        for item in meeting.document.get("Dagsordenpunkter") or []:
            title = (item.get("Navn") or "").removeprefix("Lukket:").strip()
            titles.append(title)
            committees[committee] += 1
            if re.fullmatch(r"\d{2}-\d{5,}", item.get("SagsNummer") or ""):
                cases.append(item["SagsNummer"])
    # Words of committee names fill titles ("Skole-, Børne- og Ungeudvalget - mødekalender")
    # but are not what people search for: the committee facet does that.
    committee_words = {w for c in committees for w in _words(c.replace("-", " "))}
    counts = Counter(w for t in titles for w in set(_words(t)) if w not in committee_words
                     and "udvalg" not in w)
    ranked = [w for w, _ in counts.most_common()]
    common = ranked[:60]
    middle = [w for w in ranked[60:600] if counts[w] >= 5]
    rare = [w for w in ranked if 2 <= counts[w] <= 4]
    committee_names = [c for c, n in committees.most_common() if n >= 100]
    pairs = Counter()
    for title in titles:
        words = re.findall(r"[^\W_]+", title.lower())
        for a, b in zip(words, words[1:]):
            if (a not in STOPWORDS and b not in STOPWORDS and len(a) > 2 and len(b) > 2
                    and "udvalg" not in a + b):
                pairs[(a, b)] += 1
    phrases = [f"{a} {b}" for (a, b), n in pairs.most_common(300) if n >= 3
               and not {a, b} & committee_words and "greve" not in (a, b)]

    log: list[dict] = []

    def add(kind: str, q: str = "", **params) -> None:
        entry = {"kind": kind, "q": [q] if q else []}
        entry.update({k: v if isinstance(v, list) else [str(v)] for k, v in params.items()})
        log.append(entry)

    for word in rng.sample(common, 30) + rng.sample(middle, 15) + rng.sample(rare, 10):
        add("word", word)
    bigrams = [p for p in phrases if not set(p.split()) & committee_words]
    for words in rng.sample(bigrams, 20):
        add("words", words)
    for _ in range(5):
        add("words", " ".join(rng.sample(common[:40], 2)))
    for _ in range(15):
        add("words", " ".join([rng.choice(common), rng.choice(middle)] + ([rng.choice(middle)] if rng.random() < .4 else [])))
    for phrase in rng.sample(phrases, 20):
        add("phrase", f'"{phrase}"')
    for case in rng.sample(sorted(set(cases)), 12):
        add("case", case)
    for case in rng.sample(sorted(set(cases)), 3):
        add("case", f"sag:{case}")
    for word in rng.sample(middle, 5):
        add("prefix", word[: max(4, len(word) - 3)] + "*")
    for _ in range(5):
        a, b = rng.sample(common, 2)
        add("operators", f"{a} OR {b}" if rng.random() < .5 else f"{a} -{b}")
    for _ in range(20):
        add("word+facet", rng.choice(common + middle), committee=[rng.choice(committee_names)])
    for _ in range(10):
        add("word+facet", rng.choice(common), year=[rng.choice(YEARS)])
    for _ in range(10):
        add("words+facets", " ".join(rng.sample(common, 2)), decision=[rng.choice(DECISIONS)],
            year=rng.sample(YEARS, rng.choice([1, 2])))
    for _ in range(5):
        add("word+dates", rng.choice(common), **{"from": "2023-01-01", "to": "2024-06-30"})
    add("browse")
    for committee in committee_names:
        add("browse+facet", committee=[committee])
    for year in YEARS:
        add("browse+facet", year=[year])
    for decision in DECISIONS:
        add("browse+facet", decision=[decision])
    for _ in range(10):
        add("browse+facets", committee=[rng.choice(committee_names)], year=[rng.choice(YEARS)],
            sort=rng.choice(["newest", "oldest"]))
    for _ in range(5):
        add("browse", sort="oldest")
    # The warm-up: other words and filters, so the log itself stays cold.
    used = {e["q"][0] for e in log if e["q"]}
    warmup: list[dict] = []
    for word in [w for w in middle if w not in used][:15]:
        warmup.append({"kind": "warmup", "q": [word], "per_page": ["10"]})
    for committee in committee_names[:5]:
        warmup.append({"kind": "warmup", "q": [], "committee": [committee], "per_page": ["10"]})
    # Pages 2 to 5 for a quarter of the log: people who read on.
    for entry in rng.sample(log, len(log) // 4):
        entry["page"] = [str(rng.randint(2, 5))]
    # Browsing entries that are alike but for the page: keep them apart.
    rng.shuffle(log)
    return log, warmup


def main() -> None:
    log, warmup = build()
    for path, entries in ((LOG, log), (WARMUP, warmup)):
        with path.open("w", encoding="utf-8") as handle:
            for entry in entries:
                handle.write(json.dumps(entry, ensure_ascii=False) + "\n")
    kinds = Counter(e["kind"] for e in log)
    print(f"{len(log)} queries written to {LOG}: {dict(kinds)}")


if __name__ == "__main__":
    main()
