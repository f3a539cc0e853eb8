"""E-mails: three templates per message (subject, text, HTML), sent through Django's e-mail backend.

The backend comes from EMAIL_URL (SMTP in production, the console under `make run`).
"""

from dataclasses import dataclass

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.template.loader import render_to_string


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str

    def replace(self, old: str, new: str) -> "RenderedEmail":
        return RenderedEmail(subject=self.subject.replace(old, new), text=self.text.replace(old, new), html=self.html.replace(old, new))


def email_render(*, name: str, context: dict) -> RenderedEmail:
    """Render emails/<name>-subject.html, -body-text.html and -body-html.html."""
    subject = render_to_string(f"emails/{name}-subject.html", context)
    return RenderedEmail(
        # A header cannot hold line breaks; templates may wrap for readability.
        subject=" ".join(subject.split()),
        text=render_to_string(f"emails/{name}-body-text.html", context),
        html=render_to_string(f"emails/{name}-body-html.html", context),
    )


def email_message(*, rendered: RenderedEmail, to: str, headers: dict[str, str] | None = None,
                  connection: BaseEmailBackend | None = None) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=rendered.subject, body=rendered.text, from_email=settings.DEFAULT_FROM_EMAIL, to=[to],
        headers=headers or {}, connection=connection,
    )
    message.attach_alternative(rendered.html, "text/html")
    return message


def email_send(*, name: str, context: dict, to: str, headers: dict[str, str] | None = None,
               connection: BaseEmailBackend | None = None) -> None:
    """Render and send one message; SMTP errors propagate so callers can retry or record them."""
    email_message(rendered=email_render(name=name, context=context), to=to, headers=headers, connection=connection).send()
