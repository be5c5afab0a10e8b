"""Compiled templates kept between runs: the built-in theme's in the package, a site's own only in
memory, with the environment the cache keeps for `cupsite serve`."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from zoneinfo import ZoneInfo

import jinja2

from ..config import THEME_DIR, SiteConfig
from ..render import environment_for, make_environment
from .cache import BuildCache, code_version
from .fingerprints import digest


class CompiledTemplates(jinja2.BytecodeCache):
    """Where the built-in theme's compiled templates are kept between runs: in the package's own
    theme/__pycache__/ (compiling them takes 0.2-0.3 s, on every build), where Python keeps the
    package's bytecode too. A site's own templates are never kept on disk: loading compiled
    templates runs their code, and the build cache's folder may come from somewhere less trusted
    than the site (a CI cache); `cupsite serve` keeps them in memory with its environment.

    Like Python with its bytecode, the theme's are not written where PYTHONDONTWRITEBYTECODE is
    set (compile_theme writes them regardless). Each is looked up by the template's name and file,
    cupsite's code version and Jinja's version, and checked by Jinja against its source, so a
    changed template or a new cupsite compiles again. A folder that cannot be written (a
    read-only installation) only means compiling again next time."""

    def __init__(self, keep_theme: bool | None = None):
        self._keep_theme = not sys.dont_write_bytecode if keep_theme is None else keep_theme
        self._theme_keys: set[str] = set()

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        version = f"{code_version().hex()}|{jinja2.__version__}"
        return digest(super().get_cache_key(name, filename), version).hex()

    def get_bucket(self, environment, name, filename, source):
        if filename is not None and Path(filename).is_relative_to(THEME_DIR):
            self._theme_keys.add(self.get_cache_key(name, filename))
        return super().get_bucket(environment, name, filename, source)

    def _file(self, bucket: jinja2.bccache.Bucket) -> Path | None:
        return THEME_COMPILED / f"{bucket.key}.jinja" if bucket.key in self._theme_keys else None

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        path = self._file(bucket)
        if path is None:
            return
        try:
            with open(path, "rb") as compiled:
                bucket.load_bytecode(compiled)
        except OSError:  # none kept yet
            pass
        except Exception:  # noqa: BLE001 - a damaged file: compile the template again
            bucket.reset()

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        path = self._file(bucket)
        if path is None or (bucket.key in self._theme_keys and not self._keep_theme):
            return
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            partial = path.with_name(f".{path.name}.{os.getpid()}.partial")
            with open(partial, "wb") as compiled:
                bucket.write_bytecode(compiled)
            os.replace(partial, path)
        except OSError:
            pass


def compile_theme() -> int:
    """Compile the built-in theme's templates into the package, as `compileall` does for modules
    (for an image or an installation that builds many sites); return how many there are."""
    env = environment_for(None, ZoneInfo("UTC"), "", CompiledTemplates(keep_theme=True))
    names = jinja2.FileSystemLoader(str(THEME_DIR / "templates")).list_templates()
    for name in names:
        env.get_template(name)
    return len(names)


THEME_COMPILED = THEME_DIR / "__pycache__"


def cached_environment(config: SiteConfig, cache: BuildCache | None, templates_digest: bytes) -> jinja2.Environment:
    """With a cache, the environment of the last build, with its compiled templates, as long as no
    template has changed (a new file in templates/ may override one the theme had compiled)."""
    if cache is None:
        return make_environment(config, CompiledTemplates())
    key = digest(templates_digest, repr((config.templates_dir, config.timezone, config.base_url)))
    env = cache.get("environment", key)
    if env is None:
        env = make_environment(config, CompiledTemplates())
        cache.put("environment", key, env)
    return env


