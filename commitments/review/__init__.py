"""Review before publishing: proposals of status updates, verdicts and party assessments are
published or rejected by a Reviewer who is not their proposer.

services.py decides who may review (`may_review`) and records the decision
(`proposal_approve`, `proposal_reject`); selectors.py lists what waits; admin.py is the
review queue (admin pages, routed by urls.py under /admin/review/); api.py the API endpoints
(routed in commitments/api/urls.py); notices.py the daily e-mail to Reviewers.
"""
