"""The digest tests' calendar: ISO week 2024-W10 (Monday 4 to Sunday 10 March 2024), sent Monday 11 March 08:00 UTC."""

from datetime import UTC, datetime

from commitments.digests.periods import Period

BEFORE = datetime(2024, 2, 20, 10, 0, tzinfo=UTC)
DURING = datetime(2024, 3, 6, 12, 0, tzinfo=UTC)
SEND_AT = datetime(2024, 3, 11, 8, 0, tzinfo=UTC)
WEEK = Period(2024, 10)


def parts(message) -> tuple[str, str]:
    """The text and HTML parts of a received message."""
    text = message.get_body(preferencelist=("plain",)).get_content()
    html = message.get_body(preferencelist=("html",)).get_content()
    return text, html
