"""Whole-message settings in the operator's words: the kill switch, autonomy, one agent off or on, standing rules.

Read before the message is split into clauses: "stop everything" engages the kill switch at once, "don't turn
off the kill switch" is a question about it, "stop the reorders" asks how, "I'm going on holiday, don't do
anything without me" is supervised autonomy, "never discount Wick Studio" is a rule. A message that opens with
a decision ("snooze 3 … because of the code freeze") is never a setting: its clauses are read instead.
"""

from __future__ import annotations

import re

from graphs.language.confirm import KILL_OFF, KILL_ON
from graphs.language.intent import Intent
from graphs.language.slots import Ref, agent_in, has, kind_in, reason_in, ref_in

_DECISION_FIRST = re.compile(r"^(?:please |ok |okay |so |then )?(?:reject|decline|approve|snooze|postpone|veto|deny"
                             r"|skip|no to|undo|roll ?back|explain|push|move|delay|park|remind me)\b")


_STOP_ONE_KIND = re.compile(r"^(?:please |ok |so )?(?:stop|pause|halt|freeze)\s+(?:all\s+|any\s+)?(?:the\s+|those\s+"
                            r"|these\s+|new\s+)?(.+)$")
#: "stop auto approving stuff", "no more autopilot", "quit doing things on your own": back to supervised
_STOP_AUTO = re.compile(r"^(?:please |ok |okay |so )?(?:stop|quit|no more|enough)\s+(?:the\s+|with the\s+)?"
                        r"(?:auto[- ]?(?:approv|execut|pilot)\w*|autonom\w*|(?:running|doing|approving|executing)"
                        r"(?: things| stuff| anything| actions)? (?:on (?:its|their|your) own|by (?:it|them|your)sel(?:f|ves)))")
#: the verbs that take a standing rule back ("scrap that rule", "get rid of the alpaca rule")
_UNDO_RULE = (r"remove|delete|drop|cancel|lift|scrap|ditch|bin|undo|kill|get rid of|take back|withdraw|revoke|lose"
              r"|throw out|toss|clear|wipe|reset")
_STOP_IT = re.compile(r"^(?:(?:please|ok|okay|so|nah|no|just|hmm+|yeah|ugh)[ ,]+)*(stop|kill|halt|pause|freeze)\s+"
                      r"(?:it|that|this|that one|this one)\b(?! all\b)[ ,.;:!-]*(.*)$")
#: "go back to manual", "manual mode please", "turn off autonomy", "switch autopilot off": supervised
_MANUAL = re.compile(r"^(?:(?:ok|okay|so|please|actually|right|now|let'?s|lets)[, ]+)*(?:(?:go|switch|put (?:it|us))"
                     r"(?: back)? to manual|back to manual|manual(?: mode)?(?: please| again)?[.!]*$|go manual"
                     r"|(?:turn|switch|shut) off (?:the )?(?:autonomy|autopilot|auto[- ]?(?:mode|approv\w*|pilot))"
                     r"|(?:turn|switch) (?:the )?(?:autonomy|autopilot) off)\b")
UNTIL = re.compile(r"\b(?:until|till|til|for (?:a|one|two|\d+) (?:days?|weeks?|wks?|months?)|next week|tomorrow)\b")
_NOT_SETTING = re.compile(r"\b(?:don'?t|dont|do not|never(?! ?mind)|no need to|not|won'?t|shouldn'?t)\b")
_REPORTED = re.compile(r"\b(?:i (?:already )?(?:said|told you|thought|asked for|asked you|set (?:it|autonomy|us))"
                       r"|didn'?t i (?:say|tell|set)|weren'?t we|aren'?t we|i'?m sure (?:i|we))\b")


def settings_in(t: str, original: str) -> Intent | None:
    """Kill switch, autonomy and standing rules: whole-message intents."""
    switched = _agent_switch(t, original)
    if switched is not None:
        return switched  # one agent named: never the store-wide kill switch
    if _DECISION_FIRST.match(t):
        # a decision whose reason holds a setting's words ("snooze 3 … because of the code freeze", "reject 12
        # because I want to go semi-autonomous on titles later") is a decision; "approve 12 and stop everything"
        # is read clause by clause, and its second clause engages the switch
        return None
    if has(r"\b(?:(?:do|run|approve|execute) (?:nothing|anything) without me|nothing without me|ask me (?:before|for) "
           r"(?:everything|anything)|(?:let|have) (?:anything|nothing|stuff|things) (?:run|happen|execute|go live)"
           r"(?: on (?:its|their) own)? without me|nothing (?:runs|executes|happens) without my (?:ok|okay|say-?so|approval"
           r"|yes))\b", t) or _STOP_AUTO.search(t) or _MANUAL.search(t):
        # "stop auto approving stuff" is the same: what ran alone waits again (never the kill switch, which
        # would also stop what the operator approved)
        # "I'm going on holiday, don't do anything without me": everything waits for the operator
        return Intent("autonomy", level="supervised", text=original)
    if re.match(r"^(?:the |my |our )?kil+ ?switch(?: status| state)?[?.!]*$", t):
        return Intent("status", text=original)  # "kill switch": asked about, never flipped on two words
    pointed = _STOP_IT.match(t)
    if pointed and not has(r"\b(?:everything|every ?thing|all|emergency|the engine|the agents)\b", t):
        # "stop it", "kill it, socks sell fine in winter", "stop that one": the action in view, if there is one
        # (kill: a rejection, echoed; stop: asked how); with none in view, the kill switch
        return Intent("stop_it", ref=Ref(focus=True), said_as=pointed.group(1), text=original,
                      reason=pointed.group(2).strip(" ,.;:-") or None)
    setting = KILL_OFF.search(t) or KILL_ON.search(t) or re.search(r"autonom|autopilot|supervis", t)
    if setting is not None and _NOT_SETTING.search(t[:setting.start()]):
        # "don't turn off the kill switch", "i dont want autonomous mode": the setting as it is, changed by nothing
        return Intent("status", text=original)
    if KILL_OFF.search(t):
        return Intent("kill_off", text=original)
    one_kind = _STOP_ONE_KIND.match(t)
    if one_kind and UNTIL.search(t) and not re.match(r"(?:everything|every ?thing|it all|all|until|till|til)\b",
                                                               one_kind.group(1)):
        return None  # "pause the mug reorder until friday": a snooze of that one, read as a clause
    if one_kind and kind_in(one_kind.group(1)) and not has(r"\b(?:everything|all of it|it all|every ?thing|emergency"
                                                           r"|something(?:'s| is)? (?:off|wrong|weird|broken))\b", t):
        # "stop the reorders for now": one kind, not the store-wide kill switch; asked how
        named = ref_in(one_kind.group(1))
        return Intent("stop_kind", ref=Ref(kind=kind_in(one_kind.group(1)), words=named.words if named else ()),
                      text=original)
    if KILL_ON.search(t) and not has(r"\bstop (?:proposing|suggesting|showing|sending)\b", t):
        return Intent("kill_on", reason=reason_in(original, "stop|switch|halt|freeze|pause"), text=original,
                      when_said=_timer_said(t))
    if has(r"autonom|autopilot|on (?:its|their) own|manual", t) and (kind_in(t) or agent_in(t)):
        # "let content stuff run on its own but keep reorders manual": one kind's autonomy is earned, not set here
        return Intent("status", text=original, task="autonomy_per_kind")
    if _REPORTED.search(t) and level_in(t):
        # "I said autonomous", "I thought we were on autopilot": a complaint about the level, not a command
        return Intent("status", level=level_in(t), text=original)
    if has(r"autonom|supervis|autopilot|\bsemi[- ]?auto\b|\bfull(?:y)?[- ]?auto\b|run (?:it |things |stuff )?on (?:their|its) own"
            r"|on autopilot|run (?:the )?(?:low[- ]risk |small )?(?:things|stuff|ones) on (?:their|its) own"
            r"|ask me (?:before|for) (?:everything|anything)|let (?:the )?(?:low[- ]risk )?(?:things|stuff|actions|ones)"
            r" (?:just )?(?:run|happen|go through)"
            # "let the agents auto-approve low risk stuff", "you can handle the small stuff yourself"
            r"|auto[- ]?approv|auto[- ]?execut|handle (?:the )?(?:small|little|low[- ]risk)\w* (?:stuff|things|ones)"
            # "i'm going on holiday, run things yourself": which level is asked, never guessed
            r"|(?:run|handle|do|decide) (?:things|stuff|it|it all|everything|the store|the shop) (?:by )?yourself"
            r"|(?:run|handle|do|decide) (?:things|stuff|it|it all|everything) without (?:me|asking)", t):
        return Intent("autonomy", level=level_in(t), text=original, when_said=_timer_said(t))
    if has(r"^(?:please )?forget\b|\b(?:" + _UNDO_RULE + r") (?:the |my |that |this )?(?:[\w'-]+ ){0,4}?"
            r"(?:preference|rule)s?\b", t):
        # "actually scrap that rule, i changed my mind": the rule, never a decision on what it forbids
        m = re.search(r"(?i)(?:forget|" + _UNDO_RULE + r")(?: the| my| that)?(?: rule| preference)?"
                      r"(?: about| on| for| that)?\s+([^,.;!]+?)(?: rule| preference)?(?:[,.;!].*)?$", original)
        said = re.sub(r"(?i)(?:\s+(?:please|pls|thanks|thx|now|for me))+$", "", (m.group(1) if m else original).strip())
        return Intent("forget_rule", text=re.sub(r"(?i)\s+(?:rule|preference)$", "", said).strip(" .'\""))
    if _LIMIT.search(t):
        # "never approve anything over $1000 without asking me", "only ever discount up to 20%": a limit on an
        # amount, which no standing rule can hold; said so, never saved as something else nor read as a decision
        return Intent("limit_rule", text=original)
    if has(r"^(?:please )?(?:remember|note)\b|^from now on\b|^going forward\b|\bnever (?:discount|mark|change|touch"
            r"|put|raise|lower|cut|reduce|auto|reorder|hold|send|rewrite|create|email)|\b(?:never|not) (?:gets?|be|being"
            r"|to be) (?:discounted|marked down|reordered|touched)|\bno (?:more )?(?:markdowns?"
            r"|discounts?|price (?:changes?|cuts?)|reorders?|emails?|title (?:changes?|rewrites?)|landing pages?|new pages?"
            r"|internal links?|meta descriptions?|order holds?)\b"
            # "i dont want any more landing pages", "we don't want new internal links"
            r"|\b(?:i|we) (?:don'?t|do not|dont) (?:want|need) (?:any )?(?:more |new )*(?:markdowns?|discounts?"
            r"|price (?:changes?|cuts?)|reorders?|emails?|title (?:changes?|rewrites?)|landing pages?|new pages?"
            r"|internal links?|meta descriptions?|order holds?)\b"
            # "never propose landing pages", "never add internal links"
            r"|\bnever (?:add|propose|suggest|make|build) (?:any |new |more )*(?:landing|new|internal|meta|pages?|links?)"
            r"|\b(?:don'?t|do not) (?:ever )?(?:discount|mark|touch|change|raise|lower|cut|reorder|email|put) (?!#?\d)"
            r"|\balways ask\b|\bask me (?:first|before)\b", t):
        body = re.sub(r"(?i)^(?:please )?(?:remember(?: that)?|note(?: that)?:?|from now on,?|going forward,?)\s*",
                      "", original)
        return Intent("add_rule", text=body.strip())
    return None


#: a standing limit on an amount: "never … over $1000", "don't spend more than $2000 a week", "only ever discount up
#: to 20%", "make sure nothing gets discounted more than 30 percent"
_AMOUNT = r"(?:[$€£]\s?\d[\d,.]*k?|\d[\d,.]*k?\s*(?:%|percent|dollars|bucks|euros|pounds)|\d[\d,.]*\s*(?:units|pieces))"
_LIMIT = re.compile(r"^(?:(?:please|ok|okay|so|and|also|from now on|going forward)[, ]+)*(?:never|don'?t|do not|dont|only"
                    r"|(?:can you |please )?make sure|(?:i|we) (?:don'?t|do not|dont) want|no)\b.*\b(?:over|above|more than"
                    r"|beyond|up to|under|below|less than|at most|max(?:imum)?(?: of)?|exceed(?:ing)?)\s+" + _AMOUNT
                    + r"(?:\s+(?:a|per|each|every)\s+(?:day|week|month|order|action))?")
_AGENT = r"(?:the\s+|our\s+|that\s+|this\s+)?(?P<{0}>[\w-]+)\s+(?:agent|specialist|bot)\b(?!s\b)"
_ONE_AGENT_OFF = re.compile(r"\b(?:stop|pause|halt|freeze|disable|deactivate|suspend|shut (?:down|off)|kill|mute"
                            r"|silence|turn off|switch off)\s+" + _AGENT.format("a")
                            + r"|\b(?:turn|switch|shut)\s+" + _AGENT.format("b") + r"\s+(?:off|down)\b"
                            + r"|\b(?:stop|pause|disable|turn off|switch off)\s+the (?P<c>analyst)\b")
_ONE_AGENT_ON = re.compile(r"\b(?:enable|re-?enable|reactivate|unpause|turn on|switch on|turn back on)\s+"
                           + _AGENT.format("a") + r"|\b(?:turn|switch)\s+" + _AGENT.format("b")
                           + r"\s+(?:back\s+)?on\b")


def _agent_switch(t: str, original: str) -> Intent | None:
    """"stop the content agent, its suggestions are rubbish", "turn off the content agent": one agent, not all."""
    for pattern, name in ((_ONE_AGENT_OFF, "agent_off"), (_ONE_AGENT_ON, "agent_on")):
        m = pattern.search(t)
        if m is None:
            continue
        word = next(g for g in m.groups() if g)
        agent = agent_in(word) or agent_in(word + " agent")
        if agent is not None:
            return Intent(name, agent=agent, reason=reason_in(original, r"stop|pause|disable|off|down"),
                          text=original, when_said=_timer_said(t) if name == "agent_off" else None)
    return None


def _timer_said(t: str) -> str | None:
    """"for the weekend", "until friday", "for a bit": an end the operator gave a setting that has no timer."""
    when = re.search(r"\b(?:for|till|until|til|through|over)\s+(?:the\s+)?(?:weekend|night|today|tonight|\w+day"
                     r"|\d+\s*(?:hours?|days?|weeks?|minutes?|h)|a (?:bit|while|day|week|few (?:hours|days))|now"
                     r"|an hour|next \w+|tomorrow|christmas|the holidays)\b.*$", t)
    return when.group(0) if when and not when.group(0).startswith("for now") else None


def level_in(text: str) -> str | None:
    # "stay supervised, dont go semi-autonomous": a level said with a negation is the one not wanted
    text = re.sub(r"\b(?:don'?t|dont|do not|never|not|no)\s+(?:go(?:ing)?\s+|be\s+|switch(?:ing)? to\s+|turn(?:ing)? on\s+)?"
                  r"(?:fully[- ]|full[- ]|semi[- ]?)?(?:autonomous|autopilot|auto)\b", " ", text)
    if has(r"semi|low[- ]risk (?:things |ones |actions |stuff )?(?:run|go|execute)|only low|low risk stuff"
           r"|(?:small|little) (?:stuff|things|ones)|auto[- ]?(?:approve|execute|run) (?:the )?low", text):
        return "semi_autonomous"
    if has(r"supervis|everything waits|ask me (?:for|before) (?:everything|anything)|manual|back to asking", text):
        return "supervised"
    if has(r"fully autonomous|\bautonomous\b|autopilot|all but critical|run (?:it |things )?(?:all )?on (?:its|their) own"
           r"|\bfull(?:y)?[- ]?auto\b",
            text):
        return "autonomous"
    return None
