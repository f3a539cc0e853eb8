"""E-mails: three templates per message (subject, text, HTML), sent through Django's e-mail backend.

The backend comes from EMAIL_URL (SMTP in production, the console under `make run`).
A message sent to thousands of recipients can be serialised once (`email_blueprint`) and
copied per recipient (`email_copy`).
"""

import email.policy
from dataclasses import dataclass
from email.utils import formatdate, make_msgid

from django.conf import settings
from django.core.mail import EmailMessage, EmailMultiAlternatives
from django.core.mail.backends.base import BaseEmailBackend
from django.core.mail.message import RFC5322_EMAIL_LINE_LENGTH_LIMIT, forbid_multi_line_headers
from django.core.mail.utils import DNS_NAME
from django.template.loader import render_to_string

from commitments.text import text_reader


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str

    def replace(self, old: str, new: str) -> "RenderedEmail":
        return RenderedEmail(subject=self.subject.replace(old, new), text=self.text.replace(old, new), html=self.html.replace(old, new))


def _rendered(template: str, context: dict) -> str:
    """A template's output as a plain str.

    render_to_string returns a SafeString ("already escaped for HTML"). That is false of the
    subject and the text part (rendered with autoescape off: they are plain text), and the
    HTML part is a document to show or send, not markup to paste into another page. Plain
    strs get escaped wherever they are printed (the admin's digest preview among others).
    Every part passes `text_reader`: an invisible control in a quote reaches readers as `[U+202E]`.
    """
    return text_reader(str.__str__(render_to_string(template, context)))


def email_render(*, name: str, context: dict) -> RenderedEmail:
    """Render emails/<name>-subject.html, -body-text.html and -body-html.html."""
    subject = _rendered(f"emails/{name}-subject.html", context)
    return RenderedEmail(
        # A header cannot hold line breaks; templates may wrap for readability.
        subject=" ".join(subject.split()),
        text=_rendered(f"emails/{name}-body-text.html", context),
        html=_rendered(f"emails/{name}-body-html.html", context),
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


# --- One message, many recipients ---------------------------------------------------------

# What the SMTP backend's generator writes: compat32 folding, CRLF line ends (Django's as_bytes(linesep="\r\n")).
_WIRE_POLICY = email.policy.compat32.clone(linesep="\r\n")
_PER_COPY = ("To", "Date", "Message-ID")


def _slot(name: str) -> str:
    # One token, no spaces or commas: the generator writes it unfolded on one line.
    return f"{name.lower()}.slot@slot.invalid"


@dataclass(frozen=True)
class EmailBlueprint:
    """A message serialised once, copied to many recipients by replacing a few slots in its bytes.

    Serialising a 50 KB text + HTML message with the email package costs a few milliseconds;
    replacing five slots in the bytes costs microseconds. Only what differs per copy has a slot:
    To, Date, Message-ID, the headers named in `varying` and `body_slot` in the text and HTML.
    `email_copy` gives exactly the bytes Django would build for that copy, or None where it
    cannot be sure (then the caller builds the message the ordinary way).
    """

    raw: bytes
    header_slots: tuple[tuple[str, bytes], ...]  # (name, its line as serialised with the slot)
    body_slot: str
    longest_slot_line: int  # bytes, of the longest body line holding the slot
    slots_on_that_line: int


def _lines_with(text: str, slot: str) -> list[str]:
    return [line for line in text.splitlines() if slot in line]


def email_blueprint(*, rendered: RenderedEmail, headers: dict[str, str], varying: tuple[str, ...], body_slot: str) -> EmailBlueprint | None:
    """Serialise `rendered` with slots in place; None if the slots would not survive (e.g. quoted-printable bodies).

    `headers` as `email_message` takes them; the values of those named in `varying` are given per copy.
    """
    header_slots = tuple((name, _header_line(name, _slot(name))) for name in (*_PER_COPY, *varying))
    # Date and Message-ID first: where Django puts them when it makes them itself.
    extra = {"Date": _slot("Date"), "Message-ID": _slot("Message-ID")}
    extra |= {name: _slot(name) if name in varying else value for name, value in headers.items()}
    mime = email_message(rendered=rendered, to=_slot("To"), headers=extra).message()
    if any(part.get("Content-Transfer-Encoding", "7bit") not in ("7bit", "8bit") for part in mime.walk()):
        return None  # quoted-printable (a line over 998 bytes) re-wraps lines: a slot may be split
    raw = mime.as_bytes(linesep="\r\n")
    body_slots = rendered.text.count(body_slot) + rendered.html.count(body_slot)
    if any(raw.count(line) != 1 for _, line in header_slots) or raw.count(body_slot.encode()) != body_slots:
        return None
    lines = _lines_with(rendered.text, body_slot) + _lines_with(rendered.html, body_slot)
    longest = max(lines, key=lambda line: len(line.encode()), default="")
    return EmailBlueprint(
        raw=raw, header_slots=header_slots, body_slot=body_slot,
        longest_slot_line=len(longest.encode()), slots_on_that_line=longest.count(body_slot),
    )


def _header_line(name: str, value: str) -> bytes:
    # As Django sets it (its header-injection check, encoded words for non-ASCII), then as the generator folds it.
    name, value = forbid_multi_line_headers(name, value, settings.DEFAULT_CHARSET)
    return _WIRE_POLICY.fold_binary(name, value)


def email_copy(blueprint: EmailBlueprint, *, to: str, headers: dict[str, str], body_value: str) -> bytes | None:
    """The message for one recipient; None if Django would encode it differently (the caller then builds it in full)."""
    grows = blueprint.slots_on_that_line * (len(body_value) - len(blueprint.body_slot))
    if not body_value.isascii() or blueprint.longest_slot_line + grows > RFC5322_EMAIL_LINE_LENGTH_LIMIT:
        return None  # Django would switch that part to quoted-printable
    values = {"To": to, "Date": formatdate(localtime=settings.EMAIL_USE_LOCALTIME), "Message-ID": make_msgid(domain=DNS_NAME), **headers}
    raw = blueprint.raw
    for name, line in blueprint.header_slots:
        raw = raw.replace(line, _header_line(name, values[name]), 1)
    return raw.replace(blueprint.body_slot.encode(), body_value.encode())


class _Serialised:
    """What the SMTP backend asks of `EmailMessage.message()`: the bytes on the wire."""

    def __init__(self, raw: bytes):
        self.raw = raw

    def as_bytes(self, unixfrom: bool = False, linesep: str = "\r\n") -> bytes:
        if linesep != "\r\n" or unixfrom:
            raise ValueError("Serialised for SMTP: CRLF line ends, no Unix From line.")
        return self.raw


class SerialisedEmail(EmailMessage):
    """A message whose bytes are already built (see `email_copy`), sent through Django's SMTP backend as is."""

    def __init__(self, *, raw: bytes, to: str, connection: BaseEmailBackend | None = None):
        super().__init__(from_email=settings.DEFAULT_FROM_EMAIL, to=[to], connection=connection)
        self.raw = raw

    def message(self) -> _Serialised:
        return _Serialised(self.raw)


_KEPT_HERE = {
    "django.core.mail.backends.console.EmailBackend": "It was printed in the terminal where the server runs (make run's terminal).",
    "django.core.mail.backends.filebased.EmailBackend": "It was written to a file in {path}.",
    "django.core.mail.backends.locmem.EmailBackend": "It was kept in the server's memory (django.core.mail.outbox).",
    "django.core.mail.backends.dummy.EmailBackend": "It was discarded (EMAIL_URL is dummy://).",
}


def email_kept_locally() -> str:
    """Where an e-mail went when the backend keeps it on this machine (development mode); empty when it was really sent."""
    where = _KEPT_HERE.get(settings.EMAIL_BACKEND, "")
    return where.format(path=getattr(settings, "EMAIL_FILE_PATH", "")) if where else ""
