"""Fault campaign: SIGKILL ``searchsvc fetch`` and ``searchsvc reindex --fetch`` at random
moments while they download from a portal, and check that nothing is lost or doubled.

The portal is the replay server of the tests (``tests/portal_replay.py``) on 127.0.0.1,
serving real Greve meetings in FirstAgenda's shape. Before each trial the portal
changes as a real one does: new meetings are published, published ones corrected (new
text, a new ``ReleasedDate``), and some moved to another hour (a new file name: the old
file must go); every fourth trial the fetch state is deleted, so that everything is
downloaded again. The command is then started and killed with SIGKILL at a random
moment: while it downloads (after a random number of the files it must write, 0 for
before the first, plus up to 50 ms), or, for ``reindex --fetch``, after its downloads,
while it reindexes (up to the length of the last uninterrupted run). After the kill:

- no process of the run is left (the parser workers end with it), and the fetch and
  reindex locks are free at once;
- the source folder holds no meeting twice and no file that does not parse, and the
  index is whole (store and index agree: ``jobs.integrity``);

and after the next, uninterrupted ``searchsvc reindex --fetch``:

- the folder holds exactly one file per published meeting, byte for byte what the
  portal serves now (nothing lost, nothing stale, nothing doubled), and no temporary
  file the kill left;
- the index holds exactly the items that parsing the portal's documents gives.

Usage (about 5 minutes on 2 cores with the defaults):

    .venv/bin/python bench/reliability/fetchkills.py --trials 16 [--meetings 40] [--seed 7] [--json out.json]
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
CORPUS = REPO.parent / "shared" / "corpus"
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "tests"))

from portal_replay import PortalReplay  # noqa: E402

from searchsvc.jobs import integrity  # noqa: E402
from searchsvc.sources import read_source  # noqa: E402

CLI = "import sys; from searchsvc.cli import main; sys.exit(main())"
MUNICIPALITY = "Greve Kommune"


@dataclass
class Trial:
    number: int
    command: str              # "fetch" or "reindex --fetch"
    target: str               # "download" or "reindex": the phase the kill aims at
    downloads: int            # the files the run must write
    kill_after_file: int      # downloads: kill after this many files are written
    kill_delay: float         # then after this many seconds
    killed_at: float = 0.0    # seconds after the start
    killed: bool = True       # False when the run ended before the kill
    files_at_kill: int = 0
    leftovers: int = 0        # temporary files the kill left (dot files: never read)
    orphans: int = 0
    problems: list[str] = field(default_factory=list)
    published: int = 0
    items_expected: int = 0
    items_lost: int = 0
    items_extra: int = 0
    recovery_seconds: float = 0.0


class Campaign:
    """A portal replaying some Greve meetings (the rest held back to be published later),
    a source folder fetched from it, and its index."""

    def __init__(self, root: Path, meetings: int, rng: random.Random) -> None:
        self.root, self.rng = root, rng
        files = sorted((CORPUS / "greve").glob("*.json"))
        rng.shuffle(files)
        self.portal = PortalReplay(files[:meetings]).start()
        self.reserve = files[meetings:]
        self.folder = root / "greve"
        self.config = root / "config.toml"
        self.config.write_text(
            '[index]\npath = "index"\n[fetch]\npause = 0\ntimeout = 10\nretries = 2\n'
            f'[[sources]]\npath = "greve"\nmunicipality = "{MUNICIPALITY}"\nportal = "{self.portal.url}"\n',
            encoding="utf-8")
        self.corrections = 0

    def churn(self, add: int, correct: int, move: int) -> set[str]:
        """Publish new meetings, correct some, move some to another hour (a new file name);
        return the meetings a fetch must download."""
        changed = set()
        for _ in range(min(add, len(self.reserve))):
            changed.add(self.portal.add(self.reserve.pop().read_bytes()))
        ids = sorted(self.portal.documents)
        headed = [i for i in ids if b"</h3>" in self.portal.documents[i]]
        for meeting_id in self.rng.sample(headed, min(correct, len(headed))):
            self.corrections += 1
            self.portal.change(meeting_id, "</h3>", f"</h3><p>Rettelse {self.corrections}.</p>")
            changed.add(meeting_id)
        for meeting_id in self.rng.sample(ids, move):
            dato = json.loads(self.portal.documents[meeting_id])["Moede"]["Dato"]
            hour = int(dato[11:13])
            self.portal.change(meeting_id, f'"{dato}"', f'"{dato[:11]}{(hour + 1) % 24:02d}{dato[13:]}"')
            changed.add(meeting_id)
        return changed

    def command(self, name: str) -> list[str]:
        args = ["fetch", "--quiet"] if name == "fetch" else ["reindex", "--fetch", "--quiet", "--allow-removals"]
        return [sys.executable, "-c", CLI, "--config", str(self.config), *args]

    def expected_ids(self) -> set[str]:
        ids: set[str] = set()
        for meeting_id, body in self.portal.documents.items():
            parsed = read_source(Path(f"{meeting_id}.json"), body, municipality=MUNICIPALITY, format="firstagenda")
            ids |= {item.id for meeting in parsed.meetings for item in meeting.items}
        return ids

    def files(self) -> list[Path]:
        return sorted(p for p in self.folder.glob("*.json") if not p.name.startswith("."))


def processes_of(config: Path) -> list[int]:
    """Live processes whose command line names this config (a run's parser workers too)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().split(")")[-1].split()[0]
        except OSError:
            continue
        if str(config).encode() in cmdline and state not in ("Z", "X"):
            found.append(int(entry.name))
    return found


def lock_free(path: Path) -> bool:
    if not path.exists():
        return True
    with open(path, "a+") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return False
        fcntl.flock(handle, fcntl.LOCK_UN)
        return True


def check_folder(campaign: Campaign, trial: Trial) -> None:
    """No meeting twice, every file a meeting."""
    ids: Counter[str] = Counter()
    for path in campaign.files():
        try:
            ids[json.loads(path.read_bytes())["Id"]] += 1
            read_source(path, path.read_bytes(), municipality=MUNICIPALITY)
        except Exception as error:  # noqa: BLE001 - any failure is a finding
            trial.problems.append(f"{path.name}: {type(error).__name__}: {error}")
    doubled = [meeting_id for meeting_id, count in ids.items() if count > 1]
    if doubled:
        trial.problems.append(f"meetings in two files after the kill: {doubled}")


def written_since(folder: Path, start_ns: int) -> int:
    """Meeting files written since a moment."""
    count = 0
    for entry in os.scandir(folder) if folder.exists() else []:
        try:
            if entry.name.endswith(".json") and not entry.name.startswith(".") \
                    and entry.stat().st_mtime_ns >= start_ns:
                count += 1
        except FileNotFoundError:
            continue
    return count


def run_trial(campaign: Campaign, trial: Trial) -> None:
    start_ns = time.time_ns() - 10_000_000  # file times are coarser than the clock
    started = time.monotonic()
    process = subprocess.Popen(campaign.command(trial.command), cwd=REPO,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wanted = trial.kill_after_file if trial.target == "download" else trial.downloads
    while process.poll() is None and written_since(campaign.folder, start_ns) < wanted:
        time.sleep(0.005)
    try:
        process.wait(timeout=trial.kill_delay)
        trial.killed = False
    except subprocess.TimeoutExpired:
        os.kill(process.pid, signal.SIGKILL)
        process.wait()
    trial.killed_at = time.monotonic() - started
    trial.files_at_kill = len(campaign.files())
    time.sleep(0.2)  # the kernel delivers the parent-death signal to the workers
    trial.orphans = len(processes_of(campaign.config))
    if trial.orphans:
        trial.problems.append(f"{trial.orphans} processes of the killed run still alive")
    for lock in (campaign.folder / ".fetch.lock", campaign.root / "index" / "reindex.lock"):
        if not lock_free(lock):
            trial.problems.append(f"{lock.name} still held after the kill")
    trial.leftovers = len(list(campaign.folder.glob(".*.tmp")))
    check_folder(campaign, trial)
    if (campaign.root / "index").exists():
        try:
            report = integrity.check(campaign.root / "index")
            trial.problems += [f"after the kill: {problem}" for problem in report.problems]
        except Exception as error:  # noqa: BLE001 - before the first index: nothing to check
            if "no index" not in str(error).lower() and "reindex" not in str(error).lower():
                trial.problems.append(f"after the kill: {type(error).__name__}: {error}")

    started = time.monotonic()
    recovery = subprocess.run(campaign.command("reindex --fetch"), cwd=REPO, capture_output=True, text=True)
    trial.recovery_seconds = time.monotonic() - started
    if recovery.returncode != 0:
        trial.problems.append(f"the next run exited {recovery.returncode}: {recovery.stderr.strip()[-300:]}")
    served = {meeting_id: body for meeting_id, body in campaign.portal.documents.items()}
    on_disk: dict[str, bytes] = {}
    for path in campaign.files():
        body = path.read_bytes()
        meeting_id = json.loads(body)["Id"]
        if meeting_id in on_disk:
            trial.problems.append(f"meeting {meeting_id} in two files after the next run")
        on_disk[meeting_id] = body
    trial.published = len(served)
    if left := len(list(campaign.folder.glob(".*.tmp"))):
        trial.problems.append(f"{left} temporary files left after the next run")
    missing = sorted(set(served) - set(on_disk))
    stale = sorted(i for i in served.keys() & on_disk.keys() if served[i] != on_disk[i])
    if missing or stale or set(on_disk) - set(served):
        trial.problems.append(f"folder after the next run: {len(missing)} missing, {len(stale)} stale, "
                              f"{len(set(on_disk) - set(served))} not published")
    expected = campaign.expected_ids()
    report = integrity.check(campaign.root / "index")
    trial.problems += [f"after the next run: {problem}" for problem in report.problems]
    trial.items_expected = len(expected)
    trial.items_lost = len(expected - report.searchable)
    trial.items_extra = len(report.searchable - expected)
    if trial.items_lost or trial.items_extra:
        trial.problems.append(f"index after the next run: {trial.items_lost} items lost, {trial.items_extra} extra")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--trials", type=int, default=16)
    parser.add_argument("--meetings", type=int, default=40, help="meetings the portal publishes at first")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with tempfile.TemporaryDirectory(prefix="fetchkills-") as tmp:
        campaign = Campaign(Path(tmp), args.meetings, rng)
        started = time.monotonic()
        first = subprocess.run(campaign.command("reindex --fetch"), cwd=REPO, capture_output=True, text=True)
        if first.returncode != 0:
            sys.exit(f"the first run failed: {first.stderr}")
        last_run = time.monotonic() - started  # how long an uninterrupted run takes
        trials = []
        for number in range(1, args.trials + 1):
            downloads = campaign.churn(add=rng.randint(2, 6), correct=rng.randint(1, 5), move=rng.randint(0, 2))
            if number % 4 == 0:  # everything downloaded again, as into a fresh folder
                (campaign.folder / ".fetch-state.json").unlink(missing_ok=True)
                downloads = set(campaign.portal.documents)
            command = "fetch" if number % 2 else "reindex --fetch"
            target = "reindex" if command != "fetch" and rng.random() < 0.5 else "download"
            trial = Trial(number, command, target, len(downloads),
                          kill_after_file=rng.randint(0, len(downloads)),
                          kill_delay=rng.uniform(0, last_run) if target == "reindex" else rng.uniform(0, 0.05))
            run_trial(campaign, trial)
            last_run = trial.recovery_seconds
            trials.append(trial)
            print(f"trial {number:2d} {command:16s} {target:8s} kill at {trial.killed_at:5.2f} s "
                  f"{'killed' if trial.killed else 'ended first'}, {trial.files_at_kill} files, "
                  f"{trial.leftovers} temporary left, recovery {trial.recovery_seconds:.1f} s, "
                  f"{trial.items_expected} items: {trial.items_lost} lost, {trial.items_extra} extra, "
                  f"{len(trial.problems)} problems", flush=True)
            for problem in trial.problems:
                print(f"    {problem}", flush=True)
        campaign.portal.stop()
    killed = sum(t.killed for t in trials)
    print(f"\n{len(trials)} trials, {killed} killed mid-run: "
          f"{sum(len(t.problems) for t in trials)} problems, {sum(t.items_lost for t in trials)} items lost, "
          f"{sum(t.items_extra for t in trials)} extra, {sum(t.orphans for t in trials)} orphaned processes; "
          f"load average {os.getloadavg()[0]:.1f}")
    if args.json:
        args.json.write_text(json.dumps([asdict(t) for t in trials], indent=1), "utf-8")


if __name__ == "__main__":
    main()
