"""Fixtures shared by the digest tests: a real SMTP server, eager Celery, and one week of changes.

The week is ISO 2024-W10 (Monday 4 to Sunday 10 March 2024); its digest is sent on
Monday 11 March at 08:00 UTC. Kazakhstan is bound by one statement, Russia by another.
"""

from datetime import date
from types import SimpleNamespace

import pytest
import time_machine

from commitments import services
from commitments.digests.delivery import week_changes_forget
from commitments.models import Claim, Commitment, Status, Subscriber, Verdict
from tests.digests_week import BEFORE, DURING
from tests.review_support import publish
from tests.smtp_server import smtp_server


def use_smtp(settings, port: int) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", port
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_TIMEOUT = 5


@pytest.fixture(autouse=True)
def fresh_week_changes():
    """Batches reuse the week their process loaded last (delivery.week_changes_shared); each test has its own week."""
    week_changes_forget()
    yield
    week_changes_forget()


@pytest.fixture
def smtp(settings):
    """A real SMTP server the e-mail backend sends to; its handler records what arrived."""
    with smtp_server() as controller:
        use_smtp(settings, controller.port)
        yield controller.handler


@pytest.fixture
def digest_settings(settings):
    settings.SITE_URL = "https://tracker.example.org"
    settings.TRACKER_DIGEST_DAY, settings.TRACKER_DIGEST_HOUR, settings.TRACKER_DIGEST_TIMEZONE = "monday", 8, "UTC"
    settings.TRACKER_DIGEST_SEND_EMPTY = False
    settings.TRACKER_DIGEST_BATCH_SIZE = 500
    settings.TRACKER_DIGEST_UNSUBSCRIBE_MAILTO = ""
    return settings


@pytest.fixture
def eager_celery():
    from tracker.celery import app

    saved = app.conf.task_always_eager, app.conf.task_eager_propagates
    # Not propagating lets eager apply() run a retry at once, as a worker would after the countdown.
    app.conf.task_always_eager, app.conf.task_eager_propagates = True, False
    yield app
    app.conf.task_always_eager, app.conf.task_eager_propagates = saved


@pytest.fixture
def make_subscriber(db):
    def make(email: str, *, parties=(), themes=(), statements=(), confirmed: bool = True) -> Subscriber:
        subscriber = Subscriber.objects.create(email=email, confirmed_at=BEFORE if confirmed else None)
        subscriber.parties.set(parties)
        subscriber.themes.set(themes)
        subscriber.statements.set(statements)
        return subscriber

    return make


def _evidence(url: str, title: str) -> services.NewEvidence:
    return services.NewEvidence(url=url, title=title, publisher="Wire")


@pytest.fixture
def week(digest_settings, alice, make_party, make_statement, theme):
    """Changes in 2024-W10: Kazakhstan's point fulfilled, Russia's stalled, a claim judged false, a score given."""
    with time_machine.travel(BEFORE, tick=False):
        kz, ru = make_party(name="Kazakhstan", slug="kazakhstan"), make_party(name="Russia", slug="russia")
        st_kz, st_ru = make_statement(points=2, title="Astana declaration"), make_statement(points=2, title="Moscow plan")
        st_kz.parties.add(kz)
        st_ru.parties.add(ru)
        c_kz, c_kz2 = st_kz.commitments.order_by("ordinal")
        c_ru = st_ru.commitments.get(ordinal=1)
        c_kz.parties.add(kz)
        c_ru.themes.add(theme)
        c_kz.title, c_ru.title = "Build the Almaty clinic", "Open the Kazan lab"
        c_kz.save()
        c_ru.save()
        Commitment.objects.filter(pk=c_kz2.pk).update(target_date=date(2024, 3, 25))
        for commitment in (c_kz, c_ru):
            publish(services.status_update_record(commitment=commitment, status=Status.IN_PROGRESS, effective_on=BEFORE.date(),
                                                  rationale="Work started", author=alice))
    # Everything below is proposed by alice and published by the reviewer dave during the week.
    with time_machine.travel(DURING, tick=False):
        publish(services.status_update_record(
            commitment=c_kz, status=Status.FULFILLED, effective_on=DURING.date(), rationale="Ratified by parliament", author=alice,
            new_evidence=[_evidence("https://news.example.org/kz-ratified", "Parliament ratifies the clinic deal")],
        ))
        publish(services.status_update_record(commitment=c_ru, status=Status.STALLED, effective_on=DURING.date(), rationale="Talks suspended",
                                              author=alice))
        claim = Claim.objects.create(statement=st_ru, source=c_ru.source, title="Trade grew 90 percent",
                                     quote="The resumption rate of cooperation projects has reached about 90%.")
        publish(services.verdict_update_record(claim=claim, verdict=Verdict.FALSE, rationale="Customs figures show 12 percent", author=alice))
        publish(services.assessment_record(commitment=c_kz, party=kz, score=1, assessed_on=DURING.date(), rationale="Clinic opened in March",
                                           author=alice))
        fresh = Commitment.objects.create(statement=st_ru, ordinal=3, title="Joint vaccine plant", source=c_ru.source,
                                          quote="China and Russia will strengthen cooperation in four areas.")
    return SimpleNamespace(kz=kz, ru=ru, theme=theme, st_kz=st_kz, st_ru=st_ru, c_kz=c_kz, c_kz2=c_kz2, c_ru=c_ru, claim=claim, fresh=fresh)
