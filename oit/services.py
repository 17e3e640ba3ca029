from ita.models import Assessment
from oit.models import Item

DUE_DATE_MILESTONE = "oit_collect"


def items_create_for_assessment(*, assessment: Assessment) -> None:
    """Give a new assessment one item per OIT item of its framework, due when OIT closes."""
    due_date = assessment.framework.milestone_end(DUE_DATE_MILESTONE)
    Item.objects.bulk_create(
        Item(assessment=assessment, definition=definition, due_date=due_date)
        for definition in assessment.framework.items.all()
    )
