"""The digest shows the week's new links ("... reaffirms point 2 of ...") and new renderings of existing points."""

import time_machine

from commitments.digests.build import digest_content
from commitments.digests.changes import Filter, week_changes_load
from commitments.digests.delivery import digest_render
from commitments.links import commitment_link
from commitments.models import LinkKind
from commitments.renderings import rendering_add
from tests.digests_week import DURING, WEEK

pytest_plugins = ["tests.digests_support"]


def test_it_reports_a_new_link_and_a_new_rendering_to_the_parties_bound(week, make_source):
    translation = make_source(slug="tass", full_text="Second, they will set an exemplar.", is_translation=True, original_language="ru")
    with time_machine.travel(DURING, tick=False):
        commitment_link(from_commitment=week.fresh, to_commitment=week.c_kz2, kind=LinkKind.REAFFIRMS, rationale="Same plant, named again.")
        rendering_add(target=week.c_kz, source=translation, text="Second, they will set an exemplar.")
    changes = week_changes_load(period=WEEK)
    [link] = changes.links
    assert link.title == "Moscow plan: 3. Joint vaccine plant reaffirms Astana declaration: 2. Point 2"
    [rendering] = changes.renderings
    assert rendering.title == "Astana declaration: 1. Build the Almaty clinic" and rendering.new.endswith("(translation)")
    kazakhstan = digest_content(changes=changes, digest_filter=Filter(party_ids=frozenset({week.kz.pk})))
    text = digest_render(content=kazakhstan, unsubscribe="https://x/u/").text
    assert "reaffirms Astana declaration: 2. Point 2" in text and "Second, they will set an exemplar." in text
    russia = digest_content(changes=changes, digest_filter=Filter(party_ids=frozenset({week.ru.pk})))
    totals = {section.key: section.total for section in russia.sections}
    assert totals["renderings"] == 0, "the new rendering is of Kazakhstan's point only"
    assert totals["links"] == 1, "a link concerns both of its ends"
