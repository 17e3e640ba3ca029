"""What points at a person or a unit, found from the models themselves.

Every relation counts, also those declared with `related_name="+"` (which `_meta.related_objects`
leaves out: the responsible unit of a plan activity is one) and the rows of many-to-many tables,
so that an app added later is covered without a change here.
"""

from django.db import models
from django.db.models import ForeignObjectRel, ManyToManyRel


def reverse_relations(model: type[models.Model]) -> list[ForeignObjectRel]:
    """Every foreign key and one-to-one field of any model that points at `model`, hidden ones
    included; many-to-many fields appear as the foreign keys of their tables."""
    return [
        field
        for field in model._meta.get_fields(include_hidden=True)
        if isinstance(field, ForeignObjectRel) and not isinstance(field, ManyToManyRel)
    ]


def relation_label(relation: ForeignObjectRel) -> str:
    """What the rows are called: "OIT items", or for a many-to-many table the model that owns it."""
    related = relation.related_model
    if related._meta.auto_created:  # the table of a many-to-many field
        owner = related._meta.auto_created
        return str(owner._meta.verbose_name_plural)
    return str(related._meta.verbose_name_plural)


def related_counts(obj: models.Model, *, skip: tuple[type[models.Model], ...] = ()) -> dict[str, int]:
    """{what: how many} of the rows that point at `obj`, only those with rows."""
    counts: dict[str, int] = {}
    for relation in reverse_relations(type(obj)):
        if relation.related_model in skip:
            continue
        count = relation.related_model._base_manager.filter(**{relation.field.name: obj}).count()
        if count:
            label = relation_label(relation)
            counts[label] = counts.get(label, 0) + count
    return counts


def describe(counts: dict[str, int]) -> str:
    """ "memberships 3, OIT items 12" for a message (Thai puts the count after the noun)."""
    return ", ".join(f"{what} {count:,}" for what, count in counts.items())
