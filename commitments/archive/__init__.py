"""Archived copies of cited pages (issue 20): WARC captures taken by the re-check, their public pages and admin.

warc.py writes and reads the WARC records (warcio); services.py stores captures (Django's storage
API, alias "archive"), dedups, prunes and submits to Save Page Now; selectors.py reads captures for
pages and the admin; views.py serves the capture page (text only, quote highlighted, diff), the
WARC download and a sandboxed view; wayback.py is the Save Page Now client.
"""
