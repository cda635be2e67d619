"""Source formats: each module turns one file into meetings and their items.

``read_source`` is the one entry point: it detects the format (unless forced), decodes
the bytes and calls the format's parser. Parsers raise ``ParseError`` and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.model import Meeting
from ..errors import ParseError
from .aarhushtml import looks_like_aarhus_html, parse_aarhus_html
from .firstagenda import parse_firstagenda
from .pdf import parse_pdf
from .referat import parse_referat

# Files larger than this are refused unread: no agenda file comes near it, and reading
# one would stall a reindex.
MAX_FILE_BYTES = 50 * 1024 * 1024


@dataclass
class ParsedFile:
    meetings: list[Meeting]
    warnings: list[str] = field(default_factory=list)


def decode_text(data: bytes, path: str, warnings: list[str]) -> str:
    """Decode UTF-8 (with or without BOM); fall back to cp1252 with a warning.

    :raise ParseError: for empty or binary content.
    """
    if not data.strip():
        raise ParseError(path, "the file is empty")
    if b"\x00" in data[:8192]:
        raise ParseError(path, "the file is binary, not text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        warnings.append(f"{path}: not valid UTF-8 (byte {error.start}); read as cp1252")
        return data.decode("cp1252", errors="replace")


def _read_referat(data: bytes, path: str, municipality: str, warnings: list[str]) -> list[Meeting]:
    return [parse_referat(decode_text(data, path, warnings), path=path, municipality=municipality)]


def _read_pdf(data: bytes, path: str, municipality: str, warnings: list[str]) -> list[Meeting]:
    return [parse_pdf(data, path=path, municipality=municipality)]


def _read_firstagenda(data: bytes, path: str, municipality: str, warnings: list[str]) -> list[Meeting]:
    return [parse_firstagenda(decode_text(data, path, warnings), path=path, municipality=municipality)]


def _read_aarhus_html(data: bytes, path: str, municipality: str, warnings: list[str]) -> list[Meeting]:
    return [parse_aarhus_html(decode_text(data, path, warnings), path=path, municipality=municipality)]


Reader = Callable[[bytes, str, str, list[str]], list[Meeting]]

READERS: dict[str, Reader] = {
    "referat": _read_referat,
    "pdf": _read_pdf,
    "firstagenda": _read_firstagenda,
    "aarhus-html": _read_aarhus_html,
}

EXTENSIONS: dict[str, str] = {
    ".txt": "referat",
    ".pdf": "pdf",
    ".json": "firstagenda",
}

# Formats told by their content, for extensions that several formats may share (an
# .html file may be any publication system's page): their extensions and a test.
SNIFFERS: dict[str, tuple[frozenset[str], Callable[[bytes], bool]]] = {
    "aarhus-html": (frozenset({".html", ".htm"}), looks_like_aarhus_html),
}


def detect_format(path: Path, data: bytes | None = None) -> str | None:
    """The format of a file; None when searchsvc does not read it.

    Without ``data``, by the extension alone: whether the file is worth reading (an
    .html file is, as a candidate for the sniffed formats). With it, a sniffed format
    must recognise the content.
    """
    suffix = path.suffix.lower()
    sniffed = [name for name, (suffixes, _) in SNIFFERS.items() if suffix in suffixes]
    if data is None:
        return EXTENSIONS.get(suffix) or next(iter(sniffed), None)
    for name in sniffed:
        if SNIFFERS[name][1](data):
            return name
    return EXTENSIONS.get(suffix)


def read_source(path: Path, data: bytes, *, municipality: str, format: str = "auto") -> ParsedFile:
    """Parse one source file's content into meetings.

    :param path: the file, for messages and provenance.
    :param data: its content.
    :param format: a key of ``READERS``, or ``"auto"`` to detect it.
    :raise ParseError: when the file is not minutes in that format.
    """
    name = format if format != "auto" else detect_format(path, data)
    if name is None or name not in READERS:
        raise ParseError(path, f"unknown format {name or path.suffix!r}")
    if len(data) > MAX_FILE_BYTES:
        raise ParseError(path, f"the file is {len(data) // 1048576} MB, larger than the {MAX_FILE_BYTES // 1048576} MB limit")
    warnings: list[str] = []
    meetings = READERS[name](data, str(path), municipality, warnings)
    return ParsedFile(meetings, warnings)
