"""The load stage: parse every content file, collecting every problem with file and line."""

from __future__ import annotations

from ..config import SiteConfig
from ..errors import Problems
from ..model import Content
from .articles import load_articles
from .profiles import load_profiles
from .results import load_results


def load_content(config: SiteConfig, problems: Problems) -> Content:
    content_dir = config.content_dir
    if not content_dir.is_dir():
        problems.add(content_dir, None, "the site has no content/ folder",
                     "run cupsite in the site's folder, or pass --config path/to/cupsite.toml")
        return Content()
    names: dict = {}
    seasons, results, laps = load_results(config, problems, names)
    return Content(
        articles=tuple(load_articles(content_dir / "articles", problems)),
        seasons=tuple(seasons),
        results=tuple(results),
        laps=tuple(laps),
        drivers=tuple(load_profiles(content_dir / "drivers", "driver", problems)),
        teams=tuple(load_profiles(content_dir / "teams", "team", problems)),
        tracks=tuple(load_profiles(content_dir / "tracks", "track", problems)),
        names=names,
    )
