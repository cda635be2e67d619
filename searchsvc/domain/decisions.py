"""Classify the text of a Beslutning section into decision keys.

A decision may carry several keys (a numbered list of decisions often does). The keys
are Danish because they are the vocabulary people filter by; ``DECISION_LABELS`` gives
their display labels in the order facets show them.
"""

from __future__ import annotations

import re

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
    r"^\s*(afbud|fraværende|ikke til stede|ikke tilstede|fravær|deltog ikke)\b.*$"
    # After the decision on its line, when a colon marks it: "Godkendt. Afbud: NN".
    r"|(?<=[.!?])[ \t]+(?:afbud|fraværende|ikke til stede|ikke tilstede)[ \t]*:.*$"
    # A line about one member: "Dorthe Bøgh Madsen deltog som stedfortræder.",
    # "Simon Østergaard (V) var ikke til stede."
    r"|^[ \t]*(?:[\w-]+\.?[ \t]+){1,6}(?:\([^)\n]{1,12}\)[ \t]+)?"
    r"(?:deltog som stedfortræder|var ikke til stede|var fraværende|havde meldt afbud)\b.*$",
    re.IGNORECASE | re.MULTILINE,
)

# Negated approvals are rejections; they are removed before approvals are looked for.
_REJECTED = re.compile(
    r"\b(forkast\w*|afvis\w*|afvist\w*|afviste"
    r"|ikke\s+(?:at\s+)?(?:godkend\w*|tiltræd\w*|tiltråd\w*|vedt\w*|anbefal\w*|imødekom\w*)"
    # "Udvalget kan ikke følge indstillingen", "ønsker ikke at tilslutte sig",
    # "besluttede byrådet ikke at sende forslaget til realitetsbehandling".
    r"|ikke\s+(?:at\s+)?(?:følge|tilslutte)\b|beslut\w*\s+(?:\w+\s+)?ikke\s+at\s+\w+"
    # The negation after the verb: "2. Anbefales ikke.", "Godkendes ikke."
    r"|(?:godkend|tiltræd|anbefal|vedtag)\w*\s+ikke\b)",
)

# What a committee recommends the council to approve is a recommendation, not an approval:
# "Økonomiudvalget anbefaler overfor Byrådet at godkende ...", "anbefaler, at ... godkendes",
# "Udvalget anbefaler handleplanen godkendt". The approving verb is removed, the rest stays.
_RECOMMENDED = re.compile(
    r"\banbefal\w*\b(?:[^.\n]{0,120}?\bat\b[^.\n]{0,120}?(?<!ikke )\b(?P<verb>(?:godkend|tiltræd|vedtag|bevilge|imødekom)\w*)"
    r"|[^.\n]{0,120}?\b(?P<participle>godkendt)\b)"
)


def _drop_recommended_approval(match: re.Match[str]) -> str:
    verb = "verb" if match.group("verb") else "participle"
    return match.group(0)[: match.start(verb) - match.start()]

_PATTERNS: dict[str, re.Pattern[str]] = {
    "godkendt": re.compile(
        r"\b(godkend(?:t|te|tes|es|er|e)?|tiltræd(?:er|es|e)|tiltrådt|tiltrådte"
        r"|vedt(?:og|aget|ages)|bevilge(?:r|de|s)?|imødekom\w*|tildeles|tilslut(?:ter|tede)\s+sig)\b"
    ),
    "taget-til-efterretning": re.compile(
        r"\btil\s+efter\w*retning(?:en)?\b|\b(?:\w*mødet?|drøftelsen|orienteringen)\s+blev\s+(?:holdt|afholdt|gennemført)\b"
        r"|^\s*afholdt\b"
    ),
    "anbefalet": re.compile(
        r"\b(anbefal(?:er|es|ede|et|ing(?:en)?\s+til))\b"
        r"|\bindstill(?:er|es|ede)\s+til\s+(?:byrådet|kommunalbestyrelsen|regionsrådet|økonomiudvalget|magistraten)"
    ),
    "oversendt": re.compile(
        r"\b(oversend\w*|fremsend\w*|videresend\w*|tilbagesend\w*|henskyd\w*)\b"
        # Sent back or on: "Sagen sendes tilbage til administrationen", "Byrådet sendte sagen
        # til realitetsbehandling i ...". Not "sendes til godkendelse", which names a next step,
        # nor what a minority wished ("ønskede at sende", "ønskede ikke at sende").
        r"|(?<!ønskede at )(?<!ønsker at )(?<!ikke at )\b(?:sende|sendes|sendte|sendt)\s+"
        r"(?:(?:sagen|forslaget|initiativretsforslaget)\s+)?(?:tilbage|retur)\b"
        r"|(?<!ønskede at )(?<!ønsker at )(?<!ikke at )\b(?:sende|sendes|sendte|sendt)\s+"
        r"(?:sagen|forslaget|initiativretsforslaget)\s+til\s+\w*behandling\b"
    ),
    "udsat": re.compile(
        r"\b(udsat\w*|udsætte\w*|udskudt\w*|udgik)\b"
        # Taken off or withdrawn: "Sagen blev taget af dagsorden", "Administrationen trækker sagen tilbage".
        r"|\bsagen\s+(?:blev\s+)?taget\s+af\b|\btr(?:ækker|ak|ukket)\s+sagen\s+tilbage\b"
        # Deferred, when a line opens with it: "Sagen udskydes til næste møde", "Udvalget ønsker
        # sagen genoptaget på kommende møde" (later in a line it is a remark on another step).
        r"|(?m:^\W*(?:\w+\s+){0,3}sagen\s+(?:udskydes|genoptages|genoptaget)\b)"
    ),
}

# Looked for only when no decision above is found: an orientation given, or nothing to decide.
_FALLBACKS: dict[str, re.Pattern[str]] = {
    "taget-til-efterretning": re.compile(
        r"\borienterede\s+(?:\w+\s+)?om\b|\bblev\s+orienteret\b|\borienteres\s+(?:der\s+)?om\b"
        r"|\bder\s+var\s+(?:en\s+)?(?:gensidig\s+)?orientering\s+om\b|\btaget\s+til\s+orientering\b"
        # A list of the orientations given: "Orientering om hjemløsetællingen 2022".
        r"|(?m:^\W*orientering\s+(?:om|vedr|omkring)\b)|\bblev\s+(?:holdt|afholdt)\b"
    ),
    # No orientations, questions answered, no stand taken.
    "ingen-beslutning": re.compile(
        r"\bingen\s+(?:\w+\s+)?(?:orientering\w*|henvendelser|spørgsmål|bemærkninger)\b"
        r"|\bintet\s+(?:at|til)\s+(?:berette|orientere|orientering)\b"
        r"|\bbeslutning\s+ikke\s+frigivet\b|\bundl(?:od|ader|adt)\s+at\s+tage\s+stilling\b"
        r"|\bikke\s+været\s+(?:nogen\s+)?(?:henvendelser|orientering\w*)\b|^\s*intet\.?\s*$"
        r"|\bspørgsmål(?:ene)?\s+blev\s+besvaret\b|\bbesvare\w*\s+(?:\w+\s+)?spørgsmål"
    ),
}


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
    >>> classify_decision(".")
    ['ingen-beslutning']
    """
    if is_empty_decision(text):
        return ["ingen-beslutning"]
    lowered = _RECOMMENDED.sub(_drop_recommended_approval, text.lower())
    keys = set()
    if _REJECTED.search(lowered):
        keys.add("afvist")
        lowered = _REJECTED.sub(" ", lowered)
    for key, pattern in _PATTERNS.items():
        if pattern.search(lowered):
            keys.add(key)
    if not keys:
        keys = {key for key, pattern in _FALLBACKS.items() if pattern.search(lowered)}
    if len(keys) > 1:
        # "Ingen orienteringer" beside an orientation given does not undo it.
        keys.discard("ingen-beslutning")
    if not keys:
        return ["andet"]
    return [key for key in DECISION_LABELS if key in keys]
