"""Watching official sites: listings polled on a schedule, new documents read, an inbox for staff.

Layout: canonical.py (one document, one key), listings.py (links from a feed, sitemap or page),
matching.py (which tracked points a document concerns), services.py (the writes: polls, fetches,
filing, inbox decisions), selectors.py (the inbox as staff read it), api.py, admin.py.
"""
