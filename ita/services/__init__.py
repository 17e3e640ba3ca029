"""The ita app's services, one module per entity: frameworks (loading, dumping and the editor's
drafts), results (official scores) and respondents (targets, IIT confirmations, EIT counts)."""

from ita.services import frameworks, respondents, results

__all__ = ["frameworks", "respondents", "results"]
