"""The ita app's writes, one module per entity: assessments (opening a year), frameworks (loading,
dumping and the editor's drafts), results (official scores), respondents (targets, IIT
confirmations, EIT counts) and iit (IIT confirmations ticked on the staff list or sent through the
public link). Reads that change nothing are in ita.selectors."""

from ita.services import assessments, frameworks, iit, respondents, results

__all__ = ["assessments", "frameworks", "iit", "respondents", "results"]
