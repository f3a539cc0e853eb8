"""Building and sending the weekly digest to a real SMTP server (aiosmtpd)."""

import os
import re
from datetime import timedelta

import pytest
from django.conf import settings

from commitments.digests import delivery
from commitments.digests.changes import week_changes_load
from commitments.digests.delivery import digests_send_batch
from commitments.models import DigestDelivery
from commitments.tasks.digests import digest_batch_send
from tests.digests_week import SEND_AT, WEEK, parts

# The SMTP server, eager Celery and the week of changes (tests/conftest.py belongs to the foundation).
pytest_plugins = ["tests.digests_support"]

State = DigestDelivery.State


def send(*subscribers, now=SEND_AT):
    return digests_send_batch(period=WEEK, subscriber_ids=[s.pk for s in subscribers], now=now)


def test_it_sends_a_complete_digest_with_both_parts_and_unsubscribe_headers(week, smtp, make_subscriber):
    subscriber = make_subscriber("Reader@Example.org")

    result = send(subscriber)

    assert result.sent == [subscriber.pk]
    [message] = smtp.messages
    assert message["To"] == "Reader@Example.org"
    assert "2024-W10" in message["Subject"] and "7 changes" in message["Subject"]
    unsubscribe = re.fullmatch(r"<(https://tracker\.example\.org/unsubscribe/[^/]+/)>", message["List-Unsubscribe"].strip())
    assert unsubscribe, message["List-Unsubscribe"]
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text, html = parts(message)
    for part in (text, html):
        assert unsubscribe[1] in part
        assert "Build the Almaty clinic" in part and "Ratified by parliament" in part  # status change with rationale
        assert "Fulfilled" in part and "Open the Kazan lab" in part and "Talks suspended" in part
        assert "https://news.example.org/kz-ratified" in part  # its evidence link, and the new evidence
        assert "Parliament ratifies the clinic deal" in part
        assert "Joint vaccine plant" in part  # new commitment
        assert "Trade grew 90 percent" in part and "Customs figures show 12 percent" in part  # new claim, verdict
        assert "Clinic opened in March" in part and "+1: full compliance" in part  # party assessment
        assert "25 Mar 2024" in part  # a target date within 30 days
        assert f"https://tracker.example.org{week.c_kz.get_absolute_url()}" in part  # its public page
        assert "/admin/" not in part
    assert "In progress -> Fulfilled" in text
    assert "In progress &rarr; <b>Fulfilled</b>" in html
    assert "Fulfilled: 1 (a week ago 0)" in text and "In progress: 0 (a week ago 2)" in text  # the tally
    assert "Source health" not in text
    delivery = DigestDelivery.objects.get()
    assert (delivery.period, delivery.status, delivery.attempts) == ("2024-W10", State.SENT, 1)
    assert delivery.sent_at is not None


def test_it_sends_a_filtered_subscriber_only_what_concerns_their_party(week, smtp, make_subscriber):
    make_subscriber("kz@example.org", parties=[week.kz])
    make_subscriber("health@example.org", themes=[week.theme])

    send(*week.kz.subscribers.all(), *week.theme.subscribers.all())

    kz_message, = [m for m in smtp.messages if m["To"] == "kz@example.org"]
    text, html = parts(kz_message)
    for part in (text, html):
        assert "Ratified by parliament" in part and "Clinic opened in March" in part
        assert "Talks suspended" not in part and "Trade grew 90 percent" not in part and "Joint vaccine plant" not in part
        assert "Open the Kazan lab" not in part
    assert "Your filters: Kazakhstan" in text
    health, = [m for m in smtp.messages if m["To"] == "health@example.org"]
    text, _ = parts(health)
    assert "Talks suspended" in text and "Ratified by parliament" not in text


def test_it_sends_nothing_for_an_empty_week_unless_configured(week, smtp, make_subscriber, settings):
    subscriber = make_subscriber("reader@example.org")
    quiet = WEEK.__class__(2024, 12)

    result = digests_send_batch(period=quiet, subscriber_ids=[subscriber.pk], now=SEND_AT + timedelta(days=14))

    assert result.empty == [subscriber.pk] and smtp.messages == [] and not DigestDelivery.objects.exists()
    settings.TRACKER_DIGEST_SEND_EMPTY = True
    digests_send_batch(period=quiet, subscriber_ids=[subscriber.pk], now=SEND_AT + timedelta(days=14))
    text, _ = parts(smtp.messages[0])
    assert "Nothing changed this week" in text


def test_it_sends_once_when_the_job_runs_twice(week, smtp, make_subscriber):
    subscribers = [make_subscriber(f"reader{n}@example.org") for n in range(3)]

    send(*subscribers)
    second = send(*subscribers)

    assert smtp.recipients() == ["reader0@example.org", "reader1@example.org", "reader2@example.org"]
    assert sorted(second.skipped) == sorted(s.pk for s in subscribers) and second.sent == []


def test_it_retries_when_the_server_fails_then_recovers_losing_and_doubling_nothing(week, smtp, make_subscriber, eager_celery):
    subscribers = [make_subscriber(f"reader{n}@example.org") for n in range(4)]
    smtp.fail_first = 3  # "451 Try again later" to the first three messages

    digest_batch_send.delay(WEEK.key, [s.pk for s in subscribers])

    assert smtp.recipients() == [f"reader{n}@example.org" for n in range(4)]
    assert smtp.data_attempts == 7
    deliveries = DigestDelivery.objects.order_by("subscriber_id")
    assert [d.status for d in deliveries] == [State.SENT] * 4
    assert [d.attempts for d in deliveries] == [2, 2, 2, 1]
    # A successful attempt records itself and clears the error of the one before (the 451s are counted above).
    assert [d.last_error for d in deliveries] == [""] * 4


def test_the_hourly_tick_sends_what_a_batch_killed_at_its_hard_time_limit_left_claimed(week, smtp, make_subscriber, eager_celery):
    from django.utils import timezone

    from commitments.tasks.digests import digests_send_due

    orphan, fresh = make_subscriber("orphan@example.org"), make_subscriber("busy@example.org")
    # Acked as failed, so never re-delivered: only the rows say a digest is missing.
    DigestDelivery.objects.create(subscriber=orphan, period=WEEK.key, claim_token="killed", claimed_at=timezone.now() - timedelta(hours=1))
    DigestDelivery.objects.create(subscriber=fresh, period=WEEK.key, claim_token="alive", claimed_at=timezone.now())

    digests_send_due.delay()

    assert DigestDelivery.objects.get(subscriber=orphan).status == State.SENT
    assert DigestDelivery.objects.get(subscriber=fresh).status == State.CLAIMED  # a live sender's is left alone
    assert "orphan@example.org" in smtp.recipients() and "busy@example.org" not in smtp.recipients()


def test_it_keeps_every_digest_for_later_when_the_server_is_down(week, make_subscriber, settings):
    from tests.digests_support import use_smtp
    from tests.smtp_server import free_port, smtp_server

    subscribers = [make_subscriber(f"reader{n}@example.org") for n in range(2)]
    use_smtp(settings, free_port())  # nothing listens there: connection refused

    down = send(*subscribers)

    assert sorted(down.retry) == sorted(s.pk for s in subscribers)
    assert set(DigestDelivery.objects.values_list("status", flat=True)) == {State.RETRY}
    with smtp_server() as server:
        use_smtp(settings, server.port)
        up = send(*subscribers, now=SEND_AT + timedelta(minutes=1))
        again = send(*subscribers, now=SEND_AT + timedelta(minutes=2))
    assert server.handler.recipients() == ["reader0@example.org", "reader1@example.org"]
    assert len(up.sent) == 2 and again.sent == []


def test_it_records_a_permanent_failure_and_sends_the_others(week, smtp, make_subscriber):
    gone, fine = make_subscriber("gone@example.org"), make_subscriber("fine@example.org")
    smtp.refuse = frozenset({"gone@example.org"})

    result = send(gone, fine)
    again = send(gone, fine, now=SEND_AT + timedelta(hours=1))

    assert result.failed == [gone.pk] and result.sent == [fine.pk]
    assert again.sent == [] and again.retry == []
    failed = DigestDelivery.objects.get(subscriber=gone)
    assert failed.status == State.FAILED and "550" in failed.last_error
    assert smtp.recipients() == ["fine@example.org"]


def test_it_takes_over_a_claim_whose_sender_died_but_not_a_live_one(week, smtp, make_subscriber):
    dead, busy = make_subscriber("dead@example.org"), make_subscriber("busy@example.org")
    DigestDelivery.objects.create(subscriber=dead, period=WEEK.key, claim_token="x", claimed_at=SEND_AT - timedelta(minutes=30), attempts=1)
    DigestDelivery.objects.create(subscriber=busy, period=WEEK.key, claim_token="y", claimed_at=SEND_AT - timedelta(minutes=1), attempts=1)

    result = send(dead, busy)

    assert result.sent == [dead.pk] and result.skipped == result.held == [busy.pk]
    assert smtp.recipients() == ["dead@example.org"]
    assert DigestDelivery.objects.get(subscriber=dead).attempts == 2


# 19 for the commitments, claims and their histories; up to 6 for source-check events (1 when there are none).
# + 5: bound parties (members at the statement's date) for commitments and claims, new links (2), new renderings.
WEEK_QUERIES = 19 + 6 + 5


def test_it_loads_the_weeks_changes_with_a_fixed_number_of_queries(week, django_assert_max_num_queries):
    with django_assert_max_num_queries(WEEK_QUERIES):
        changes = week_changes_load(period=WEEK)
    assert len(changes.status_changes) == 2 and len(changes.verdicts) == 1


@pytest.mark.parametrize("count", [2, 20])
def test_it_reads_a_fixed_number_of_queries_per_batch_whatever_its_size(week, smtp, make_subscriber, django_assert_max_num_queries, count):
    subscribers = [make_subscriber(f"r{n}@example.org", parties=[week.kz] if n % 2 else []) for n in range(count)]

    # The week, 5 for the subscribers and their filters, 4 to claim, one UPDATE recording every digest sent (up to RECORD_EVERY).
    with django_assert_max_num_queries(WEEK_QUERIES + 5 + 4 + 1):
        result = send(*subscribers)

    assert len(result.sent) == count
    assert DigestDelivery.objects.filter(status=State.SENT, sent_at__isnull=False).count() == count


@pytest.fixture
def redis_cache(settings):
    """The journal in the shared cache production uses (Redis), not the test run's in-process one."""
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": os.environ["REDIS_URL"],
                                   "KEY_PREFIX": "test-digest-journal"}}
    from django.core.cache import cache

    cache.clear()
    yield cache
    cache.clear()


def test_a_sender_that_dies_before_recording_is_taken_over_without_sending_twice_or_skipping(
    week, smtp, make_subscriber, monkeypatch, redis_cache,
):
    people = [make_subscriber(f"r{n}@example.org") for n in range(5)]
    # The first sender is killed after the server accepted three digests, before it recorded any.
    accepted = []
    monkeypatch.setattr(delivery, "deliveries_record_sent", lambda *, sent: None)
    original = delivery.journal_sent

    def journalled_then_die(*, delivery_id, at):
        original(delivery_id=delivery_id, at=at)
        accepted.append(delivery_id)
        if len(accepted) == 3:
            raise _Killed

    monkeypatch.setattr(delivery, "journal_sent", journalled_then_die)
    with pytest.raises(_Killed):
        send(*people)
    monkeypatch.undo()
    assert smtp.recipients() == [f"r{n}@example.org" for n in range(3)]
    assert set(DigestDelivery.objects.values_list("status", flat=True)) == {State.CLAIMED}  # nothing recorded

    # A re-run before the claims go stale leaves them alone (held: its task looks again later); after, it takes them over.
    lease = timedelta(seconds=settings.TRACKER_DIGEST_CLAIM_TIMEOUT)
    early = send(*people, now=SEND_AT + lease / 2)
    assert early.skipped == early.held == [p.pk for p in people]
    result = send(*people, now=SEND_AT + lease + timedelta(seconds=1))

    assert result.sent == [p.pk for p in people[3:]]
    # None was marked `sending` without being journalled `sent`: the sender died between two transactions.
    assert result.uncertain == []
    assert smtp.recipients() == [f"r{n}@example.org" for n in range(5)]  # each exactly once
    assert DigestDelivery.objects.filter(status=State.SENT, sent_at__isnull=False).count() == 5
    ids = list(DigestDelivery.objects.values_list("pk", flat=True))
    assert delivery.journal_read(delivery_ids=ids) == ({}, {})  # the journal is emptied, the sending marks too


class _Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs, not even `finally` clean-up that records."""


def test_a_sender_that_dies_inside_an_smtp_transaction_is_resent_with_the_same_message_id_and_counted(
    week, smtp, make_subscriber, monkeypatch, redis_cache,
):
    """The one window SMTP leaves open: the server took the third digest, its sender died before hearing so (round-2 item 2)."""
    from django.core.mail.backends.smtp import EmailBackend

    people = [make_subscriber(f"r{n}@example.org") for n in range(5)]
    original, calls = EmailBackend.send_messages, []

    def send_then_die(self, messages):
        sent = original(self, messages)
        calls.append(1)
        if len(calls) == 3:
            raise _Killed  # the server holds it; the sender never journals it
        return sent

    monkeypatch.setattr(EmailBackend, "send_messages", send_then_die)
    with pytest.raises(_Killed):
        send(*people)
    monkeypatch.undo()
    result = send(*people, now=SEND_AT + timedelta(seconds=settings.TRACKER_DIGEST_CLAIM_TIMEOUT + 1))

    assert result.sent == [p.pk for p in people[2:]] and result.uncertain == [people[2].pk]
    per_address = {}
    for message in smtp.messages:
        per_address.setdefault(str(message["To"]), []).append(str(message["Message-ID"]))
    assert sorted(per_address) == [p.email for p in people]  # nobody skipped
    assert {address: len(ids) for address, ids in per_address.items() if len(ids) > 1} == {"r2@example.org": 2}  # one doubled
    assert len(set(per_address["r2@example.org"])) == 1  # both copies with one Message-ID
