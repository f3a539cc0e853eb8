"""Publishing in tests: what an editor records is a proposal until a reviewer publishes it.

Tests about something else (digests, API reads, the dashboard) record through the services
as editors do, then publish explicitly with `publish`, as a reviewer would.
"""

from django.contrib.auth.models import User

from commitments.review.services import proposal_approve
from commitments.roles import role_group


def reviewer_user(username: str = "dave") -> User:
    """dave: a Reviewer (staff, in the Reviewers group)."""
    user, created = User.objects.get_or_create(username=username, defaults={"email": f"{username}@example.org", "is_staff": True})
    if created:
        user.set_password("pw-for-tests-only")
        user.save()
        user.groups.add(role_group("reviewer"))  # also after a live_server test flushed the migration's groups
    return user


def publish(row, *, reviewer: User | None = None, now=None):
    """Publish a proposal as a reviewer (dave unless told), as the review queue does."""
    return proposal_approve(row=row, reviewer=reviewer or reviewer_user(), now=now)


def publish_proposed(response) -> None:
    """Publish the change proposal an API write answered with (202), as a reviewer would."""
    from commitments.models import ChangeProposal

    assert response.status_code == 202, response.content
    assert response.json()["kind"] == "change" and response.json()["review_state"] == "proposed"
    publish(ChangeProposal.objects.get(pk=response.json()["id"]))
def editor_user(username: str = "pat") -> User:
    """pat: an Editor who proposes what the helpers below publish (no address: staff mail does not reach pat)."""
    user, created = User.objects.get_or_create(username=username, defaults={"email": "", "is_staff": True})
    if created:
        user.groups.add(role_group("editor"))
    return user


def attach_published(*, evidence, commitments=(), claims=(), now=None):
    """Link evidence to commitments and claims as the staff do: an Editor proposes, a Reviewer publishes."""
    from commitments.services import evidence_attach

    revision = evidence_attach(evidence=evidence, author=editor_user(), commitments=commitments, claims=claims, now=now)
    return publish(revision, now=now) if revision else None
