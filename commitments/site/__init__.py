"""The public site: a permalinked page for every statement, commitment, party and claim, with charts.

Server-rendered pages (no script needed), inline SVG charts each with a table or text
equivalent, plain GET filters so any filtered view is a shareable address, and ETag /
Last-Modified on every page. Reads through `selectors` here, which stand on the core's.
"""
