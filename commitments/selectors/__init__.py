"""The core reads, one module a subject; every public name is importable from here too.

lists       the querysets behind each list and the published histories (commitment_list, status_changes ...)
rows        the commitments list's rows as plain dicts (commitment_rows, commitment_rows_page ...)
freshness   what conditional requests and caches compare (Fingerprint, content_version, cached_aggregate)
stats       counts by status, now and week by week (commitment_stats, status_over_time ...)
compliance  the commitment x party score matrix (compliance_matrix, latest_assessments, score_percent)
aggregates  the cached aggregates over every commitment, shared by the pages and the API, and their warming
"""

from commitments.selectors.aggregates import unfiltered_aggregates, unfiltered_aggregates_warm
from commitments.selectors.compliance import compliance_matrix, compliance_matrix_cached, latest_assessments, score_percent
from commitments.selectors.freshness import (
    AGGREGATE_CACHE_SECONDS,
    UNFILTERED,
    ContentVersion,
    Fingerprint,
    aggregate_stamp,
    cached_aggregate,
    content_version,
    queryset_fingerprint,
)
from commitments.selectors.lists import (
    RENDERING_FIELDS,
    assessment_list,
    bound_party_slugs,
    claim_list,
    commitment_list,
    commitments_count_evidence,
    evidence_list,
    has_evidence_filter,
    party_list,
    source_list,
    statement_list,
    status_changes,
    status_history,
    theme_list,
    verdict_history,
)
from commitments.selectors.rows import (
    PORTABLE_CHUNK,
    commitment_link_as_made,
    commitment_links_by_id,
    commitment_row,
    commitment_rows,
    commitment_rows_complete,
    commitment_rows_page,
    renderings_by_owner,
)
from commitments.selectors.stats import (
    DEFAULT_WEEKS,
    commitment_stats,
    commitment_stats_cached,
    default_weeks_start,
    statement_stats,
    status_over_time,
    status_over_time_cached,
    week_end,
)

__all__ = [
    "AGGREGATE_CACHE_SECONDS",
    "aggregate_stamp",
    "assessment_list",
    "bound_party_slugs",
    "cached_aggregate",
    "claim_list",
    "commitment_link_as_made",
    "commitment_links_by_id",
    "commitment_list",
    "commitment_row",
    "commitment_rows",
    "commitment_rows_complete",
    "commitment_rows_page",
    "commitment_stats",
    "commitment_stats_cached",
    "commitments_count_evidence",
    "compliance_matrix",
    "compliance_matrix_cached",
    "content_version",
    "DEFAULT_WEEKS",
    "default_weeks_start",
    "ContentVersion",
    "evidence_list",
    "Fingerprint",
    "has_evidence_filter",
    "latest_assessments",
    "party_list",
    "PORTABLE_CHUNK",
    "queryset_fingerprint",
    "RENDERING_FIELDS",
    "renderings_by_owner",
    "score_percent",
    "source_list",
    "statement_list",
    "statement_stats",
    "status_changes",
    "status_history",
    "status_over_time",
    "status_over_time_cached",
    "theme_list",
    "UNFILTERED",
    "unfiltered_aggregates",
    "unfiltered_aggregates_warm",
    "verdict_history",
    "week_end",
]
