"""Lines of a PDF's text layer joined back into paragraphs.

pypdf yields one line per printed line: a sentence wrapped at the right margin, or
broken by a page break, arrives in pieces ("... cykelbro fra Dokk1 til" / "Balticagade
skulle undersøges."), and a lone "." sometimes stands on a line of its own. A line is
joined to the next when it does not end a sentence or a lead-in (``. : ! ? ;``) and the
next goes on with it: a lower-case word, or any word after a line that fills most of the
width. Lists ("1. ...", "- ...", "• ..."), blank lines and short lines before a capital
(headings, names) keep their breaks.
"""

from __future__ import annotations

import re

# The next line opens a list item: its break stays.
_LIST_ITEM = re.compile(r"^\s*(?:[-–•*·▪]\s|\d{1,3}[.)]\s|[a-zæøå][.)]\s)")
_ENDS = (".", ":", "!", "?", ";")
# A line this share of the text's longest line or more was wrapped at the margin.
FULL_WIDTH = 0.6


def join_wrapped(text: str) -> str:
    """``text`` with wrapped lines joined and lone "." lines dropped (a text that is only
    "." stays: it is an empty decision)."""
    lines = text.split("\n")
    if sum(1 for line in lines if line.strip()) < 2:
        return text
    lines = [line for line in lines if line.strip() != "."]
    width = max(len(line.strip()) for line in lines)
    out: list[str] = []
    for line in lines:
        stripped = line.strip()
        if out and _continues(out[-1], stripped, width):
            out[-1] = out[-1].rstrip() + " " + stripped
        else:
            out.append(line.rstrip())
    return "\n".join(out)


def _continues(previous: str, line: str, width: int) -> bool:
    before = previous.strip()
    if not before or not line or before.endswith(_ENDS) or _LIST_ITEM.match(line):
        return False
    if before.endswith("-") and not before.endswith(" -"):
        return False  # "Arbejdsmarkeds-" over "og ...": a compound's hyphen, not a wrap to mend here
    first = line[0]
    if first.islower():
        return True
    return first.isalnum() and len(before) >= FULL_WIDTH * width
