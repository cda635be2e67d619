"""Classify the text of a Beslutning section into decision keys.

A decision may carry several keys (a numbered list of decisions often does). The keys
are Danish because they are the vocabulary people filter by; ``DECISION_LABELS`` gives
their display labels in the order facets show them. The phrase rules live in
``decision_rules``; ``bench/decisions/judged.tsv`` holds real items judged by these rules,
and ``python -m bench.decision_report`` scores the classifier on them.

Judging rules (what the keys mean):

- Only what this body decided at this meeting counts. What it recommends to a higher body
  is ``anbefalet`` and nothing more: "anbefaler ... at X godkendes / tages til efterretning /
  oversendes", "indstiller, at ...", "Indstilles godkendt", "3. anbefales taget til efterretning".
  Refusing to recommend ("Anbefales ikke", "kan ikke anbefales") is ``afvist``.
- Decisions mentioned in passing are not decisions ("som Byrådet godkendte på mødet den
  1. oktober"), nor are conditions ("såfremt denne ikke imødekommes") or questions raised
  ("om ... kan bevilges").
- A minority voting against, abstaining or stating a view is not ``afvist`` (nor anything
  else): "(F) og (Ø) kunne ikke tiltræde indstilling 2". The body's own "Ikke godkendt",
  "kan ikke følge indstillingen", "ønsker ikke, at forslaget oversendes" is ``afvist``.
- A case sent back to the administration or a committee, or on to realitetsbehandling,
  2. behandling or the budget negotiations, is ``oversendt`` ("sender sagen tilbage",
  "Fremsendes til Teknisk Udvalg til behandling"). Aarhus's "Tilbagesendes <afdeling> med
  bemærkning, at byrådet ... har vedtaget ..." returns the file after adoption: ``godkendt``
  only. Someone having submitted something ("fremsendt af forligspartierne") is not.
- Deferral is ``udsat``: udsættes, udskydes, "ønsker sagen genoptaget", "genfremlægge sagen",
  "afventer pkt. N". "udsatte" meaning vulnerable is not, nor something else postponed ("sag 3
  blev udskudt til efter sag 5"). An item taken off the agenda or withdrawn ("taget af
  dagsordenen", "Sagen udgik", "trækker sagen tilbage") is ``andet``, and so is a minute that
  only records an orientation ("Formanden orienterede om ...", "Temamødet blev holdt") or an
  answered question.
- ``taget-til-efterretning`` needs the body to take note ("Orienteringen blev taget til
  efterretning"); ``ingen-beslutning`` is an empty decision or nothing to decide ("Der var
  ingen orienteringer", "Udvalget undlod at tage stilling"); ``andet`` only when no other key
  applies.
- Attendance lines (Afbud, Fraværende, Mødt, a member who "deltog som stedfortræder") are
  never part of the decision text.
"""

from __future__ import annotations

import re

from . import decision_rules as rules

# Bump when the rules below change what a text is classified as: a reindex then
# reclassifies every item (a full rebuild) instead of keeping the old keys.
RULES_VERSION = 2

DECISION_LABELS: dict[str, str] = {
    "godkendt": "Godkendt",
    "taget-til-efterretning": "Taget til efterretning",
    "anbefalet": "Anbefalet",
    "oversendt": "Oversendt",
    "udsat": "Udsat",
    "afvist": "Afvist",
    "ingen-beslutning": "Ingen beslutning",
    "andet": "Andet",
}

# Attendance notes sit in the decision section but are not decisions.
_ATTENDANCE = re.compile(
    r"^\s*(?:afbud|fraværende|ikke til stede|ikke tilstede|fravær|deltog ikke|mødt\s*:)(?:\b|(?<=:)).*$"
    # After the decision on its line, when a colon marks it: "Godkendt. Afbud: NN".
    r"|(?<=[.!?])[ \t]+(?:afbud|fraværende|ikke til stede|ikke tilstede)[ \t]*:.*$"
    # A line about one member: "Dorthe Bøgh Madsen deltog som stedfortræder.",
    # "Simon Østergaard (V) var ikke til stede.", "Jette Andersen deltog som suppleant for ...",
    # "Ronni Mark Nielsen (V) deltog i mødet i ... og ikke Jesper Fini Kuhre (V) som angivet".
    r"|^[ \t]*(?:[\w-]+\.?[ \t]+){1,6}(?:\([^)\n]{1,12}\)[ \t]+)?"
    r"(?:deltog som (?:stedfortræder|suppleant)|deltog i mødet|var forhindret i at deltage"
    r"|var ikke til stede|var fraværende|havde meldt afbud)\b.*$",
    re.IGNORECASE | re.MULTILINE,
)


def split_attendance(text: str) -> tuple[str, str | None]:
    """Separate attendance notes ("Afbud: ...", "Fraværende: ...") from a decision text.

    :return: the decision text without them, and the notes (None when there are none).
    """
    notes = [m.group(0).strip() for m in _ATTENDANCE.finditer(text)]
    if not notes:
        return text, None
    # A note in a paragraph of its own leaves a run of blank lines behind.
    remaining = re.sub(r"\n[ \t]*\n(?:[ \t]*\n)+", "\n\n", _ATTENDANCE.sub("", text))
    return remaining.strip(), "\n".join(notes)


def is_empty_decision(text: str | None) -> bool:
    """True when a decision text holds no words (missing, blank, or a lone ".")."""
    return not text or not re.search(r"\w", text)


def classify_decision(text: str | None) -> list[str]:
    """Return the decision keys of a Beslutning text, in ``DECISION_LABELS`` order.

    >>> classify_decision("Udvalget udsatte sagen.")
    ['udsat']
    >>> classify_decision("Anbefales godkendt.")
    ['anbefalet']
    >>> classify_decision(".")
    ['ingen-beslutning']
    """
    if text is None or is_empty_decision(text):
        return ["ingen-beslutning"]
    keys: set[str] = set()
    decided = "\n".join(rules.decided_lines(rules.AARHUS_RETURN.sub(" vedtaget", rules.unwrap(text))))
    for cut in (rules.PAST_DECISION, rules.CONDITION, rules.POSSIBILITY):
        decided = cut.sub(" ", decided)
    if rules.NOT_RECOMMENDED.search(decided):
        keys.add("afvist")
        decided = rules.NOT_RECOMMENDED.sub(" ", decided)
    lines, recommended = rules.take_recommendations(decided.split("\n"))
    if recommended:
        keys.add("anbefalet")
    decided = "\n".join(lines)
    if rules.REJECTED.search(decided):
        keys.add("afvist")
        decided = rules.REJECTED.sub(" ", decided)
    keys |= {key for key, pattern in rules.PATTERNS.items() if pattern.search(decided)}
    if not keys and rules.NOTHING.search(decided):
        keys.add("ingen-beslutning")
    if not keys:
        return ["andet"]
    return [key for key in DECISION_LABELS if key in keys]
