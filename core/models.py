from django.db import models


class BaseModel(models.Model):
    """Every table records when a row was made and last changed."""

    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyQuerySet(models.QuerySet):
    """Bulk changes and deletions are refused like single ones: a record of what happened is
    corrected by writing a new record, never by rewriting an old one.

    Deleting a parent still takes its records with it (an office's test data, an item's history):
    Django's deletion collector reads related rows through the model's plain base manager and
    deletes them with its own queries, without calling `delete()` here or on the instances.
    """

    def update(self, **kwargs):
        raise ValueError(f"{self.model._meta.label} records are written once; they cannot be changed.")

    def delete(self):
        raise ValueError(f"{self.model._meta.label} records are kept; they cannot be deleted.")

    def rewrite_for_seeding(self, **kwargs) -> int:
        """Change the rows in place, for demo and benchmark data only: seeded history is dated to
        the year it tells of, and filled to its limits. The application never calls it."""
        return super().update(**kwargs)


class AppendOnlyModel(models.Model):
    """A record written once and never changed or deleted (an audit event, an item's history)."""

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs) -> None:
        if not self._state.adding:
            raise ValueError(f"{self._meta.label} records are written once; they cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError(f"{self._meta.label} records are kept; they cannot be deleted.")
