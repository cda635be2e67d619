"""Hostile input, property-based: any bytes, text, JSON shape or HTML given to a parser
raises nothing but ``ParseError`` and never runs long; any query string gives results or
a clean empty result (or a ``QueryError`` naming the parameter), never an exception.

Inputs come from hypothesis strategies: free text and bytes, and mutations of the real
corpus files (lines dropped, repeated, cut, interleaved with noise; JSON values replaced
by other shapes; PDF bytes cut and flipped), which reach deeper into the parsers than
random input does. Each example has a deadline, so a slow case (regex backtracking, a
quadratic loop) fails like a crash.
"""

from __future__ import annotations

import json
import os
import random
import re
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, event, given, settings
from hypothesis import strategies as st

from searchsvc.errors import ParseError, QueryError
from searchsvc.search import SearchRequest
from searchsvc.domain.formats import SOURCE_FORMATS
from searchsvc.sources import READERS, detect_format, read_source
from searchsvc.sources.wordpdf import parse_word_minutes
from searchsvc.sources.htmltext import html_to_text

from helpers import CORPUS, SAMPLES

# CI runs a fixed set of examples; a soak run sets SEARCHSVC_FUZZ_EXAMPLES (see
# bench/reliability/fuzz.sh) for many more, with fresh random ones each time.
SOAK = int(os.environ.get("SEARCHSVC_FUZZ_EXAMPLES", "0"))


def examples(ci: int) -> int:
    return max(ci, SOAK * ci // 300) if SOAK else ci


FAST = settings(deadline=timedelta(seconds=2), max_examples=examples(300), derandomize=not SOAK,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture])


def _lines(folder: str, pattern: str) -> list[str]:
    base = CORPUS / folder if (CORPUS / folder).exists() else SAMPLES
    lines: list[str] = []
    for path in sorted(base.glob(pattern))[:3]:
        lines += path.read_text("utf-8", errors="replace").splitlines()
    return lines


REFERAT_FILES = sorted(SAMPLES.glob("*.txt"))
REFERAT_LINES = _lines("frederiksberg", "*.txt")
REFERAT_TEMPLATES = [
    "REFERAT Arbejdsmarkeds- og Uddannelsesudvalget_2018-21 d. 03-05-2021",
    "REFERAT  d. 99-99-9999", "REFERAT", "Mødedato mandag d. 3. maj 2021 kl. 17:00",
    "Mødedato d. 31. februar 2021 kl. 25:61", "Mødested Rådhuset", "Indholdsfortegnelse",
    "Punkt 1: En titel", "Punkt 999999999999999999999: x", "Punkt : ", "Punkt -1: negativ",
    "15.04.10-P20-3-20", "00.00.00-Ø00-0-00", "23-013472", "EMN-2025-003383",
    "Resume", "Beslutning", "Indstilling", "Sagsfremstilling", "Økonomi", "Bilag", "Historik",
    "Behandling", "Borgmesterpåtegning", ".", "", "\t\t", "<u>", "<ul class=x>", "*fed*",
    "Udvalget godkendte indstillingen.", "Lukket: hemmelig sag",
]


def mutate_lines(draw, lines: list[str]) -> list[str]:
    """Real lines, changed a little: dropped, repeated, swapped, cut, mixed with noise."""
    lines = list(lines)
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            break
        at = draw(st.integers(0, len(lines) - 1))
        span = draw(st.integers(1, 40))
        operation = draw(st.sampled_from(["drop", "repeat", "swap", "cut", "noise", "template"]))
        if operation == "drop":
            del lines[at:at + span]
        elif operation == "repeat":
            lines[at:at] = lines[at:at + span] * draw(st.integers(1, 5))
        elif operation == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        elif operation == "cut":
            lines[at] = lines[at][:draw(st.integers(0, max(0, len(lines[at]))))]
        elif operation == "noise":
            lines.insert(at, draw(st.text(max_size=120)))
        else:
            lines.insert(at, draw(st.sampled_from(REFERAT_TEMPLATES)))
    return lines


@st.composite
def referat_texts(draw) -> str:
    kind = draw(st.sampled_from(["mutated", "assembled", "free", "repetitive"]))
    if kind == "mutated" and REFERAT_FILES:
        path = draw(st.sampled_from(REFERAT_FILES))
        return "\n".join(mutate_lines(draw, path.read_text("utf-8").splitlines()))
    if kind == "assembled":
        pieces = st.one_of(st.sampled_from(REFERAT_TEMPLATES), st.sampled_from(REFERAT_LINES or [""]),
                           st.text(max_size=80))
        return "\n".join(draw(st.lists(pieces, max_size=150)))
    if kind == "repetitive":  # long runs that make a careless regex backtrack
        unit = draw(st.sampled_from([" ", ".", "-", "Punkt ", "1", "\t", "a ", ": ", "d. ", "<u>"]))
        return draw(st.sampled_from(REFERAT_TEMPLATES)) + "\n" + unit * draw(st.integers(1, 20000))
    return draw(st.text(max_size=3000))


def assert_parses_or_parse_error(format: str, data: bytes, suffix: str) -> None:
    try:
        parsed = read_source(Path(f"hostile{suffix}"), data, municipality="Testkommune", format=format)
    except ParseError as error:
        assert error.reason and error.path.endswith(suffix)
        event("ParseError")
        return
    event(f"parsed: {'some' if any(m.items for m in parsed.meetings) else 'no'} items")
    for meeting in parsed.meetings:
        for item in meeting.items:
            assert item.id and isinstance(item.title, str)


@FAST
@given(referat_texts())
def test_referat_parser_raises_only_parse_error(text):
    assert_parses_or_parse_error("referat", text.encode("utf-8", errors="surrogatepass"), ".txt")


@FAST
@given(st.binary(max_size=4000))
def test_any_bytes_as_referat_text_raise_only_parse_error(data):
    assert_parses_or_parse_error("referat", data, ".txt")


# -- analysis: very long tokens ----------------------------------------------------------

@pytest.fixture(scope="module")
def dictionary_analyzer():
    from searchsvc.engine.analysis import danish_analyzer
    from searchsvc.engine.compounds import CompoundDictionary
    from searchsvc.engine.analysis import words

    dictionary = CompoundDictionary()
    dictionary.update(words(" ".join(REFERAT_LINES) * 2))
    return danish_analyzer(dictionary)


@settings(FAST, max_examples=examples(60))
@given(parts=st.lists(st.sampled_from(["lang", "ord", "plan", "spildevand", "borger", "dialog", "s", "e",
                                       "skole", "budget", "ø"]), min_size=1, max_size=8),
       repeat=st.integers(1, 3000))
def test_a_very_long_token_is_analysed_quickly(dictionary_analyzer, parts, repeat):
    # A word of compound parts thousands of characters long (a hostile document or
    # query): splitting it once cost time that grew with the cube of its length.
    token = "".join(parts) * repeat
    assert list(dictionary_analyzer(token[:20000], mode="index")) is not None


# -- JSON (Greve's FirstAgenda) -----------------------------------------------------------

JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=30,
)
GREVE = sorted((CORPUS / "greve").glob("*.json"), key=lambda p: p.stat().st_size)[:5] \
    if (CORPUS / "greve").exists() else []


def _paths(value, prefix=()):
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, prefix + (key,))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, prefix + (index,))


@st.composite
def firstagenda_documents(draw) -> bytes:
    kind = draw(st.sampled_from(["reshaped", "reshaped", "free", "text"]))
    if kind == "reshaped" and GREVE:
        document = json.loads(draw(st.sampled_from(GREVE)).read_text("utf-8"))
        for _ in range(draw(st.integers(1, 4))):
            paths = [p for p in _paths(document) if p]
            path = draw(st.sampled_from(paths))
            parent = document
            for key in path[:-1]:
                parent = parent[key]
            if draw(st.booleans()) and isinstance(parent, dict):
                del parent[path[-1]]
            else:
                parent[path[-1]] = draw(JSON_VALUES | st.sampled_from(["", "<h3>Beslutning</h3>", "Lukket: x",
                                                                       "2025-13-45T99:99:99", "-1", 10**30]))
        return json.dumps(document, ensure_ascii=False, allow_nan=True).encode("utf-8")
    if kind == "free":
        return json.dumps(draw(JSON_VALUES), allow_nan=True).encode("utf-8")
    return draw(st.text(max_size=500)).encode("utf-8", errors="surrogatepass")


@FAST
@given(firstagenda_documents())
def test_firstagenda_parser_raises_only_parse_error(data):
    assert_parses_or_parse_error("firstagenda", data, ".json")


# -- HTML ------------------------------------------------------------------------------------

HTML_PIECES = st.sampled_from([
    "<h2>", "</h2>", "<h3>Beslutning</h3>", "<h4>Resume</h4>", "<p>", "</p>", "<br>", "<br/>",
    "<span>", "</span>", "<div class='x'>", "</div>", "<table>", "<tr>", "<td>", "</td>", "</tr>",
    "</table>", "<ol start='x'>", "<ol start='99999999999999999999'>", "<ol start='-3'>", "<ul>",
    "<li>", "</li>", "</ol>", "<script>alert(1)</script>", "<style>p{}</style>", "<!--", "-->",
    "<![CDATA[", "]]>", "&amp;", "&nbsp;", "&#0;", "&#x110000;", "&#99999999999;", "&bogus;",
    "<", ">", "</", "<a href='javascript:alert(1)'>", "</a>", "<img src=x onerror=alert(1)>",
    "<!DOCTYPE html>", "<html>", "<body>", "<td colspan=0>", "\x00", "\u202e",
])


@st.composite
def html_documents(draw) -> str:
    pieces = draw(st.lists(st.one_of(HTML_PIECES, st.text(max_size=30)), max_size=200))
    return "".join(pieces)


@FAST
@given(html_documents())
def test_html_to_text_takes_any_html(html):
    assert isinstance(html_to_text(html), str)


AARHUS = sorted((CORPUS / "aarhus").glob("*.html")) if (CORPUS / "aarhus").exists() else []


@st.composite
def aarhus_pages(draw) -> str:
    if AARHUS and draw(st.booleans()):
        text = draw(st.sampled_from(AARHUS)).read_text("utf-8")
        lines = mutate_lines(draw, text.splitlines())
        return "\n".join(lines)
    return draw(html_documents())


@settings(FAST, max_examples=examples(150))
@given(aarhus_pages())
def test_aarhus_html_parser_raises_only_parse_error(html):
    assert_parses_or_parse_error("aarhus-html", html.encode("utf-8", errors="surrogatepass"), ".html")


# -- PDF ---------------------------------------------------------------------------------------

PDF = CORPUS / "aarhus" / "byraad_dagsorden_2025-08-27.pdf"


@st.composite
def pdf_bytes(draw) -> bytes:
    kind = draw(st.sampled_from(["header", "cut", "flipped"] if PDF.exists() else ["header"]))
    if kind == "header":
        return b"%PDF-1.7\n" + draw(st.binary(max_size=3000))
    data = bytearray(PDF.read_bytes())
    if kind == "cut":
        return bytes(data[:draw(st.integers(0, len(data)))])
    rng = random.Random(draw(st.integers(0, 2**32)))
    for _ in range(draw(st.integers(1, 30))):
        data[rng.randrange(len(data))] = rng.randrange(256)
    return bytes(data)


@settings(FAST, max_examples=examples(40), deadline=timedelta(seconds=20))
@given(pdf_bytes())
def test_pdf_parser_raises_only_parse_error(data):
    assert_parses_or_parse_error("pdf", data, ".pdf")


# The OS2dagsorden family: the real exports cut, flipped, stripped of an element or with a
# value replaced, read as the format their content says.
EXPORT_FILES = sorted((CORPUS / "os2dagsorden").glob("*.xml"))
_ELEMENT = re.compile(rb"<(\w+)\b[^>/]*>[^<]*</\1>")


@st.composite
def export_bytes(draw) -> tuple[str, bytes]:
    if not EXPORT_FILES:
        return "sbsys", draw(st.binary(max_size=2000))
    path = draw(st.sampled_from(EXPORT_FILES))
    data = path.read_bytes()
    format = detect_format(path, data)
    kind = draw(st.sampled_from(["cut", "flip", "drop", "replace"]))
    if kind == "cut":
        return format, data[:draw(st.integers(0, len(data)))]
    if kind == "flip":
        flipped = bytearray(data)
        rng = random.Random(draw(st.integers(0, 2**32)))
        for _ in range(draw(st.integers(1, 20))):
            flipped[rng.randrange(len(flipped))] = rng.randrange(256)
        return format, bytes(flipped)
    elements = list(_ELEMENT.finditer(data))
    if not elements:
        return format, data
    chosen = elements[draw(st.integers(0, len(elements) - 1))]
    if kind == "drop":
        return format, data[:chosen.start()] + data[chosen.end():]
    value = draw(st.sampled_from([b"", b"x", b"-1", b"99999999999", b"31-02-2013 25:61:00", b"&#xC;", b"&#1;"]))
    inner_start = chosen.start() + chosen.group(0).index(b">") + 1
    inner_end = chosen.end() - len(chosen.group(1)) - 3
    return format, data[:inner_start] + value + data[inner_end:]


@settings(FAST, max_examples=examples(120), deadline=timedelta(seconds=5))
@given(export_bytes())
def test_export_parsers_raise_only_parse_error(case):
    format, data = case
    assert_parses_or_parse_error(format, data, ".xml")


WORD_TEMPLATE_LINES = [
    "Referat", "Teknik- og Miljøudvalget", "Mødedato: Mandag den 3. februar 2020", "Mødetidspunkt: Kl. 16:00",
    "Mødested: Rådhuset", "Indholdsfortegnelse", "Punkt nr. Side", "411. Godkendelse af dagsorden 3",
    "412. Lokalplan 1-23. Endelig vedtagelse 3", "Referat For Teknik- og Miljøudvalget",
    "3. februar 2020 - kl. 16:00", "Side 3", "3 of 9", "411. Godkendelse af dagsorden", "Sagsnr.: 20/00012",
    "Beslutning i Teknik- og Miljøudvalget den 03-02-2020", "Godkendt.", "412. Lokalplan 1-23. Endelig vedtagelse",
    "Sagsnr.: 19/10345", "Sagen afgøres i: Byrådet", "Resumé", "Tekst.", "Beslutning i Byrådet den 16-12-2019",
    "Beslutning i Teknik- og Miljøudvalget den 31-02-2020", "Bilag", "1. Lokalplan", "Dok.nr.: 1",
    "Følgende deltog ikke i behandlingen af punktet:",
]


@st.composite
def word_template_lines(draw) -> list[str]:
    return mutate_lines(draw, WORD_TEMPLATE_LINES)


@FAST
@given(word_template_lines())
def test_word_template_minutes_raise_only_parse_error(lines):
    try:
        meeting = parse_word_minutes(lines, path="hostile.pdf", municipality="Testkommune")
    except ParseError as error:
        assert error.reason and error.path == "hostile.pdf"
        return
    assert all(item.id and item.title for item in meeting.items)


def test_every_registered_format_is_fuzzed():
    assert set(READERS) == {"referat", "firstagenda", "aarhus-html", "pdf", "sbsys", "edoc", "acadre", "acadre-manifest"}
    assert set(READERS) == set(SOURCE_FORMATS)  # what config accepts is what is read


# -- queries ---------------------------------------------------------------------------------

QUERY_PIECES = st.sampled_from([
    '"', "(", ")", "OR", "AND", "NOT", "ELLER", "OG", "IKKE", "-", "*", "**", "?", "~", "^2", "\\",
    ":", "titel:", "beslutning:", "journal:", "udvalg:", "resume:", "tekst:", "sag:", "title:",
    "15.04", "15.04.10-P20-3-20", "23-013472", "budget", "borgerdialog", "ældre", "aeldre", "Å",
    "skole*", "a", "og", "for", "<script>", "'", "%", "\x00", "\u0301", "😀", "ß", "ﬁ", "İ", " ",
    "x" * 300, "9" * 50,
])


@st.composite
def queries(draw) -> str:
    if draw(st.booleans()):
        return draw(st.text(max_size=200))
    pieces = draw(st.lists(QUERY_PIECES | st.text(max_size=8), max_size=30))
    separator = draw(st.sampled_from([" ", "", "  "]))
    return separator.join(pieces)


# A query may take a while on a busy machine (the lenient retries look up close spellings
# of every unknown word); the deadline is there to catch the pathological, not the slow.
QUERY_DEADLINE = timedelta(seconds=10)


@settings(FAST, max_examples=examples(400), deadline=QUERY_DEADLINE)
@given(q=queries(), sort=st.sampled_from([None, "relevance", "newest", "oldest"]), page=st.integers(1, 3))
def test_any_query_gives_results_or_a_clean_empty_result(sample_service, q, sort, page):
    params = {"q": [q], "page": [str(page)], **({"sort": [sort]} if sort else {})}
    if len(q) > 1000:
        with pytest.raises(QueryError):
            SearchRequest.from_params(params)
        return
    request = SearchRequest.from_params(params)
    results = sample_service.search(request)
    assert 0 <= len(results.results) <= request.per_page
    assert results.total >= len(results.results)
    assert all(r["id"] and "snippet" in r for r in results.results)
    json.dumps(results.to_json())


@FAST
@given(st.text(min_size=1001, max_size=3000))
def test_an_overlong_query_is_a_query_error_naming_q(q):
    assume(len(q) > 1000)
    with pytest.raises(QueryError) as raised:
        SearchRequest.from_params({"q": [q]})
    assert raised.value.param == "q"


PARAM_NAMES = ["q", "municipality", "committee", "year", "decision", "kle", "journal", "from", "to",
               "sort", "page", "per_page", "other"]


@settings(FAST, deadline=QUERY_DEADLINE)
@given(st.dictionaries(st.sampled_from(PARAM_NAMES), st.lists(st.text(max_size=60), max_size=4), max_size=8))
def test_any_parameters_give_a_request_or_a_query_error(sample_service, params):
    try:
        request = SearchRequest.from_params(params)
    except QueryError as error:
        assert error.param in PARAM_NAMES
        return
    results = sample_service.search(request)
    assert results.total >= 0


@settings(FAST, deadline=QUERY_DEADLINE)
@given(q=queries())
def test_the_web_app_answers_any_query_with_200_or_400(client, q):
    for path in ("/api/search", "/", "/api/suggest", "/search.atom"):
        response = client.get(path, query_string={"q": q})
        if path == "/" and response.status_code == 302:
            # The page sends a form's empty parameters (q=) on to its clean address.
            assert "q=" not in response.headers["Location"], (q, response.headers["Location"])
            continue
        assert response.status_code in (200, 400), (path, q, response.status_code)
        assert b"Traceback" not in response.data
