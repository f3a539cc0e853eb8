"""Fetching and judging the pages that sources and evidence link to.

security   which URLs and addresses may be fetched (the SSRF guard)
politeness per-host rate and in-flight limits shared by all workers (Redis)
fetch      the httpx fetcher: one redirect hop at a time, capped body, checked connect
judge      outcome, hysteresis, change detection, text extraction
quotes     is our quote still on the page: exact, fuzzy or missing
scheduling next-check times, back-off, claiming due URLs
services   the batch pipeline and the dispatcher (writes)
selectors  health for the API and events for the digest (reads)
"""
