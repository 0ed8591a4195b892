"""评价标准: frameworks by year and version. A version a round uses is frozen; to change it,
make the next version (a copy) and edit that — rounds keep the version they started with."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.common import audit
from app.evaluation import scoring
from app.evaluation.models import (
    DEFAULT_BANDS,
    Dimension,
    EvaluationRound,
    Framework,
    NegativeItem,
    Standard,
)
from app.evaluation.services import EvaluationError
from app.evaluation.services.fields import required_text, whole_number
from app.extensions import db


def in_use(framework: Framework) -> bool:
    return (
        db.session.scalar(
            select(func.count(EvaluationRound.id)).where(
                EvaluationRound.framework_id == framework.id
            )
        )
        > 0
    )


def _editable(framework: Framework) -> None:
    if in_use(framework):
        raise EvaluationError(_("该版本已被考察使用，不能修改；请另存为新版本后再修改。"))


def _next_version(year: int) -> int:
    current = db.session.scalar(select(func.max(Framework.version)).where(Framework.year == year))
    return (current or 0) + 1


def create_framework(actor, year, title: str) -> Framework:
    year = whole_number(year, "year", _("年度"), 2000, 2100)
    framework = Framework(
        year=year,
        version=_next_version(year),
        title=required_text(title, "title", _("名称"), 200),
        bands=list(DEFAULT_BANDS),
    )
    db.session.add(framework)
    db.session.flush()
    audit.record(actor, "evaluation.framework.create", framework, framework.title)
    return framework


def new_version(actor, framework: Framework) -> Framework:
    """A copy of ``framework`` as the next version of its year, free to edit."""
    copy = Framework(
        year=framework.year,
        version=_next_version(framework.year),
        title=framework.title,
        bands=list(framework.bands),
    )
    for dim in framework.dimensions:
        new_dim = Dimension(name=dim.name, sort_order=dim.sort_order)
        new_dim.standards = [
            Standard(
                title=s.title,
                points=s.points,
                guide=s.guide,
                evidence_keys=s.evidence_keys,
                sort_order=s.sort_order,
            )
            for s in dim.standards
        ]
        new_dim.negatives = [
            NegativeItem(title=n.title, deduction=n.deduction, veto=n.veto, sort_order=n.sort_order)
            for n in dim.negatives
        ]
        copy.dimensions.append(new_dim)
    db.session.add(copy)
    db.session.flush()
    audit.record(
        actor, "evaluation.framework.version", copy, copy.title, from_version=framework.version
    )
    return copy


def add_dimension(actor, framework: Framework, name: str) -> Dimension:
    _editable(framework)
    name = required_text(name, "name", _("维度名称"), 100)
    if any(d.name == name for d in framework.dimensions):
        raise EvaluationError(_("维度“%(n)s”已存在", n=name), "name")
    dim = Dimension(name=name, sort_order=len(framework.dimensions))
    framework.dimensions.append(dim)
    db.session.flush()
    return dim


def add_standard(
    actor, dimension: Dimension, title: str, points, guide: str = "", evidence_keys: str = ""
) -> Standard:
    _editable(dimension.framework)
    standard = Standard(
        title=required_text(title, "title", _("标准"), 300),
        points=whole_number(points, "points", _("分值"), 1, 100),
        guide=(guide or "").strip()[:2000],
        evidence_keys=" ".join((evidence_keys or "").split())[:300],
        sort_order=len(dimension.standards),
    )
    dimension.standards.append(standard)
    db.session.flush()
    return standard


def add_negative(actor, dimension: Dimension, title: str, deduction, veto: bool) -> NegativeItem:
    _editable(dimension.framework)
    item = NegativeItem(
        title=required_text(title, "title", _("负面清单事项"), 300),
        deduction=0 if veto else whole_number(deduction, "deduction", _("扣分"), 1, 100),
        veto=bool(veto),
        sort_order=len(dimension.negatives),
    )
    dimension.negatives.append(item)
    db.session.flush()
    return item


def remove_standard(actor, standard: Standard) -> None:
    _editable(standard.dimension.framework)
    db.session.delete(standard)
    db.session.flush()


def remove_negative(actor, item: NegativeItem) -> None:
    _editable(item.dimension.framework)
    db.session.delete(item)
    db.session.flush()


def set_bands(actor, framework: Framework, text: str) -> None:
    _editable(framework)
    try:
        framework.bands = scoring.parse_bands(text)
    except ValueError as exc:
        line = exc.args[0] if exc.args else 0
        if line:
            raise EvaluationError(
                _("等次第 %(n)d 行格式应为“最低分 等次”，如“90 好”", n=line), "bands"
            ) from None
        raise EvaluationError(_("至少填写一个等次，且最低分不能重复"), "bands") from None
    db.session.flush()


def bands_text(framework: Framework) -> str:
    return "\n".join(f"{b['min']} {b['label']}" for b in framework.bands)


def max_total(framework: Framework) -> int:
    return sum(d.max_points for d in framework.dimensions)


def specs(framework: Framework):
    """The framework as the scoring service's plain values."""
    standards = [
        scoring.StandardSpec(s.id, d.id, s.points)
        for d in framework.dimensions
        for s in d.standards
    ]
    negatives = [
        scoring.NegativeSpec(n.id, d.id, n.deduction, n.veto)
        for d in framework.dimensions
        for n in d.negatives
    ]
    return standards, negatives


def frameworks() -> list[Framework]:
    return list(
        db.session.scalars(
            select(Framework).order_by(Framework.year.desc(), Framework.version.desc())
        )
    )
