"""Calculated query cost and the leaky bucket, as Shopify's rate-limit guide describes them.

Cost: a scalar or enum field costs 0, an object 1, a connection 2 plus the objects it
may return (``first`` or ``last``) times what each of them costs, a mutation 10. The
requested cost is computed before running, from the document; the actual cost after,
from what came back; the difference is refunded to the bucket. A document whose
requested cost is over the single-query maximum is refused (``MAX_COST_EXCEEDED``).

The bucket holds ``maximum`` points and refills at ``restore_rate`` points a second
on an injected clock, so tests can step time instead of sleeping.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from graphql import GraphQLObjectType, GraphQLSchema, get_named_type
from graphql.execution.collect_fields import collect_fields, collect_sub_fields
from graphql.execution.values import get_argument_values
from graphql.language import DocumentNode, FieldNode, FragmentDefinitionNode, OperationDefinitionNode

MUTATION_COST = 10
MAX_QUERY_COST = 1000


@dataclass
class _Walk:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: dict[str, Any]

    def fields(self, parent: GraphQLObjectType, nodes: list[FieldNode]) -> dict[str, list[FieldNode]]:
        return collect_sub_fields(self.schema, self.fragments, self.variables, parent, nodes)

    def cost(self, parent: GraphQLObjectType, selected: dict[str, list[FieldNode]], data: Any, actual: bool) -> int:
        total = 0
        for key, nodes in selected.items():
            name = nodes[0].name.value
            if name.startswith("__"):
                continue
            definition = parent.fields[name]
            named = get_named_type(definition.type)
            if not isinstance(named, GraphQLObjectType):
                continue
            value = data.get(key) if isinstance(data, dict) else None
            if named.name.endswith("Connection"):
                total += self.connection(named, definition, nodes, value, actual)
            else:
                inner = self.fields(named, nodes)
                item = value[0] if isinstance(value, list) and value else value
                total += 1 + self.cost(named, inner, item, actual)
        return total

    def connection(self, connection: GraphQLObjectType, definition: Any, nodes: list[FieldNode], value: Any,
                   actual: bool) -> int:
        inner = self.fields(connection, nodes)
        node_type = get_named_type(connection.fields["nodes"].type)
        assert isinstance(node_type, GraphQLObjectType)
        per_node: list[dict[str, list[FieldNode]]] = []
        if "nodes" in inner:
            per_node.append(self.fields(node_type, inner["nodes"]))
        if "edges" in inner:
            edge_type = get_named_type(connection.fields["edges"].type)
            assert isinstance(edge_type, GraphQLObjectType)
            edge_fields = self.fields(edge_type, inner["edges"])
            if "node" in edge_fields:
                per_node.append(self.fields(node_type, edge_fields["node"]))
        selection = {k: v for part in per_node for k, v in part.items()}
        if not actual:
            args = get_argument_values(definition, nodes[0], self.variables)
            size = int(args.get("first") or args.get("last") or 0)
            return 2 + size * (1 + self.cost(node_type, selection, None, False)) if per_node else 2
        returned = (value or {}).get("nodes") if isinstance(value, dict) else None
        if returned is None and isinstance(value, dict):
            returned = [e.get("node") for e in value.get("edges") or []]
        return 2 + sum(1 + self.cost(node_type, selection, item, True) for item in returned or [])


def _walk(schema: GraphQLSchema, document: DocumentNode, variables: dict[str, Any]) -> _Walk:
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    return _Walk(schema, fragments, variables)


def query_cost(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode,
               variables: dict[str, Any], data: Any = None, *, actual: bool = False) -> int:
    """The requested cost of ``operation`` (or, with ``actual``, the cost of the ``data`` it returned)."""
    walk = _walk(schema, document, variables)
    if operation.operation.value == "mutation":
        root = schema.mutation_type
        assert root is not None
        selected = collect_fields(schema, walk.fragments, variables, root, operation.selection_set)
        return MUTATION_COST * len(selected)
    root = schema.query_type
    assert root is not None
    selected = collect_fields(schema, walk.fragments, variables, root, operation.selection_set)
    return walk.cost(root, selected, data, actual)


@dataclass
class Bucket:
    """The leaky bucket of one app on one store."""

    maximum: float = 1000.0
    restore_rate: float = 100.0
    clock: Callable[[], float] = time.monotonic
    _level: float | None = field(default=None, repr=False)
    _at: float = field(default=0.0, repr=False)

    def available(self) -> float:
        now = self.clock()
        if self._level is None:
            self._level = self.maximum
        else:
            self._level = min(self.maximum, self._level + (now - self._at) * self.restore_rate)
        self._at = now
        return self._level

    def take(self, cost: float) -> bool:
        """Spend ``cost`` if the bucket holds it; otherwise spend nothing."""
        if self.available() < cost:
            return False
        self._level = (self._level or 0.0) - cost
        return True

    def give(self, points: float) -> None:
        self._level = min(self.maximum, self.available() + points)

    def set(self, *, maximum: float | None = None, restore_rate: float | None = None,
            available: float | None = None) -> None:
        level = self.available()
        if maximum is not None:
            self.maximum = maximum
        if restore_rate is not None:
            self.restore_rate = restore_rate
        self._level = min(self.maximum, level if available is None else available)

    def status(self) -> dict[str, float]:
        return {"maximumAvailable": float(self.maximum), "currentlyAvailable": float(int(self.available())),
                "restoreRate": float(self.restore_rate)}
