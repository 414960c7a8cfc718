"""`make run` on a laptop: the worker stops with the terminal, one worker at a time, the log is
kept, and links in e-mails follow PORT.

The run script is driven with a stand-in for uv whose "worker" behaves like uv running Celery:
the leader (uv) ends on a hang-up and passes a TERM on to its child, and the child (Celery)
shrugs off the hang-up, since Celery restarts on it. That is how closing the terminal used to
leave the worker running.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "run-laptop"

FAKE_UV = """#!/usr/bin/env bash
shift  # "run"
case "$1" in
  celery)
    echo $$ > "$VAR_DIR/worker-leader.pid"
    (trap '' HUP; exec sleep 300) &
    echo $! > "$VAR_DIR/worker-child.pid"
    trap 'kill $!; exit 0' TERM
    echo "Subject: an e-mail from the worker"
    wait ;;
  python)
    echo "web server running"
    exec sleep "${FAKE_SERVER_SECONDS:-300}" ;;
esac
"""

WORKER_FILES = ("celery-worker.pid", "worker-leader.pid", "worker-child.pid")

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="make run needs a POSIX shell")


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A child of this test that has ended but is not reaped yet is a zombie, not alive.
    status = Path(f"/proc/{pid}/stat")
    return not (status.exists() and status.read_text().split(") ", 1)[1].startswith("Z"))


def wait_for(check: object, seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if check():  # type: ignore[operator]
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def laptop(tmp_path: Path) -> dict[str, str]:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "uv"
    fake.write_text(FAKE_UV)
    fake.chmod(0o755)
    var = tmp_path / "var"
    return {**os.environ, "PATH": f"{bin_dir}:{os.environ['PATH']}", "VAR_DIR": str(var)}


def written(var: Path) -> bool:
    return all((var / name).exists() and (var / name).read_text().strip() for name in WORKER_FILES)


@contextlib.contextmanager
def running(env: dict[str, str], var: Path, **options: Any) -> Iterator[subprocess.Popen[str]]:
    """The run script in a session of its own, as a terminal would start it."""
    run = subprocess.Popen(["bash", str(SCRIPT)], env=env, start_new_session=True, **options)
    leaders: list[int] = []
    try:
        # The script writes its pid file just after the worker starts, not before.
        assert wait_for(lambda: written(var)), "the worker did not start"
        leaders.append(int((var / "worker-leader.pid").read_text()))
        yield run
    finally:
        if run.poll() is None:
            os.killpg(run.pid, signal.SIGKILL)
            run.wait()
        # Gone already, unless the test failed: then the worker must not outlive the test.
        for leader in leaders:  # it leads a process group of its own
            with contextlib.suppress(ProcessLookupError):
                os.killpg(leader, signal.SIGKILL)


@pytest.fixture
def started(laptop: dict[str, str], tmp_path: Path) -> Iterator[subprocess.Popen[str]]:
    with (
        (tmp_path / "terminal.txt").open("w") as output,
        running(laptop, tmp_path / "var", stdout=output, stderr=subprocess.STDOUT) as run,
    ):
        yield run


def worker_processes(tmp_path: Path) -> tuple[int, int]:
    """The stand-in worker's leader (uv) and child (Celery)."""
    leader = int((tmp_path / "var" / "worker-leader.pid").read_text())
    child = int((tmp_path / "var" / "worker-child.pid").read_text())
    return leader, child


@pytest.mark.parametrize("how", [signal.SIGHUP, signal.SIGINT, signal.SIGTERM])
def test_closing_the_terminal_or_ctrl_c_stops_the_worker_and_its_children(
    how: signal.Signals, started: subprocess.Popen[str], tmp_path: Path
) -> None:
    leader, child = worker_processes(tmp_path)
    assert alive(leader)
    assert alive(child)

    # A terminal sends its signal to every process of the foreground group.
    os.killpg(started.pid, how)

    assert started.wait(timeout=30) != 0
    assert wait_for(lambda: not alive(child)), "the worker's child outlived the run"
    assert not alive(leader)
    assert not (tmp_path / "var" / "celery-worker.pid").exists()


def test_the_worker_prints_its_emails_in_the_terminal(
    started: subprocess.Popen[str], tmp_path: Path
) -> None:
    terminal = tmp_path / "terminal.txt"

    assert wait_for(lambda: "Subject: an e-mail from the worker" in terminal.read_text())
    assert "E-mails the portal sends are printed here, in this terminal." in terminal.read_text()


def test_a_second_run_refuses_while_the_first_worker_lives(
    started: subprocess.Popen[str], laptop: dict[str, str], tmp_path: Path
) -> None:
    leader, child = worker_processes(tmp_path)
    assert (tmp_path / "var" / "celery-worker.pid").read_text().strip() == str(leader)

    # Were it to start after all, its web server would end at once, and the worker with it.
    second = subprocess.run(
        ["bash", str(SCRIPT)],
        env={**laptop, "FAKE_SERVER_SECONDS": "1"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert second.returncode != 0
    assert f"still running (process {leader})" in second.stderr
    assert f"kill -- -{leader}" in second.stderr
    assert alive(leader)
    assert alive(child)
    assert (tmp_path / "var" / "celery-worker.pid").read_text().strip() == str(leader)


def refuse_if_running(pid_file: Path) -> subprocess.CompletedProcess[str]:
    """The script's own check, run on its own."""
    return subprocess.run(
        ["bash", "-c", f'source "{SCRIPT}"; refuse_if_running "$1"', "check", str(pid_file)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )


def test_a_pid_file_of_a_live_worker_refuses_and_a_stale_one_is_cleared(tmp_path: Path) -> None:
    pid_file = tmp_path / "celery-worker.pid"
    # A live process that looks like the worker of an earlier run.
    worker = subprocess.Popen(["bash", "-c", "exec -a 'uv run celery -A governance' sleep 60"])
    try:
        pid_file.write_text(f"{worker.pid}\n")
        refused = refuse_if_running(pid_file)
        assert refused.returncode == 1
        assert f"(process {worker.pid})" in refused.stderr
        assert pid_file.exists()
    finally:
        worker.kill()
        worker.wait()

    assert refuse_if_running(pid_file).returncode == 0
    assert not pid_file.exists()

    # A process id reused by some other program is not a worker.
    other = subprocess.Popen(["sleep", "60"])
    try:
        pid_file.write_text(f"{other.pid}\n")
        assert refuse_if_running(pid_file).returncode == 0
        assert not pid_file.exists()
    finally:
        other.kill()
        other.wait()

    pid_file.write_text("not a number\n")
    assert refuse_if_running(pid_file).returncode == 0


def test_the_log_of_earlier_runs_is_kept(laptop: dict[str, str], tmp_path: Path) -> None:
    log = tmp_path / "var" / "celery-worker.log"
    log.parent.mkdir()
    log.write_text("what the worker did yesterday\n")

    with running(laptop, log.parent) as run:
        os.killpg(run.pid, signal.SIGINT)
        run.wait(timeout=30)

    text = log.read_text()
    assert text.startswith("what the worker did yesterday\n")
    assert "=== make run started " in text


def settings_value(name: str, **env: str) -> str:
    dropped = {"DEBUG", "SITE_URL", "PORT", "DJANGO_SETTINGS_MODULE"}
    clean = {key: value for key, value in os.environ.items() if key not in dropped}
    result = subprocess.run(
        [sys.executable, "-c", f"import governance.settings as s; print(s.{name})"],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_links_in_emails_follow_the_laptop_port() -> None:
    assert settings_value("SITE_URL") == "http://localhost:8000"
    assert settings_value("SITE_URL", PORT="8765") == "http://localhost:8765"
    assert (
        settings_value("SITE_URL", PORT="8765", SITE_URL="https://portal.example/")
        == "https://portal.example"
    )


def test_make_test_lists_why_tests_were_skipped() -> None:
    makefile = (ROOT / "Makefile").read_text()
    (command,) = [line for line in makefile.splitlines() if "run pytest" in line]

    assert " -rs " in f"{command} "


def test_the_worker_leaves_its_printed_emails_on_the_terminal() -> None:
    """Celery would otherwise send what the console e-mail backend prints into its log file."""
    from django.conf import settings

    assert settings.CELERY_WORKER_REDIRECT_STDOUTS is False
