"""A parser process that dies does not stop the reindex: the file it held is parsed
again in a fresh process, and only a file that kills its process twice would fail."""

from __future__ import annotations

import os
import shutil
import signal
from pathlib import Path

from helpers import require_corpus, write_config

from searchsvc.config import load_config
from searchsvc.jobs.reindex import reindex


def _children(pid: int) -> list[int]:
    found = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text().split()
        found += [int(child) for child in text]
    return found


def test_a_killed_parser_process_loses_no_file(tmp_path):
    greve = require_corpus("greve")
    folder = tmp_path / "greve"
    folder.mkdir()
    for path in sorted(greve.glob("*.json"))[:120]:
        shutil.copy(path, folder / path.name)
    config = load_config(write_config(tmp_path, [(folder, "Greve Kommune")]))
    killed: list[int] = []
    # Servers other tests of the session started are children too: never those.
    others = set(_children(os.getpid()))

    def kill_a_parser(done: int, total: int) -> None:
        # Called after each parsed file, while the pool's processes still hold the rest.
        if killed:
            return
        for child in _children(os.getpid()):
            if child not in others:
                os.kill(child, signal.SIGKILL)
                killed.append(child)
                return

    report = reindex(config, workers=2, progress=kill_a_parser)
    assert killed, "no parser process was seen to kill"
    assert report.failures == []
    assert report.files_parsed == 120
