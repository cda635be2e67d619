"""The phrase rules of the decision classifier: what is cut from a Beslutning text, and each key's pattern.

``decisions.classify_decision`` applies them in order: the text is first reduced to what this
body decided at this meeting (dissent, orientation reports, past decisions and conditions cut;
recommendations to a higher body and refusals to recommend taken out as ``anbefalet`` and
``afvist``), then the key patterns are looked for in what remains.
"""

from __future__ import annotations

import re

_I = re.IGNORECASE

# Words that end no sentence although a capital may follow ("jf. Byrådets beslutning").
_ABBREVIATIONS = frozenset(
    {"jf", "pkt", "nr", "bl.a", "f.eks", "fx", "ca", "evt", "inkl", "ekskl", "mht", "vedr", "stk", "d", "kl"})
_SENTENCE_END = re.compile(r"[.!?]\s+(?=[A-ZÆØÅ(\"”])")

# Aarhus returns an adopted case to the department: "Tilbagesendes <afdeling> med bemærkning, at
# byrådet i sit møde den 27. august 2025 har vedtaget Magistratens indstilling". An approval.
AARHUS_RETURN = re.compile(
    r"\btilbagesendes\b[^\n]{0,200}?\bmed\s+bemærkning,?\s+at\s+byrådet\b"
    r"[^\n]{0,120}?\bhar\s+(?:vedtaget|godkendt|tiltrådt)\b", _I)

# The body deciding: what a sentence's subject holds when it is not a minority.
_BODY = re.compile(r"udvalg|\bbyråd(?:et)?\b|kommunalbestyrelse|magistrat|regionsråd|flertal|\benig", _I)
# A member, party or group dissenting, abstaining or stating a view: "(F) og (Ø) kunne ikke tiltræde
# indstilling 2", "Mehmet Zeki Dogru (Ø) stemte imod", "(D) ønskede ikke at sende forslaget ...".
_DISSENT = re.compile(
    r"^[\W\d]*(?P<subject>[^.\n]{0,160}?)\s+"
    r"(?:(?:kunne|kan)\s+ikke\s+(?:tiltræde|godkende|følge|støtte|anbefale)"
    r"|stemte|stemmer|ønskede|ønsker|tog\s+forbehold|undlod|undlader|henholdt\s+sig|begærer)\b", _I)
# Vote tallies: "For stemte: V, C ...", "Imod stemte (A) med bemærkning ...", "Imod: F", "Undlod: A".
_VOTE_LINE = re.compile(r"^[\W\d]*(?:(?:for|imod)\s+stemte\b|(?:for|imod|undlod|undlader)\s*:)", _I)
# Who a minority is: a party letter, "(F)", a group, or a person's name (two capitalised words).
_MINORITY_WORD = re.compile(
    r"^(?:\(?[A-ZÆØÅ]{1,3}\d?\)?|\([^)]{1,12}\)|[A-ZÆØÅ][\w.’'-]*|og|samt|de|et|af|bestående"
    r"|mindretal\w*|byrådsgruppe\w*)$")
_MINORITY_MARK = re.compile(
    r"\([^)]{1,12}\)|^[A-ZÆØÅ]{1,3}\d?$|byrådsgruppe|mindretal|enhedslisten|venstre|socialdemokrat|konservative"
    r"|moderaterne|radikale|alternativet|danmarksdemokrat|liberal alliance|folkeparti", _I)

# A report of an orientation given ("Formanden orienterede om:", "Udvalget blev orienteret om
# ...", "Orientering om ..."): its content is no decision of the body.
_ORIENTATION = re.compile(
    r"^[\W\d]*(?:(?:[\w-]+\s+){0,3}?(?:orienterede|orienterer|oplyste|informerede|blev\s+orienteret)\b"
    r"|der\s+blev\s+orienteret\b|orientering(?:en|er)?\s*(?:om|vedr|omkring)\b|derudover\s+orienteres"
    r"|der\s+var\s+(?:en\s+)?(?:gensidig\s+)?orientering\b|gensidig\s+orientering)", _I)
# A line that records a decision, even where it mentions an orientation ("Godkendt idet der
# blev orienteret om følgende;", "Orienteringen om henvendelser blev taget til efterretning").
_DECISION_LINE = re.compile(
    r"til\s+efter\w*retning|taget\s+til\s+orientering"
    r"|^[\W\d]*(?:godkend|anbefal|ikke\s+godkend|kan\s+ikke|udsæt|tages|taget)", _I)
# After an orientation report, a line from the body again ends the report.
_BODY_LINE = re.compile(
    r"^[\W\d]*(?:[\w,-]+\s+){0,3}?(?:udvalget|byrådet|kommunalbestyrelsen|sagen|punktet)\b", _I)

# A decision mentioned in passing: "som Byrådet godkendte på mødet den 1. oktober 2025",
# "Byrådet godkendte administrationens indstillingspunkt 2 den 20. december 2021".
_DATE = r"den\s+\d{1,2}\.\s*[a-zæøå]+\.?\s+\d{4}"
PAST_DECISION = re.compile(
    r"\b(?:godkend\w*|vedt(?:og|aget)|beslut\w*|bevilge\w*|tiltrådt\w*)\s+"
    r"(?:(?:\S+\s+){0,4}?(?:på|i)\s+(?:sit\s+|\w+s\s+)?møde[t]?\s+" + _DATE
    + r"|(?:(?!(?:med|fra|til|pr|at|idet|og|dog|men|så)\b)[\w()]+\s+){0,4}?" + _DATE + ")", _I)
# Conditions and questions name what may happen, not what was decided: "såfremt denne ikke
# imødekommes", "et notat med beskrivelse af hvorvidt de øvrige kommuner ... bevilger".
CONDITION = re.compile(r"\b(?:såfremt|hvis|medmindre|hvorvidt)\b[^,.;:\n]*", _I)
# A possibility discussed: "drøfter muligheden for at oversende et forslag".
POSSIBILITY = re.compile(r"\bmulighed\w*\s+for\s+at\s+\w+", _I)

# Refusing to recommend is this body's rejection: "Anbefales ikke", "Kan ikke anbefales",
# "Udvalget anbefaler ikke indstillingspunkt 2b", "pk. 16 ikke anbefales".
NOT_RECOMMENDED = re.compile(
    r"\banbefal(?:es|et|er|ede)\s+ikke\b|\b(?:kan|kunne)\s+ikke\s+anbefal\w*|\bikke\s+(?:at\s+)?anbefal\w*", _I)
# A recommendation to a higher body, which reaches to the end of its sentence: "Anbefales",
# "anbefaler overfor Byrådet, at ... godkendes", "Indstilles godkendt", "Udvalget indstiller, at".
# Not "det anbefalede" (what was recommended) nor "de indstillede foreninger" (the nominees).
RECOMMENDING = re.compile(
    r"\b(?:anbefal(?:er|es|et)|(?<!\bdet )(?<!\bde )anbefalede|indstill(?:er|es)|indstillede(?=,?\s+at\b))\b", _I)
# The lines of a list a recommendation introduces ("anbefaler i stedet overfor Byrådet:" then
# "1. at bevillingen ...", "- Fortmesterboligen nedrives ...").
_LIST_LINE = re.compile(r"^\s*(?:[-–•*·]|[a-zæøå\d]{1,2}[.)]\s+at\b)", _I)

# Negated approvals and explicit rejections; removed before approvals are looked for.
REJECTED = re.compile(
    r"\b(?:forkast\w*|afvis\w*|afvist\w*|afviste"
    r"|ikke\s+(?:at\s+)?(?:godkend\w*|tiltræd\w*|tiltråd\w*|vedt\w*|imødekom\w*)"
    # "Udvalget kan ikke følge indstillingen", "besluttede byrådet ikke at sende forslaget til ...".
    r"|ikke\s+(?:at\s+)?(?:følge|tilslutte)\b|beslut\w*\s+(?:\w+\s+)?ikke\s+at\s+\w+"
    # "Udvalget ønsker ikke, at forslaget oversendes til budgetforhandlingerne".
    r"|ønsk\w*\s+ikke,?\s+(?:at\s+)?(?:[^.\n]{0,80}?\s)?"
    r"(?:oversend|videresend|send|godkend|tiltræd|vedtag|tilslut|bevilg)\w*"
    # The negation after the verb: "Godkendes ikke.", "1. - 3. godkendes ikke".
    r"|(?:godkend|tiltræd|vedtag)\w*\s+ikke\b)", _I)

_SENT = r"(?:sende|sendes|sendte|sendt|sender)"
_CASE = r"(?:sagen|forslaget|initiativretsforslaget|det|budgettet)"
PATTERNS: dict[str, re.Pattern[str]] = {
    "godkendt": re.compile(
        r"\b(?:godkend(?:t|te|tes|es|er|e)?|tiltræd(?:er|es|e)|tiltrådt|tiltrådte|vedt(?:og|aget|ages)"
        # "kan bevilges" asks whether something may be granted; "at imødekomme" is an aim.
        r"|(?<!kan )bevilge(?:r|de|s)?|imødekom(?:mes|mer|met)?|tildeles|tilslut(?:ter|tede)\s+sig)\b", _I),
    "taget-til-efterretning": re.compile(r"\btil\s+efter\w*retning(?:en)?\b|\btaget\s+til\s+orientering\b", _I),
    "oversendt": re.compile(
        # Not "oversendt fra Byrådet" (where a case came from) nor "fremsendt af" (who submitted it).
        r"\b(?:oversend(?:es|e|er|te)|oversendt(?!\s+fra\b)|fremsendes|tilbagesend\w*|henskyd\w*)\b"
        # On to a further reading: "videresendte det til 2. behandling" (not an orientation
        # "videresendes til Byrådet"); to another committee: "videreføre sagen til Økonomiudvalget".
        r"|\bvideresend\w*(?=[^\n]{0,80}?\bbehandling)|\bvidereføres?\s+sagen\s+til\b"
        # Sent back or on: "Sagen sendes tilbage til administrationen", "Byrådet sendte sagen til
        # realitetsbehandling i ...". Not "sendes til godkendelse", which names a next step.
        rf"|(?<!ikke at )\b{_SENT}\s+(?:{_CASE}\s+)?(?:tilbage|retur)\b"
        rf"|(?<!ikke at )\b{_SENT}\s+{_CASE}\s+(?:\w+\s+)?til\s+(?:[\w.]+\s+)?\w*behandling\b",
        _I),
    "udsat": re.compile(
        r"\budsætte[rs]?\b|\budsatte\s+(?:sagen|punktet|behandlingen|sagens)\b"
        r"|\b(?:sagen|punktet|behandlingen)\s+(?:blev\s+|er\s+|bliver\s+)?(?:udsat|udskudt|udskydes)\b"
        # When a line opens with it: "Udsat.", "Udvalget ønsker sagen genoptaget på kommende møde",
        # "Udvalget ønsker, at sagen genoptages" (later in a line it is a remark on a next step).
        r"|^[\W\d]*udsat\b|^[\W\d]*(?:[\w-]+[,\s]+){0,3}?sagen\s+(?:udskydes|genoptages|genoptaget)\b"
        r"|\bgenoptage\s+(?:sagen|punktet|dialogen|drøftelsen)\b|\bgenfremlægge\s+sagen\b"
        r"|\bafvente\w*\s+(?:pkt|punkt)\.?\s*\d|\bsagen\s+skal\s+(?:dog\s+)?afvente\b", _I | re.MULTILINE),
}

# Looked for only when no decision is found: nothing to decide, or no stand taken.
NOTHING = re.compile(
    r"\bingen\s+(?:\w+\s+)?(?:orientering\w*|henvendelser|spørgsmål|bemærkninger)\b"
    r"|\bintet\s+(?:at|til)\s+(?:berette|orientere|orientering)\b|\bbeslutning\s+ikke\s+frigivet\b"
    r"|\bundl(?:od|ader|adt)\s+at\s+tage\s+stilling\b|\bikke\s+været\s+(?:nogen\s+)?(?:henvendelser|orientering\w*)\b"
    r"|^\s*intet\.?\s*$|^[\W\d]*undlader\.?\s*$", _I | re.MULTILINE)


def unwrap(text: str) -> str:
    """Join the lines a PDF wrapped mid-sentence (a line not ending a clause, the next in lowercase)."""
    return re.sub(r"(?<=[^.:;!?\s])[ \t]*\n[ \t]*(?=[a-zæøå])(?![a-zæøå]{1,2}[.)]\s)", " ", text)


def sentences(line: str) -> list[str]:
    """Split a line into sentences at a full stop followed by a capital, not after an abbreviation."""
    parts: list[str] = []
    start = 0
    for match in _SENTENCE_END.finditer(line):
        before = line[start: match.start()].split()
        if not before or before[-1].lstrip("(\"”").lower() not in _ABBREVIATIONS:
            parts.append(line[start: match.start() + 1])
            start = match.end()
    parts.append(line[start:])
    return parts


def _is_dissent(sentence: str) -> bool:
    """Whether a sentence is a vote tally or a minority's stand (its subject names no deciding body)."""
    if _VOTE_LINE.match(sentence):
        return True
    match = _DISSENT.match(sentence)
    if not match:
        return False
    words = match.group("subject").replace(",", " ").split()
    if not words or len(words) > 15 or _BODY.search(match.group("subject")):
        return False
    capitalised = sum(1 for word in words if word[0].isupper())
    return (all(_MINORITY_WORD.match(word) for word in words)
            and (capitalised >= 2 or any(_MINORITY_MARK.search(word) for word in words)))


def decided_lines(text: str) -> list[str]:
    """The lines of a decision text without dissent, votes and orientation reports."""
    kept: list[str] = []
    reporting = False  # inside an orientation report, until a decision line
    for line in text.split("\n"):
        if _DECISION_LINE.search(line):
            reporting = False
        elif _ORIENTATION.match(line):
            reporting = True
            continue
        elif reporting and not _BODY_LINE.match(line):
            continue
        else:
            reporting = False
        kept.append(" ".join(s for s in sentences(line) if not _is_dissent(s)))
    return kept


def take_recommendations(lines: list[str]) -> tuple[list[str], bool]:
    """Cut each recommendation from its verb to the end of its sentence, and the list it opens.

    :return: the lines without them, and whether there was one.
    """
    kept: list[str] = []
    found = in_list = False
    for line in lines:
        if in_list and (_LIST_LINE.match(line) or not line.strip()):
            continue
        in_list = False
        parts = sentences(line)
        for index, sentence in enumerate(parts):
            match = RECOMMENDING.search(sentence)
            if match:
                found = True
                parts[index] = sentence[: match.start()]
                in_list = index == len(parts) - 1 and not sentence.rstrip().endswith((".", "!", "?"))
        kept.append(" ".join(parts))
    return kept, found
