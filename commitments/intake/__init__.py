"""Intake: turn an official text into a draft statement with verbatim, numbered points.

extract/     the rule-based extractor (pure: text in, sets/points/deliverables/claims with offsets out);
             extract/chinese.py and extract/russian.py hold those languages' counts and markers
language.py  detect_language(text): the one language detector (lingua, offline)
alignment.py what two renderings of a set in different languages share (figures, glossary concepts)
originals.py an original carrying only some points of a recorded set (the seed sets' originals)
reading.py   the text of a file, or of a URL through the source checker's guarded fetcher (HTML, PDF)
drafts.py    the draft an analyst edits (plain data)
matching.py  recorded statements this set may be another rendering of
services.py  the one atomic save, through commitments.renderings
forms.py, highlight.py, admin.py   the statement admin and its page "Add statement from text"
api.py       POST /api/v1/intake/ and /api/v1/intake/save/
"""
