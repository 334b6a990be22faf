#!/usr/bin/env python3
"""Set up the KAM Workbook and start the course or run the tests — with nothing but Python 3.11+.

    python3 workbook.py course     # set up, then open the course in JupyterLab at the start page
    python3 workbook.py test       # set up, then run the whole test suite (what CI runs)
    python3 workbook.py setup      # only set up (create .venv and install the pinned versions)
    python3 workbook.py slides     # build every course notebook as reveal.js slides in _build/slides/
    python3 workbook.py execute [NOTEBOOK ...]   # maintainers: store notebooks executed (default: all)
    python3 workbook.py check exercises/03_abc_xyz.ipynb   # which of my answers are right? (files or folders)
    python3 workbook.py grade FOLDER   # trainers: the class table from the learners' notebooks (--help)
    python3 workbook.py room           # trainers: serve every learner their own copy of the course (--help)

Setting up creates ``.venv/`` beside this file and installs the exact versions
in ``requirements/lock.txt`` (the ones the notebooks' stored outputs were made
with) plus ``kamlib`` itself in editable mode. It is skipped when nothing
changed since the last time, so the second start is quick.

Anything after the command is passed on: ``python3 workbook.py test -k abc`` to
pytest, ``python3 workbook.py course --port 9999`` to JupyterLab.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent

from kamlib._net import answers, port_free  # noqa: E402  standard library only: works before set-up
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
PY = BIN / ("python.exe" if os.name == "nt" else "python")
LOCK = ROOT / "requirements" / "lock.txt"
BOOTSTRAP = ROOT / "requirements" / "bootstrap.txt"
STAMP = VENV / ".kamlib-installed"
START_PAGE = "notebooks/00_start_here.ipynb"

# What the test command runs: unit tests, doctests, and every course notebook and
# solved exercise re-executed and compared with its stored outputs (nbval).
TEST_ARGS = [
    "-m", "pytest",
    "tests", "kamlib", "notebooks", "exercises/solved",
    "--nbval", "--nbval-current-env",
    "--nbval-sanitize-with", "tests/nbval_sanitize.cfg",
    "-n", "2", "--dist", "loadfile",
]


def say(message: str) -> None:
    print(f"[workbook] {message}", flush=True)


def run(*args: str | Path, **kwargs) -> None:
    subprocess.run([str(a) for a in args], check=True, **kwargs)


def _fingerprint() -> str:
    h = hashlib.sha256()
    for path in (LOCK, BOOTSTRAP, ROOT / "pyproject.toml"):
        h.update(path.read_bytes())
    h.update(sys.version.encode())
    return h.hexdigest()


def setup() -> None:
    """Create ``.venv`` and install the pinned versions, unless already done."""
    if sys.version_info < (3, 11):
        sys.exit(f"[workbook] Python 3.11 or newer is needed; this is {sys.version.split()[0]}")
    if not PY.exists():
        say(f"creating the environment in {VENV} ...")
        venv.create(VENV, with_pip=True)
    fingerprint = _fingerprint()
    if STAMP.exists() and STAMP.read_text() == fingerprint:
        return
    say("installing the pinned packages (requirements/lock.txt) ... this takes a minute the first time")
    env = {**os.environ, "PIP_DISABLE_PIP_VERSION_CHECK": "1"}
    run(PY, "-m", "pip", "install", "--quiet", "-r", BOOTSTRAP, env=env)
    uv = BIN / ("uv.exe" if os.name == "nt" else "uv")
    install = ["pip", "install", "--python", PY, "--compile-bytecode", "-r", LOCK, "-e", ROOT]
    try:
        run(uv, *install, "--quiet", env=env)
    except (subprocess.CalledProcessError, OSError):
        say("uv could not install; falling back to pip (slower)")
        run(PY, "-m", "pip", "install", "--quiet", "-r", LOCK, "-e", ROOT, env=env)
    STAMP.write_text(fingerprint)
    say("environment ready")


def _jupyter_env() -> dict[str, str]:
    # Prefer the kernels and settings of .venv over anything in the user's home,
    # so the course always runs on the pinned versions.
    return {**os.environ, "JUPYTER_PREFER_ENV_PATH": "1", "JUPYTER_PLATFORM_DIRS": "1",
            "PYTHONDONTWRITEBYTECODE": os.environ.get("PYTHONDONTWRITEBYTECODE", "")}


# Options of `jupyter lab` that take a value: `--port 8891` and `--port=8891` both work (traitlets
# names with a dot, e.g. `--ServerApp.ip 0.0.0.0`, too).
_VALUE_OPTIONS = {"port", "ip", "token", "config", "notebook-dir", "root-dir", "preferred-dir", "keyfile",
                  "certfile", "client-ca", "log-level", "port-retries", "browser", "sock", "sock-mode",
                  "transport", "gateway-url", "app-dir", "user", "public", "timeout", "stop", "secret"}


def _join_values(extra: list[str], takes_value=lambda name: name in _VALUE_OPTIONS or "." in name) -> list[str]:
    """``["--port", "8891"]`` → ``["--port=8891"]`` for options that take a value (one spelling to read)."""
    out: list[str] = []
    i = 0
    while i < len(extra):
        arg = extra[i]
        name = arg[2:]
        if (arg.startswith("--") and "=" not in arg and takes_value(name) and i + 1 < len(extra)
                and not extra[i + 1].startswith("--")):
            out.append(f"{arg}={extra[i + 1]}")
            i += 2
        else:
            out.append(arg)
            i += 1
    return out


def _option(extra: list[str], name: str) -> str | None:
    """The value of ``--name=value`` in ``extra`` (the last one wins, as in traitlets)."""
    values = [a.split("=", 1)[1] for a in extra if a.startswith(f"--{name}=")]
    return values[-1] if values else None


def _serve(args: list[str], probe: str, address: list[str], env: dict[str, str], startup: float = 120) -> int:
    """Start ``args``; print ``address`` only once ``probe`` answers; then wait (Ctrl+C stops it)."""
    import time

    proc = subprocess.Popen(args, cwd=ROOT, env=env)
    try:
        deadline = time.monotonic() + startup
        while not answers(probe):
            if proc.poll() is not None:
                say(f"the server did not start (exit status {proc.returncode}); see its messages above")
                return proc.returncode or 1
            if time.monotonic() > deadline:
                say(f"the server did not answer within {startup:.0f} s; stopping it")
                proc.terminate()
                proc.wait()
                return 1
            time.sleep(0.3)
        for line in address:
            say(line)
        return proc.wait()
    except KeyboardInterrupt:
        try:
            proc.wait(timeout=20)  # the server got the Ctrl+C too and shuts down
        except (subprocess.TimeoutExpired, KeyboardInterrupt):
            proc.kill()
            proc.wait()
        return 0


def course(extra: list[str]) -> int:
    """Start JupyterLab on the course's start page and print the address to open."""
    setup()
    extra = _join_values(extra)
    host = _option(extra, "ip") or _option(extra, "ServerApp.ip") or "localhost"
    port_given = _option(extra, "port") or _option(extra, "ServerApp.port")
    if port_given is not None and not port_given.isdigit():
        say(f"--port needs a number, not {port_given!r}")
        return 2
    candidates = [int(port_given)] if port_given else list(range(8888, 8899))
    bind_host = "127.0.0.1" if host == "localhost" else ("0.0.0.0" if host in ("", "*") else host)
    port = next((p for p in candidates if port_free(bind_host, p)), None)
    if port is None:
        which = f"port {port_given} is" if port_given else "ports 8888-8898 are"
        say(f"{which} already in use on {host}: nothing was started. Choose another with --port N")
        return 1
    token = _option(extra, "IdentityProvider.token")
    if token is None:
        token = secrets.token_hex(16)
        extra = [*extra, f"--IdentityProvider.token={token}"]
    args = [str(BIN / "jupyter"), "lab", f"--ServerApp.root_dir={ROOT}", f"--port={port}",
            "--ServerApp.port_retries=0", f"--LabApp.default_url=/lab/tree/{START_PAGE}"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.append("--allow-root")  # JupyterLab refuses root without it
    if not os.environ.get("DISPLAY") and sys.platform.startswith("linux"):
        args.append("--no-browser")  # nothing to open a browser on; the address is printed below
    args += [a for a in extra if not (a.startswith("--port=") or a.startswith("--ServerApp.port="))]
    say("starting JupyterLab ...")
    shown = "localhost" if bind_host in ("127.0.0.1", "0.0.0.0") else host
    probe_host = "127.0.0.1" if bind_host == "0.0.0.0" else bind_host
    probe_host = f"[{probe_host}]" if ":" in probe_host else probe_host
    return _serve(args, f"http://{probe_host}:{port}/api", [
        "JupyterLab is running; open this address in a browser (Ctrl+C twice to stop):",
        f"    http://{shown}:{port}/lab/tree/{START_PAGE}?token={token}",
    ], _jupyter_env())


CHROMIUM = Path("/usr/bin/chromium")


def ensure_chromium() -> str | None:
    """Install Debian's Chromium for the browser test when it is missing; return why not, if it can't be."""
    if CHROMIUM.exists():
        return None
    apt = shutil.which("apt-get")
    if apt is None:
        return "Chromium is not installed and this machine has no apt-get to install it"
    if not (hasattr(os, "geteuid") and os.geteuid() == 0):
        return "Chromium is not installed and apt-get needs root (run: sudo apt-get install chromium)"
    say("installing Chromium for the browser test (apt-get install chromium) ...")
    log = ROOT / "artifacts" / "apt-chromium.log"
    log.parent.mkdir(exist_ok=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    with log.open("w") as out:
        for cmd in ([apt, "update"], [apt, "install", "-y", "--no-install-recommends", "chromium"]):
            if subprocess.call(cmd, stdout=out, stderr=subprocess.STDOUT, env=env) != 0:
                return f"apt-get could not install Chromium (see {log.relative_to(ROOT)})"
    return None if CHROMIUM.exists() else "apt-get ran but /usr/bin/chromium is still missing"


def test(extra: list[str]) -> int:
    """Run the whole test suite on the pinned environment."""
    setup()
    env = _jupyter_env()
    why_not = ensure_chromium()
    if why_not:
        say(f"the browser test will be skipped: {why_not}")
        env["KAM_NO_CHROMIUM"] = why_not
    code = subprocess.call([str(PY), *TEST_ARGS, *extra], cwd=ROOT, env=env)
    if code == 5:  # pytest: no tests collected — that is a failure for us
        say("no tests were collected")
        return 1
    return code


SLIDES = ROOT / "_build" / "slides"
REVEAL = "reveal.js@4.0.2"  # the version nbconvert's reveal template is written for
REQUIRE = "requirejs@2.3.6"
JQUERY = "jquery@2.2.4"
KATEX = "katex@0.16.22"  # formulas (CV, HHI) rendered in the browser, offline
KATEX_CDN = "https://cdn.jsdelivr.net/npm/" + KATEX
SLIDES_TEMPLATE = ROOT / "kamlib" / "course" / "slides"  # the kam template: 1280x720 slides that fit


def _vendor(package: str, folder: Path) -> bool:
    """Unpack an npm package into ``folder`` so slides work without internet; False if npm can't."""
    npm = shutil.which("npm")
    if npm is None:
        return False
    if folder.exists():
        return True
    import tarfile
    import tempfile

    with tempfile.TemporaryDirectory() as tmp:
        if subprocess.call([npm, "pack", package, "--silent"], cwd=tmp, stdout=subprocess.DEVNULL) != 0:
            return False
        (tgz,) = Path(tmp).glob("*.tgz")
        with tarfile.open(tgz) as tar:
            _extract_safely(tar, Path(tmp))
        shutil.move(str(Path(tmp) / "package"), folder)
    return True


def _extract_safely(tar, into: Path) -> None:
    """Unpack plain files and folders only, none outside ``into``. Python 3.11.4+ has tarfile's
    "data" filter for this; Debian 12's python3 is 3.11.2, so without it every member is checked here."""
    import tarfile

    if hasattr(tarfile, "data_filter"):
        tar.extractall(into, filter="data")
        return
    root = into.resolve()
    members = []
    for member in tar.getmembers():
        target = (into / member.name).resolve()
        if not (member.isfile() or member.isdir()) or (target != root and root not in target.parents):
            raise SystemExit(f"refusing to unpack {member.name!r} from {tar.name}: not a plain file inside the package")
        members.append(member)
    tar.extractall(into, members=members)


def slides_command(out: Path, offline: bool) -> list[str]:
    """The nbconvert command line that builds the course's slides into ``out`` (the test uses it too)."""
    args = [str(BIN / "jupyter"), "nbconvert", "--to", "slides", "--output-dir", str(out),
            "--template", "kam", f"--TemplateExporter.extra_template_basedirs={SLIDES_TEMPLATE}",
            "--SlidesExporter.reveal_width=1280", "--SlidesExporter.reveal_height=720", "--log-level=WARN"]
    if offline:  # served from beside the slides instead of a CDN
        args += ["--SlidesExporter.reveal_url_prefix=reveal.js", "--SlidesExporter.require_js_url=requirejs/require.js",
                 "--SlidesExporter.jquery_url=jquery/dist/jquery.min.js", "--FitSlides.katex_url=katex"]
    else:
        args += [f"--FitSlides.katex_url={KATEX_CDN}"]
    return args


def slides(extra: list[str]) -> int:
    """Build every course notebook as slides (cells marked with slideshow metadata) in _build/slides/."""
    setup()
    SLIDES.mkdir(parents=True, exist_ok=True)
    offline = all(_vendor(pkg, SLIDES / name) for pkg, name in
                  ((REVEAL, "reveal.js"), (REQUIRE, "requirejs"), (JQUERY, "jquery"), (KATEX, "katex")))
    if not offline:
        say("npm is not available: the slides will load reveal.js and KaTeX from the internet when opened")
    notebooks = sorted(str(p) for p in (ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb"))
    code = subprocess.call([*slides_command(SLIDES, offline), *extra, *notebooks], cwd=ROOT, env=_jupyter_env())
    if code == 0:
        say(f"slides written to {SLIDES.relative_to(ROOT)}/ — open NN_name.slides.html in a browser (1280x720; "
            "a long slide continues below it: space bar or down arrow)")
    return code


def _strip_widget_state(path: Path) -> None:
    """Drop the saved ipywidgets state: random model ids that change on every run and add nothing
    (each widget also stores a static HTML rendering of its result in its cell's output)."""
    import json

    nb = json.loads(path.read_text(encoding="utf-8"))
    if nb.get("metadata", {}).pop("widgets", None) is not None:
        path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def execute(extra: list[str]) -> int:
    """Store notebooks executed, as the test command expects them; then refresh the learner exercises."""
    setup()
    paths = [ROOT / p for p in extra] or [
        *sorted((ROOT / "notebooks").glob("[0-9][0-9]_*.ipynb")),
        *sorted((ROOT / "exercises" / "solved").glob("[0-9][0-9]_*.ipynb")),
    ]
    for path in paths:
        say(f"executing {path.relative_to(ROOT)}")
        code = subprocess.call(
            [str(BIN / "jupyter"), "nbconvert", "--to", "notebook", "--execute", "--inplace",
             "--ExecutePreprocessor.record_timing=False", "--log-level=WARN", str(path)],
            cwd=ROOT, env=_jupyter_env(),
        )
        if code:
            return code
        _strip_widget_state(path)
    return subprocess.call([str(PY), "-m", "kamlib.course.assign"], cwd=ROOT, env=_jupyter_env())


def check(extra: list[str]) -> int:
    """The learner's self-check: run exercise notebooks and print one line per question (✓ ✗ – ?).

    Paths are taken from the current folder (so it works from JupyterLab's terminal and on copies
    kept elsewhere); exit status 0 when every answered question is right."""
    setup()
    if not extra:
        extra = ["--help"]
    return subprocess.call([str(PY), "-m", "kamlib.course.selfcheck", *extra], env=_jupyter_env())


def grade(extra: list[str]) -> int:
    """The class table: ``python3 workbook.py grade FOLDER [--details] [--csv F] [--html F] [--execute]``."""
    setup()
    code = "import sys; from kamlib.course.grade import main; sys.exit(main(sys.argv[1:]))"
    return subprocess.call([str(PY), "-c", code, *extra], env=_jupyter_env())


def room(extra: list[str]) -> int:
    """The room server (JupyterHub): ``python3 workbook.py room --learners "anna ben"``; ``--help``."""
    setup()
    code = "import sys; from kamlib.course.room import main; sys.exit(main(sys.argv[1:]))"
    try:
        return subprocess.call([str(PY), "-c", code, *extra], env=_jupyter_env())
    except KeyboardInterrupt:  # the room server got the Ctrl+C too and stops its learners' servers
        return 0


def main(argv: list[str]) -> int:
    commands = {"course": course, "test": test, "slides": slides, "execute": execute, "grade": grade, "room": room,
                "check": check,
                "setup": lambda extra: setup() or 0}
    if not argv or argv[0] not in commands:
        print(__doc__)
        return 2
    if argv[0] == "setup" and "--clean" in argv:
        shutil.rmtree(VENV, ignore_errors=True)
    return commands[argv[0]](argv[1:])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
