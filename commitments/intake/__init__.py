"""Intake: turn an official text into a draft statement with verbatim, numbered points.

extract/     the rule-based extractor (pure: text in, sets/points/deliverables/claims with offsets out)
reading.py   the text of a file, or of a URL through the source checker's guarded fetcher (HTML, PDF)
drafts.py    the draft an analyst edits (plain data)
matching.py  recorded statements this set may be another rendering of
services.py  the one atomic save, through commitments.renderings
forms.py, views.py, highlight.py, admin.py   the admin page "Add statement from text"
api.py       POST /api/v1/intake/ and /api/v1/intake/save/
"""
