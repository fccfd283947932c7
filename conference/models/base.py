"""Pieces shared by the registry's models (and the directives' models)."""

from contextlib import nullcontext

from django.core.exceptions import FieldError, ValidationError
from django.db import DatabaseError, connections, models, router, transaction
from django.db.models import BooleanField, ExpressionWrapper, Q, Value
from django.db.models.functions import Coalesce
from django.db.models.sql import Query
from django.db.models.sql.constants import SINGLE
from django.utils.translation import gettext_lazy as _


class TimeStamped(models.Model):
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class ChecksInOneQuery:
    """A model mixin: ``full_clean`` asks the database about all the model's check constraints in one
    SELECT, where Django asks once per constraint, each in a savepoint of its own when in a
    transaction (a directive has twelve, checked on every write of the admin, drafting, imports and
    the seeds). The same verdicts and messages: a constraint over an excluded field is not checked,
    one the database cannot evaluate passes (as ``Q.check`` has it), the others validate as usual."""

    def validate_constraints(self, exclude=None):
        using = router.db_for_write(self.__class__, instance=self)
        checks = {
            id(constraint): constraint
            for model_class, constraints in self.get_constraints()
            for constraint in constraints
            if model_class is type(self) and type(constraint) is models.CheckConstraint
        }
        failed = self._failed_checks(list(checks.values()), exclude, using)
        if failed is None:  # not to be asked in one query here: Django's way
            return super().validate_constraints(exclude=exclude)
        errors = {}
        for model_class, constraints in self.get_constraints():
            for constraint in constraints:
                try:
                    if id(constraint) in checks:
                        if id(constraint) in failed:
                            raise ValidationError(
                                constraint.get_violation_error_message(), code=constraint.violation_error_code
                            )
                    else:
                        constraint.validate(model_class, self, exclude=exclude, using=using)
                except ValidationError as e:
                    if getattr(e, "code", None) == "unique" and len(getattr(constraint, "fields", ())) == 1:
                        errors.setdefault(constraint.fields[0], []).append(e)
                    else:
                        errors = e.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def _failed_checks(self, checks, exclude, using) -> set | None:
        """The ids of the constraints in ``checks`` this row breaks, or None where the database cannot
        compare boolean expressions or failed to answer."""
        connection = connections[using]
        if not connection.features.supports_comparing_boolean_expr:
            return None
        query = Query(None)
        for name, value in self._get_field_expression_map(meta=self._meta, exclude=exclude).items():
            query.add_annotation(value if hasattr(value, "resolve_expression") else Value(value), name, select=False)
        asked = []
        for constraint in checks:
            condition = Coalesce(ExpressionWrapper(Q(constraint.condition), BooleanField()), True)
            try:
                query.add_annotation(condition, f"_check_{len(asked)}")
            except FieldError:
                continue  # over an excluded field: not checked (CheckConstraint.validate)
            asked.append(constraint)
        if not asked:
            return set()
        try:
            with transaction.atomic(using=using) if connection.in_atomic_block else nullcontext():
                row = query.get_compiler(using=using).execute_sql(SINGLE)
        except DatabaseError:
            return None
        return {id(constraint) for constraint, holds in zip(asked, row, strict=True) if not holds}
