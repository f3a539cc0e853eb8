"""A real local news site for the watch tests: a feed, an index page and a sitemap listing the same documents under
different spellings, with a redirect and a dead link; and the commands that watch it and run the watches once."""

import json
from io import StringIO

from django.core.management import call_command

from tests.checks_server import Response, html

# A later readout that reports on the China-Russia point "Years of Scientific and Technological
# Innovation" (seed commitment 4/5) and announces a numbered set of its own.
READOUT = (
    "<h1>Wang Yi meets Russian Foreign Minister</h1>"
    "<p>The two sides agreed to strengthen cooperation in three areas. First, the two countries will continue to implement "
    "the projects of the Years of Scientific and Technological Innovation and expand cutting-edge scientific and technological cooperation. "
    "Second, they will deepen energy cooperation. Third, they will expand people-to-people exchanges.</p>"
)
UNRELATED = "<p>Heavy rain is expected in the northern provinces on Saturday. The national football team won its qualifier 2-0.</p>"
RUSSIAN = "<p>Стороны договорились о сотрудничестве. Погода в Москве была тёплой, прошёл концерт.</p>"


def watch_site(origins, prefix: str) -> dict[str, str]:
    """Documents under /<prefix>/news/..., listed by a feed, an index page and a sitemap in different spellings."""
    base = origins.url(f"/{prefix}")
    origins.route(f"/{prefix}/news/a.html", Response(200, html(READOUT, title="Wang Yi meets Russian Foreign Minister")))
    origins.route(f"/{prefix}/news/b.html", Response(200, html(UNRELATED, title="Weather and sport")))
    origins.route(f"/{prefix}/news/c.html", Response(200, html(RUSSIAN, title="Новости")))
    origins.route(f"/{prefix}/old/b", Response(301, "", headers={"location": f"{base}/news/b.html"}))
    origins.route(f"/{prefix}/news/b.html/", Response(301, "", headers={"location": f"{base}/news/b.html"}))
    origins.route(f"/{prefix}/news/gone.html", Response(404, "gone"))
    feed = (
        '<?xml version="1.0"?><rss version="2.0"><channel><title>News</title>'
        f"<item><title>Wang Yi meets</title><link>{base}/news/a.html?utm_source=rss&amp;utm_medium=feed</link>"
        "<pubDate>Mon, 02 Mar 2026 08:00:00 GMT</pubDate></item>"
        f"<item><title>Weather</title><link>{base}/old/b</link></item>"
        "</channel></rss>"
    )
    index = html(
        f'<ul><li><a href="{base}/news/a.html#top">Wang Yi meets</a></li><li><a href="news/c.html">Новости</a></li>'
        f'<li><a href="{base}/news/gone.html">Gone</a></li><li><a href="/elsewhere/about.html">About us</a></li></ul>'
    )
    sitemap = (
        '<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        f"<url><loc>{base}/news/a.html</loc><lastmod>2026-03-02</lastmod></url>"
        f"<url><loc>{base}/news/b.html/</loc></url><url><loc>{base}/news/c.html</loc></url></urlset>"
    )
    origins.route(f"/{prefix}/feed.xml", Response(200, feed, headers={"content-type": "application/rss+xml", "etag": '"v1"'}))
    origins.route(f"/{prefix}/", Response(200, index))
    origins.route(f"/{prefix}/sitemap.xml", Response(200, sitemap, headers={"content-type": "application/xml"}))
    return {"feed": f"{base}/feed.xml", "page": f"{base}/", "sitemap": f"{base}/sitemap.xml", "base": base}


def watch_all(site: dict, prefix: str) -> None:
    for kind in ("feed", "page", "sitemap"):
        pattern = rf"/{prefix}/(news|old)/" if kind == "page" else ""
        call_command("watch_add", site[kind], kind=kind, links=pattern, name=f"{prefix} {kind}", stdout=StringIO())


def watch_run() -> dict:
    """One `watch_run --once`, its JSON summary."""
    out = StringIO()
    call_command("watch_run", once=True, stdout=out)
    return json.loads(out.getvalue())
