"""Experiments: approvals with a held-back control group (started by ``bulk_decide``), their lift, ending one."""

from typing import Annotated, Any

from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from server.app import App
from server.mcp.identity import current
from server.mcp.results import ok
from server.mcp.tools.base import READ, Body, ToolSpec, ann
from tools import experiments


class ExperimentsOut(BaseModel):
    experiments: list[dict[str, Any]]


class ExperimentOut(BaseModel):
    experiment: dict[str, Any]


def list_experiments(app: App) -> Body:
    async def list_experiments() -> Annotated[CallToolResult, ExperimentsOut]:
        out = ExperimentsOut(experiments=await experiments.list_experiments(app.deps, current()))
        text = "\n".join(line for view in out.experiments for line in experiments.describe(view))
        return ok(out, text or "No experiments: approve four or more actions of one kind with bulk_decide and "
                               "hold_back_share to start one.")

    return list_experiments


def end_experiment(app: App) -> Body:
    async def end_experiment(experiment_id: Annotated[int, Field(gt=0)],
                             reason: Annotated[str, Field(min_length=1, max_length=experiments.REASON_MAX)]
                             ) -> Annotated[CallToolResult, ExperimentOut]:
        out = ExperimentOut(experiment=await experiments.end_experiment(
            app.deps, current(), experiment_id=experiment_id, reason=reason))
        return ok(out, "\n".join(experiments.describe(out.experiment)))

    return end_experiment


TOOLS = (
    ToolSpec("list_experiments", "experiments.read", ann("List experiments", **READ),
             "Experiments the operator started by approving several actions of one kind with a held-back share "
             "(bulk_decide, hold_back_share): the treated and held-back actions, until when the held-back pages or "
             "SKUs stay untreated, and the lift measured with its interval.", list_experiments),
    ToolSpec("end_experiment", "experiments.end", ann("End an experiment early"),
             "End a running experiment before its window is over, with the operator's reason: its held-back pages "
             "or SKUs may be treated again (a specialist may propose for them); the lift measured so far is kept "
             "and marked final.", end_experiment),
)
