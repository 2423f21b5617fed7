"""Understanding shoppers without a model: what they want and about which product or order.

Anything that asks the shop assistant to act for the operator — approve, transfer to
"the CEO agent", reveal other customers — is recognised as out of scope, whatever
instructions the message claims to carry.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

POLICY_TOPICS: dict[str, tuple[str, ...]] = {
    "returns": ("return", "refund policy", "exchange", "send it back", "send back", "money back"),
    "shipping": ("shipping", "ship", "delivery", "deliver", "postage", "how long", "arrive", "dispatch", "courier"),
    "payment": ("payment", "pay with", "paypal", "klarna", "credit card", "apple pay", "installments"),
    "contact": ("contact", "phone number", "email you", "opening hours", "customer service hours", "reach you"),
    "privacy": ("privacy", "my data", "gdpr", "delete my account", "personal data"),
    "sizing": ("size guide", "sizing", "what size", "fit"),
}


@dataclass(frozen=True)
class ShopperIntent:
    name: str
    query: str | None = None
    max_price: float | None = None
    order_name: str | None = None
    topic: str | None = None
    attribute: str | None = None
    text: str | None = None


_OUT_OF_SCOPE = re.compile(
    r"ignore (?:all |your |previous |the )?(?:previous |prior )?instructions|system prompt|you are now|act as|pretend"
    r"|\b(?:ceo|operator|admin|owner|manager)[- ]?(?:agent|mode|access|panel)?\b.*\b(?:transfer|connect|switch|give|route)"
    r"|\b(?:transfer|connect|switch|route|escalate) me to (?:the )?(?:ceo|operator|admin|owner|boss)"
    r"|\bapprove (?:all|every|the)?\s*(?:actions?|pending|proposals?)|\bkill[- ]?switch\b|\bautonomy\b"
    r"|\bother (?:customers?|people)'?s?\b|\ball (?:customers|orders)\b|\bdiscount code for everyone\b"
    r"|\b(?:database|sql|api key|token)\b")


def parse_shopper(text: str) -> ShopperIntent:
    original = text.strip()
    t = re.sub(r"\s+", " ", original.lower())
    if _OUT_OF_SCOPE.search(t):
        return ShopperIntent("out_of_scope", text=original)
    order = re.search(r"(?:#\s?|order\s+(?:no\.?\s*|number\s*|#\s?)?)(\d{3,10})\b", t)
    order_name = f"#{order.group(1)}" if order else None
    if re.search(r"\b(human|real person|agent|someone|manager|speak to|talk to|complain|complaint|escalate"
                 r"|damaged|broken|defective|wrong item|never arrived|missing|not received|refund for|chargeback)\b", t) \
            and not re.search(r"\bpolicy\b", t):
        return ShopperIntent("escalate", order_name=order_name, text=original)
    if order_name or re.search(r"\b(my order|my package|my parcel|my delivery|track(?:ing)?|where is (?:it|my)"
                               r"|has it shipped|did it ship|order status|when will (?:it|my order) (?:arrive|come))\b", t):
        return ShopperIntent("order_status", order_name=order_name, text=original)
    for topic, words in POLICY_TOPICS.items():
        if any(w in t for w in words) and re.search(r"\b(policy|policies|how|what|do you|can i|is there|when|which)\b", t):
            if topic == "shipping" and re.search(r"\b(in stock|available)\b", t):
                break
            return ShopperIntent("policy", topic=topic)
    price = re.search(r"(?:under|below|less than|cheaper than|max(?:imum)?|up to)\s*[$€£]?\s*(\d+(?:[.,]\d{1,2})?)", t)
    max_price = float(price.group(1).replace(",", ".")) if price else None
    facts = re.search(r"\b(how much|price of|cost|in stock|available|made of|material|what is the|dimensions|size of"
                      r"|colou?rs?|weight|does the|is the)\b", t)
    query = _product_query(t)
    if facts and query:
        attribute = ("price" if re.search(r"how much|price|cost", t) else
                     "stock" if re.search(r"in stock|available", t) else
                     "material" if re.search(r"made of|material", t) else "details")
        return ShopperIntent("product_facts", query=query, attribute=attribute)
    if re.search(r"\b(do you (?:have|sell|carry|stock)|looking for|search|find|show me|recommend|need an?|want an?"
                 r"|any\b|browse|got any)\b", t) or (query and max_price is not None):
        return ShopperIntent("search", query=query or t, max_price=max_price)
    if re.fullmatch(r"(?:hi|hello|hey|hiya|good (?:morning|afternoon|evening)|bonjour|hallo)[!. ]*", t):
        return ShopperIntent("greeting")
    if re.search(r"\b(thanks|thank you|cheers|great|perfect|awesome)\b", t):
        return ShopperIntent("thanks")
    if re.search(r"\b(help|what can you do|who are you)\b", t):
        return ShopperIntent("help")
    return ShopperIntent("unknown", text=original)


_STOP = {"do", "you", "have", "sell", "carry", "stock", "any", "a", "an", "the", "some", "i", "i'm", "im", "am",
         "looking", "for", "search", "find", "show", "me", "recommend", "need", "want", "how", "much", "is", "are",
         "price", "of", "cost", "does", "in", "available", "made", "material", "what", "under", "below", "less",
         "than", "cheaper", "max", "up", "to", "please", "got", "browse", "your", "it", "this", "that", "there",
         "with", "and", "or", "cheap", "good", "nice", "new", "still", "currently", "we", "my", "can", "get",
         "which", "whats", "what's", "tell", "about", "colors", "colours", "dimensions", "size", "weight", "come",
         "comes"}


def _product_query(t: str) -> str | None:
    t = re.sub(r"[$€£]?\s*\d+(?:[.,]\d+)?", " ", t)
    words = [w.strip("?!.,'\"") for w in t.split()]
    keep = [w for w in words if w and w not in _STOP]
    return " ".join(keep) or None
