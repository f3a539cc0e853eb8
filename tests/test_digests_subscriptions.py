"""Double opt-in (form and API), the signed links, and unsubscribing (page and RFC 8058 one-click)."""

import re

import pytest
from django.test import Client

from commitments.digests.delivery import digests_send_batch
from commitments.digests.subscriptions import unsubscribe_token
from commitments.models import Subscriber
from tests.digests_week import SEND_AT, WEEK, parts

pytest_plugins = ["tests.digests_support"]


def confirm_link(smtp) -> str:
    [message] = smtp.messages
    text, html = parts(message)
    path = re.search(r"https://tracker\.example\.org(/subscribe/confirm/[^/\s]+/)", text)[1]
    assert path in html
    return path


def test_it_sends_only_a_confirmation_until_the_signed_link_is_followed(week, smtp, client):
    assert client.get("/subscribe/").status_code == 200

    response = client.post("/subscribe/", {"email": "kz@example.org", "parties": [week.kz.pk]})

    assert response.status_code == 200 and b"Check your inbox" in response.content
    assert smtp.messages[0]["Subject"] == "Confirm your Commitments Tracker weekly digest"
    assert "Kazakhstan" in parts(smtp.messages[0])[0]
    subscriber = Subscriber.objects.get(email="kz@example.org")
    assert subscriber.confirmed_at is None and not subscriber.parties.exists()
    digests_send_batch(period=WEEK, subscriber_ids=[subscriber.pk], now=SEND_AT)
    assert len(smtp.messages) == 1  # no digest before confirmation

    path = confirm_link(smtp)
    page = client.get(path)
    assert page.status_code == 200 and b"kz@example.org" in page.content
    assert Subscriber.objects.get().confirmed_at is None  # a GET (a link scanner) confirms nothing
    assert client.post(path).status_code == 200

    subscriber.refresh_from_db()
    assert subscriber.is_active and list(subscriber.parties.all()) == [week.kz]
    digests_send_batch(period=WEEK, subscriber_ids=[subscriber.pk], now=SEND_AT)
    assert len(smtp.messages) == 2 and "Ratified by parliament" in parts(smtp.messages[1])[0]


def test_it_refuses_a_tampered_confirmation_link(week, smtp, client):
    client.post("/subscribe/", {"email": "reader@example.org"})
    path = confirm_link(smtp)
    tampered = path[:-3] + ("A" if path[-3] != "A" else "B") + path[-2:]

    assert client.get(tampered).status_code == 400
    assert client.post(tampered).status_code == 400
    assert client.post("/subscribe/confirm/not-a-token/").status_code == 400
    assert Subscriber.objects.get().confirmed_at is None


def test_it_starts_double_opt_in_through_the_api_and_never_lists_subscribers(week, smtp, make_subscriber):
    api = Client(enforce_csrf_checks=True)
    make_subscriber("existing@example.org")

    response = api.post("/api/v1/subscriptions/", {"email": "api@example.org", "parties": ["kazakhstan"], "themes": ["health"]},
                        content_type="application/json")

    assert response.status_code == 202
    assert api.get("/api/v1/subscriptions/").status_code == 405
    assert b"existing@example.org" not in api.get("/api/v1/subscriptions/").content
    assert api.post("/api/v1/subscriptions/", {"email": "x@example.org", "parties": ["atlantis"]},
                    content_type="application/json").status_code == 400
    assert [m["To"] for m in smtp.messages] == ["api@example.org"]
    assert api.post(confirm_link(smtp)).status_code == 403  # the confirm button's form carries a CSRF token
    Client().post(confirm_link(smtp))
    subscriber = Subscriber.objects.get(email="api@example.org")
    assert subscriber.is_active and [p.slug for p in subscriber.parties.all()] == ["kazakhstan"]
    assert [t.slug for t in subscriber.themes.all()] == ["health"]


def test_it_keeps_one_subscriber_per_address_whatever_its_case(week, smtp, client, make_subscriber):
    make_subscriber("Reader@Example.org")

    client.post("/subscribe/", {"email": "reader@EXAMPLE.org", "parties": [week.ru.pk]})

    assert Subscriber.objects.count() == 1
    assert not Subscriber.objects.get().parties.exists()  # filters change only when the link is followed
    client.post(confirm_link(smtp))
    assert [p.slug for p in Subscriber.objects.get().parties.all()] == ["russia"]


def test_it_unsubscribes_from_the_link_in_the_digest(week, smtp, client, make_subscriber):
    subscriber = make_subscriber("reader@example.org")
    digests_send_batch(period=WEEK, subscriber_ids=[subscriber.pk], now=SEND_AT)
    path = re.search(r"https://tracker\.example\.org(/unsubscribe/\S+/)", parts(smtp.messages[0])[0])[1]

    page = client.get(path)

    assert page.status_code == 200 and b"reader@example.org" in page.content
    assert Subscriber.objects.get().is_active  # looking is not unsubscribing
    assert client.post(path).status_code == 200
    assert Subscriber.objects.get().unsubscribed_at is not None


def test_it_unsubscribes_with_one_click_post_and_sends_nothing_more(week, smtp, make_subscriber):
    subscriber = make_subscriber("reader@example.org")
    mail_client = Client(enforce_csrf_checks=True)  # a mail provider: no cookie, no CSRF token

    response = mail_client.post(f"/unsubscribe/{unsubscribe_token(subscriber_id=subscriber.pk)}/", "List-Unsubscribe=One-Click",
                                content_type="application/x-www-form-urlencoded")

    assert response.status_code == 200
    assert Subscriber.objects.get().unsubscribed_at is not None
    result = digests_send_batch(period=WEEK, subscriber_ids=[subscriber.pk], now=SEND_AT)
    assert result.sent == [] and smtp.messages == []


def test_it_refuses_a_tampered_unsubscribe_link(week, make_subscriber, client):
    subscriber = make_subscriber("reader@example.org")
    token = unsubscribe_token(subscriber_id=subscriber.pk)

    assert client.post(f"/unsubscribe/{token}x/").status_code == 400
    other_id = ("Z" if token[0] != "Z" else "Y") + token[1:]  # another payload under the same signature
    assert client.get(f"/unsubscribe/{other_id}/").status_code == 400
    assert Subscriber.objects.get().is_active


def test_a_confirmation_link_sent_before_unsubscribing_no_longer_subscribes(week, smtp, client):
    client.post("/subscribe/", {"email": "reader@example.org"})
    old_link = confirm_link(smtp)
    assert client.post(old_link).status_code == 200
    subscriber = Subscriber.objects.get()
    assert client.post(f"/unsubscribe/{unsubscribe_token(subscriber_id=subscriber.pk)}/").status_code == 200

    again = client.post(old_link)  # e.g. found again in the inbox, or by someone who reads that mailbox

    assert again.status_code == 400 and b"than your last unsubscribe" in again.content
    subscriber.refresh_from_db()
    assert subscriber.unsubscribed_at is not None and not subscriber.is_active


def test_a_confirmation_link_asked_for_after_unsubscribing_subscribes_again(week, smtp, client, make_subscriber):
    from datetime import timedelta

    from django.utils import timezone

    from commitments.digests.subscriptions import subscription_cancel

    subscriber = make_subscriber("reader@example.org")
    subscription_cancel(subscriber=subscriber, now=timezone.now() - timedelta(minutes=1))  # a minute ago
    client.post("/subscribe/", {"email": "reader@example.org"})
    assert client.post(confirm_link(smtp)).status_code == 200
    subscriber.refresh_from_db()
    assert subscriber.is_active


def test_unsubscribing_leaves_one_audit_entry_with_the_time(week, smtp, client, make_subscriber):
    from auditlog.models import LogEntry

    subscriber = make_subscriber("reader@example.org")
    path = f"/unsubscribe/{unsubscribe_token(subscriber_id=subscriber.pk)}/"
    assert client.post(path, REMOTE_ADDR="198.51.100.23").status_code == 200
    assert client.post(path).status_code == 200  # a second click changes nothing, and logs nothing
    [entry] = LogEntry.objects.get_for_object(subscriber).filter(action=LogEntry.Action.UPDATE)
    subscriber.refresh_from_db()
    assert entry.changes_dict["unsubscribed_at"][0] is None and entry.changes_dict["unsubscribed_at"][1] is not None
    assert (entry.additional_data["source"], entry.remote_addr) == ("web", "198.51.100.23")


@pytest.mark.parametrize("address", ["a@[127.0.0.1]", "a@[IPv6:::1]", "a@localhost", "a@intranet", "a@mail.localhost", "a@x.invalid"])
def test_it_refuses_addresses_that_cannot_be_a_public_mailbox(week, smtp, client, address):
    page = client.post("/subscribe/", {"email": address})
    assert page.status_code == 200 and b"public e-mail address" in page.content
    api = Client().post("/api/v1/subscriptions/", {"email": address}, content_type="application/json")
    assert api.status_code == 400 and "public e-mail address" in api.json()["email"][0]
    assert smtp.messages == [] and not Subscriber.objects.exists()


def test_the_admin_refuses_a_local_address_too(week, admin_client):
    page = admin_client.post("/admin/commitments/subscriber/add/", {"email": "a@localhost"})
    assert page.status_code == 200 and b"public e-mail address" in page.content and not Subscriber.objects.exists()


@pytest.fixture(params=["locmem", "redis"])
def cache_backend(request, settings):
    """The counters must work on the shared Redis cache that production uses, not only in-process."""
    if request.param == "redis":
        settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": settings.REDIS_URL,
                                       "KEY_PREFIX": "test-ratelimit"}}
    from django.core.cache import cache

    cache.clear()
    yield request.param
    cache.clear()


def test_it_caps_confirmation_e_mails_to_one_address_and_requests_from_one_network(week, smtp, client, settings, cache_backend):
    settings.TRACKER_SUBSCRIBE_PER_ADDRESS_PER_DAY, settings.TRACKER_SUBSCRIBE_PER_IP_PER_HOUR = 2, 4
    answers = [client.post("/subscribe/", {"email": "Victim@example.org"}).status_code for _ in range(3)]
    assert answers == [200, 200, 429]
    assert len(smtp.messages) == 2  # the third request sent nothing

    api = Client()
    assert api.post("/api/v1/subscriptions/", {"email": "other@example.org"}, content_type="application/json").status_code == 202
    refused = api.post("/api/v1/subscriptions/", {"email": "third@example.org"}, content_type="application/json")
    assert refused.status_code == 429 and "Too many subscription requests" in refused.json()["detail"]
    assert len(smtp.messages) == 3
    assert not Subscriber.objects.filter(email="third@example.org").exists()


def test_the_api_takes_bound_and_responsible_parties_by_their_names(week, smtp):
    response = Client().post("/api/v1/subscriptions/", {"email": "both@example.org", "bound_parties": ["kazakhstan"],
                             "responsible_parties": ["russia"]}, content_type="application/json")
    assert response.status_code == 202
    Client().post(confirm_link(smtp))
    subscriber = Subscriber.objects.get(email="both@example.org")
    assert [p.slug for p in subscriber.parties.all()] == ["kazakhstan"]
    assert [p.slug for p in subscriber.responsible_parties.all()] == ["russia"]


SPELLINGS = ["victim@example.org", "Victim@EXAMPLE.org", "victim@ex\u00adample.org", "victim@\uff45\uff58\uff41\uff4d\uff50\uff4c\uff45.org",
             "victim@exam\u200bple.org"]


def test_the_spellings_of_one_mailbox_share_one_limit(week, smtp, client, settings, cache_backend):
    settings.TRACKER_SUBSCRIBE_PER_ADDRESS_PER_DAY, settings.TRACKER_SUBSCRIBE_PER_IP_PER_HOUR = 2, 100
    answers = [client.post("/subscribe/", {"email": spelling}).status_code for spelling in SPELLINGS]
    assert answers == [200, 200, 429, 429, 429]
    assert len(smtp.messages) == 2


def test_mailbox_key_folds_case_width_invisible_characters_and_idna():
    from commitments.digests.addresses import mailbox_key

    more = ["victim@example.org.", "\uff36ictim@example.org", " victim\u00ad@example.org "]
    assert {mailbox_key(spelling) for spelling in [*SPELLINGS, *more]} == {"victim@example.org"}
    assert mailbox_key("post@b\u00fccher.example.") == mailbox_key("POST@xn--bcher-kva.example") == "post@xn--bcher-kva.example"
    assert mailbox_key("victim@example.org") != mailbox_key("victim2@example.org")


def test_behind_a_trusted_proxy_each_client_has_its_own_limit_and_cannot_forge_another(week, smtp, settings):
    settings.TRACKER_SUBSCRIBE_PER_ADDRESS_PER_DAY, settings.TRACKER_SUBSCRIBE_PER_IP_PER_HOUR = 100, 2
    settings.TRACKER_TRUSTED_PROXIES = ["192.0.2.0/28"]
    proxy = Client(REMOTE_ADDR="192.0.2.5")

    def post(n: int, forwarded: str) -> int:
        return proxy.post("/subscribe/", {"email": f"reader{n}@example.org"}, HTTP_X_FORWARDED_FOR=forwarded).status_code

    assert [post(1, "198.51.100.1"), post(2, "198.51.100.1"), post(3, "198.51.100.1")] == [200, 200, 429]
    assert post(4, "198.51.100.2") == 200  # another visitor behind the same proxy
    assert post(5, "203.0.113.77, 198.51.100.1") == 429  # a made-up hop before the one the proxy appended counts for nothing
    assert post(6, "198.51.100.1, 192.0.2.9") == 429  # two trusted proxies in a row: the client is left of both
    direct = Client(REMOTE_ADDR="198.51.100.50")  # not a trusted proxy: its X-Forwarded-For is ignored
    answers = [direct.post("/subscribe/", {"email": f"d{n}@example.org"}, HTTP_X_FORWARDED_FOR=f"203.0.113.{n}").status_code
               for n in range(3)]
    assert answers == [200, 200, 429]
