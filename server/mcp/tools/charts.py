"""Department charts as MCP image content: the same charts the web console draws, as PNG, with the numbers in
text next to them (for clients that show no images) and as structured content."""

import base64
from typing import Annotated, Any

from mcp_types import CallToolResult, ImageContent, TextContent
from pydantic import BaseModel, Field

from server import charts
from server.app import App
from server.mcp.identity import current
from server.mcp.tools.base import READ, Body, ToolSpec, ann
from tools import department


class ChartOut(BaseModel):
    name: charts.ChartName
    title: str
    summary: str
    #: ``tools.department.department_metrics`` as drawn
    data: dict[str, Any]


def image(png: bytes) -> ImageContent:
    return ImageContent(type="image", data=base64.b64encode(png).decode("ascii"), mime_type="image/png")


def chart(app: App) -> Body:
    async def chart(name: Annotated[charts.ChartName, Field(description=(
                        "proposals: proposals and human approval rate per agent; revenue: realised vs expected "
                        "revenue of executed actions; store: orders, revenue and conversion"))],
                    weeks: Annotated[int, Field(ge=1, le=52, description="ISO weeks back, this one included")] = 12,
                    ) -> Annotated[CallToolResult, ChartOut]:
        data = await department.department_metrics(app.deps, current(), weeks=weeks)
        png = await charts.render_chart_async(name, data, "png")
        out = ChartOut(name=name, title=charts.TITLES[name], summary=charts.describe(name, data), data=data)
        return CallToolResult(content=[TextContent(type="text", text=out.summary), image(png)],
                              structured_content=out.model_dump(mode="json"))

    return chart


TOOLS = (
    ToolSpec("chart", "metrics.read", ann("Department chart", **READ),
             "A department chart over the last weeks, as a PNG image with its numbers in text: proposals and "
             "human approval rate per agent, realised vs expected profit, or the store's orders, revenue and "
             "conversion week over week.", chart),
)
