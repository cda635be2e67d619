"""How many of a name search's top results are there only because of attendance notes.

Issue 17: searching a person's name returned mostly "Afbud"/"Fraværende" lines. For each
name, the top 100 results (every item, ``group=none``) are counted as

- attendance snippets: the snippet is an attendance line (Afbud, Fraværende, Ikke til
  stede, deltog som stedfortræder ...);
- attendance-only: the item names the person only in attendance notes, its own or those
  of earlier meetings its "Sagens forløb" repeats (the name is not in its title or in its
  text once the notes are left out).

Run over a built index (``searchsvc reindex`` first):

    python -m bench.attendance_report --config bench/relevance/config.toml "Mehmet Zeki Dogru"
"""

from __future__ import annotations

import argparse
import re

from searchsvc.config import load_config
from searchsvc.domain.attendance import ATTENDANCE_SECTIONS, searchable_section
from searchsvc.domain.decisions import split_attendance
from searchsvc.search import SearchService
from searchsvc.search.request import SearchRequest

TOP = 100


def is_attendance(snippet: str) -> bool:
    """Whether a snippet (HTML with <mark>) is an attendance note."""
    text = re.sub(r"<[^>]+>", "", snippet)
    text = re.sub(r"^[^:\n]{1,40}:\s*", "", text)  # the section heading the snippet starts with
    return split_attendance(text)[1] is not None


def report(service: SearchService, name: str) -> dict[str, int]:
    results = service.search(SearchRequest(q=name, group="none", per_page=TOP))
    folded = " ".join(name.split()).casefold()
    snippets = only_attendance = 0
    for hit in results.results:
        if hit.get("snippet") and is_attendance(hit["snippet"]):
            snippets += 1
        item = service.item(hit["id"])
        sections = item["sections"]
        text = "\n".join([item["title"], *(searchable_section(s["heading"], s["text"]) for s in sections)])
        # This item's notes and those of the earlier meetings its "Sagens forløb" repeats.
        notes = "\n".join(split_attendance(s["text"])[1] or "" for s in sections if s["heading"] in ATTENDANCE_SECTIONS)
        if folded in " ".join(notes.split()).casefold() and folded not in " ".join(text.split()).casefold():
            only_attendance += 1
    return {"total": results.total, "top": len(results.results), "attendance_snippets": snippets,
            "attendance_only": only_attendance}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--config", required=True)
    parser.add_argument("names", nargs="+")
    args = parser.parse_args()
    service = SearchService.open(load_config(args.config))
    for name in args.names:
        counts = report(service, name)
        print(f"{name}: {counts['total']} matches; of the top {counts['top']}: "
              f"{counts['attendance_snippets']} attendance snippets, "
              f"{counts['attendance_only']} name the person only in attendance notes")


if __name__ == "__main__":
    main()
