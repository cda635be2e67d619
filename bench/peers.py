"""The peers searchsvc is measured against: SQLite FTS5 and tantivy, on the same items.

Both index the documents ``searchsvc.engine.schema.item_document`` makes from the rows of a
searchsvc item store (so the same items, with the same text per field), with the same
Danish analysis applied in Python before they see the text: the tokens of
``searchsvc.engine.analysis.TOKEN_PATTERN``, lowercased and reduced to their snowball stem
(journal numbers stay whole). Both answer the query log the way ``search`` does: the
requested page with display fields and a snippet, the total, and counts for all five
facets over every match (FTS5: ``GROUP BY`` over a temporary table of the matches;
tantivy: terms aggregations over fast fields).

The query log's syntax (words, ``"phrases"``, ``OR``, ``-word``, ``word*``, ``sag:``)
is translated by ``translate``; each peer turns the result into its own query.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from searchsvc.engine.analysis import TOKEN_PATTERN, stem
from searchsvc.engine.schema import item_document
from searchsvc.search.ranking import FIELD_WEIGHTS
from searchsvc.store.items import Store

FIELDS = ("title", "decision", "resume", "body", "journal")
WEIGHTS = dict(FIELD_WEIGHTS)
FACET_COLUMNS = {"municipality": "municipality", "committee": "committee", "year": "year",
                 "decision": "decisions", "kle": "kle"}


def analyse(text: str) -> list[str]:
    """The stemmed tokens of a text, as the peers index and query it."""
    return [stem(m.group().lower()) for m in TOKEN_PATTERN.finditer(text or "")]


def peer_documents(generation: Path):
    """(number, document) for every item of a searchsvc generation, analysed."""
    store = Store(generation)
    for number, row in enumerate(store.iter_items(), start=1):
        document = item_document(row)
        yield number, {
            "id": row["id"],
            "title_display": row["title"],
            "committee": row["committee"],
            "municipality": row["municipality"],
            "date": row["date"],
            "datenum": int(row["date"].replace("-", "")),
            "item_number": row["item_number"],
            "journal_number": row["journal_number"] or "",
            "year": row["date"][:4],
            "decisions": list(row["decisions"]),
            "kle": row["kle_main_group"] or "",
            **{name: " ".join(analyse(document.get(name, ""))) for name in FIELDS if name != "journal"},
            "journal": document.get("journal", ""),
        }
    store.close()


# -- the query log's syntax ------------------------------------------------------------

@dataclass
class Clause:
    kind: str                 # "term", "phrase" or "prefix"
    words: list[str]          # analysed
    field: str | None = None  # None: every text field
    negated: bool = False


@dataclass
class PeerQuery:
    """A request the peers understand: clauses ANDed (``groups`` ORed within), filters."""

    groups: list[list[Clause]] = field(default_factory=list)
    filters: dict[str, list[str]] = field(default_factory=dict)
    date_from: int | None = None
    date_to: int | None = None
    sort: str = "relevance"
    page: int = 1
    per_page: int = 20

    @property
    def browsing(self) -> bool:
        return not self.groups


def translate(params: dict[str, list[str]]) -> PeerQuery:
    """A query-log entry (query-string parameters) as a ``PeerQuery``."""
    text = (params.get("q") or [""])[-1]
    groups: list[list[Clause]] = []
    pending_or = False
    for token in re.findall(r'"[^"]*"|\S+', text):
        if token == "OR":
            pending_or = True
            continue
        negated = token.startswith("-") and len(token) > 1
        token = token[1:] if negated else token
        fieldname = None
        if re.match(r"^(sag|journal):", token):
            fieldname, token = "journal", token.split(":", 1)[1]
        if token.startswith('"'):
            clause = Clause("phrase", analyse(token.strip('"')), fieldname, negated)
        elif token.endswith("*"):
            clause = Clause("prefix", [token.rstrip("*").lower()], fieldname, negated)
        elif fieldname == "journal":
            clause = Clause("term", [token.lower()], fieldname, negated)
        else:
            words = analyse(token)
            if not words:
                continue
            clause = Clause("phrase" if len(words) > 1 else "term", words, fieldname, negated)
        if pending_or and groups:
            groups[-1].append(clause)
        else:
            groups.append([clause])
        pending_or = False
    filters = {name: params[name] for name in FACET_COLUMNS if params.get(name)}

    def day(name: str) -> int | None:
        value = (params.get(name) or [None])[-1]
        return int(value.replace("-", "")) if value else None

    sort = (params.get("sort") or [None])[-1] or ("relevance" if groups else "newest")
    return PeerQuery(groups, filters, day("from"), day("to"), sort,
                     int((params.get("page") or ["1"])[-1]), int((params.get("per_page") or ["20"])[-1]))


# -- SQLite FTS5 ------------------------------------------------------------------------

class Fts5:
    name = "SQLite FTS5"

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db: sqlite3.Connection | None = None

    @staticmethod
    def build(generation: Path, path: Path) -> tuple[int, float]:
        """Index a searchsvc generation's items; return (items, seconds)."""
        path.unlink(missing_ok=True)
        started = time.perf_counter()
        db = sqlite3.connect(path)
        db.executescript(f"""
            PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;
            CREATE TABLE items (id INTEGER PRIMARY KEY, item_id TEXT, title TEXT, municipality TEXT,
                committee TEXT, date TEXT, datenum INTEGER, item_number INTEGER, journal_number TEXT,
                year TEXT, decisions TEXT, kle TEXT);
            CREATE TABLE item_decisions (item INTEGER, decision TEXT);
            CREATE VIRTUAL TABLE fts USING fts5({", ".join(FIELDS)},
                tokenize="unicode61 remove_diacritics 0 tokenchars '.-'");
        """)
        count = 0
        with db:
            for number, doc in peer_documents(generation):
                db.execute("INSERT INTO items VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                           (number, doc["id"], doc["title_display"], doc["municipality"], doc["committee"],
                            doc["date"], doc["datenum"], doc["item_number"], doc["journal_number"],
                            doc["year"], json.dumps(doc["decisions"]), doc["kle"]))
                db.executemany("INSERT INTO item_decisions VALUES (?, ?)",
                               [(number, d) for d in doc["decisions"]])
                db.execute(f"INSERT INTO fts (rowid, {', '.join(FIELDS)}) VALUES (?,?,?,?,?,?)",
                           (number, *[doc[f] for f in FIELDS]))
                count += 1
        db.executescript("""
            CREATE INDEX items_committee ON items (committee);
            CREATE INDEX items_year ON items (year);
            CREATE INDEX items_date ON items (datenum DESC, item_number);
            CREATE INDEX decisions_value ON item_decisions (decision, item);
            CREATE INDEX decisions_item ON item_decisions (item);
            INSERT INTO fts(fts) VALUES ('optimize');
        """)
        db.close()
        return count, time.perf_counter() - started

    def open(self) -> None:
        self.db = sqlite3.connect(self.path, check_same_thread=False)
        self.db.execute("CREATE TEMP TABLE hits (id INTEGER PRIMARY KEY, score REAL)")

    @staticmethod
    def _match(query: PeerQuery) -> str:
        def clause(c: Clause) -> str:
            column = f"{c.field} : " if c.field else ""
            if c.kind == "prefix":
                body = f'"{c.words[0]}" *'
            else:
                body = '"' + " ".join(w.replace('"', "") for w in c.words) + '"'
            return column + body

        positive, negative = [], []
        for group in query.groups:
            if len(group) == 1 and group[0].negated:
                negative.append(clause(group[0]))
            else:
                positive.append("(" + " OR ".join(clause(c) for c in group) + ")")
        text = " AND ".join(positive) or '""'
        for part in negative:
            text += f" NOT {part}"
        return text

    def _where(self, query: PeerQuery) -> tuple[str, list]:
        sql, args = [], []
        for name, values in query.filters.items():
            if name == "decision":
                sql.append(f"items.id IN (SELECT item FROM item_decisions WHERE decision IN ({','.join('?' * len(values))}))")
            else:
                sql.append(f"items.{FACET_COLUMNS[name]} IN ({','.join('?' * len(values))})")
            args += values
        if query.date_from:
            sql.append("items.datenum >= ?")
            args.append(query.date_from)
        if query.date_to:
            sql.append("items.datenum <= ?")
            args.append(query.date_to)
        return (" AND ".join(sql) or "1"), args

    def search(self, params: dict[str, list[str]]) -> dict:
        query = translate(params)
        db = self.db
        where, args = self._where(query)
        db.execute("DELETE FROM hits")
        match = None
        if query.browsing:
            db.execute(f"INSERT INTO hits SELECT id, 0 FROM items WHERE {where}", args)
        else:
            match = self._match(query)
            weights = ", ".join(str(WEIGHTS[f]) for f in FIELDS)
            db.execute(f"INSERT INTO hits SELECT fts.rowid, bm25(fts, {weights}) FROM fts"
                       f" JOIN items ON items.id = fts.rowid WHERE fts MATCH ? AND {where}", [match, *args])
        total = db.execute("SELECT COUNT(*) FROM hits").fetchone()[0]
        facets = {}
        for name, column in FACET_COLUMNS.items():
            if name == "decision":
                sql = ("SELECT d.decision, COUNT(*) FROM hits JOIN item_decisions d ON d.item = hits.id"
                       " GROUP BY d.decision ORDER BY 2 DESC")
            else:
                sql = (f"SELECT items.{column}, COUNT(*) FROM hits JOIN items ON items.id = hits.id"
                       f" WHERE items.{column} != '' GROUP BY items.{column} ORDER BY 2 DESC")
            facets[name] = db.execute(sql).fetchall()
        order = {"relevance": "hits.score", "newest": "items.datenum DESC, items.item_number",
                 "oldest": "items.datenum, items.item_number"}[query.sort if not query.browsing or query.sort != "relevance" else "newest"]
        rows = db.execute(
            f"SELECT items.id, items.item_id, items.title, items.committee, items.date, items.item_number,"
            f" items.journal_number, items.decisions FROM hits JOIN items ON items.id = hits.id"
            f" ORDER BY {order} LIMIT ? OFFSET ?",
            (query.per_page, (query.page - 1) * query.per_page)).fetchall()
        snippets = {}
        if match and rows:
            ids = [r[0] for r in rows]
            for rowid, snippet in db.execute(
                    f"SELECT rowid, snippet(fts, -1, '<mark>', '</mark>', '…', 32) FROM fts"
                    f" WHERE fts MATCH ? AND rowid IN ({','.join('?' * len(ids))})", [match, *ids]):
                snippets[rowid] = snippet
        results = [{"id": r[1], "title": r[2], "committee": r[3], "date": r[4], "item_number": r[5],
                    "journal_number": r[6], "decisions": json.loads(r[7]), "snippet": snippets.get(r[0])}
                   for r in rows]
        return {"total": total, "results": results, "facets": facets}


# -- tantivy -----------------------------------------------------------------------------

class Tantivy:
    name = "tantivy"

    def __init__(self, path: Path) -> None:
        self.path = path

    @staticmethod
    def _schema():
        import tantivy

        builder = tantivy.SchemaBuilder()
        builder.add_text_field("item_id", stored=True, tokenizer_name="raw")
        builder.add_text_field("title_display", stored=True, tokenizer_name="raw")
        for name in FIELDS:
            builder.add_text_field(name, stored=name == "body", tokenizer_name="whitespace")
        for name in ("municipality", "committee", "year", "decisions", "kle"):
            builder.add_text_field(name, stored=name != "decisions", fast=True, tokenizer_name="raw")
        builder.add_text_field("decisions_display", stored=True, tokenizer_name="raw", index_option="basic")
        builder.add_text_field("date", stored=True, tokenizer_name="raw", index_option="basic")
        builder.add_text_field("journal_number", stored=True, tokenizer_name="raw", index_option="basic")
        builder.add_integer_field("datenum", indexed=True, fast=True)
        builder.add_integer_field("item_number", stored=True, fast=True)
        builder.add_integer_field("newest_key", fast=True)
        builder.add_integer_field("oldest_key", fast=True)
        return builder.build()

    @classmethod
    def build(cls, generation: Path, path: Path) -> tuple[int, float]:
        import tantivy

        shutil.rmtree(path, ignore_errors=True)
        path.mkdir(parents=True)
        started = time.perf_counter()
        index = tantivy.Index(cls._schema(), path=str(path))
        index.register_tokenizer("whitespace", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
        writer = index.writer(heap_size=200_000_000)
        count = 0
        for _, doc in peer_documents(generation):
            fields = {name: doc[name] for name in FIELDS}
            fields.update(item_id=doc["id"], title_display=doc["title_display"],
                          municipality=doc["municipality"], committee=doc["committee"], year=doc["year"],
                          decisions=doc["decisions"], decisions_display=json.dumps(doc["decisions"]),
                          date=doc["date"], journal_number=doc["journal_number"], datenum=doc["datenum"],
                          item_number=doc["item_number"],
                          newest_key=doc["datenum"] * 10000 + (9999 - doc["item_number"]),
                          oldest_key=-(doc["datenum"] * 10000 + doc["item_number"]))
            if doc["kle"]:
                fields["kle"] = doc["kle"]
            writer.add_document(tantivy.Document(**fields))
            count += 1
        writer.commit()
        writer.wait_merging_threads()
        return count, time.perf_counter() - started

    def open(self) -> None:
        import tantivy

        self.index = tantivy.Index.open(str(self.path))
        self.index.register_tokenizer("whitespace", tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.whitespace()).build())
        self.schema = self.index.schema
        self.searcher = self.index.searcher()

    def _query(self, query: PeerQuery):
        from tantivy import Occur, Query

        schema = self.schema

        def one(clause: Clause, name: str):
            if clause.kind == "term":
                return Query.term_query(schema, name, clause.words[0])
            if clause.kind == "phrase":
                if len(clause.words) == 1:
                    return Query.term_query(schema, name, clause.words[0])
                return Query.phrase_query(schema, name, clause.words)
            return Query.regex_query(schema, name, re.escape(clause.words[0]) + ".*")

        def clause_query(clause: Clause):
            names = [clause.field] if clause.field else list(FIELDS)
            return Query.boolean_query([(Occur.Should, Query.boost_query(one(clause, n), WEIGHTS[n]))
                                        for n in names])

        parts = []
        for group in query.groups:
            if len(group) == 1 and group[0].negated:
                parts.append((Occur.MustNot, clause_query(group[0])))
            else:
                parts.append((Occur.Must, Query.boolean_query([(Occur.Should, clause_query(c)) for c in group])))
        if query.browsing or all(occur == Occur.MustNot for occur, _ in parts):
            parts.append((Occur.Must, Query.all_query()))
        filters = []
        for name, values in query.filters.items():
            column = FACET_COLUMNS[name]
            filters.append((Occur.Must, Query.term_set_query(schema, column, values)))
        if query.date_from or query.date_to:
            import tantivy

            filters.append((Occur.Must, Query.range_query(schema, "datenum", tantivy.FieldType.Integer,
                                                          query.date_from, query.date_to)))
        scored = Query.boolean_query(parts)
        if filters:
            return Query.boolean_query([(Occur.Must, scored)] + [
                (occur, Query.const_score_query(q, 0.0)) for occur, q in filters])
        return scored

    def search(self, params: dict[str, list[str]]) -> dict:
        import tantivy

        query = translate(params)
        searcher = self.searcher
        q = self._query(query)
        offset = (query.page - 1) * query.per_page
        if query.sort == "relevance" and not query.browsing:
            found = searcher.search(q, limit=query.per_page, offset=offset, count=True)
        else:
            key = "oldest_key" if query.sort == "oldest" else "newest_key"
            found = searcher.search(q, limit=query.per_page, offset=offset, count=True,
                                    order_by_field=key, order=tantivy.Order.Desc)
        aggregations = searcher.aggregate(q, {
            name: {"terms": {"field": column, "size": 1000}} for name, column in FACET_COLUMNS.items()
        })
        facets = {name: [(b["key"], b["doc_count"]) for b in aggregations.get(name, {}).get("buckets", [])]
                  for name in FACET_COLUMNS}
        generator = None
        if not query.browsing and found.hits:
            generator = tantivy.SnippetGenerator.create(searcher, q, self.schema, "body")
        results = []
        for _, address in found.hits:
            doc = searcher.doc(address)
            results.append({
                "id": doc["item_id"][0], "title": doc["title_display"][0], "committee": doc["committee"][0],
                "date": doc["date"][0], "item_number": doc["item_number"][0],
                "journal_number": doc["journal_number"][0] if doc["journal_number"] else None,
                "decisions": json.loads(doc["decisions_display"][0]),
                "snippet": generator.snippet_from_doc(doc).to_html() if generator else None,
            })
        return {"total": found.count, "results": results, "facets": facets}


PEERS = {"fts5": Fts5, "tantivy": Tantivy}


def tantivy_available() -> bool:
    try:
        import tantivy  # noqa: F401
    except ImportError:
        return False
    return True
