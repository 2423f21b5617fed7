"""Cleaning a message before it is read: case, quotes, typos in command words, number words.

Typos are mended only towards the engine's own vocabulary (verbs, kinds, agents,
settings) and only where the word is not itself a word we know: "aprove" becomes
"approve", "contnet" becomes "content", "told" stays "told". Number words become
digits ("approve twelve" → "approve 12"), except "one" used as a pronoun ("that one").
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz.distance import DamerauLevenshtein
from text_to_num import alpha2digit

#: the words commands are made of: a misspelling of one of these is mended
VOCABULARY: frozenset[str] = frozenset("""
approve approved approving reject rejected rejecting decline snooze snoozed postpone explain explanation show
list pending waiting queue actions action proposals proposal everything content inventory analytics analyst
risk fraud markdown markdowns reorder reorders reordering title titles description descriptions meta rewrite
rewrites landing page pages internal links repair repairs investigate investigation investigations hold holds
release kill switch autonomy autonomous supervised semi rollback revert undo execute executed rejected
specialist specialists agent agents briefing summary yesterday tomorrow monday tuesday wednesday thursday
friday saturday sunday week month today tonight weekend preferences rules rule forget remember discount
discounts prices price change changes performance status audit verify handoffs overnight please thanks
confirm cancel everything something resume engage disengage emergency stop halt freeze pause until because
critical medium high low order orders sales revenue products channel channels traffic conversion search
console organic clicks impressions inventory stock reorder purchase supplier vendor brand never always
anything nothing selected second third fourth fifth first last previous next which what explain details
ahead riskiest biggest cheapest smallest largest safest expensive valuable expire expires expiring been
""".split())

#: ordinary words that sit one typo away from a command word: never "mended"
KNOWN: frozenset[str] = frozenset("""
told hole hood holy hello shop shoe shot show slow snow know now how who whom whose why what when where
there their then than them they this that these those have has had was were will would could should
stock store story stops stopped top tops post posts most mist list lost last least fast past paste
pause cause clause rule rules ruled mule page pager sage wage rage cage race rate late date data
title tile tiles till tell tall fill full fall call cold gold bold fold hold holds held help
ask asked task tasks mask risk risks disk rink link links line lines like liked lime
item items time times term team tear near dear year years here hers heard
order border orders ordered older elder under wonder
new news few dew knew mean meant meat seat sent send spend spent went want wants
some same game came name names done gone none one ones once only own owned
sale sales male tale tail mail email emails fail failed
good goods food mood wood wool cool tool pool
sure pure cure care card cart part party parts port sort short
yes yet yep yeah nope not note notes nose
fine line mine nine wine pine dine
deal real read ready head lead leads load loads road
ok okay oh ah hi hey thanks thank cheers great nice cool awesome perfect lovely ye yeh ya
approval approvals proposed analysis analyse analyze analyst reorders holder folder helper proper propose
release released relief remember rejects revert reverts inventory invent events event evidence
zero two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen seventeen
eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred thousand dozen half
fifths sixth seventh eighth ninth tenth
""".split())

_QUOTES = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'", "–": "-", "—": "-", "＃": "#"})
_TOKEN = re.compile(r"[a-z]+")
#: "one" is a number only after a verb or in a list of numbers; otherwise a pronoun ("that one")
_ONE_AS_NUMBER = re.compile(r"\b(approve|reject|snooze|explain|show|undo|#|number|and|or|&|,|to)\s+one\b(?!\s+of\b)")


@lru_cache(maxsize=4096)
def mend(word: str) -> str:
    """The vocabulary word ``word`` misspells, or ``word`` itself."""
    if len(word) < 4 or word in VOCABULARY or word in KNOWN:
        return word
    best, best_distance = word, 99
    for candidate in VOCABULARY:
        if abs(len(candidate) - len(word)) > 2:
            continue
        distance = DamerauLevenshtein.distance(word, candidate)
        if distance < best_distance:
            best, best_distance = candidate, distance
    allowed = 1 if len(word) < 9 else 2
    if best_distance > allowed or best[0] != word[0]:
        return word  # typos rarely touch the first letter; a real word often differs only there
    if len(word) == 4 and sorted(word) != sorted(best):
        return word  # four letters: only a swap of two letters ("shwo") is trusted
    return best


#: words alpha2digit would turn into numbers that are not ids here: pronouns and ordinals
_KEEP = ("one", "ones", "first", "second", "third", "fourth", "fifth", "sixth", "last")
_KEEP_RE = re.compile(r"\b(" + "|".join(_KEEP) + r")\b")


def numbers_to_digits(text: str) -> str:
    text = _ONE_AS_NUMBER.sub(lambda m: m.group(1) + " 1", text)
    protected = _KEEP_RE.sub(lambda m: f"\x00{_KEEP.index(m.group(1))}\x00", text)
    try:
        converted = alpha2digit(protected, "en", threshold=0)
    except (ValueError, IndexError):
        converted = protected
    return re.sub(r"\x00(\d)\x00", lambda m: _KEEP[int(m.group(1))], converted)


#: what people type on a phone, written out ("snooze 12 to next wk", "tmrw", "did 9 go thru?")
_SHORTHAND = {"wk": "week", "wks": "weeks", "nxt": "next", "tmrw": "tomorrow", "tmr": "tomorrow", "tmw": "tomorrow",
              "2moro": "tomorrow", "2morrow": "tomorrow", "thru": "through", "rn": "right now", "pls": "please",
              "plz": "please", "u": "you", "ur": "your", "tues": "tuesday", "thurs": "thursday"}
_SHORT = re.compile(r"\b(" + "|".join(sorted(_SHORTHAND, key=len, reverse=True)) + r")\b(?!['-])")


def normalize(text: str) -> str:
    """Lower-case, plain quotes, shorthand written out, command words spelt right, numbers as digits, single
    spaces."""
    t = text.translate(_QUOTES).lower()
    t = re.sub(r"\s+", " ", t).strip()
    t = _SHORT.sub(lambda m: _SHORTHAND[m.group(1)], t)
    t = _TOKEN.sub(lambda m: mend(m.group(0)), t)
    t = numbers_to_digits(t)
    # "1,000 units", "$1,299.99": an amount's thousands commas taken out (before, "1,000 units" read as 0 units)
    t = re.sub(r"(?<=[$€£])\d{1,3}(?:,\d{3})+|\d{1,3}(?:,\d{3})+(?=(?:\.\d+)?\s*(?:units?\b|pcs\b|pieces\b|items\b"
               r"|x\b|%|percent\b|dollars\b|bucks\b|usd\b|eur\b|gbp\b))", lambda m: m.group(0).replace(",", ""), t)
    # "approve 8,9,10": a list of numbers, not 8,910 (a thousands comma has three digits after it)
    t = re.sub(r"(?<![\d.$€£])(\d{1,6}),(?=\d{1,2}\b|\d{4,}\b)", r"\1, ", t)
    return re.sub(r"\s+", " ", t).strip()
