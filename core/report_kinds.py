"""The report kinds. Domain apps register a builder for each kind they offer (in their
AppConfig.ready), so this app renders, stores and publishes reports without knowing their content."""

from collections.abc import Callable
from dataclasses import dataclass

Progress = Callable[[int], None]  # a builder reports its progress in percent


@dataclass(frozen=True)
class ReportKind:
    code: str
    label: object  # a lazy translation
    build: Callable  # build(job, progress) -> PDF bytes
    order: int = 0
    # clean_parameters(assessment, data) -> dict: the job's parameters from the request's form
    # data; raises ValidationError on bad input. Kinds without parameters take none.
    clean_parameters: Callable | None = None
    # problems(assessment) -> list of objects with `text` and `url`: what the report would state
    # wrongly or leave empty, listed before it is made and kept in the job's warnings.
    problems: Callable | None = None

    def problems_of(self, assessment) -> list:
        return self.problems(assessment) if self.problems else []

    def parameters_from(self, assessment, data) -> dict:
        return self.clean_parameters(assessment, data) if self.clean_parameters else {}


_kinds: dict[str, ReportKind] = {}


def register(
    code: str,
    *,
    label,
    build: Callable,
    order: int = 0,
    clean_parameters: Callable | None = None,
    problems: Callable | None = None,
) -> None:
    _kinds[code] = ReportKind(
        code=code, label=label, build=build, order=order, clean_parameters=clean_parameters, problems=problems
    )


def kinds() -> list[ReportKind]:
    return sorted(_kinds.values(), key=lambda kind: (kind.order, kind.code))


def get(code: str) -> ReportKind | None:
    return _kinds.get(code)


def choices() -> list[tuple[str, object]]:
    return [(kind.code, kind.label) for kind in kinds()]
