"""Files that belong to an export: the attachments and documents an XML export names.

An SBSYS publication writes its enclosures beside itself (``Enclosures/1.pdf``), an Acadre
export its attachments (``3525829E1.DOCX``) and produced documents (``3687982.docx``,
``Files_1863_3687982/``), eDoc its PDFs. They are parts of their meeting, listed as its
items' attachments, not minutes to index and not unknown files.

``ExportIndex`` answers which export names a file, for one reindex run: from the exports
parsed in the run, then, for a file that is neither minutes nor of a known format, by
reading the exports in its folder and the folder above (each folder once per run).
Names compare without case: the exports come from Windows systems.
"""

from __future__ import annotations

from pathlib import Path

from ..errors import ParseError
from . import MAX_FILE_BYTES, NAMED_FILES, detect_format


def _key(path: Path) -> str:
    return str(path).casefold()


class ExportIndex:
    """Which export names which file, for one run."""

    def __init__(self) -> None:
        self._named: dict[str, Path] = {}
        self._scanned: set[Path] = set()
        self._exports: set[Path] = set()

    def add(self, export: Path, names: list[str]) -> None:
        """Record the files an export names, relative to its folder."""
        self._exports.add(export)
        for name in names:
            self._named.setdefault(_key(export.parent / name), export)

    def named_by(self, path: Path, *, scan: bool = True) -> Path | None:
        """The export that names this file (or a folder holding it), or None.

        :param scan: also read the exports beside the file that this run did not parse.
        """
        if scan:
            for folder in (path.parent, path.parent.parent):
                self._scan(folder)
        # Acadre names a folder of files ("Files_1863_3687982"), so ancestors count too.
        for candidate in (path, *list(path.parents)[:3]):
            export = self._named.get(_key(candidate))
            if export is not None and export != path:
                return export
        return None

    def _scan(self, folder: Path) -> None:
        if folder in self._scanned:
            return
        self._scanned.add(folder)
        try:
            files = [p for p in folder.iterdir() if p.suffix.lower() == ".xml" and not p.name.startswith(".")]
        except OSError:
            return
        for export in files:
            if export in self._exports:
                continue
            try:
                if export.stat().st_size > MAX_FILE_BYTES:
                    continue
                data = export.read_bytes()
                name = detect_format(export, data)
                if name in NAMED_FILES:
                    self.add(export, NAMED_FILES[name](data))
            except (OSError, ParseError):
                continue  # a broken export is reported when it is parsed, not here
