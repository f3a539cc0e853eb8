"""Sending one week's digests to many: each digest serialised once and copied, the week loaded once per run."""

import email
import re
from datetime import timedelta

import pytest
from django.core.mail import get_connection

from commitments.digests.changes import week_changes_load
from commitments.digests.delivery import UNSUBSCRIBE_PLACEHOLDER, digest_message, digests_plan, digests_send_batch, subscribers_load
from commitments.emails import RenderedEmail, SerialisedEmail, email_blueprint, email_copy, email_message
from tests.digests_week import SEND_AT, WEEK, parts

pytest_plugins = ["tests.digests_support"]

# 19 for the commitments, claims and their histories; up to 6 for source-check events.
WEEK_QUERIES = 19 + 6 + 5  # see test_digests_delivery


@pytest.fixture
def fixed_ids(monkeypatch):
    """The same Date and Message-ID whoever builds the message, so bytes can be compared."""
    for module in ("commitments.emails", "django.core.mail.message"):
        monkeypatch.setattr(f"{module}.formatdate", lambda **_: "Mon, 11 Mar 2024 08:00:00 -0000")
        monkeypatch.setattr(f"{module}.make_msgid", lambda **_: "<1.2.3@tracker.example.org>")


def _boundaries_alike(raw: bytes) -> bytes:
    # Each serialisation draws a random MIME boundary.
    return re.sub(rb"===============\d+==", b"BOUNDARY", raw)


def _plan(subscriber):
    [plan], _ = digests_plan(changes=week_changes_load(period=WEEK), subscribers=subscribers_load([subscriber.pk]))
    return plan


@pytest.mark.parametrize("address", ["reader@example.org", "zoë@bücher.example", "a-very-long-local-part-" * 3 + "@example.org"])
def test_it_copies_exactly_the_bytes_django_would_build(week, make_subscriber, fixed_ids, settings, address):
    settings.TRACKER_DIGEST_UNSUBSCRIBE_MAILTO = "unsubscribe-with-a-long-mailbox-name@lists.tracker.example.org"  # a folded header
    plan = _plan(make_subscriber(address, parties=[week.kz]))
    smtp = get_connection("django.core.mail.backends.smtp.EmailBackend")

    copy = digest_message(plan=plan, connection=smtp)
    in_full = digest_message(plan=plan, connection=get_connection("django.core.mail.backends.locmem.EmailBackend"))

    assert isinstance(copy, SerialisedEmail) and not isinstance(in_full, SerialisedEmail)
    expected = in_full.message().as_bytes(linesep="\r\n")
    assert _boundaries_alike(copy.message().as_bytes(linesep="\r\n")) == _boundaries_alike(expected)
    assert UNSUBSCRIBE_PLACEHOLDER.encode() not in expected and b"slot.invalid" not in expected


def test_every_copy_of_a_subscribers_weekly_digest_has_one_message_id(week, make_subscriber):
    """A digest sent twice (a crash right after the server took it) carries the same Message-ID, which mail systems collapse."""
    reader, other = make_subscriber("reader@example.org"), make_subscriber("other@example.org")
    smtp = get_connection("django.core.mail.backends.smtp.EmailBackend")
    copies = [digest_message(plan=_plan(subscriber), connection=smtp).message().as_bytes() for subscriber in (reader, reader, other)]
    ids = [email.message_from_bytes(raw)["Message-ID"] for raw in copies]
    assert ids[0] == ids[1] == f"<digest.{WEEK.key}.{reader.pk}@tracker.example.org>" and ids[2] != ids[0]
    in_full = digest_message(plan=_plan(reader), connection=get_connection("django.core.mail.backends.locmem.EmailBackend"))
    assert in_full.message()["Message-ID"] == ids[0]


def test_it_builds_a_message_in_full_when_a_line_is_too_long_for_8bit():
    long_line = "x" * 1200  # over 998 bytes: Django switches the part to quoted-printable
    rendered = RenderedEmail(subject="Hello", text=f"{long_line}\nUnsubscribe: SLOT\n", html="<p>SLOT</p>")

    assert email_blueprint(rendered=rendered, headers={}, varying=(), body_slot="SLOT") is None


def test_it_builds_a_copy_in_full_when_the_link_would_make_a_line_too_long():
    rendered = RenderedEmail(subject="Hello", text="y" * 950 + " SLOT\n", html="<p>SLOT</p>")
    blueprint = email_blueprint(rendered=rendered, headers={}, varying=(), body_slot="SLOT")

    assert email_copy(blueprint, to="a@example.org", headers={}, body_value="https://x.example/" + "z" * 20) is not None
    assert email_copy(blueprint, to="a@example.org", headers={}, body_value="https://x.example/" + "z" * 60) is None
    assert email_copy(blueprint, to="a@example.org", headers={}, body_value="https://bücher.example/") is None


def test_it_refuses_a_header_injection_in_a_copy_as_django_does():
    from django.core.mail import BadHeaderError

    blueprint = email_blueprint(rendered=RenderedEmail(subject="Hi", text="SLOT\n", html="SLOT"), headers={}, varying=(), body_slot="SLOT")

    with pytest.raises(BadHeaderError):
        email_copy(blueprint, to="a@example.org\r\nBcc: b@example.org", headers={}, body_value="x")
    with pytest.raises(BadHeaderError):
        email_message(rendered=RenderedEmail(subject="Hi", text="x", html="x"), to="a@example.org\r\nBcc: b@example.org").message()


def test_it_delivers_copies_with_each_subscribers_own_address_and_link(week, smtp, make_subscriber):
    readers = [make_subscriber(f"reader{n}@example.org", parties=[week.kz]) for n in range(3)]

    digests_send_batch(period=WEEK, subscriber_ids=[r.pk for r in readers], now=SEND_AT)

    links = set()
    for message in smtp.messages:
        text, html = parts(message)
        [link] = re.findall(r"https://tracker\.example\.org/unsubscribe/[^/]+/", text)
        assert f"<{link}>" == message["List-Unsubscribe"].strip() and link in html  # folded as Django folds it
        links.add(link)
    assert len(links) == 3 and len({m["Message-ID"] for m in smtp.messages}) == 3
    assert sorted(m["To"] for m in smtp.messages) == [r.email for r in readers]


def test_it_loads_the_week_once_for_the_batches_a_process_runs(week, smtp, make_subscriber, django_assert_max_num_queries):
    first = [make_subscriber(f"a{n}@example.org", parties=[week.kz] if n % 2 else []) for n in range(4)]
    second = [make_subscriber(f"b{n}@example.org", parties=[week.kz] if n % 2 else []) for n in range(4)]
    digests_send_batch(period=WEEK, subscriber_ids=[s.pk for s in first], now=SEND_AT)

    # 5 for the subscribers and their filters, 3 to claim, one UPDATE per digest sent: no week.
    with django_assert_max_num_queries(5 + 3 + len(second)):
        result = digests_send_batch(period=WEEK, subscriber_ids=[s.pk for s in second], now=SEND_AT + timedelta(minutes=2))

    assert len(result.sent) == 4
    assert [m["Subject"] for m in smtp.messages[:4]] == [m["Subject"] for m in smtp.messages[4:]]


def test_it_loads_the_week_again_after_a_while(week, smtp, make_subscriber, django_assert_max_num_queries):
    first, later = make_subscriber("a@example.org"), make_subscriber("b@example.org")
    digests_send_batch(period=WEEK, subscriber_ids=[first.pk], now=SEND_AT)

    with django_assert_max_num_queries(WEEK_QUERIES + 5 + 3 + 1) as queries:
        digests_send_batch(period=WEEK, subscriber_ids=[later.pk], now=SEND_AT + timedelta(minutes=11))

    assert len(queries) > 5 + 3 + 1


def test_the_benchmarks_fast_sink_is_a_real_smtp_server_that_counts_every_message():
    import smtplib
    import subprocess
    import sys

    from tests.smtp_server import free_port

    port = free_port()
    sink = subprocess.Popen([sys.executable, "-m", "tests.smtp_server", "--port", str(port), "--fast"], stdout=subprocess.PIPE, text=True)
    try:
        assert sink.stdout.readline().strip() == "ready"
        with smtplib.SMTP("127.0.0.1", port) as client:
            client.sendmail("a@example.org", ["b@example.org"], b"Subject: one\r\n\r\nA line.\r\n.\r\nA dot alone above.\r\n")
            client.sendmail("a@example.org", ["b@example.org"], b"")
            client.sendmail("a@example.org", ["b@example.org"], b"Subject: big\r\n\r\n" + b"x" * 70 + b".\r\n" * 20_000)
    finally:
        sink.terminate()
        out, _ = sink.communicate(timeout=10)
    assert out.strip().splitlines()[-1] == "3"
