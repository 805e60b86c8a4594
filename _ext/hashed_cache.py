"""No stale outputs: the execution cache lives in a folder named after minigrad's sources.

jupyter-cache keys an executed notebook on its code cells only, so a changed
``minigrad`` would not invalidate it.  We point myst-nb's execution cache at
``<execute.cache>/minigrad-<hash of minigrad's .py files>`` and register that
hash as a config value that makes Sphinx re-read every page when it changes:
edit the engine and every chapter runs again.  Both language sites use the same
cache folder, and twins have byte-identical code cells, so the second site
executes no notebook.
"""

import hashlib
import importlib.util
import shutil
from pathlib import Path


def minigrad_source_hash():
    """A short hash of every file in the minigrad package (and the labs' checks) the kernel will import."""
    spec = importlib.util.find_spec("minigrad")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("minigrad is not importable: run `pip install -e .` first")
    package_dir = Path(list(spec.submodule_search_locations)[0])
    digest = hashlib.sha256()
    for path in sorted(package_dir.rglob("*.py")):
        digest.update(path.relative_to(package_dir).as_posix().encode())
        digest.update(path.read_bytes())
    # The labs' checks run in every chapter too: a changed check re-executes them.
    labs_dir = package_dir.parent / "minigrad_labs"
    for path in sorted(labs_dir.rglob("*.py")):
        digest.update(("minigrad_labs/" + path.relative_to(labs_dir).as_posix()).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def use_hashed_cache(app, config):
    source_hash = minigrad_source_hash()
    config.minigrad_source_hash = source_hash
    if config.nb_execution_cache_path:
        cache_root = Path(config.nb_execution_cache_path)
    else:  # myst-nb's default location: _build/.jupyter_cache
        cache_root = Path(app.outdir).parent / ".jupyter_cache"
    cache_dir = cache_root / f"minigrad-{source_hash}"
    # Caches made for an older minigrad can only ever hold stale outputs.
    if cache_root.is_dir():
        for old in cache_root.glob("minigrad-*"):
            if old != cache_dir:
                shutil.rmtree(old, ignore_errors=True)
    config.nb_execution_cache_path = str(cache_dir)


def setup(app):
    app.add_config_value("minigrad_source_hash", "", "env")
    # config-inited runs before myst-nb reads its configuration (builder-inited).
    app.connect("config-inited", use_hashed_cache)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
