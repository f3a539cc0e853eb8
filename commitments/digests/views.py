"""Public pages: subscribe, confirm (double opt-in), unsubscribe (page and RFC 8058 one-click); the API endpoint is in api.py.

None of these needs a login. None of them ever lists subscribers or tells whether an
address is subscribed: every request to subscribe gets the same answer.
"""

from django import forms
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from commitments.clients import client_address
from commitments.emails import email_kept_locally
from commitments.models import Party, Statement, Theme

from .addresses import subscriber_address_validate
from .ratelimit import subscribe_refusal
from .subscriptions import (
    SEND_FAILED,
    SENT_MESSAGE,
    InvalidToken,
    confirm_token_check,
    subscriber_from_token,
    subscription_cancel,
    subscription_confirm,
    subscription_request_sent,
)


class SubscribeForm(forms.Form):
    """Plain labels for readers: the API's names (bound_parties, responsible_parties) mean the same."""

    email = forms.EmailField(max_length=254, label="Your e-mail address", validators=[subscriber_address_validate])
    parties = forms.ModelMultipleChoiceField(
        Party.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label="Countries and organisations it binds",
        help_text="Statements that bind them (for an organisation, the states that were its members then too).",
    )
    responsible_parties = forms.ModelMultipleChoiceField(
        Party.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label="Who has to carry it out",
        help_text="Points that name this country or organisation as the one to act.",
    )
    themes = forms.ModelMultipleChoiceField(Theme.objects.all(), required=False, widget=forms.CheckboxSelectMultiple, label="Topics")
    statements = forms.ModelMultipleChoiceField(Statement.objects.all(), required=False, widget=forms.CheckboxSelectMultiple,
                                                label="Particular statements")


@require_http_methods(["GET", "POST"])
def subscribe(request: HttpRequest) -> HttpResponse:
    # The site's subscribe boxes send the address here by GET, to fill it in.
    form = SubscribeForm(request.POST or None, initial={"email": request.GET.get("email", "")[:254]})
    if request.method == "POST" and form.is_valid():
        refusal = subscribe_refusal(client_ip=client_address(request), email=form.cleaned_data["email"])
        if refusal:
            return render(request, "digests/message.html", {"title": "Please try again later", "message": refusal}, status=429)
        sent = subscription_request_sent(data=form.cleaned_data)
        return render(request, "digests/message.html", {"title": "Check your inbox" if sent else "Please try again",
                                                        "message": SENT_MESSAGE if sent else SEND_FAILED,
                                                        "mail_went": email_kept_locally() if sent else ""}, status=200 if sent else 503)
    return render(request, "digests/subscribe.html", {"form": form})


def _invalid(request: HttpRequest) -> HttpResponse:
    return render(request, "digests/message.html", {
        "title": "This link does not work",
        "message": ("It is incomplete, was changed, or (for a confirmation) is older than seven days or than your last unsubscribe. "
                    "You can subscribe again."),
    }, status=400)


@require_http_methods(["GET", "POST"])
def confirm(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a button; only the POST confirms, so link scanners in mail servers cannot."""
    try:
        if request.method == "POST":
            subscriber = subscription_confirm(token=token, now=timezone.now())
            return render(request, "digests/message.html", {"title": "Subscribed", "message": f"{subscriber.email} will receive the weekly digest."})
        payload = confirm_token_check(token=token)
    except InvalidToken:
        return _invalid(request)
    return render(request, "digests/confirm.html", {"email": payload["e"]})


@csrf_exempt  # RFC 8058: mail clients POST "List-Unsubscribe=One-Click" here without a CSRF token; the signed token is the secret.
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    """GET shows a confirmation button; POST (that button, or a mail client's one-click) unsubscribes at once."""
    try:
        subscriber = subscriber_from_token(token=token)
    except InvalidToken:
        return _invalid(request)
    if request.method == "POST":
        subscription_cancel(subscriber=subscriber, now=timezone.now())
        return render(request, "digests/message.html", {"title": "Unsubscribed", "message": f"{subscriber.email} will receive no more digests."})
    return render(request, "digests/unsubscribe.html", {"email": subscriber.email})
