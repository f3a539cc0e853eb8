"""Weekly e-mail digests: who subscribed to what, what changed in a week, and sending it once.

periods.py       ISO weeks and the send schedule (day, hour, time zone)
changes.py       one set of queries for a week's changes, filtered in memory per subscriber
build.py         one subscriber's digest (the template context)
delivery.py      claim a delivery row, send, retry or record a permanent failure
subscriptions.py subscribe (double opt-in), confirm, unsubscribe; signed tokens
views.py         the public pages (subscribe, confirm, unsubscribe; urls.py); api.py POST /api/v1/subscriptions/ (routed in
                 commitments/api/urls.py); admin.py subscribers and deliveries, with a preview of the next digest
"""
