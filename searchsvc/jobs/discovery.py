"""Which files the configured sources name: a source's file itself, or the files in its
folder, recursively, skipping hidden names (files of no known format too: reindex
reports them).

Symbolic links are followed only while they stay inside the source folder, unless the
source says ``follow_symlinks = true``: a link such as ``passwd.txt -> /etc/passwd`` is
skipped with a warning, never read. A file whose name is not valid UTF-8 cannot be
stored (the store and the index hold text); it is refused by name, alone, and the
run goes on. A file or folder that disappears while it is scanned is simply not there;
a folder that cannot be listed (permissions, a share gone stale) is reported in
``Scan.unreadable``: its files are not gone, only unseen, and keep their items.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from ..config import SourceConfig

NOT_UTF8 = "the file name is not valid UTF-8, so it cannot be stored: rename the file"


@dataclass
class Scan:
    files: list[tuple[Path, SourceConfig]] = field(default_factory=list)  # resolved paths
    refused: list[tuple[str, str]] = field(default_factory=list)         # (shown name, reason)
    warnings: list[str] = field(default_factory=list)
    unreadable: list[tuple[Path, str]] = field(default_factory=list)    # (real folder, reason)

    def unseen(self, path: str) -> bool:
        """Whether a file may lie in a folder that could not be listed."""
        return any(path == str(folder) or path.startswith(f"{folder}{os.sep}") for folder, _ in self.unreadable)


def shown(path: Path | str) -> str:
    """A path as text that can be printed and stored: bytes that are not UTF-8 as ``\\xff``."""
    return os.fsencode(path).decode("utf-8", "backslashreplace")


def scan(sources: list[SourceConfig]) -> Scan:
    """Every file the sources name, each once (the first source naming it wins)."""
    result = Scan()
    seen: set[Path] = set()
    for source in sources:
        paths = [source.path] if source.path.is_file() else _walk(source, result)
        for path in paths:
            resolved = path.resolve()
            if resolved in seen:
                continue
            seen.add(resolved)
            try:
                str(resolved).encode("utf-8")
            except UnicodeEncodeError:
                result.refused.append((shown(resolved), NOT_UTF8))
                continue
            result.files.append((resolved, source))
    return result


def _walk(source: SourceConfig, result: Scan) -> list[Path]:
    """The files under a source folder, sorted."""
    root = Path(os.path.realpath(source.path))
    visited = {root}           # real folders already listed: a link cycle ends here
    folders, found = [source.path], []
    while folders:
        folder = folders.pop()
        try:
            entries = list(os.scandir(folder))
        except OSError as error:
            if isinstance(error, FileNotFoundError) and (folder != source.path or source.portal):
                continue  # a subfolder removed while we looked, a portal's not yet fetched
            result.unreadable.append((Path(os.path.realpath(folder)), error.strerror or str(error)))
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            path = Path(entry.path)
            try:
                if entry.is_symlink():
                    target = Path(os.path.realpath(path))
                    if not target.exists():
                        continue   # a broken link: nothing to read
                    if not source.follow_symlinks and not target.is_relative_to(root):
                        result.warnings.append(
                            f"{shown(path)}: skipped, a symbolic link to outside {shown(source.path)} "
                            f"(follow_symlinks = true in its [[sources]] would read it)")
                        continue
                is_folder, is_file = entry.is_dir(), entry.is_file()
            except OSError:   # vanished or unreadable while we looked
                continue
            if is_folder:
                real = Path(os.path.realpath(path))
                if real not in visited:
                    visited.add(real)
                    folders.append(path)
            elif is_file:
                found.append(path)
    return sorted(found)
