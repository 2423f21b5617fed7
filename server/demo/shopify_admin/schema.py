"""The schema subset, in the Admin API's own names and shapes (version 2025-10).

Only what the engine reads and writes is here; a query for anything else fails
validation exactly as it would on a Shopify store that lacked the field. Payload
error types are Shopify's: ``productUpdate``, ``collectionUpdate`` and ``metafieldsDelete``
return plain ``UserError`` (field and message, no code), the others their own coded ``*UserError``.
"""

from __future__ import annotations

from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from graphql import GraphQLSchema, build_schema
from graphql.language import ast

from server.demo.shopify_admin.state import money

SDL = '''
scalar DateTime
scalar HTML
scalar Money
scalar UnsignedInt64

type Query {
  shop: Shop!
  currentAppInstallation: AppInstallation!
  product(id: ID!): Product
  productByIdentifier(identifier: ProductIdentifierInput!): Product
  productByHandle(handle: String!): Product @deprecated(reason: "Use `productByIdentifier` instead.")
  products(first: Int, after: String, last: Int, before: String, query: String): ProductConnection!
  productVariant(id: ID!): ProductVariant
  order(id: ID!): Order
  orders(first: Int, after: String, last: Int, before: String, query: String): OrderConnection!
  fulfillmentOrder(id: ID!): FulfillmentOrder
  page(id: ID!): Page
  pages(first: Int, after: String, last: Int, before: String, query: String): PageConnection!
  collection(id: ID!): Collection
  collectionByIdentifier(identifier: CollectionIdentifierInput!): Collection
  collections(first: Int, after: String, last: Int, before: String, query: String): CollectionConnection!
}

type Mutation {
  productUpdate(product: ProductUpdateInput): ProductUpdatePayload
  productVariantsBulkUpdate(productId: ID!, variants: [ProductVariantsBulkInput!]!,
                            allowPartialUpdates: Boolean = false): ProductVariantsBulkUpdatePayload
  fulfillmentOrderHold(id: ID!, fulfillmentHold: FulfillmentOrderHoldInput!): FulfillmentOrderHoldPayload
  fulfillmentOrderReleaseHold(id: ID!, holdIds: [ID!], externalId: String): FulfillmentOrderReleaseHoldPayload
  pageCreate(page: PageCreateInput!): PageCreatePayload
  pageUpdate(id: ID!, page: PageUpdateInput!): PageUpdatePayload
  pageDelete(id: ID!): PageDeletePayload
  collectionUpdate(input: CollectionInput!): CollectionUpdatePayload
  metafieldsDelete(metafields: [MetafieldIdentifierInput!]!): MetafieldsDeletePayload
}

type Shop { id: ID! name: String! myshopifyDomain: String! }

type AppInstallation { id: ID! accessScopes: [AccessScope!]! }
type AccessScope { handle: String! description: String! }

type PageInfo { hasNextPage: Boolean! hasPreviousPage: Boolean! startCursor: String endCursor: String }

type SEO { title: String description: String }

enum ProductStatus { ACTIVE ARCHIVED DRAFT }

type Product {
  id: ID!
  legacyResourceId: UnsignedInt64!
  title: String!
  handle: String!
  descriptionHtml: HTML!
  vendor: String!
  productType: String!
  tags: [String!]!
  status: ProductStatus!
  seo: SEO!
  updatedAt: DateTime!
  variants(first: Int, after: String, last: Int, before: String): ProductVariantConnection!
}
type ProductEdge { cursor: String! node: Product! }
type ProductConnection { edges: [ProductEdge!]! nodes: [Product!]! pageInfo: PageInfo! }

type ProductVariant {
  id: ID!
  legacyResourceId: UnsignedInt64!
  sku: String
  title: String!
  price: Money!
  compareAtPrice: Money
  product: Product!
  updatedAt: DateTime!
}
type ProductVariantEdge { cursor: String! node: ProductVariant! }
type ProductVariantConnection { edges: [ProductVariantEdge!]! nodes: [ProductVariant!]! pageInfo: PageInfo! }

enum FulfillmentOrderStatus { CANCELLED CLOSED INCOMPLETE IN_PROGRESS ON_HOLD OPEN SCHEDULED }
enum FulfillmentHoldReason {
  AWAITING_PAYMENT AWAITING_RETURN_ITEMS HIGH_RISK_OF_FRAUD INCORRECT_ADDRESS INVENTORY_OUT_OF_STOCK
  ONLINE_STORE_POST_PURCHASE_CROSS_SELL OTHER UNKNOWN_DELIVERY_DATE
}

type Order {
  id: ID!
  legacyResourceId: UnsignedInt64!
  name: String!
  fulfillmentOrders(first: Int, after: String, last: Int, before: String): FulfillmentOrderConnection!
}
type OrderEdge { cursor: String! node: Order! }
type OrderConnection { edges: [OrderEdge!]! nodes: [Order!]! pageInfo: PageInfo! }

type FulfillmentHold {
  id: ID!
  handle: String
  reason: FulfillmentHoldReason!
  reasonNotes: String
  displayReason: String!
  heldByRequestingApp: Boolean!
}
type FulfillmentOrder {
  id: ID!
  status: FulfillmentOrderStatus!
  order: Order!
  fulfillmentHolds: [FulfillmentHold!]!
  updatedAt: DateTime!
}
type FulfillmentOrderEdge { cursor: String! node: FulfillmentOrder! }
type FulfillmentOrderConnection { edges: [FulfillmentOrderEdge!]! nodes: [FulfillmentOrder!]! pageInfo: PageInfo! }

type Page {
  id: ID!
  title: String!
  handle: String!
  body: HTML!
  bodySummary: String!
  isPublished: Boolean!
  publishedAt: DateTime
  templateSuffix: String
  createdAt: DateTime!
  updatedAt: DateTime!
  metafield(namespace: String, key: String!): Metafield
}
type PageEdge { cursor: String! node: Page! }
type PageConnection { edges: [PageEdge!]! nodes: [Page!]! pageInfo: PageInfo! }

type Metafield { id: ID! namespace: String! key: String! type: String! value: String! updatedAt: DateTime! }

type Collection {
  id: ID!
  legacyResourceId: UnsignedInt64!
  title: String!
  handle: String!
  descriptionHtml: HTML!
  seo: SEO!
  updatedAt: DateTime!
}
type CollectionEdge { cursor: String! node: Collection! }
type CollectionConnection { edges: [CollectionEdge!]! nodes: [Collection!]! pageInfo: PageInfo! }

input ProductIdentifierInput { id: ID handle: String }
input CollectionIdentifierInput { id: ID handle: String }
input MetafieldInput { id: ID namespace: String key: String value: String type: String }
input MetafieldIdentifierInput { ownerId: ID! namespace: String! key: String! }
input CollectionInput {
  id: ID
  title: String
  handle: String
  descriptionHtml: String
  seo: SEOInput
  templateSuffix: String
  redirectNewHandle: Boolean = false
}
input SEOInput { title: String description: String }
input ProductUpdateInput {
  id: ID
  title: String
  handle: String
  descriptionHtml: String
  vendor: String
  productType: String
  tags: [String!]
  status: ProductStatus
  seo: SEOInput
}
input ProductVariantsBulkInput { id: ID price: Money compareAtPrice: Money }
input FulfillmentOrderHoldInput {
  reason: FulfillmentHoldReason!
  reasonNotes: String
  notifyMerchant: Boolean = false
  externalId: String
  handle: String
}
input PageCreateInput {
  title: String!
  handle: String
  body: String
  isPublished: Boolean
  publishDate: DateTime
  templateSuffix: String
  metafields: [MetafieldInput!]
}
input PageUpdateInput {
  title: String
  handle: String
  body: String
  isPublished: Boolean
  publishDate: DateTime
  templateSuffix: String
  redirectNewHandle: Boolean = false
  metafields: [MetafieldInput!]
}

type UserError { field: [String!] message: String! }

enum ProductVariantsBulkUpdateUserErrorCode {
  BLANK GREATER_THAN_OR_EQUAL_TO INVALID_INPUT MUST_BE_FOR_THIS_PRODUCT NEGATIVE_PRICE_VALUE PRODUCT_DOES_NOT_EXIST
  PRODUCT_VARIANT_DOES_NOT_EXIST PRODUCT_VARIANT_ID_MISSING
}
type ProductVariantsBulkUpdateUserError {
  code: ProductVariantsBulkUpdateUserErrorCode field: [String!] message: String!
}

enum FulfillmentOrderHoldUserErrorCode {
  DUPLICATE_FULFILLMENT_HOLD_HANDLE DUPLICATED_FULFILLMENT_ORDER_LINE_ITEMS FULFILLMENT_ORDER_HOLD_LIMIT_REACHED
  FULFILLMENT_ORDER_NOT_FOUND FULFILLMENT_ORDER_NOT_SPLITTABLE GREATER_THAN_ZERO INVALID_LINE_ITEM_QUANTITY TAKEN
}
type FulfillmentOrderHoldUserError { code: FulfillmentOrderHoldUserErrorCode field: [String!] message: String! }

enum FulfillmentOrderReleaseHoldUserErrorCode { FULFILLMENT_ORDER_NOT_FOUND INVALID_ACCESS }
type FulfillmentOrderReleaseHoldUserError {
  code: FulfillmentOrderReleaseHoldUserErrorCode field: [String!] message: String!
}

enum PageCreateUserErrorCode { BLANK INVALID INVALID_PUBLISH_DATE INVALID_TYPE INVALID_VALUE TAKEN TOO_BIG TOO_LONG }
type PageCreateUserError { code: PageCreateUserErrorCode field: [String!] message: String! }
enum PageUpdateUserErrorCode {
  BLANK INVALID INVALID_PUBLISH_DATE INVALID_TYPE INVALID_VALUE NOT_FOUND TAKEN TOO_BIG TOO_LONG
}
type PageUpdateUserError { code: PageUpdateUserErrorCode field: [String!] message: String! }

type ProductUpdatePayload { product: Product userErrors: [UserError!]! }
type ProductVariantsBulkUpdatePayload {
  product: Product productVariants: [ProductVariant!] userErrors: [ProductVariantsBulkUpdateUserError!]!
}
type FulfillmentOrderHoldPayload {
  fulfillmentHold: FulfillmentHold
  fulfillmentOrder: FulfillmentOrder
  remainingFulfillmentOrder: FulfillmentOrder
  userErrors: [FulfillmentOrderHoldUserError!]!
}
type FulfillmentOrderReleaseHoldPayload {
  fulfillmentOrder: FulfillmentOrder userErrors: [FulfillmentOrderReleaseHoldUserError!]!
}
type PageCreatePayload { page: Page userErrors: [PageCreateUserError!]! }
type PageUpdatePayload { page: Page userErrors: [PageUpdateUserError!]! }
enum PageDeleteUserErrorCode { NOT_FOUND }
type PageDeleteUserError { code: PageDeleteUserErrorCode field: [String!] message: String! }
type PageDeletePayload { deletedPageId: ID userErrors: [PageDeleteUserError!]! }
type CollectionUpdatePayload { collection: Collection userErrors: [UserError!]! }
type MetafieldIdentifier { ownerId: ID! namespace: String! key: String! }
type MetafieldsDeletePayload { deletedMetafields: [MetafieldIdentifier] userErrors: [UserError!]! }
'''


def _money_out(value: Any) -> str:
    return str(money(value))


def _money_in(value: Any) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, (str, int, float, Decimal)):
        raise ValueError(f"Money must be a decimal string or a number, not {value!r}")
    return money(value)


def _money_literal(node: ast.ValueNode, _variables: Any = None) -> Decimal:
    if isinstance(node, (ast.StringValueNode, ast.IntValueNode, ast.FloatValueNode)):
        return money(node.value)
    raise ValueError("Money must be a decimal string or a number")


def _datetime_out(value: Any) -> str:
    if isinstance(value, datetime):
        return value.astimezone(timezone.utc).isoformat(timespec="seconds").replace("+00:00", "Z")
    return str(value)


def _datetime_in(value: Any) -> datetime:
    try:
        parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"{value!r} is not an ISO 8601 date and time") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=timezone.utc)


def _datetime_literal(node: ast.ValueNode, _variables: Any = None) -> datetime:
    if isinstance(node, ast.StringValueNode):
        return _datetime_in(node.value)
    raise ValueError("DateTime must be a string")


def build() -> GraphQLSchema:
    """The schema, with Shopify's serialisation of its custom scalars."""
    schema = build_schema(SDL)
    scalars: Any = schema.type_map
    scalars["Money"].serialize, scalars["Money"].parse_value = _money_out, _money_in
    scalars["Money"].parse_literal = _money_literal
    scalars["DateTime"].serialize, scalars["DateTime"].parse_value = _datetime_out, _datetime_in
    scalars["DateTime"].parse_literal = _datetime_literal
    scalars["UnsignedInt64"].serialize = str
    return schema
