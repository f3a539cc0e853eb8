"""Judging a fetch: its outcome, the URL's health with hysteresis, and what changed.

Pure functions of (what was fetched, what we knew, now): no I/O, easy to test.
"""

import difflib
import hashlib
import re
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from selectolax.lexbor import LexborHTMLParser as HTMLParser

from commitments.models.checks import Event, Health, Outcome, QuoteMatch

from .fetch import PERMANENT_REDIRECTS, Fetched
from .quotes import QuoteResult, pdf_text, quotes_match

# Outcomes that count towards "gone" (when repeated far enough apart): the page or its name is dead.
GONE_OUTCOMES = frozenset({Outcome.NOT_FOUND, Outcome.DNS_ERROR})
HEALTHY_OUTCOMES = {
    Outcome.OK: Health.OK, Outcome.NOT_MODIFIED: Health.OK,
    Outcome.REDIRECTED: Health.REDIRECTED, Outcome.MOVED: Health.MOVED,
    Outcome.BLOCKED: Health.BLOCKED, Outcome.REFUSED: Health.REFUSED,
}
_CHALLENGE = re.compile(rb"(just a moment\.\.\.|cf-chl-|challenge-platform|captcha-delivery|px-captcha|/_incapsula_)", re.I)
_BOILERPLATE = "script,style,noscript,template,svg,nav,header,footer,aside,form,iframe"
_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def outcome_classify(fetched: Fetched) -> str:
    if fetched.error_kind:
        return Outcome(fetched.error_kind)
    status = fetched.status or 0
    if status in (401, 403, 429) or _is_challenge(fetched):
        return Outcome.BLOCKED
    if status in (404, 410):
        return Outcome.NOT_FOUND
    if status >= 500:
        return Outcome.SERVER_ERROR
    if status >= 400:
        return Outcome.CLIENT_ERROR
    if status == 304:
        return Outcome.NOT_MODIFIED
    if fetched.hops:
        return Outcome.MOVED if all(code in PERMANENT_REDIRECTS for code, _ in fetched.hops) else Outcome.REDIRECTED
    return Outcome.OK


def _is_challenge(fetched: Fetched) -> bool:
    """A bot challenge (Cloudflare, DataDome, PerimeterX, Incapsula): the page is alive, we are just blocked."""
    if fetched.headers.get("cf-mitigated") == "challenge":
        return True
    return (fetched.status or 0) in (403, 503) and bool(_CHALLENGE.search(fetched.body[:65536]))


def text_extract(fetched: Fetched) -> str | None:
    """The main text of the page, or None when there is none to read."""
    if not fetched.body:
        return None
    kind = fetched.content_type
    if kind == "application/pdf" or fetched.body[:5] == b"%PDF-":
        try:
            return pdf_text(fetched.body)
        except Exception:  # noqa: BLE001 - a broken PDF is "no text", not a crash
            return None
    if kind in ("text/html", "application/xhtml+xml", "") or b"<html" in fetched.body[:1024].lower():
        return _html_text(fetched.body)
    if kind.startswith("text/") or kind in ("application/json", "application/xml"):
        return fetched.body.decode("utf-8", errors="replace")
    return None


def _html_text(body: bytes) -> str:
    tree = HTMLParser(body)
    for node in tree.css(_BOILERPLATE):
        node.decompose()
    root = tree.css_first("main") or tree.css_first("article") or tree.body or tree.root
    return root.text(separator=" ", strip=True) if root is not None else ""


def text_normalise(text: str) -> str:
    return " ".join(text.split())


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sentences(text: str) -> list[str]:
    """A page's text cut into sentences: the unit in which changes are told (here and on the archive's diff)."""
    return _SENTENCE.split(text)


def diff_summary(old: str, new: str, *, limit: int = 300) -> str:
    """A short summary of what changed, sentence by sentence."""
    before, after = sentences(old), sentences(new)
    added, removed = [], []
    for line in difflib.ndiff(before, after):
        if line.startswith("+ "):
            added.append(line[2:])
        elif line.startswith("- "):
            removed.append(line[2:])
    parts = [f"+{len(added)} / -{len(removed)} sentences"]
    if added:
        parts.append(f"added: “{added[0][:limit]}”")
    if removed:
        parts.append(f"removed: “{removed[0][:limit]}”")
    return "; ".join(parts)


@dataclass(frozen=True)
class Analysis:
    """Everything the pipeline keeps from a fetch once the body is dropped."""

    fetched: Fetched
    outcome: str
    content_hash: str
    text: str | None
    text_hash: str
    quote: QuoteResult


def fetch_analyse(fetched: Fetched, *, quotes: list[str], threshold: float) -> Analysis:
    outcome = outcome_classify(fetched)
    has_page = outcome in (Outcome.OK, Outcome.REDIRECTED, Outcome.MOVED)
    text = text_extract(fetched) if has_page else None
    text = text_normalise(text) if text is not None else None
    quote = quotes_match(quotes=quotes, text=text, threshold=threshold)
    content_hash = sha256(fetched.body) if has_page else ""
    text_hash = sha256(text.encode()) if text is not None else ""
    slim = replace(fetched, body=b"")  # the body is not kept past this point
    return Analysis(slim, outcome, content_hash, text, text_hash, quote)


@dataclass(frozen=True)
class Rules:
    gone_failures: int = 3
    gone_days: int = 3
    change_confirmations: int = 2


@dataclass
class Judgement:
    """How one check changes a URL's state: assigned to the MonitoredUrl by the service."""

    health: str
    event: str = Event.NONE
    detail: str = ""
    content_changed: bool = False
    snapshot: bool = False


def failure_state(state, *, outcome: str, now: datetime, rules: Rules) -> str:
    """Update the failure counters on `state` and return the health. One failure is "failing";
    "gone" needs `gone_failures` failures each at least `gone_days` after the previous counted one."""
    if outcome in HEALTHY_OUTCOMES:
        state.consecutive_failures, state.first_failure_at = 0, None
        state.gone_strikes, state.last_strike_at = 0, None
        return HEALTHY_OUTCOMES[outcome]
    state.consecutive_failures += 1
    state.first_failure_at = state.first_failure_at or now
    if outcome in GONE_OUTCOMES and (state.last_strike_at is None or now - state.last_strike_at >= timedelta(days=rules.gone_days)):
        state.gone_strikes += 1
        state.last_strike_at = now
    if outcome in GONE_OUTCOMES and state.gone_strikes >= rules.gone_failures:
        return Health.GONE
    return Health.FAILING


def content_state(state, *, analysis: Analysis, rules: Rules) -> tuple[bool, bool]:
    """(confirmed change, take a snapshot). A new text must be seen `change_confirmations`
    times in a row before it counts, so rotating banners and one-off glitches do not."""
    if analysis.text is None or analysis.outcome == Outcome.NOT_MODIFIED:
        return False, False
    if not state.text_hash:  # first successful read: the baseline
        state.content_hash, state.text_hash = analysis.content_hash, analysis.text_hash
        return False, True
    state.content_hash = analysis.content_hash
    if analysis.text_hash == state.text_hash:
        state.pending_text_hash, state.pending_count = "", 0
        return False, False
    if analysis.text_hash == state.pending_text_hash:
        state.pending_count += 1
    else:
        state.pending_text_hash, state.pending_count = analysis.text_hash, 1
    if state.pending_count < rules.change_confirmations:
        return False, False
    state.text_hash, state.pending_text_hash, state.pending_count = analysis.text_hash, "", 0
    return True, True


def judgement_give(state, *, analysis: Analysis, now: datetime, rules: Rules) -> Judgement:
    """Apply one check to `state` (a MonitoredUrl, not saved here) and say what happened."""
    was_health, had_quote = state.health, state.quote_match in (QuoteMatch.EXACT, QuoteMatch.FUZZY)
    health = failure_state(state, outcome=analysis.outcome, now=now, rules=rules)
    changed, snapshot = content_state(state, analysis=analysis, rules=rules)
    judgement = Judgement(health=health, content_changed=changed, snapshot=snapshot)
    final_url = analysis.fetched.final_url
    if health == Health.GONE and was_health != Health.GONE:
        judgement.event, judgement.detail = Event.GONE, f"{analysis.fetched.status or analysis.outcome} seen {state.gone_strikes} times"
    elif health == Health.MOVED and (was_health != Health.MOVED or state.moved_to != final_url):
        judgement.event, judgement.detail = Event.MOVED, f"moved to {final_url}"
    elif analysis.quote.match == QuoteMatch.MISSING and had_quote:
        judgement.event, judgement.detail = Event.QUOTE_LOST, f"{analysis.quote.missing} of {analysis.quote.total} quotes missing"
    elif changed:
        judgement.event, judgement.detail = Event.CHANGED, "content changed"
    return judgement
