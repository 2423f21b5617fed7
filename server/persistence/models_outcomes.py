"""Measured outcomes of executed actions, the learning loop's calibration per (agent, kind), and the
experiments that hold a share of approved actions back as a control (see ``tools.outcomes``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.persistence.models import Base, Id


class OutcomeRow(Base):
    """One executed action's measured effect: re-measured as data arrives, one row per action."""

    __tablename__ = "outcomes"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    action_id: Mapped[int] = mapped_column(BigInteger)
    agent: Mapped[str] = mapped_column(String(100))
    kind: Mapped[str] = mapped_column(String(100))
    #: waiting (not enough data yet) | measured | unmeasurable
    state: Mapped[str] = mapped_column(String(20))
    metric: Mapped[str] = mapped_column(String(100))
    #: positive | negative | no_change | "" while waiting
    verdict: Mapped[str] = mapped_column(String(20), default="")
    #: the difference-in-differences per day and its interval, in the metric's unit
    effect: Mapped[float | None] = mapped_column(Float)
    low: Mapped[float | None] = mapped_column(Float)
    high: Mapped[float | None] = mapped_column(Float)
    #: realised revenue over the forecast's horizon, as an interval around its estimate
    revenue: Mapped[float | None] = mapped_column(Float)
    revenue_low: Mapped[float | None] = mapped_column(Float)
    revenue_high: Mapped[float | None] = mapped_column(Float)
    expected_revenue: Mapped[float] = mapped_column(Float, default=0.0)
    experiment_id: Mapped[int | None] = mapped_column(BigInteger)
    details: Mapped[dict[str, Any]]
    measured_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("tenant_id", "action_id"),)


class CalibrationRow(Base):
    """What the operator's decisions and the measured outcomes say about one agent's kind of proposal."""

    __tablename__ = "calibrations"
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    agent: Mapped[str] = mapped_column(String(100), primary_key=True)
    kind: Mapped[str] = mapped_column(String(100), primary_key=True)
    approvals: Mapped[int] = mapped_column(Integer, default=0)
    rejections: Mapped[int] = mapped_column(Integer, default=0)
    #: multiplies a proposal's confidence (1.0: no evidence either way)
    confidence_factor: Mapped[float] = mapped_column(Float, default=1.0)
    #: multiplies a proposal's expected revenue: realised ÷ expected, shrunk towards 1
    revenue_ratio: Mapped[float] = mapped_column(Float, default=1.0)
    outcomes: Mapped[int] = mapped_column(Integer, default=0)
    negative_outcomes: Mapped[int] = mapped_column(Integer, default=0)
    details: Mapped[dict[str, Any]]
    updated_at: Mapped[datetime]


class ExperimentRow(Base):
    """Approved actions split at random into treated and held back (a control the operator consented to)."""

    __tablename__ = "experiments"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    kind: Mapped[str] = mapped_column(String(100))
    treated: Mapped[list[Any]]
    control: Mapped[list[Any]]
    share: Mapped[float] = mapped_column(Float)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    #: running (waiting for data) | measured
    state: Mapped[str] = mapped_column(String(20))
    significant: Mapped[bool] = mapped_column(Boolean, default=False)
    result: Mapped[dict[str, Any]]
    note: Mapped[str] = mapped_column(Text, default="")
