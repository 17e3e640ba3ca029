"""Opening an office's assessment of a fiscal year."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Office
from accounts.services import audit_record
from ita.hooks import assessment_setups
from ita.models import Assessment, Framework, RespondentTarget

RESPONDENT_DEADLINE_MILESTONE = "perception"


@transaction.atomic
def assessment_open(*, office: Office, framework: Framework, user, carry_over: bool = True) -> Assessment:
    """Open an office's assessment of a fiscal year: its respondent targets, and the rows the
    other apps set up (the OIT items from the framework's definitions, ...), carrying over the
    office's latest earlier year (assignments through the item mapping, unfinished improvements,
    lessons) unless told not to."""
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                office=office, framework=framework, fiscal_year=framework.fiscal_year, opened_by=user
            )
    except IntegrityError as exc:
        raise ValidationError(
            _("This office already has an assessment for fiscal year %(year)s.") % {"year": framework.fiscal_year}
        ) from exc
    deadline = framework.milestone_end(RESPONDENT_DEADLINE_MILESTONE)
    RespondentTarget.objects.bulk_create(
        RespondentTarget(assessment=assessment, rule=rule, deadline=deadline)
        for rule in framework.respondent_rules.all()
    )
    for setup in assessment_setups():
        setup(assessment=assessment, carry_over=carry_over)
    audit_record(
        office=office,
        actor=user,
        action="assessment.opened",
        summary=(
            _("Opened the assessment of fiscal year %(year)s")
            if carry_over
            else _("Opened the assessment of fiscal year %(year)s, nothing carried over")
        )
        % {"year": framework.fiscal_year},
        obj=assessment,
    )
    return assessment
