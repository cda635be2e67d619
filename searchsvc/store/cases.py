"""Cases in the store: the items of a journal number, its threads, and keeping each
item's ``thread_id`` right as files come and go (``domain/cases.py`` decides)."""

from __future__ import annotations

from ..domain.cases import thread_ids
from .items import Store
from .rows import decode_row

_CASE_COLUMNS = ("id, date, time, municipality, committee, meeting_id, item_number, title, decisions,"
                 " status, thread_id")


def case_items(store: Store, journal_number: str, municipality: str) -> list[dict]:
    """Every item of one journal number (and municipality), oldest first."""
    rows = store.db.execute(
        f"SELECT {_CASE_COLUMNS} FROM items WHERE journal_number = ? AND municipality = ?"
        " ORDER BY date, time, committee, item_number",
        (journal_number, municipality),
    )
    return [decode_row(r) for r in rows]


def update_threads(store: Store) -> tuple[dict[str, str], list[str]]:
    """Thread every journal number again and store the thread ids that changed.

    Threads depend on all the items of a journal number, across files, so a changed file
    can move items of other files: all are recomputed (see the README for the cost).
    Call it inside the transaction that changed the items.

    :return: every item's thread id, and the ids of the items whose thread id changed
        (their index documents are stale).
    """
    rows = store.db.execute(
        "SELECT id, municipality, journal_number, meeting_id, date, time, committee, item_number,"
        " title, thread_id FROM items"
    ).fetchall()
    threads = thread_ids(rows)
    changed = [(threads[row["id"]], row["id"]) for row in rows if row["thread_id"] != threads[row["id"]]]
    store.db.executemany("UPDATE items SET thread_id = ? WHERE id = ?", changed)
    return threads, [item_id for _, item_id in changed]


def thread_steps(store: Store, thread_ids: list[str]) -> dict[str, list[dict]]:
    """The items of some case threads, each thread's oldest first: its steps (the
    committee, date, decisions and agenda or minutes of each), by thread id."""
    steps: dict[str, list[dict]] = {thread_id: [] for thread_id in thread_ids}
    wanted = list(steps)
    for start in range(0, len(wanted), 500):  # SQLite's limit on parameters
        chunk = wanted[start:start + 500]
        rows = store.db.execute(
            "SELECT id, date, committee, item_number, decisions, status, thread_id FROM items"
            f" WHERE thread_id IN ({', '.join('?' * len(chunk))}) ORDER BY date, time, committee, item_number",
            chunk,
        )
        for row in rows:
            step = decode_row(row)
            steps[step.pop("thread_id")].append(step)
    return steps


def item_threads(store: Store) -> dict[str, str]:
    """Every item's thread id, by item id."""
    return {row[0]: row[1] or row[0] for row in store.db.execute("SELECT id, thread_id FROM items")}
