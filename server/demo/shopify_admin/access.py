"""Access scopes: which field needs which, checked on the whole document before anything runs.

The requirements are the ones Shopify's reference gives for each query, mutation and
object. A write scope grants read access to the same resource, as Shopify's access
scope guide says. A document that touches a field its token may not reach is
answered with an ``ACCESS_DENIED`` error per such field and no data, so a mutation
lacking its scope never changes the store.
"""

from __future__ import annotations

from collections.abc import Iterable

from graphql import FieldNode, GraphQLError, GraphQLSchema, TypeInfo, TypeInfoVisitor, Visitor, visit
from graphql.language import DocumentNode, OperationDefinitionNode

DOCS = "https://shopify.dev/api/usage/access-scopes"
_FO_READ = ("read_merchant_managed_fulfillment_orders", "read_third_party_fulfillment_orders",
            "read_assigned_fulfillment_orders", "read_marketplace_fulfillment_orders")
_PAGES_READ = ("read_online_store_pages", "read_content")
_PAGES_WRITE = ("write_online_store_pages", "write_content")

#: (parent type, field) -> the scopes of which one is needed
REQUIRED: dict[tuple[str, str], tuple[str, ...]] = {
    ("Query", "product"): ("read_products",),
    ("Query", "productByIdentifier"): ("read_products",),
    ("Query", "productByHandle"): ("read_products",),
    ("Query", "products"): ("read_products",),
    ("Query", "productVariant"): ("read_products",),
    ("Query", "order"): ("read_orders",),
    ("Query", "orders"): ("read_orders",),
    ("Query", "fulfillmentOrder"): _FO_READ,
    ("Order", "fulfillmentOrders"): _FO_READ,
    ("Query", "page"): _PAGES_READ,
    ("Query", "pages"): _PAGES_READ,
    ("Mutation", "productUpdate"): ("write_products",),
    ("Mutation", "productVariantsBulkUpdate"): ("write_products",),
    ("Mutation", "fulfillmentOrderHold"): ("write_merchant_managed_fulfillment_orders",
                                           "write_third_party_fulfillment_orders"),
    ("Mutation", "fulfillmentOrderReleaseHold"): ("write_merchant_managed_fulfillment_orders",
                                                  "write_third_party_fulfillment_orders",
                                                  "write_marketplace_fulfillment_orders"),
    ("Mutation", "pageCreate"): _PAGES_WRITE,
    ("Mutation", "pageUpdate"): _PAGES_WRITE,
    ("Mutation", "pageDelete"): _PAGES_WRITE,
    ("Query", "collection"): ("read_products",),
    ("Query", "collectionByIdentifier"): ("read_products",),
    ("Query", "collections"): ("read_products",),
    ("Mutation", "collectionUpdate"): ("write_products",),
    # the owner's write scope is what Shopify asks; the pages here are the only owners this server deletes from
    ("Mutation", "metafieldsDelete"): _PAGES_WRITE,
}


def effective(granted: Iterable[str]) -> frozenset[str]:
    """The scopes a token holds, with the read access each write scope implies."""
    held = set(granted)
    held |= {"read_" + s.removeprefix("write_") for s in held if s.startswith("write_")}
    return frozenset(held)


def _key_of(node: FieldNode) -> str:
    return node.alias.value if node.alias else node.name.value


def _message(field: str, scopes: tuple[str, ...]) -> str:
    needed = " or ".join(f"`{s}` access scope" for s in scopes)
    return f"Access denied for {field} field. Required access: {needed}."


def denied(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode,
           granted: Iterable[str]) -> list[GraphQLError]:
    """An ``ACCESS_DENIED`` error for each field of ``operation`` the scopes do not reach."""
    held = effective(granted)
    info = TypeInfo(schema)
    errors: list[GraphQLError] = []

    class Check(Visitor):
        def enter_field(self, node: FieldNode, _key: object, _parent: object, _path: object,
                        ancestors: list[object]) -> None:
            parent = info.get_parent_type()
            needs = REQUIRED.get((parent.name, node.name.value)) if parent is not None else None
            if needs and not held.intersection(needs):
                where = [_key_of(a) for a in ancestors if isinstance(a, FieldNode)] + [_key_of(node)]
                errors.append(GraphQLError(_message(node.name.value, needs), node, path=where, extensions={
                    "code": "ACCESS_DENIED", "documentation": DOCS,
                    "requiredAccess": _message(node.name.value, needs).split("Required access: ", 1)[1]}))

    # the operation's own fields, then every fragment it may spread
    visit(operation, TypeInfoVisitor(info, Check()))
    for definition in document.definitions:
        if definition is not operation and not isinstance(definition, OperationDefinitionNode):
            visit(definition, TypeInfoVisitor(info, Check()))
    return errors
