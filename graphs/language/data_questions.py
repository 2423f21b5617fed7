"""What a question about the store's own numbers asks for: its sales, one product's sales or stock,
traffic, channels, what is on order, what worked — and what the engine has no data on. Pure, like
``intents``; ``questions`` asks here first for any question that is not about the queue.
"""

from __future__ import annotations

import re

from graphs.language.dates import MONTH_NAMES
from graphs.language.intent import Intent
from graphs.language.slots import has, kind_in, ref_in


#: "how many pebble tshirts xl do we have left", "stock of prairie alpaca throw blanket rust", "is the linen tote in
#: stock?": one product's stock (the words that name it are what is left once the question's words are gone)
_STOCK = re.compile(r"\bhow many\b.*\b(?:do we have|have we got|are (?:there|left)|left|in stock|on hand|in the "
                    r"warehouse)\b|\b(?:stock|inventory) (?:level )?(?:of|for|on)\b|\bin stock\b|\bon hand\b"
                    r"|\bhow much stock\b")
_NOT_PRODUCT = re.compile(r"\b(?:how many|how much|do we have|have we got|are there|are|is|left|in stock|on hand|in the "
                          r"warehouse|stock|inventory|level|units?|of|for|on|the|we|our|any|still|currently|right now"
                          r"|whats|what's|what|do|does|much|there|got|have|pieces?|items?)\b|[?!.,]")


def product_words(text: str) -> str:
    """"how many pebble tshirts xl do we have left?" -> "pebble tshirts xl": what names the product."""
    return " ".join(_NOT_PRODUCT.sub(" ", text.lower()).split())


#: "how much did the alpaca blanket sell last week", "how many mugs did we sell in october", "sales of the linen
#: tote this month", "how is the pebble tshirt selling": one product's sales (the rest of the words name it)
_PRODUCT_SALES = re.compile(r"\bhow (?:many|much)\b.*\b(?:sell|sold|sells)\b|\b(?:sales|units sold) (?:of|for)\b"
                            r"|\bhow (?:is|are|was|were|has|have) .+? (?:selling|sold)\b")
_NOT_SALES_NAME = re.compile(r"\b(?:how|many|much|did|do|does|is|are|was|were|has|have|been|we|our|us|you|i|the|a|an"
                             r"|sell|sold|sells|selling|sales|units?|of|for|in|on|over|during|so far|pieces?|items?"
                             r"|last|this|past|previous|week|weeks|month|months|today|yesterday|days?|year|quarter"
                             r"|since|what|whats|total|all|time|ever|weekend|business|things|stuff|store|shop|it"
                             r"|overall|products?|black friday|cyber monday|christmas|xmas|vs|versus|compared|with"
                             r"|to|before|after|than|orders?|shopify|online|in total|altogether|" + MONTH_NAMES + r")\b"
                             r"|(?<![\w-])\d+(?![\w-])"
                             r"|[?!.,']")


def sales_product_words(t: str) -> str:
    """"how much did the alpaca blanket sell last week?" -> "alpaca blanket": what names the product."""
    return " ".join(_NOT_SALES_NAME.sub(" ", t.lower()).split())


def product_sales_question(t: str) -> Intent | None:
    """One product's sales in a period, if the question names a product (else the store's sales)."""
    return Intent("product_sales", text=t) if _PRODUCT_SALES.search(t) and sales_product_words(t) else None


def stock_question(t: str) -> Intent | None:
    """One product's stock, if the question asks for it and names a product (else the inventory agent's work)."""
    return Intent("stock", text=t) if _STOCK.search(t) and product_words(t) else None


#: "how many visitors did we get yesterday", "whats our conversion rate this week": the store's traffic (GA4)
_TRAFFIC = re.compile(r"\b(?:how many|what(?:'s| is| was)?|whats|how much)\b.*\b(?:sessions|visitors|visits|traffic)\b"
                      r"|\b(?:sessions|visitors|traffic) (?:today|yesterday|this|last|in)\b"
                      r"|\b(?:what(?:'s| is| was)?|whats|how(?:'s| is| was| did)?)\b.*\bconversion(?: rate)?\b"
                      r"(?!.*\b(?:page|product|on the|for the)\b)")
#: what the engine has no data on: said so, never answered with something else
NO_DATA = re.compile(r"\b(?:competitors?|amazon|ebay|etsy|ad ?spend|ads? (?:cost|spend|budget)|cpc|roas|cac"
                      r"|(?:email|newsletter)s? (?:open|click)|open rates?|unsubscri\w*|newsletters?|email campaigns?"
                      r"|facebook|instagram|tiktok|google ads|profit after|net profit)\b")


#: "whats on order", "how much is tied up in purchase orders?", "open POs"
ON_ORDER = re.compile(r"\bon order\b|\bpurchase orders\b|\bopen (?:purchase orders?|pos?)\b|\btied up in\b"
                       r"|\bincoming stock\b|\bwhat(?:'s| is) (?:coming|incoming|arriving)\b"
                       r"|\b(?:reorders?|purchase orders?)\b.*\b(?:cost|total|spend|come to)\b")


def data_question(t: str) -> Intent | None:
    one_product = product_sales_question(t)
    if one_product is not None:
        return one_product
    if has(r"\bsales\b|\brevenue\b|\bhow (?:did|was|is|are) (?:last |this )?(?:week|month|business|we doing"
            # "how did we do last week", "how are we doing this month"
            r"|we do (?:last|this|yesterday|today)|we doing (?:this|last|today)"
            r"|things going|the store)|how'?s business|\bturnover\b|orders? (?:this|last) week"
            r"|\b(?:how much|what) (?:did|have|do) we (?:make|made|sell|sold|take|earn|bring)|\baov\b|\baverage order"
            r"|\bhow many orders\b|\bhow (?:did|was) (?:" + MONTH_NAMES + r")\b"
            r"|\bhow (?:many|much) (?:refunds|did we refund|was refunded|have we refunded)\b"
            # "what's our refund rate", "how are refunds looking": the store's refunds, not one SKU's investigation
            r"|\b(?:our|the store'?s|my|overall) refund(?: rate)?s?\b|\brefund rate\b(?! (?:of|for|on) (?:the|a|#)\b)"
            r"|\bhow (?:are|is) (?:the )?refunds? (?:looking|going|doing)\b"
            r"|\brefund(?:s|ed)?\b.*\b(?:today|yesterday|this|last|past|previous|in (?:" + MONTH_NAMES + r"))\b", t):
        return Intent("sales", text=t)
    if ON_ORDER.search(t):
        return Intent("on_order", text=t)
    if NO_DATA.search(t):
        return Intent("no_data", text=t)
    if _TRAFFIC.search(t) and not has(r"\bchannels?\b|\bwhich source\b|\bdrop|\bfell\b", t):
        return Intent("traffic", text=t)
    stocked = stock_question(t)
    if stocked is not None:
        return stocked
    if has(r"\b(?:top|best|best-?selling|bestsellers?|most popular)\b.*\bproducts?\b|\bbest ?sellers?\b"
            r"|\btop sellers?\b"
            r"|\bwhat(?:'s| is) selling\b|\bselling (?:best|most)\b"
            # "which product sells best", "what sold most last week"
            r"|\bsells? (?:the )?(?:best|most)\b|\bsold (?:the )?(?:best|most)\b", t):
        return Intent("top_products")
    if has(r"\bchannels?\b|\btraffic\b.*\b(?:drop|fell|down|source)|\bwhich source\b", t):
        return Intent("channels")
    if has(r"which agent|agents? proposed|who proposed|most proposals|busiest agent", t):
        return Intent("agent_stats")
    if has(r"\b(?:changes|actions|things) (?:you|we|the agents?|i) (?:made|did|ran|executed|approved)\b.*\b(?:doing"
            r"|performing|going|working)\b", t):
        return Intent("outcomes")  # "how are the changes you made doing?": what executed work has earned
    if has(r"\b(?:work|worked|working|pay off|paid off|help|helped|effect|impact|results?|outcome)\b", t) and (
            kind_in(t) or has(r"\bexecuted\b|\bapproved\b|\bactions?\b|\bchanges?\b", t)):
        return Intent("outcomes", ref=ref_in(t, with_names=False))
    if has(r"overnight|last night|while i was|what (?:did|have) (?:you|the agents?) (?:just )?(?:do|done)"
            r"|what happened|what have you (?:just )?(?:done|changed)"
            # "show me what's been done today", "what got done today"
            r"|what(?:'s| has)? been (?:done|changed|executed)|what (?:was|got|were) (?:done|changed|executed)", t):
        return Intent("audit_digest")
    if has(r"\blive on (?:the |my )?(?:store|shop|site|shopify)|\b(?:been |got |was |were )?delivered\b|\breached (?:the |my )?"
            r"(?:store|shop|site|shopify)|\b(?:pushed|sent|gone|went) (?:out )?(?:to|live on) (?:the |my )?(?:store|shop|site"
            r"|shopify)|\b(?:gone|went) live\b", t):
        return Intent("deliveries")  # "what's live on the store?": executed actions and where each stands live
    if has(r"\b(?:is|are|am)\b.*\b(?:connected|linked|hooked up|plugged in)\b|\bconnections?(?: status)?\b"
            r"|\bshopify (?:token|access|scopes?|permissions?)\b", t) and has(r"\bshopify\b|\bstore\b|\bshop\b|\bwe\b"
                                                                       r"|\bconnections?\b", t):
        return Intent("status", task="connection")  # "is shopify connected?": the store's connection, in words
    if has(r"people waiting|customers? waiting|escalations?|customer requests?|who(?:'s| is) waiting", t):
        return Intent("escalations")
    return None
