"""Fault campaign: SIGKILL ``searchsvc reindex`` (plain and ``--full``) at moments spread
over its phases, and check what a reader sees afterwards.

Each trial changes the corpus (meetings added, removed and rewritten), starts the real
CLI in a subprocess, kills it with SIGKILL at a chosen moment, and then checks:

- the reindex lock is free at once (no orphaned worker process holds it);
- a fresh ``SearchService`` and one that stayed open across the kill (a running server's
  read side) both answer with one whole committed corpus: the previous one, or the
  new one when the run got past its store commit (or, for ``--full``, its publish);
- the store and the index agree (every stored item searchable, nothing searchable
  missing from the store, search total and facet counts equal to the store);
- the next reindex (the same command again) exits 0, leaves no stale generation or
  index commit behind, and serves exactly the items that parsing the files gives.

Kill moments for ``--full`` come from a calibration run (the same reindex, instrumented
in-process, over a scratch copy) that measures when parsing, index writing and the
commit start and end. A plain run's length depends on what changed, so past parsing its
kills follow events in the index folder: the writer's first file (then up to 1.5 s
more), the new commit file (at once: the narrow window between the Whoosh commit and
the store commit; or up to 30 ms later: the store commit and the clean-up).

Usage (about 20 minutes on 2 cores with the defaults):

    .venv/bin/python bench/reliability/faults.py --trials 24 [--greve 60] [--seed 7] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
sys.path.insert(0, str(REPO))

from searchsvc.engine import writer as indexer  # noqa: E402
from searchsvc.jobs import integrity  # noqa: E402
from searchsvc.search import SearchService  # noqa: E402
from searchsvc.store.generations import DataDir  # noqa: E402
from searchsvc.errors import IndexLocked  # noqa: E402
from searchsvc.sources import read_source  # noqa: E402
from searchsvc.store.items import Store  # noqa: E402

CLI = "import sys; from searchsvc.cli import main; sys.exit(main())"

# In-process instrumentation for the calibration run: prints when each phase starts/ends.
CALIBRATE = r"""
import sys, time
from searchsvc.jobs import reindex as R
from searchsvc.engine import writer as I
from searchsvc.config import load_config
import whoosh.writing as W
t0 = float(sys.argv[3])
def mark(name):
    print(f"{name} {time.time() - t0:.3f}", flush=True)
def wrap(owner, name, label):
    original = getattr(owner, name)
    def wrapped(*a, **k):
        mark(label + "-start"); result = original(*a, **k); mark(label + "-end"); return result
    setattr(owner, name, wrapped)
wrap(R, "parse_all", "parse")
wrap(R, "_apply", "apply")
wrap(W.SegmentWriter, "commit", "commit")
R.reindex(load_config(sys.argv[1]), full=sys.argv[2] == "full", allow_removals=True)
mark("done")
"""

MUNICIPALITIES = {"frederiksberg": "Frederiksberg Kommune", "greve": "Greve Kommune"}


@dataclass
class Trial:
    number: int
    mode: str                 # "plain" or "full"
    target: str               # the phase aimed at: parse, write, commit, event
    kill_after: float | None  # seconds after start (None for event trials)
    killed_at: float = 0.0
    killed: bool = True       # False when the run finished before the kill
    state: str = ""           # what the disk showed: before-commit, between-commits, committed, ...
    visible: str = ""         # previous, new
    orphans: int = 0
    problems: list[str] = field(default_factory=list)
    recovery_seconds: float = 0.0
    items_before: int = 0
    items_after: int = 0


class Workspace:
    """A private corpus copy (Frederiksberg samples plus Greve meetings), its config and
    index, and a reserve of meetings that trials move in and out."""

    def __init__(self, root: Path, greve: int, reserve: int, rng: random.Random) -> None:
        self.root = root
        self.rng = rng
        self.src = root / "src"
        self.reserve = root / "reserve"
        for folder in (self.src / "frederiksberg", self.src / "greve", self.reserve):
            folder.mkdir(parents=True, exist_ok=True)
        for path in sorted((CORPUS / "frederiksberg").iterdir()):
            shutil.copy2(path, self.src / "frederiksberg")
        files = sorted((CORPUS / "greve").glob("*.json"))
        rng.shuffle(files)
        for path in files[:greve]:
            shutil.copy2(path, self.src / "greve")
        for path in files[greve:greve + reserve]:
            shutil.copy2(path, self.reserve)
        lines = ["[index]", 'path = "index"', ""]
        for name, municipality in MUNICIPALITIES.items():
            lines += ["[[sources]]", f'path = "src/{name}"', f'municipality = "{municipality}"', ""]
        self.config = root / "config.toml"
        self.config.write_text("\n".join(lines), encoding="utf-8")
        self.index = root / "index"
        self._oracle: dict[tuple[str, int, int], set[str]] = {}

    def churn(self, add: int, remove: int, rewrite: int) -> None:
        """Move meetings in from the reserve, out to it, and rewrite some in place (same
        items, new bytes: the items are updated)."""
        greve = self.src / "greve"
        incoming = sorted(self.reserve.glob("*.json"))
        for path in self.rng.sample(incoming, min(add, len(incoming))):
            shutil.move(path, greve / path.name)
        present = sorted(greve.glob("*.json"))
        for path in self.rng.sample(present, min(remove, max(0, len(present) - 10))):
            shutil.move(path, self.reserve / path.name)
        for path in self.rng.sample(sorted(greve.glob("*.json")), rewrite):
            document = json.loads(path.read_text("utf-8"))
            indent = 1 if path.read_bytes()[:3] != b'{\n ' else None
            path.write_text(json.dumps(document, ensure_ascii=False, indent=indent), "utf-8")

    def expected_ids(self) -> set[str]:
        """The item ids that parsing the current source files gives (the oracle)."""
        ids: set[str] = set()
        for name, municipality in MUNICIPALITIES.items():
            for path in sorted((self.src / name).iterdir()):
                stat = path.stat()
                key = (str(path), stat.st_size, stat.st_mtime_ns)
                if key not in self._oracle:
                    parsed = read_source(path, path.read_bytes(), municipality=municipality)
                    self._oracle[key] = {i.id for m in parsed.meetings for i in m.items}
                ids |= self._oracle[key]
        return ids

    def scratch_copy(self) -> Path:
        """A copy of the workspace (sources and index) for a calibration run."""
        target = Path(tempfile.mkdtemp(prefix="calibrate-", dir=self.root.parent))
        # cp in another process: closing a file descriptor of the live SQLite database in
        # this process (where the open reader lives) would drop that reader's POSIX locks.
        for name in ("src", "index"):
            if (self.root / name).exists():
                subprocess.run(["cp", "-a", str(self.root / name), str(target / name)], check=True)
        shutil.copy2(self.config, target / "config.toml")
        return target


def reindex_command(config: Path, full: bool) -> list[str]:
    # Trials remove up to 6 of as few as 16 meetings on purpose: past the removals guard.
    return ([sys.executable, "-c", CLI, "--config", str(config), "reindex", "--quiet", "--allow-removals"]
            + (["--full"] if full else []))


def children(pid: int) -> list[int]:
    """The direct children of a process (its parser workers)."""
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except OSError:
        return []


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().split(")")[-1].split()[0]
    except OSError:
        return False
    return state not in ("Z", "X")


def calibrate(workspace: Workspace, full: bool) -> dict[str, float]:
    """Phase start/end times (seconds after launch) of one run like the trials' runs."""
    scratch = workspace.scratch_copy()
    try:
        started = time.time()
        out = subprocess.run([sys.executable, "-c", CALIBRATE, str(scratch / "config.toml"),
                              "full" if full else "plain", repr(started)],
                             capture_output=True, text=True, check=True, cwd=REPO).stdout
        marks: dict[str, float] = {}
        for line in out.splitlines():
            name, seconds = line.split()
            marks.setdefault(name, float(seconds))  # the first commit is the one that counts
        return marks
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def windows(marks: dict[str, float]) -> dict[str, tuple[float, float]]:
    """The kill windows: parsing, index writing (store, dictionary, documents), commit."""
    return {
        "parse": (0.3, marks["parse-end"]),
        "write": (marks["parse-end"], marks["commit-start"]),
        "commit": (marks["commit-start"], marks["commit-end"]),
    }


def kill_on(process: subprocess.Popen, index: Path, known: set[str], event: str, delay: float,
            timeout: float = 600) -> float | None:
    """SIGKILL the run ``delay`` seconds after an event in the index folder: ``"write"``, the
    index writer's first new file; ``"commit"``, a new index commit (a TOC file, not the
    empty one a new index starts with). Return when it was sent, after the start."""
    started = time.monotonic()
    while time.monotonic() - started < timeout and process.poll() is None:
        new = index_files(index) - known
        if event == "write":
            seen = any(not n.endswith((".toc", "WRITELOCK")) for n in new)
        else:
            seen = any(n.endswith(".toc") and not n.endswith("_0.toc") for n in new)
        if seen:
            time.sleep(delay)
            process.send_signal(signal.SIGKILL)
            return time.monotonic() - started
        time.sleep(0.002)
    return None


def index_files(index: Path) -> set[str]:
    """Every file of every generation's index, named by generation folder."""
    names = set()
    for generation in index.glob("gen-*"):
        try:
            names |= {f"{generation.name}/{n}" for n in os.listdir(generation / indexer.WHOOSH_DIR)}
        except OSError:
            continue
    return names


def visible_ids(index: Path, service: SearchService | None = None) -> tuple[set[str], list[str]]:
    report = integrity.check(index, service)
    return report.searchable, report.problems


def lock_is_free(index: Path, within: float = 5.0) -> bool:
    deadline = time.monotonic() + within
    while True:
        try:
            with DataDir(index).lock(wait=False):
                return True
        except IndexLocked:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.05)


def disk_state(index: Path, before_generation: str, before_commit: int | None) -> str:
    datadir = DataDir(index)
    live = datadir.current()
    if live.name != before_generation:
        return "published"
    stale = [p for p in index.glob("gen-*") if p != live]
    store = Store(live)
    commit = store.index_commit()
    store.close()
    latest = indexer.latest_commit(indexer.open_index(live))
    if commit != before_commit:
        return "store-committed"
    if latest > (commit or 0):
        return "between-commits"
    return "new-generation-unpublished" if stale else "before-commit"


def run_trial(workspace: Workspace, trial: Trial, server: SearchService, log) -> Trial:
    index = workspace.index
    before_ids, problems = visible_ids(index)
    trial.items_before = len(before_ids)
    assert not problems, problems
    live = DataDir(index).current()
    store = Store(live)
    before_commit = store.index_commit()
    store.close()
    # Parse trials rewrite enough files that a plain run parses them in worker processes.
    rewrite = 14 if trial.target == "parse" else 3
    workspace.churn(add=workspace.rng.randint(3, 8), remove=workspace.rng.randint(2, 6), rewrite=rewrite)
    after_ids = workspace.expected_ids()
    known = index_files(index)

    process = subprocess.Popen(reindex_command(workspace.config, trial.mode == "full"), cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    started = time.monotonic()
    workers: set[int] = set()
    if trial.target in EVENTS[trial.mode]:
        event = "write" if trial.target == "write" else "commit"
        trial.killed_at = kill_on(process, index, known, event, trial.kill_after) or 0.0
    else:
        while time.monotonic() - started < trial.kill_after and process.poll() is None:
            workers |= set(children(process.pid))
            time.sleep(0.005)
        workers |= set(children(process.pid))
        if process.poll() is None:
            process.send_signal(signal.SIGKILL)
        trial.killed_at = time.monotonic() - started
    process.wait()
    trial.killed = process.returncode == -signal.SIGKILL
    if not lock_is_free(index):
        trial.problems.append("the reindex lock is still held after the kill")
    trial.orphans = sum(alive(pid) for pid in workers)
    if trial.orphans:
        trial.problems.append(f"{trial.orphans} orphaned worker processes")
        for pid in workers:
            if alive(pid):
                os.kill(pid, signal.SIGKILL)
    trial.state = disk_state(index, live.name, before_commit)

    for name, service in (("fresh reader", None), ("open reader", server)):
        seen, problems = visible_ids(index, service)
        trial.problems += [f"{name}: {p}" for p in problems]
        if seen == before_ids:
            trial.visible = "previous"
        elif seen == after_ids:
            trial.visible = "new"
        else:
            trial.problems.append(f"{name} sees neither the previous nor the new corpus "
                                  f"({len(seen)} items; previous {len(before_ids)}, new {len(after_ids)})")

    started = time.monotonic()
    finished = subprocess.run(reindex_command(workspace.config, trial.mode == "full"), cwd=REPO,
                              capture_output=True, text=True, timeout=900)
    trial.recovery_seconds = round(time.monotonic() - started, 2)
    if finished.returncode != 0:
        trial.problems.append(f"the next reindex exited {finished.returncode}: {finished.stderr.strip()[-300:]}")
    report = integrity.check(index)
    trial.problems += [f"after the next reindex: {p}" for p in report.problems]
    if report.stale:
        trial.problems.append(f"left behind after the next reindex: {report.stale}")
    if report.searchable != after_ids:
        trial.problems.append(f"after the next reindex {len(report.searchable)} items are searchable, "
                              f"parsing the files gives {len(after_ids)}")
    seen, problems = visible_ids(index, server)
    if seen != after_ids or problems:
        view = server.view()
        trial.problems.append(f"the open reader sees {len(seen)} items, not the restored {len(after_ids)} "
                              f"(reads commit {view.snapshot.commit} of {view.generation}, "
                              f"the store records {view.store.index_commit()}) {problems}")
    trial.items_after = len(report.searchable)
    log(trial)
    return trial


# Targets reached by an event in the index folder rather than a time: a plain run's
# length depends on how much changed, so its calibration says little beyond parsing.
# "event" kills the moment the new commit appears (between the index commit and the
# store commit); "commit" up to 30 ms later (the store commit, the clean-up);
# "publish" 0.1-1.5 s later (a full rebuild's store commit, pointer swap with its fsyncs,
# and the old generation's removal).
EVENTS = {"plain": {"write", "commit", "event"}, "full": {"event", "publish"}}
DELAYS = {"write": (0.0, 1.5), "commit": (0.0, 0.03), "event": (0.0, 0.0), "publish": (0.1, 1.5)}
TARGETS = {"plain": ["parse", "write", "commit", "event"],
           "full": ["parse", "write", "commit", "event", "publish"]}


def plan(trials: int, rng: random.Random, calibration: dict[str, dict[str, float]],
         only: list[tuple[str, str]] | None = None) -> list[Trial]:
    """Trials alternate plain and full; each mode's trials cycle through the phases.
    ``kill_after`` is seconds after the start, or after the event for event targets."""
    planned = []
    for number in range(trials):
        mode = ("plain", "full")[number % 2]
        target = TARGETS[mode][(number // 2) % len(TARGETS[mode])]
        if only:
            mode, target = only[number % len(only)]
        if target in EVENTS[mode]:
            low, high = DELAYS[target]
        else:
            low, high = windows(calibration[mode])[target]
        kill_after = round(rng.uniform(low, max(low, high)), 3)
        planned.append(Trial(number + 1, mode, target, kill_after))
    return planned


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=24)
    parser.add_argument("--greve", type=int, default=60, help="Greve meetings in the corpus at the start")
    parser.add_argument("--reserve", type=int, default=40, help="Greve meetings that trials move in and out")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, help="write the trials here")
    parser.add_argument("--only", nargs="+", metavar="MODE:TARGET",
                        help="run only these, e.g. full:publish plain:event")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    args = parser.parse_args()

    rng = random.Random(args.seed)
    root = Path(tempfile.mkdtemp(prefix="searchsvc-faults-"))
    workspace = Workspace(root / "work", args.greve, args.reserve, rng)
    print(f"work folder {root}", flush=True)
    first = subprocess.run(reindex_command(workspace.config, False), cwd=REPO, capture_output=True, text=True)
    assert first.returncode == 0, first.stderr
    server = SearchService(workspace.index)
    server.view()

    calibration = {}
    for mode in ("plain", "full"):
        workspace.churn(add=5, remove=4, rewrite=3)
        calibration[mode] = calibrate(workspace, mode == "full")
        print(f"calibration {mode}: " + ", ".join(f"{k} {v:.2f}s" for k, v in calibration[mode].items()),
              flush=True)
    subprocess.run(reindex_command(workspace.config, False), cwd=REPO, check=True, capture_output=True)

    def log(trial: Trial) -> None:
        when = f"{trial.killed_at:6.2f}s" if trial.killed else "finished"
        print(f"#{trial.number:2d} {trial.mode:5s} {trial.target:6s} killed at {when} state={trial.state:26s} "
              f"visible={trial.visible:8s} items {trial.items_before}->{trial.items_after} "
              f"recovery {trial.recovery_seconds:.1f}s " + ("OK" if not trial.problems else f"PROBLEMS {trial.problems}"),
              flush=True)

    only = [tuple(spec.split(":")) for spec in args.only] if args.only else None
    results = [run_trial(workspace, trial, server, log) for trial in plan(args.trials, rng, calibration, only)]
    failed = [t for t in results if t.problems]
    killed = [t for t in results if t.killed]
    by_state: dict[str, int] = {}
    for trial in killed:
        by_state[trial.state] = by_state.get(trial.state, 0) + 1
    print(f"\n{len(results)} trials, {len(killed)} killed mid-run "
          f"({sum(t.mode == 'plain' for t in killed)} plain, {sum(t.mode == 'full' for t in killed)} full); "
          f"disk state at the kill: {by_state}; {len(failed)} with problems")
    if args.json:
        args.json.write_text(json.dumps({"calibration": calibration, "trials": [asdict(t) for t in results]},
                                        indent=1), "utf-8")
    if not args.keep:
        shutil.rmtree(root, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
