"""Source formats: each module turns one file into meetings and their items.

``read_source`` is the one entry point: it detects the format (unless forced), decodes
the bytes and calls the format's parser. Parsers raise ``ParseError`` and nothing else.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..domain.model import Meeting
from ..errors import ParseError, UnknownFormat
from . import acadre, edoc, sbsys
from .aarhushtml import looks_like_aarhus_html, parse_aarhus_html
from .firstagenda import parse_firstagenda
from .pdf import parse_pdf
from .referat import parse_referat
from .xmldoc import root_name

# Files larger than this are refused unread: no agenda file comes near it, and reading
# one would stall a reindex.
MAX_FILE_BYTES = 50 * 1024 * 1024
# Bump when the parsers read files already indexed differently (2: tables and
# sub-headings kept as blocks): the next reindex reads every file again.
PARSERS_VERSION = 2


@dataclass
class ParsedFile:
    meetings: list[Meeting]
    warnings: list[str] = field(default_factory=list)
    # Files an export names as its parts (attachments, the documents it produced), as
    # paths relative to its folder: they are not minutes, and not unknown files either.
    named_files: list[str] = field(default_factory=list)


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


def _read_referat(data: bytes, path: str, municipality: str, warnings: list[str],
                  portal: str | None = None) -> list[Meeting]:
    return [parse_referat(decode_text(data, path, warnings), path=path, municipality=municipality)]


def _read_pdf(data: bytes, path: str, municipality: str, warnings: list[str],
              portal: str | None = None) -> list[Meeting]:
    return [parse_pdf(data, path=path, municipality=municipality)]


def _read_firstagenda(data: bytes, path: str, municipality: str, warnings: list[str],
                      portal: str | None = None) -> list[Meeting]:
    return [parse_firstagenda(decode_text(data, path, warnings), path=path, municipality=municipality,
                              portal=portal)]


def _read_aarhus_html(data: bytes, path: str, municipality: str, warnings: list[str],
                      portal: str | None = None) -> list[Meeting]:
    return [parse_aarhus_html(decode_text(data, path, warnings), path=path, municipality=municipality,
                              portal=portal)]


def _export_reader(parse: Callable[..., list[Meeting]]) -> Reader:
    def read(data: bytes, path: str, municipality: str, warnings: list[str],
             portal: str | None = None) -> list[Meeting]:
        return parse(data, path=path, municipality=municipality, warnings=warnings)
    return read


# (content, path, municipality, warnings, portal base URL or None) -> meetings
Reader = Callable[[bytes, str, str, list[str], str | None], list[Meeting]]

READERS: dict[str, Reader] = {
    "referat": _read_referat,
    "pdf": _read_pdf,
    "firstagenda": _read_firstagenda,
    "aarhus-html": _read_aarhus_html,
    "sbsys": _export_reader(sbsys.parse_sbsys),
    "edoc": _export_reader(edoc.parse_edoc),
    "acadre": _export_reader(acadre.parse_acadre),
    "acadre-manifest": _export_reader(acadre.parse_acadre_manifest),
}

# The exports that name other files of theirs (attachments, produced documents).
NAMED_FILES: dict[str, Callable[[bytes], list[str]]] = {
    "sbsys": sbsys.named_files,
    "edoc": edoc.named_files,
    "acadre": acadre.named_files,
    "acadre-manifest": acadre.named_files,
}

EXTENSIONS: dict[str, str] = {
    ".txt": "referat",
    ".pdf": "pdf",
    ".json": "firstagenda",
}

# Formats told by their content, for extensions that several formats may share (an
# .html file may be any publication system's page): their extensions and a test.
def _xml_sniffer(test: Callable[[str | None, bytes], bool]) -> Callable[[bytes], bool]:
    return lambda data: test(root_name(data), data)


SNIFFERS: dict[str, tuple[frozenset[str], Callable[[bytes], bool]]] = {
    "aarhus-html": (frozenset({".html", ".htm"}), looks_like_aarhus_html),
    # The OS2dagsorden family: exports of case systems for publication, told by their root.
    "sbsys": (frozenset({".xml"}), _xml_sniffer(sbsys.looks_like_sbsys)),
    "edoc": (frozenset({".xml"}), _xml_sniffer(edoc.looks_like_edoc)),
    "acadre": (frozenset({".xml"}), _xml_sniffer(acadre.looks_like_acadre)),
    "acadre-manifest": (frozenset({".xml"}), _xml_sniffer(acadre.looks_like_acadre_manifest)),
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


def read_source(path: Path, data: bytes, *, municipality: str, format: str = "auto",
                portal: str | None = None) -> ParsedFile:
    """Parse one source file's content into meetings.

    :param path: the file, for messages and provenance.
    :param data: its content.
    :param format: a key of ``READERS``, or ``"auto"`` to detect it.
    :param portal: the base URL of the portal the file was fetched from, for links back
        to it (default: the municipality's portal in the shipped table, where it has one).
    :raise UnknownFormat: when no format searchsvc reads recognises the file.
    :raise ParseError: when the file is not minutes in that format.
    """
    name = format if format != "auto" else detect_format(path, data)
    if name is None or name not in READERS:
        raise UnknownFormat(path, unknown_reason(path, data, name))
    if len(data) > MAX_FILE_BYTES:
        raise ParseError(path, f"the file is {len(data) // 1048576} MB, larger than the {MAX_FILE_BYTES // 1048576} MB limit")
    warnings: list[str] = []
    meetings = READERS[name](data, str(path), municipality, warnings, portal)
    named = NAMED_FILES[name](data) if name in NAMED_FILES else []
    return ParsedFile(meetings, warnings, named)


def unknown_reason(path: Path, data: bytes | None, name: str | None = None) -> str:
    """Why a file is not read as minutes: its extension, or its content."""
    suffix = path.suffix.lower()
    if name is not None:
        return f"unknown format {name!r}"
    if not any(suffix in suffixes for suffixes, _ in SNIFFERS.values()) and suffix not in EXTENSIONS:
        return f"unknown format {suffix or path.name!r}: not a minutes file (by its extension)"
    if suffix == ".xml" and data is not None:
        root = root_name(data)
        what = f"root element <{root}>" if root else "no XML root element"
        return f"unknown format {suffix!r}: not a minutes file ({what}: none of SBSYS, eDoc, Acadre)"
    return f"unknown format {suffix!r}: not a minutes file (its content is none of the {suffix} formats searchsvc reads)"
