"""The room server: every learner gets their own copy of the course in the browser (JupyterHub).

    python3 workbook.py room --learners "anna ben cara"   # start (names: letters, digits, - and _)
    python3 workbook.py room --learners 12                # learner01 … learner12
    python3 workbook.py room --public                     # let the room's machines in (not only this one)
    python3 workbook.py room --stop                       # stop a room started in another terminal
    python3 workbook.py grade room/class                  # the class table, read from the learners' copies

What it does
------------
JupyterHub (with the pure-Python ``configurable-http-proxy``) runs on the trainer's machine. Each
learner logs in with a name and a generated password (printed at the start and kept in
``room/passwords.txt``, readable only by the trainer's user) and gets JupyterLab on their own copy
of the course — ``room/class/<name>/`` with ``notebooks/``, ``exercises/`` (the learner versions)
and ``data/`` — made at their first login and never replaced afterwards. The trainer logs in as
``trainer`` (also printed) and can open any learner's server from the hub's admin page (the
trainer's own copy is ``room/trainer/``, outside the class table). The
class table reads the copies directly: ``python3 workbook.py grade room/class`` (for a folder
holding a course copy, only its ``exercises/`` notebooks are graded).

Why a list of names and passwords rather than sign-up: the trainer decides the names (they are
the rows of the class table, matching the attendance list), nobody on the room's network can
create an account, and no one waits for the trainer to approve them while the session starts.
The passwords are short enough to copy from a paper slip.

What it exposes, and the trust it needs
---------------------------------------
- One port (default 8000) on ``127.0.0.1`` — this machine only — unless ``--public`` (every
  network interface: anyone who can reach this machine sees the login page) or ``--ip ADDRESS``
  is given. The hub's API, the proxy's API and the learners' servers listen on ``127.0.0.1``.
  Plain HTTP: passwords cross the room's network unencrypted; use it on a network you trust.
- All learners' servers run as ONE operating-system user (no system accounts are created): a
  learner's code can read and change the other learners' copies. That is fine for a workshop
  among colleagues, not for people who might attack each other or the machine. Started as root,
  the servers run as the unprivileged user ``nobody`` (so learners cannot touch the trainer's
  files); started as an ordinary user, they run as that user and can read what it can read.
  Terminals are switched off in the learners' JupyterLab.
- State (the hub's SQLite database, its cookie secret, the hashed passwords) lives in
  ``room/hub/`` beside the learners' copies, in the git-ignored ``room/`` folder.

Stopping: Ctrl+C in the terminal that started it (the hub stops every learner's server and the
proxy), or ``python3 workbook.py room --stop`` from another terminal. The learners' copies stay
in ``room/class/`` for grading; delete ``room/`` to start afresh.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from .._net import answers, port_free
from ..labels import t
from ._users import unprivileged

__all__ = ["main", "configure", "learner_names", "prepare_copy"]

COURSE = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DEFAULT_FOLDER = COURSE / "room"
DEFAULT_PORT = 8000
TRAINER = "trainer"
START_PAGE = "notebooks/00_start_here.ipynb"
_NAME = re.compile(r"[a-z0-9][a-z0-9_-]{0,31}")
_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i: read from a paper slip


# --------------------------------------------------------------------------- learners and passwords


def learner_names(spec: str) -> list[str]:
    """``"anna ben"`` / ``"anna,ben"`` → the names; ``"12"`` → ``learner01`` … ``learner12``.

    >>> learner_names("Anna, ben cara")
    ['anna', 'ben', 'cara']
    >>> learner_names("3")
    ['learner01', 'learner02', 'learner03']
    """
    spec = spec.strip()
    if spec.isdigit():
        n = int(spec)
        if not 1 <= n <= 200:
            raise ValueError(t("room.bad_count", n=n))
        return [f"learner{i:02d}" for i in range(1, n + 1)]
    names: list[str] = []
    for raw in re.split(r"[\s,;]+", spec):
        if not raw:
            continue
        name = raw.lower()
        if not _NAME.fullmatch(name) or name == TRAINER:
            raise ValueError(t("room.bad_name", name=raw))
        if name not in names:
            names.append(name)
    if not names:
        raise ValueError(t("room.no_learners"))
    return names


def _password() -> str:
    return "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(3))


def _hash(password: str, salt: str) -> str:
    return hashlib.pbkdf2_hmac("sha256", password.encode(), bytes.fromhex(salt), 200_000).hex()


def _private_write(path: Path, text: str) -> None:
    """Write ``text`` to ``path`` readable by the owner only (created that way, then moved into place)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write(text)
    os.replace(tmp, path)


def add_accounts(folder: Path, names: Sequence[str]) -> dict[str, str]:
    """Give every name in ``names`` (and the trainer) an account; returns the NEW ``{name: password}``.

    Existing accounts keep their passwords, so restarting the room changes nothing for learners.
    """
    hub = folder / "hub"
    hub.mkdir(parents=True, exist_ok=True)
    accounts_file = hub / "accounts.json"
    accounts = json.loads(accounts_file.read_text(encoding="utf-8")) if accounts_file.exists() else {}
    new: dict[str, str] = {}
    for name in [TRAINER, *names]:
        if name not in accounts:
            password, salt = _password(), secrets.token_hex(16)
            accounts[name] = {"salt": salt, "hash": _hash(password, salt)}
            new[name] = password
    if new:
        _private_write(accounts_file, json.dumps(accounts, indent=1))
        slips = folder / "passwords.txt"
        old = slips.read_text(encoding="utf-8") if slips.exists() else ""
        _private_write(slips, old + "".join(f"{name:<16} {pw}\n" for name, pw in new.items()))
    return new


def check_password(folder: Path, name: str, password: str) -> bool:
    """Whether ``password`` is ``name``'s (constant-time comparison)."""
    try:
        accounts = json.loads((folder / "hub" / "accounts.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    record = accounts.get(name)
    if not isinstance(record, dict):
        return False
    return hmac.compare_digest(_hash(password, record["salt"]), record["hash"])


# --------------------------------------------------------------------------- a learner's copy




def prepare_copy(home: Path, owner: tuple[int, int] | None = None) -> bool:
    """The learner's copy of the course at ``home`` (made once; an existing copy is left alone).

    Returns whether it was made now.
    """
    if (home / "exercises").is_dir():
        return False
    tmp = home.with_name(f".{home.name}.copying")
    shutil.rmtree(tmp, ignore_errors=True)
    tmp.mkdir(parents=True)
    shutil.copytree(COURSE / "notebooks", tmp / "notebooks", symlinks=False)
    shutil.copytree(COURSE / "data", tmp / "data", symlinks=False)
    (tmp / "exercises").mkdir()
    for path in sorted((COURSE / "exercises").glob("*.ipynb")) + [COURSE / "exercises" / "README.md"]:
        if path.is_file():
            shutil.copy2(path, tmp / "exercises" / path.name)
    # JupyterLab settings: no "get Jupyter news?" question, no update check (the room may be offline)
    settings = tmp / ".jupyter" / "lab" / "user-settings" / "@jupyterlab" / "apputils-extension"
    settings.mkdir(parents=True)
    (settings / "notification.jupyterlab-settings").write_text(
        json.dumps({"fetchNews": "false", "checkForUpdates": False}), encoding="utf-8")
    if owner is not None:
        for here, dirs, files in os.walk(tmp):
            for name in [here, *(os.path.join(here, n) for n in dirs + files)]:
                os.chown(name, *owner)
    if home.exists():  # an empty folder made earlier (e.g. by a failed start): keep nothing of it
        home.rmdir()
    tmp.rename(home)
    return True


# --------------------------------------------------------------------------- JupyterHub configuration


def _authenticator_class():
    from jupyterhub.auth import Authenticator
    from traitlets import Unicode

    class RoomAuthenticator(Authenticator):
        """Names and passwords from ``room/hub/accounts.json`` (made by ``workbook.py room``)."""

        room_folder = Unicode(config=True)

        async def authenticate(self, handler, data):
            name = self.normalize_username(str(data.get("username", "")).strip())
            if check_password(Path(self.room_folder), name, str(data.get("password", ""))):
                return name
            return None

    return RoomAuthenticator


def _spawner_class():
    from jupyterhub.spawner import SimpleLocalProcessSpawner
    from traitlets import default

    class RoomSpawner(SimpleLocalProcessSpawner):
        """A learner's JupyterLab on their own course copy; as ``nobody`` when the hub runs as root."""

        @default("home_dir")
        def _default_home_dir(self):
            # the trainer's own copy stays out of class/, so it is not a row of the class table
            template = self.home_dir_template.replace("/class/{username}", "/{username}") \
                if self.user.name == TRAINER else self.home_dir_template
            return template.format(username=self.user.name)

        async def start(self):
            home = Path(self.home_dir)
            owner = unprivileged()
            await _in_thread(prepare_copy, home, owner)
            return await super().start()

        def make_preexec_fn(self, name):
            home, owner = self.home_dir, unprivileged()

            def preexec():
                if owner is not None:
                    os.setgroups([])
                    os.setgid(owner[1])
                    os.setuid(owner[0])
                os.chdir(home)

            return preexec

        def user_env(self, env):
            env = super().user_env(env)
            env.update({"JUPYTER_PREFER_ENV_PATH": "1", "JUPYTER_PLATFORM_DIRS": "1", "MPLBACKEND": "Agg",
                        "PYTHONDONTWRITEBYTECODE": "1",
                        "JUPYTERLAB_SETTINGS_DIR": str(Path(self.home_dir) / ".jupyter" / "lab" / "user-settings"),
                        "JUPYTERLAB_WORKSPACES_DIR": str(Path(self.home_dir) / ".jupyter" / "lab" / "workspaces")})
            return env

    return RoomSpawner


async def _in_thread(func, *args):
    import asyncio

    return await asyncio.get_running_loop().run_in_executor(None, func, *args)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def configure(c, folder: Path) -> None:
    """Fill JupyterHub's config object ``c`` for the room in ``folder`` (its ``hub/settings.json``)."""
    settings = json.loads((folder / "hub" / "settings.json").read_text(encoding="utf-8"))
    hub = folder / "hub"
    accounts = json.loads((hub / "accounts.json").read_text(encoding="utf-8"))
    c.JupyterHub.ip = settings["ip"]
    c.JupyterHub.port = settings["port"]
    c.JupyterHub.hub_ip = "127.0.0.1"
    c.JupyterHub.hub_port = _free_port()
    c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{_free_port()}"
    c.ConfigurableHTTPProxy.command = [str(BIN / "configurable-http-proxy")]
    c.JupyterHub.db_url = f"sqlite:///{hub / 'jupyterhub.sqlite'}"
    c.JupyterHub.cookie_secret_file = str(hub / "jupyterhub_cookie_secret")
    c.JupyterHub.pid_file = str(hub / "jupyterhub.pid")
    c.JupyterHub.cleanup_servers = True
    c.JupyterHub.cleanup_proxy = True
    c.JupyterHub.authenticator_class = _authenticator_class()
    c.Authenticator.room_folder = str(folder)
    c.Authenticator.allowed_users = set(accounts)
    c.Authenticator.admin_users = {TRAINER}
    c.JupyterHub.load_roles = [{"name": "room-trainer", "users": [TRAINER], "scopes": ["access:servers"]}]
    c.JupyterHub.spawner_class = _spawner_class()
    c.SimpleLocalProcessSpawner.home_dir_template = str(folder / "class" / "{username}")
    c.Spawner.cmd = [str(BIN / "jupyterhub-singleuser")]
    c.Spawner.args = [
        "--allow-root",  # only matters when the hub could not drop to `nobody`
        "--ServerApp.terminals_enabled=False",
        "--LabApp.news_url=None",
        "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
    ]
    c.Spawner.default_url = f"/lab/tree/{START_PAGE}"
    # a learner's server ignores SIGINT without a terminal to confirm on: go straight to SIGTERM
    c.LocalProcessSpawner.interrupt_timeout = 1
    c.LocalProcessSpawner.term_timeout = 10
    c.Spawner.start_timeout = 90
    c.Spawner.http_timeout = 90
    c.JupyterHub.log_level = "WARN"
    c.ConfigurableHTTPProxy.log_level = "error"  # hub offers "warn", the Python proxy only knows "warning"


# --------------------------------------------------------------------------- the command


def _addresses() -> list[str]:
    """This machine's IPv4 addresses other networks may reach (for --public)."""
    out: list[str] = []
    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
            s.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing interface
            out.append(s.getsockname()[0])
    except OSError:
        pass
    try:
        for info in socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET):
            if info[4][0] not in out and not info[4][0].startswith("127."):
                out.append(info[4][0])
    except OSError:
        pass
    return out


def _reachable_by(owner: tuple[int, int], folder: Path) -> bool:
    """Whether ``owner`` can enter ``folder`` and start this Python with JupyterLab (as the learners' servers will)."""
    try:
        done = subprocess.run([sys.executable, "-c", "import kamlib, jupyterlab, jupyterhub"], cwd=folder,
                              user=owner[0], group=owner[1], extra_groups=[], capture_output=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return done.returncode == 0


def _say(message: str) -> None:
    print(f"[room] {message}", flush=True)


def stop(folder: Path, wait: float = 60) -> int:
    """Stop the hub of the room in ``folder`` (it stops the learners' servers and the proxy)."""
    pid_file = folder / "hub" / "jupyterhub.pid"
    try:
        pid = int(pid_file.read_text().strip())
    except (OSError, ValueError):
        _say(t("room.not_running", folder=folder))
        return 1
    try:
        os.kill(pid, signal.SIGTERM)
    except ProcessLookupError:
        pid_file.unlink(missing_ok=True)
        _say(t("room.not_running", folder=folder))
        return 1
    deadline = time.monotonic() + wait
    while time.monotonic() < deadline:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            _say(t("room.stopped"))
            return 0
        time.sleep(0.3)
    _say(t("room.still_running", pid=pid))
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python3 workbook.py room", description=t("room.description"),
                                     epilog=t("room.epilog"))
    parser.add_argument("--learners", metavar="NAMES", help=t("room.help_learners"))
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=t("room.help_port", port=DEFAULT_PORT))
    parser.add_argument("--ip", default=None, help=t("room.help_ip"))
    parser.add_argument("--public", action="store_true", help=t("room.help_public"))
    parser.add_argument("--folder", default=str(DEFAULT_FOLDER), help=t("room.help_folder"))
    parser.add_argument("--stop", action="store_true", help=t("room.help_stop"))
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code == 0 else 2
    folder = Path(args.folder).resolve()
    if args.stop:
        return stop(folder)
    ip = args.ip or ("0.0.0.0" if args.public else "127.0.0.1")
    try:
        names = learner_names(args.learners) if args.learners else []
    except ValueError as exc:
        _say(str(exc))
        return 2
    known = folder / "hub" / "accounts.json"
    if not names and not known.exists():
        _say(t("room.no_learners"))
        return 2
    pid_file = folder / "hub" / "jupyterhub.pid"
    if pid_file.exists():
        try:
            os.kill(int(pid_file.read_text().strip()), 0)
            _say(t("room.already_running", folder=folder))
            return 1
        except (OSError, ValueError):
            pid_file.unlink(missing_ok=True)
    if not port_free(ip, args.port):
        _say(t("room.port_taken", port=args.port, ip=ip))
        return 1
    new = add_accounts(folder, names)
    (folder / "class").mkdir(parents=True, exist_ok=True)
    owner = unprivileged()
    if owner is not None and not _reachable_by(owner, folder / "class"):
        _say(t("room.nobody_cannot", folder=folder / "class", python=sys.executable))
        return 1
    (folder / "hub" / "settings.json").write_text(json.dumps({"ip": ip, "port": args.port}), encoding="utf-8")
    if new:
        _say(t("room.new_accounts"))
        for name, password in new.items():
            print(f"    {name:<16} {password}", flush=True)
    config = Path(__file__).with_name("jupyterhub_config.py")
    env = {**os.environ, "KAM_ROOM": str(folder), "JUPYTER_PREFER_ENV_PATH": "1", "JUPYTER_PLATFORM_DIRS": "1"}
    proc = subprocess.Popen([str(BIN / "jupyterhub"), "-f", str(config)], cwd=folder / "hub", env=env)
    shown = "127.0.0.1" if ip in ("0.0.0.0", "") else ip
    probe = f"http://{'[' + shown + ']' if ':' in shown else shown}:{args.port}/hub/health"
    try:
        deadline = time.monotonic() + 120
        while not answers(probe):
            if proc.poll() is not None:
                _say(t("room.did_not_start", code=proc.returncode))
                return proc.returncode or 1
            if time.monotonic() > deadline:
                _say(t("room.no_answer"))
                proc.terminate()
                proc.wait()
                return 1
            time.sleep(0.3)
        urls = [f"http://{a}:{args.port}/" for a in (_addresses() if ip == "0.0.0.0" else [shown])]
        _say(t("room.running", urls="  ".join(urls)))
        _say(t("room.exposed_public" if ip == "0.0.0.0" else "room.exposed", ip=ip, port=args.port))
        _say(t("room.passwords", path=folder / "passwords.txt"))
        shown_class = folder / "class"
        if Path.cwd() in shown_class.parents:
            shown_class = shown_class.relative_to(Path.cwd())
        _say(t("room.grade", folder=shown_class.as_posix()))
        _say(t("room.how_to_stop"))
        return proc.wait()
    except KeyboardInterrupt:
        try:
            return proc.wait(timeout=30) and 0  # the hub got the Ctrl+C too and cleans up
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            proc.terminate()
            proc.wait()
            return 0


if __name__ == "__main__":
    sys.exit(main())
