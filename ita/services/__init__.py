"""The ita app's writes, one module per entity: assessments (opening a year), frameworks (loading,
dumping and the editor's drafts), results (official scores) and respondents (targets, IIT
confirmations, EIT counts). Reads that change nothing are in ita.selectors."""

from ita.services import assessments, frameworks, respondents, results

__all__ = ["assessments", "frameworks", "respondents", "results"]
