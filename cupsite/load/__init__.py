"""The load stage: parse every content file, collecting every problem with file and line."""

from __future__ import annotations

from ..config import SiteConfig
from ..errors import Problems
from ..model import Content
from .articles import load_articles
from .files import may_read
from .profiles import load_profiles
from .results import load_results


def load_content(config: SiteConfig, problems: Problems) -> Content:
    content_dir = config.content_dir
    if not content_dir.is_dir():
        problems.add(content_dir, None, "the site has no content/ folder",
                     "run cupsite in the site's folder, or pass --config path/to/cupsite.toml")
        return Content()
    if not may_read(content_dir, problems):
        return Content()
    names: dict = {}
    seasons, results, laps = load_results(config, problems, names)
    articles = load_articles(content_dir / "articles", problems, config.raw_html, config.timezone)
    drivers, teams, tracks = (load_profiles(content_dir / kind, kind[:-1], problems, config.raw_html)
                              for kind in ("drivers", "teams", "tracks"))
    return Content(
        articles=tuple(articles),
        seasons=tuple(seasons),
        results=tuple(results),
        laps=tuple(laps),
        drivers=tuple(drivers),
        teams=tuple(teams),
        tracks=tuple(tracks),
        names=names,
    )
