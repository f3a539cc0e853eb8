"""What readers need to trust the tracker: the methodology page, linked from every page's footer, and the
subscription pages in the site's own layout with plain labels (and, in development, where the e-mail went).

Set TRACKER_SCREENSHOTS=<folder> to save the pages at 375 px and 1280 px.
"""

import html
import os
import re

import pytest
from django.core import mail
from django.core.management import call_command

from commitments.digests.subscriptions import unsubscribe_token
from commitments.models import Party, Status, Subscriber
from commitments.site.methodology import STATUS_WHEN
from tests.cdp import Browser
from tests.smtp_server import smtp_server

WIDTHS = {"phone": 375, "desktop": 1280}
PUBLIC_PAGES = ["/", "/statements/", "/parties/", "/claims/", "/changes/", "/search/", "/methodology/", "/subscribe/"]


def text_of(response) -> str:
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.mark.django_db
def test_the_methodology_page_explains_statuses_review_scale_evidence_and_errors(client, settings):
    settings.TRACKER_CORRECTIONS_EMAIL = "corrections@tracker.example.org"
    page = text_of(client.get("/methodology/"))
    for status in Status:
        assert status.label in page and STATUS_WHEN[status] in page
    assert page.count("Always backed by at least one piece of evidence") == 3  # fulfilled, partially fulfilled, broken
    assert "a reviewer who did not propose it" in page
    assert "-1: no compliance" in page and "+1: full compliance" in page and "G7 Research Group" in page
    assert "supports" in page and "contradicts" in page and "verbatim" in page
    assert "mailto:corrections@tracker.example.org" in client.get("/methodology/").content.decode()

    settings.TRACKER_REVIEW_REQUIRED = False  # a small team's setting: the page does not promise a review that does not happen
    page = text_of(client.get("/methodology/"))
    assert "publishes changes without a second review" in page and "a reviewer who did not propose it" not in page


@pytest.mark.django_db
def test_every_public_page_links_to_the_methodology_in_its_footer(client, seed):
    point = client.get("/api/v1/commitments/?page_size=1").json()["results"][0]["url"]
    for path in [*PUBLIC_PAGES, point.split("testserver", 1)[1], "/parties/russia/"]:
        response = client.get(path)
        assert response.status_code == 200, path
        footer = response.content.decode().split('<footer class="site-footer">', 1)[1]
        assert 'href="/methodology/"' in footer, path


@pytest.mark.django_db
def test_the_subscription_pages_use_the_site_layout_and_plain_labels(client, make_party):
    make_party(name="Kazakhstan", slug="kazakhstan")
    html = client.get("/subscribe/").content.decode()
    assert 'class="site-header"' in html and 'class="site-footer"' in html and "site/site.css" in html
    assert "Bound parties" not in html and "responsible_parties" not in text_of(client.get("/subscribe/"))
    assert "Countries and organisations it binds" in html and "Who has to carry it out" in html
    assert re.search(r'<label class="check"><input type="checkbox" name="parties" value="\d+"[^>]*> Kazakhstan</label>', html)


@pytest.mark.django_db
def test_in_development_the_page_says_where_the_confirmation_went(client, settings, make_party):
    kz = make_party(name="Kazakhstan", slug="kazakhstan")
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    page = text_of(client.post("/subscribe/", {"email": "kz@example.org", "parties": [kz.pk]}))
    assert "Check your inbox" in page and "Development mode" in page and "printed in the terminal where the server runs" in page

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    page = text_of(client.post("/subscribe/", {"email": "kz2@example.org"}))
    assert "kept in the server's memory" in page and len(mail.outbox) == 1


@pytest.mark.django_db
def test_with_the_file_backend_the_page_names_the_folder(client, settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = str(tmp_path / "mail")
    page = text_of(client.post("/subscribe/", {"email": "file@example.org"}))
    assert "Development mode" in page and str(tmp_path / "mail") in page
    assert len(list((tmp_path / "mail").iterdir())) == 1


@pytest.mark.django_db
def test_the_confirm_and_unsubscribe_pages_use_the_site_layout(client, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    client.post("/subscribe/", {"email": "layout@example.org"})
    link = re.search(r"https?://[^/\s]+(/subscribe/confirm/[^/\s]+/)", mail.outbox[0].body)[1]
    for page in (client.get(link).content.decode(), client.post(link).content.decode()):
        assert 'class="site-header"' in page and 'class="site-footer"' in page and 'href="/corrections/"' in page
    subscriber = Subscriber.objects.get(email="layout@example.org")
    page = client.get(f"/unsubscribe/{unsubscribe_token(subscriber_id=subscriber.pk)}/").content.decode()
    assert 'class="site-header"' in page and "layout@example.org" in page


@pytest.mark.django_db
def test_a_real_mail_server_gets_no_development_note(client, settings):
    with smtp_server() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST, settings.EMAIL_PORT, settings.EMAIL_USE_TLS = "127.0.0.1", server.port, False
        page = text_of(client.post("/subscribe/", {"email": "someone@example.org"}))
        assert "Check your inbox" in page and "Development mode" not in page
        assert [m["To"] for m in server.handler.messages] == ["someone@example.org"]


LAYOUT = """(() => ({
  overflow: document.documentElement.scrollWidth - window.innerWidth > 0,
  h1: document.querySelectorAll('h1').length,
  header: !!document.querySelector('header.site-header'), footer: !!document.querySelector('footer.site-footer a[href="/methodology/"]'),
}))()"""


@pytest.mark.django_db(transaction=True)
def test_the_pages_at_phone_and_desktop_widths(live_server, settings):
    call_command("load_seed", verbosity=0)
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    shots = os.environ.get("TRACKER_SCREENSHOTS")
    browser = Browser()
    try:
        for label, width in WIDTHS.items():
            browser.resize(width=width)
            browser.go(live_server.url + "/methodology/")
            assert browser.js(LAYOUT) == {"overflow": False, "h1": 1, "header": True, "footer": True}
            if shots:
                browser.screenshot(os.path.join(shots, f"methodology-{label}.png"), full_page=True)
            browser.go(live_server.url + "/subscribe/")
            assert browser.js(LAYOUT) == {"overflow": False, "h1": 1, "header": True, "footer": True}
            if shots:
                browser.screenshot(os.path.join(shots, f"subscribe-{label}.png"), full_page=True)
            # A reader ticks a country by clicking its label, types an address, and subscribes.
            russia = Party.objects.get(slug="russia")
            box = f"input[name=parties][value=\"{russia.pk}\"]"
            browser.js(f"Array.from(document.querySelectorAll('label.check')).find(l => l.querySelector('{box}')).click()")
            assert browser.js(f"document.querySelector('{box}').checked") is True  # a click on the label ticks its box
            browser.type_into("input[name=email]", f"reader-{label}@example.org")
            browser.click_and_wait("button[type=submit]")
            assert browser.js(LAYOUT) == {"overflow": False, "h1": 1, "header": True, "footer": True}
            assert "printed in the terminal" in browser.js("document.body.innerText")
            if shots:
                browser.screenshot(os.path.join(shots, f"subscribed-{label}.png"), full_page=True)
            subscriber = Subscriber.objects.get(email=f"reader-{label}@example.org")
            browser.go(live_server.url + f"/unsubscribe/{unsubscribe_token(subscriber_id=subscriber.pk)}/")
            assert browser.js(LAYOUT) == {"overflow": False, "h1": 1, "header": True, "footer": True}
            assert f"reader-{label}@example.org" in browser.js("document.querySelector('main').innerText")
    finally:
        browser.close()
