"""Understanding shoppers without a model: what they want and about which product or order.

Anything that asks the shop assistant to act for the operator — approve, transfer to
"the CEO agent", reveal other customers, hand out codes — is recognised as out of scope,
whatever instructions the message claims to carry. A problem a person must solve
(damaged, wrong size, charged twice, cancel an order, my data) is an escalation.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graphs.language.normalize import numbers_to_digits

POLICY_TOPICS: dict[str, tuple[str, ...]] = {
    "payment": ("payment", "pay with", "paypal", "klarna", "credit card", "apple pay", "google pay", "visa",
                "mastercard", "amex", "american express", "cards do you", "card do you", "vat", "tax", "installments"),
    "privacy": ("privacy", "gdpr", "personal data policy", "personal info", "my data", "my information",
                "my details", "do with my"),
    "shipping_cost": ("free shipping over", "shipping over how much", "free shipping threshold", "how much for free"),
    "returns": ("return", "refund policy", "exchange", "send it back", "send back", "money back", "final sale",
                "on sale", "sale items", "bought on sale", "refund take", "refund timing", "till the refund",
                "get my money"),
    "shipping": ("shipping", "ship ", "ships", "delivery", "deliver", "postage", "arrive", "dispatch", "courier",
                 "envío", "envio", "same day", "tracking number", "tracking link", "international", "express"),
    "contact": ("contact", "phone number", "email you", "opening hours", "customer service", "hours", "reach you",
                "how long till they", "how long until they", "get back to me", "answer", "respond"),
    "sizing": ("size guide", "sizing", "what size", "which size", "between sizes", "fit", "between m and l",
               "between s and m", "between l and xl", "runs small", "runs large"),
}


@dataclass(frozen=True)
class ShopperIntent:
    name: str
    query: str | None = None
    max_price: float | None = None
    min_price: float | None = None
    #: "cheapest" | "priciest"
    sort: str | None = None
    order_name: str | None = None
    topic: str | None = None
    #: price | stock | link | details | vendor | options | compare
    attribute: str | None = None
    text: str | None = None


_OUT_OF_SCOPE = re.compile(
    r"ignore (?:all |your |previous |the |tes )?(?:previous |prior )?instructions|system prompt|you are now|act as|pretend"
    r"|\b(?:ceo|operator|admin|owner|manager)[- ]?(?:agent|mode|access|panel)?\b.*\b(?:transfer|connect|switch|give|route)"
    r"|\b(?:transfer|connect|switch|route) me to (?:the )?(?:ceo|operator|admin|owner|boss)"
    r"|\bapprove (?:all|every|the|it)?\s*(?:actions?|pending|proposals?)?|\bkill[- ]?switch\b|\bautonomy\b"
    r"|\bother (?:customers?|people)'?s?\b|\ball (?:customers|orders)\b|\bdiscount codes?\b|\bcoupons?\b|promo"
    r"|\b(?:database|sql|api key|token|password|admin)\b|new instructions|\bsystem\s*:|<\s*/?\s*system|\bchange the price"
    r"|\bmark (?:it|#?\d+|order)\b.*\brefunded|\badd a rule\b|\brepeat after me\b|\bchange (?:its|the) (?:shipping )?address",
    re.IGNORECASE)
_BOT = re.compile(r"\b(?:are you|r u|ru) (?:a )?(?:bot|robot|ai|human|real person|person)\b|\bam i talking to a\b")
_ESCALATE = re.compile(
    r"\b(?:human|real person|speak to|talk to|mitarbeiter|sprechen|manager|supervisor|complain|complaint|escalate"
    r"|damaged|broken|broke|defective|faulty|ripped|torn|stained|wrong (?:item|size|colou?r|product|order)"
    r"|never arrived|missing|not received|nothing here|never got|didn'?t (?:get|receive|arrive)|charged twice"
    r"|double charged|two charges|cancel (?:my )?(?:order|#?\d+)|cancel\b.*\border|start a return for|refund for"
    r"|refund (?:still )?(?:hasn'?t|has not|never)|still hasn'?t arrived|delete (?:all )?(?:of )?my (?:personal )?(?:data"
    r"|account|info)|copy of (?:all )?(?:the |my )?(?:data|information)|data you hold|chargeback|worst service"
    r"|ridiculous|unacceptable|not ok)\b")
_ORDER = re.compile(r"(?:#\s?|order\s+(?:no\.?\s*|number\s*|#\s?)?)(\d{3,10})\b")
_MY_ORDERS = re.compile(r"\b(?:my orders?|my package|my parcel|my delivery|track(?:ing)? (?:for|of|my)|where'?s my|where is"
                        r" (?:it|my)|has it shipped|did it ship|order status|when will (?:it|my order) (?:arrive|come)"
                        r"|what did i (?:buy|order)|orders? (?:have|did) i)\b")
_PRICE_CAP = re.compile(r"(?:under|below|less than|cheaper than|max(?:imum)?|up to|budget (?:is|of)?|no more than"
                        r"|at most|<|within|nothing (?:over|above|more than)|not (?:over|above|more than))\s*[$€£]?\s*"
                        r"(\d+(?:[.,]\d{1,2})?)")
_PRICE_FLOOR = re.compile(r"(?<!nothing )(?<!not )(?:over|above|more than|at least|>)\s*[$€£]?\s*(\d+(?:[.,]\d{1,2})?)")


def parse_shopper(text: str) -> ShopperIntent:
    original = text.strip()
    t = numbers_to_digits(re.sub(r"\s+", " ", original.lower().replace("’", "'")))
    if _OUT_OF_SCOPE.search(t):
        return ShopperIntent("out_of_scope", text=original)
    if _BOT.search(t):
        return ShopperIntent("bot", text=original)
    order = _ORDER.search(t)
    order_name = f"#{order.group(1)}" if order else None
    if _ESCALATE.search(t) and not re.search(r"\bpolicy\b", t):
        return ShopperIntent("escalate", order_name=order_name, text=original)
    if order_name or _MY_ORDERS.search(t):
        return ShopperIntent("order_status", order_name=order_name, text=original)
    topic = _topic(t)
    if topic == "shipping" and any(w in t for w in POLICY_TOPICS["shipping_cost"]):
        return ShopperIntent("policy", topic=topic, query=t, text=original)
    if "free shipping" in t or "ship free" in t or "free delivery" in t:
        named = re.sub(r"\b(?:if i buy|if i order|the|do i get|free shipping|free delivery|ship free|does it|will it)\b", " ", t)
        if len(re.findall(r"[a-z]{3,}", named)) >= 2:
            return ShopperIntent("product", query=t, attribute="free_shipping", text=original)
    product_words = re.search(r"\b(how much|price|cost|in stock|available|have it|got any|link|page|colou?rs?"
                              r"|sizes?|made of|who makes|tell me about|describe)\b", t)
    if topic == "sizing" and re.search(r"\b(?:comes? in|available in)\b|\bsizes? (?:does|has|of|for|is) (?:the|a|this|that"
                                       r"|it)\b", t):
        # "what sizes does the harbor cashmere scarf come in": that product's sizes, not the size guide
        return ShopperIntent("product", query=t, attribute="options", text=original)
    if topic and not (product_words and topic in ("shipping",) and "free shipping" not in t):
        return ShopperIntent("policy", topic=topic, query=t, text=original)
    cap, floor = _PRICE_CAP.search(t), _PRICE_FLOOR.search(t)
    sort = ("cheapest" if re.search(r"\b(cheapest|least expensive|lowest price|most affordable)\b", t) else
            "priciest" if re.search(r"\b(most expensive|priciest|fanciest|top of the range)\b", t) else None)
    attribute = _attribute(t)
    if re.fullmatch(r"(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|bonjour|hallo|hola)[!. ]*", t):
        return ShopperIntent("greeting")
    if re.search(r"\b(thanks|thank you|cheers|great|perfect|awesome|love your|amazing|appreciate)\b", t) and not (
            attribute or cap or sort):
        return ShopperIntent("thanks")
    if re.search(r"\b(help|what can you do|who are you)\b", t):
        return ShopperIntent("help")
    return ShopperIntent("product", query=t, max_price=float(cap.group(1).replace(",", ".")) if cap else None,
                         min_price=float(floor.group(1).replace(",", ".")) if floor else None, sort=sort,
                         attribute=attribute, text=original)


def _topic(t: str) -> str | None:
    for topic, words in POLICY_TOPICS.items():
        if any(w in t for w in words):
            return "shipping" if topic == "shipping_cost" else topic
    return None


def _attribute(t: str) -> str | None:
    if re.search(r"\b(difference|compare|vs|versus|or the)\b", t):
        return "compare"
    if re.search(r"\b(who makes|made by|brand|vendor|maker)\b", t):
        return "vendor"
    if re.search(r"\b(colou?rs?|sizes?|come in|options|variants)\b", t) and not re.search(r"\bin stock\b", t):
        return "options"
    if re.search(r"\b(in stock|available|have it|got any|got it|do you have|sold out|left)\b", t):
        return "stock"
    if re.search(r"\b(how much|price|cost|going for|\$)\b", t):
        return "price"
    if re.search(r"\b(link|page|url|send me)\b", t):
        return "link"
    if re.search(r"\b(tell me about|describe|what is|details|made of|material)\b", t):
        return "details"
    return None
