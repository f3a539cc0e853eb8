"""Intake: turn an official text into a draft statement with verbatim, numbered points.

extract/   the rule-based extractor (pure: text in, sets/points/claims with offsets out)
reading.py text from a file, a pasted string or a URL (through the checks' SSRF-safe fetcher)
drafts.py  the draft a user edits (plain data, validated against the text)
services.py the one atomic save
"""
