"""Person names in free text.

Two sources, both cheap and both conservative:

- names the store already knows (its customers' names, from the vault, passed as
  ``Hints.names``) are found wherever they are written, in any case;
- a name introduced as one: "my name is …", "je m'appelle …", "ich heiße …", "I'm …",
  "this is …", "an order for …", "regards, …", in the languages the store's customers
  write in. After a strong introduction ("my name is") one to four words are taken as
  the name; after a weak one ("I'm", "for", a sign-off) only capitalised words that are
  not a product of the store, a weekday, a month or another everyday capitalised word.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from policies.pii.addresses import CAPITALISED as _CAP

_STRONG = (
    r"my name is|my name's|name is|name:|i am called|"
    r"je m'appelle|je m’appelle|mon nom est|mon nom:|nom:|"
    r"ich heiße|ich heisse|mein name ist|name lautet|"
    r"me llamo|mi nombre es|nombre:|"
    r"mi chiamo|il mio nome è|il mio nome e|nome:|"
    r"meu nome é|meu nome e|chamo-me|eu me chamo|me chamo|moje jméno je|jmenuji se|moje imię i nazwisko to|"
    r"moje imię to|mitt namn är|mit navn er|mitt navn er|"
    r"mijn naam is|ik heet|naam:|"
    r"jag heter|mitt namn är|namn:|jeg hedder|mit navn er|jeg heter|mitt navn er|navn:|"
    r"nimeni on|minun nimeni on|nimi:|jmenuji se|jmenuju se|jméno:|nazywam się|mam na imię|imię:|"
    r"name of|recipient:|empfänger:|destinataire:|destinatario:|ontvanger:|mottagare:|vastaanottaja:|odbiorca:"
)
_WEAK = (
    r"i'm|i’m|i am|this is|it's|it’s|here is|c'est|c’est|ici|je suis|ich bin|hier ist|hier spricht|soy|aquí|sono|"
    r"qui è|fala|aqui fala|dit is|det här är|dette er|her er|täällä|tässä on|tady je|tady|z tej strony|"
    r"sou|aqui é|ik ben|hier is|jag är|det är|jeg er|det er|her er|olen|tässä|jsem|tady je|jestem|tu|"
    r"for|für|pour|para|per|voor|för|till|til|dla|pro|"
    r"regards,?|best,|cheers,?|thanks,?|thank you,?|sincerely,?|hi,?|hello,?|dear|hey,?|"
    r"hallo,?|liebe|lieber|bonjour,?|salut,?|hola,?|querida|querido|ciao,?|gentile|olá,?|hoi,?|beste|hej,?|"
    r"moi,?|hei,?|cześć,?|dzień dobry,?|ahoj,?|dobrý den,?|"
    r"grüße,?|gruß,?|viele grüße,?|cordialement,?|bien à vous,?|saludos,?|un saludo,?|cordiali saluti,?|saluti,?|"
    r"atenciosamente,?|cumprimentos,?|groeten,?|met vriendelijke groet,?|hälsningar,?|mvh,?|hilsen,?|"
    r"med venlig hilsen,?|terveisin,?|ystävällisin terveisin,?|pozdrawiam,?|s pozdravem,?"
)
_PARTICLE = r"(?:van der|van den|van de|von der|de la|de los|del|della|van|von|der|den|de|da|di|do|dos|das|du|le|la|af|av|ter|ten)"
_NAME_WORD = rf"{_CAP}"
#: the words of one name stand on one line ("Scented Candle\nSay" is not a name)
_STRONG_NAME = re.compile(
    rf"(?i:(?<![\w])(?:{_STRONG}))\s*(?P<name>{_NAME_WORD}(?:[ \t]+(?:{_PARTICLE}[ \t]+)?{_NAME_WORD}){{0,3}}"
    rf"|[^\W\d_]{{2,}}(?:[ \t]+[^\W\d_]{{2,}})?(?=\s*(?:[.,;!?\n]|$)))")
_WEAK_NAME = re.compile(
    rf"(?i:(?<![\w])(?:{_WEAK}))\s+(?P<name>{_NAME_WORD}(?:[ \t]+(?:{_PARTICLE}[ \t]+)?{_NAME_WORD}){{0,3}})")
#: after "for" and the like a single capitalised word is too often a thing or a place; German
#: capitalises every noun ("ich bin Stammkunde")
_NEEDS_TWO = re.compile(r"(?i:^(?:for|für|pour|para|per|voor|för|till|til|dla|pro|ich bin|hier ist|hier spricht)$)")

#: capitalised words that are not names (any language the store writes in), casefolded
_NOT_NAMES = frozenset("""
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august
september october november december montag dienstag mittwoch donnerstag freitag samstag sonntag januar februar
märz mai juni juli oktober dezember lundi mardi mercredi jeudi vendredi samedi dimanche janvier février mars
avril juin juillet août septembre octobre novembre décembre lunes martes miércoles jueves viernes sábado domingo
enero febrero marzo abril mayo junio julio agosto septiembre octubre noviembre diciembre lunedì martedì mercoledì
giovedì venerdì sabato domenica gennaio febbraio aprile maggio giugno luglio settembre ottobre dicembre
christmas easter xmas halloween black cyber boxing new year thanksgiving valentine valentine's mother's father's
weihnachten ostern noël pâques navidad natale
the a an my your our his her their this that these those it is not no yes ok okay sure sorry happy sad glad
just still here there back ready done fine good great looking going trying writing calling asking wondering
interested unhappy disappointed urgent important please help thanks thank hello hi dear waiting hoping afraid confused concerned new old very so really also
order orders shipping delivery refund return returns product products item items store shop customer support
sale discount team everyone all you me us we them
i i'm im
""".split())


def _words(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in re.finditer(r"[^\W\d_](?:[^\W\d_]|['’\-](?=[^\W\d_]))*", text)]


def known(text: str, names: frozenset[str]) -> Iterator[tuple[int, int]]:
    """Spans of the store's known full names (two to six words), case-insensitively."""
    if not names:
        return
    words = _words(text)
    folded = [text[s:e].casefold() for s, e in words]
    i = 0
    while i < len(words):
        for n in (6, 5, 4, 3, 2):
            if i + n <= len(words) and " ".join(folded[i:i + n]) in names:
                start, end = words[i][0], words[i + n - 1][1]
                if not re.search(r"[\n,;:.!?]", text[start:end]):
                    yield start, end
                    i += n
                    break
        else:
            i += 1


def _trim(name: str) -> str:
    """Drop trailing words that are not names ("Maria Lopez Thanks" -> "Maria Lopez")."""
    parts = name.split()
    while parts and parts[-1].casefold().strip("'’") in _NOT_NAMES:
        parts.pop()
    return " ".join(parts)


def introduced(text: str, catalog: frozenset[str]) -> Iterator[tuple[int, int]]:
    """Spans of names introduced as names."""
    for m in _STRONG_NAME.finditer(text):
        name = _trim(m.group("name"))
        if name and name.split()[0].casefold() not in _NOT_NAMES:
            yield m.start("name"), m.start("name") + len(name)
    for m in _WEAK_NAME.finditer(text):
        name = _trim(m.group("name"))
        words = name.split()
        if not words or words[0].casefold() in _NOT_NAMES:
            continue
        intro = m.group(0)[:m.start("name") - m.start()].strip()
        if _NEEDS_TWO.match(intro) and len(words) < 2:
            continue
        folded = name.casefold()
        # "Kestrel Soy Scented Candle": the introduction ("soy", Spanish "I am") is part of a product's name
        with_intro = f"{m.group(0)[:m.start('name') - m.start()].strip()} {name}".casefold()
        if any(folded in title or with_intro in title for title in catalog):
            continue
        yield m.start("name"), m.start("name") + len(name)
