"""Whether a message answers a waiting question: a bare yes, a no, an acknowledgement, or a stop.

"ok thanks" confirms a waiting question and nothing else; "hmm no", "no wait", "yeah nah" drop
it; "no, just the reorders" narrows it (a new request); "stop" is never an answer: it only
ever engages the kill switch. Text dressed up as the system's or a tool's is not the
operator's and is taken out before anything is read.
"""

from __future__ import annotations

import re

from graphs.language.normalize import normalize

KILL_ON = re.compile(r"\b(?:emergency stop|stop (?:all|every|everything|it all|executing|execution|now|the agents|"
                      r"the engine)|^stop\b|\bhalt\b|\bpause (?:all|every|everything|it all|executions?|the agents)\b"
                      r"|^pause\b|\bfreeze\b|kill it|kill (?:all|everything)|pull the plug"
                      r"|something(?:'?s| is) (?:off|wrong|weird"
                      r"|broken|not right)|(?:engage|hit|flip|turn on|activate|enable|pull|throw) (?:the )?kill ?switch"
                      r"|kill ?switch (?:on|now)|shut (?:it|everything) down|stop the bleeding|abort everything"
                      r"|nothing (?:else )?(?:executes|runs)|red button"
                      # "put everything on hold": nothing runs, as "pause everything" (a fraud hold is one order's)
                      r"|put (?:everything|it all|all of it|all|the whole (?:store|shop|thing)) on hold)")
KILL_OFF = re.compile(r"\b(?:(?:release|lift|disengage|deactivate|disable|turn off|switch off|clear|reset|drop"
                       r"|unset) (?:the )?kil+ ?switch|kil+ ?switch (?:off|released)|(?:resume|restart|unpause"
                       r"|unfreeze|re-?enable) (?:all |the )?(?:executions?|everything|actions|work|the engine"
                       r"|operations|agents)"
                       # "ok false alarm, turn it back on" (offered, never done at once)
                       r"|(?:turn|switch) (?:it|things|everything|stuff|it all) back on)\b"
                       # "resume", "ok I'm back, resume": the message ends on the word alone
                       r"|(?:^|[,.;!]\s*)(?:ok,? |okay,? |please |so |now )?(?:resume|unpause|unfreeze)"
                       r"(?: please| now)?[.!]*$"
                       r"|\byou can (?:resume|carry on|start again)\b")

_ACK = re.compile(r"^(?:(?:ok(?:ay)?|k|kk|cool|great|nice|thanks?|thank you|thx|ty|cheers|perfect|awesome|got it"
                  r"|too right|go on|go on then|crack on|all good|yeah nah|obviously not|of course not|fair|ha|haha|lol"
                  r"|sounds good|good|fine|alright|all right|sure|right|understood|noted|lovely|brilliant|ta"
                  r"|makes sense|i see|interesting|wow|neat|yes|yep|yeah|yup|ya|aye|confirm(?:ed)?|go ahead"
                  r"|do it|please do|go for it|proceed|absolutely|definitely|of course|correct|that's right"
                  r"|approved?|agreed?|deal|no|nope|nah|cancel|never ?mind|forget it|leave it|don'?t"
                  # "hmm ok", "ok thx bye": nothing asked, nothing to do
                  r"|hmm+|hm+|bye|goodbye|bye bye|see ya|see you|cya|later|ttyl|good ?night|night|gn)"
                  r"[\s,.!:;)(-]*)+(?:[\U0001F300-\U0001FAFF\u2600-\u27BF]\s*)*$")
_YES = re.compile(r"^(?:(?:ok(?:ay)?|k|kk|yes|yess+|ye|yeh|y|yse|ys|yea|yas|yep|yeah|yup|ya|aye|too right|go on|go|crack on|sure|confirm(?:ed)?|go ahead|do it|please do"
                  r"|go for it|proceed|absolutely|definitely|of course|correct|that's right|approved?|sounds good"
                  r"|fine|alright|all right|great|perfect|thanks?|thank you|thx|cheers|lgtm|ship it|good|cool"
                  r"|right|yes please|please|agreed?|deal|why not|then"
                  # a thumbs-up or a tick sent alone: the way a phone says yes
                  r"|👍(?:[\U0001F3FB-\U0001F3FF])?|👌|✅|✔\ufe0f?)[\s,.!:;)(-]*)+(?:[\U0001F300-\U0001FAFF\u2600-\u27BF]\s*)*$")
_NO = re.compile(r"^(?:(?:yeah nah|no|nope|nah|n|noo+|cancel|never ?mind|forget it|leave it|don'?t|do not|not now|no thanks"
                 r"|no thank you|abort|skip it|scratch that|not yet|obviously not|of course not|absolutely not"
                 r"|definitely not|no way|not really|hell no|all good|i'?m good)[\s,.!:;)(-]*)+$")


_NEG_START = re.compile(r"^(?:(?:hmm+|um+|uh+|well|oh|ah|ok|okay|so|yeah)[ ,.!]*)*(?:no\b|nope|nah\b|obviously not"
                        r"|of course not|absolutely not|definitely not|no way|not really|i was (?:being )?(?:sarcastic"
                        r"|joking|kidding)|just kidding|jk\b|not (?:yet|now|so fast"
                        r"|sure)|don'?t|do not|cancel|wait[ ,.!]*(?:no\b|don'?t|stop|$)|hold on|hang on|hold off"
                        r"|actually,? no|never ?mind|forget it"
                        r"|leave (?:it|them|that|those|this)|scratch that|on second thought|let me think|stop,? no)")
_NEG_ANYWHERE = re.compile(r"\b(?:ignore (?:it|that|this)|leave (?:it|them|that|those) (?:be|alone|pending|for now)"
                           r"|forget (?:it|that|this)|never ?mind|cancel (?:it|that|this)|not (?:yet|now))\b")
_NEW_REQUEST = re.compile(r"\b(?:just|only|instead|but)\b|\b(?:approve|reject|snooze|undo|roll ?back|stop|halt|freeze"
                          r"|engage|release|resume|explain|show|why|what)\b"
                          # a standing rule ("dont ever mark down anything from harbor textiles") is a new request
                          r"|\b(?:ever|never|always|discount\w*|mark\w* ?down|markdowns?|reorder\w*|price\w*|touch"
                          r"|remember|rule)\b"
                          # "wait, not the mug", "no wait, make it 25": the question narrowed or changed, not a no
                          r"|\bnot (?:the|that|this|#?\d)|\bexcept\b|\bwithout\b|\bmake (?:it|that)\b|\d")


#: "yes and also approve 17", "ok, and snooze 10 till monday": a yes to the question, then a request of its own
_YES_THEN = re.compile(r"^(?P<yes>(?:yes|yep|yeah|yup|ok(?:ay)?|sure|go ahead|do it|confirm(?:ed)?)(?: please)?)"
                       r"[\s,;.!-]+(?:and(?: also| then)?|also|plus|then)[\s,]+(?P<rest>(?:approve|reject|decline"
                       r"|snooze|explain|show|run|start)\b.*)$")
#: what in the rest narrows, delays or takes back the yes ("yes and no", "yes, and actually only 8"): not split
_TAKES_BACK = re.compile(r"\b(?:but|instead|only|just|except|without|actually|wait|hold on|hang on|hmm+|not|unless"
                         r"|if|rather|first|no|don'?t|do not|never|stop|cancel|skip|leave|keep|it|that|this|them"
                         r"|those|both|all|everything|rest)\b|\?")


#: a request naming actions by id only ("approve 17", "reject 12 and 14 too")
_IDS_ONLY = re.compile(r"(?:approve|reject|decline|snooze|explain|show)\s+#?\d{1,9}(?:\s*(?:,|and|&)\s*#?\d{1,9})*"
                       r"(?:\s+(?:too|as well|also))?")


def yes_then(text: str, asked: list[int]) -> tuple[str, str] | None:
    """("yes", the request) when a message confirms the waiting question and then asks for something else
    ("yes and also approve 17"); None otherwise. Not split, so the whole message goes to the brain (where a
    new write drops the question rather than guess): a rest that names what was asked (``asked``: its ids),
    one that names things other than by id when several were asked ("yes and reject the mug" may carve one
    out), or one that could narrow, delay or take back the yes ("yes, and actually only 8", "yes and approve
    9 if 8 works", "yes and don't do it"). The request is returned in the operator's own words (a reason is
    kept as written)."""
    m = _YES_THEN.match(normalize(text))
    # a reason ("reject 7 because it won't sell") is the operator's words for the record, not a condition
    head = re.split(r"\b(?:because|cause|cos|coz|since|reason)\b", m["rest"])[0] if m else ""
    if m is None or not asked or _TAKES_BACK.search(head):
        return None
    if len(asked) > 1 and not _IDS_ONLY.fullmatch(head.strip()):
        return None  # "yes and reject the mug", asked about the mug and two others, may carve it out
    if {int(n) for n in re.findall(r"\d{1,9}", head)} & set(asked):
        return None
    said = _YES_THEN.match(text.strip().lower())
    return m["yes"], text.strip()[said.start("rest"):] if said else m["rest"]


def bare_no(text: str) -> bool:
    """Is the whole message a no ("no", "nope", "not now", "no thanks")? "no budget this month" is not."""
    return bool(_NO.match(normalize(text)))


def opens_with_no(text: str) -> bool:
    return bool(_NEG_START.match(normalize(text)))


def answer_of(text: str) -> str | None:
    """"yes" or "no" when the message answers the pending question and asks nothing new; else None.

    "hmm no, actually not", "no wait", "nah leave the socks one for now", "ok ignore it, no" are
    a no; "no, just the reorders" narrows the question (a new request), and "stop" is the kill switch.
    """
    t = normalize(text)
    if KILL_ON.search(t) or KILL_OFF.search(t):
        return None  # "stop" only ever engages the kill switch; it is never just an answer
    if _NO.match(t):
        return "no"
    if _YES.match(t):
        return "yes"
    if (_NEG_START.match(t) or _NEG_ANYWHERE.search(t)) and not _NEW_REQUEST.search(_NEG_START.sub("", t)):
        return "no"
    if _KEEP.match(t):
        return "no"  # "no keep 7 for now", answering "Reject #7?": nothing of the question is done
    return None


#: "no keep 7 for now", "nah leave 7 as it is", "keep it": the action stays as it is
_KEEP = re.compile(r"^(?:(?:no|nope|nah|actually|wait|hmm+)[ ,.!]+)*(?:keep|leave)\s+(?:it|that|this|them|those|both"
                   r"|#?\d{1,6}(?:\s*(?:,|and|&)\s*#?\d{1,6})*)(?:\s+(?:for now|as (?:it is|is)|alone|be|waiting"
                   r"|pending|then|please|pls))*[.!]*$")


def is_acknowledgement(t: str) -> bool:
    return bool(_ACK.match(t))


_MARKUP = re.compile(r"(?is)<(\w[\w:-]*)[^>]*>.*?</\1\s*>|<[^>]{1,200}>"
                     r"|^[ \t]*(?:system|assistant|tool|developer)[ \t]*:[^\n]*$|^[ \t]*>[^\n]*$"
                     r"|\[(?:system|tool|assistant)[^\]]*\][^\n]*$", re.MULTILINE)


def strip_markup(text: str) -> str:
    """What the operator typed, without text dressed up as the system's or a tool's (never a command)."""
    return _MARKUP.sub(" ", text)
