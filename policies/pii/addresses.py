"""Street addresses in the ways the store's customers write them.

Four families cover most countries:

- number first, street type last (US, UK, Ireland, Canada, Australia, New Zealand):
  "27868 Tiffany Roads Apt. 304", "6/170 Reynolds Wade", "Flat 5, Buckley Skyway";
- one word ending in a street suffix, then the number (German, Dutch, Scandinavian,
  Finnish, Czech): "Katharina-Wende-Ring 34", "Keizersgracht 123", "Kungsgatan 12",
  "Mannerheimintie 12 A 3", "Plzeňská 70"; or a separate type word: "Torve Allé 691";
- a preposition, then the name and number: "Am Markt 3", "Na Příkopě 12";
- the street type first, then the name and number (French, Italian, Spanish, Portuguese,
  Polish): "rue de la Paix", "Via Roma, 12", "Calle Mayor 12, 3º B", "Rua Augusta, 120",
  "ul. Marszałkowska 12/4".

What an address is taken to be is the street line (number, street and unit); postcodes
and towns on their own identify nobody and are left as they are.
"""

from __future__ import annotations

import functools
import re

_UP = "A-ZÀ-ÖØ-ÞĀĂĄĆĈĊČĎĐĒĔĖĘĚĜĞĠĢĤĦĨĪĬĮİĲĴĶĹĻĽĿŁŃŅŇŊŌŎŐŒŔŖŘŚŜŞŠŢŤŦŨŪŬŮŰŲŴŶŸŹŻŽ"
#: a capitalised word (letters, inner hyphens and apostrophes), not an all-caps acronym
_CAP = rf"[{_UP}](?:[^\W\d_]|['’.\-](?=[^\W\d_]))+"
CAPITALISED = _CAP
_PARTICLE = (r"(?:de|del|dels|de la|de las|de los|de l'|d'|della|delle|dello|degli|dei|di|da|do|dos|das|du|des|"
             r"la|le|les|el|los|las|lo|y|e|i|van|von|der|den|het|zu|zum|zur|am|im|af|av|al|alla|sul|sulla|"
             r"São|Santa|Santo|San|Sankt|St\.?|Saint|Ste)")
_NAME = rf"(?:{_PARTICLE}\s+)*{_CAP}(?:\s+(?:{_PARTICLE}\s+)*{_CAP}){{0,4}}"
#: the house number: 12, 12a, 12 A, 12/4, 12/3/8, 12/Top 4, 12-14, 12 bis, #310, S/N (sin número)
_NUMBER = r"(?:#\s?\d{1,5}|\d{1,5}(?:hs|huis)?(?:\s?[a-zA-Z](?:\s\d{1,3})?(?![\w]|\.\s?\d))?(?:\s?[-/]\s?(?:Top\s?)?\d{1,5}[a-zA-Z]?){0,3}(?:\s?/\s?[A-Za-z](?![\w]))?(?:\s(?:bis|ter))?|[Ss]/[Nn])"
#: what may follow: floor, door, flat, staircase ("3º B", "Apt. 80", "lgh 1102", "Interior 317")
_UNIT = (r"(?:,?\s+(?:\d{1,2}\.?\s?[ºª°]\s?[A-Za-z0-9]{0,5}\.?|(?i:apt\.?|apartment|appartamento|apto\.?|app\.?|piso|puerta|"
         r"interior|int\.?|andar|bloco|bl\.?|esc\.?|escalera|lgh\.?|lok\.?|m\.|bus|boîte|bte|suite|unit|"
         r"flat|stiege|tür|top|etage|étage|th|tv|mf|st\.?)\s*[\w/-]{1,6}))?")
#: numbers that are quantities, prices or times, not houses
_NOT_AFTER = r"(?!\s*(?:%|€|\$|£|kr\b|zł|x\b|×|(?i:days?|hours?|weeks?|months?|items?|pcs|units?|stück|jours|giorni|días|dias|dagen|dagar|päivää))|[.,:]\d)"

# --- number first, type last (English) -------------------------------------------

_EN_SUFFIX_WORDS = """
Alley Alleyway Aly Annex Arcade Avenue Ave Bayou Beach Bend Bluff Bottom Boulevard Blvd Branch Bridge
Brook Burg Bypass Camp Canyon Cape Causeway Center Centre Circle Cir Cliff Club Common Corner
Course Court Ct Cove Creek Crescent Cres Crest Crossing Crossroad Curve Dale Dam Divide Drive Dr
Estate Expressway Extension Fall Ferry Field Flat Ford Forest Forge Fork Fort Freeway Garden
Gateway Glen Green Grove Harbor Harbour Haven Heights Highway Hwy Hill Hollow Inlet Island
Isle Junction Key Knoll Lake Land Landing Lane Ln Light Loaf Lock Lodge Loop Mall Manor Meadow
Mews Mill Mission Motorway Mount Mountain Neck Orchard Oval Overpass Park Parkway Pkwy Pass
Passage Path Pike Pine Place Pl Plain Plaza Point Port Prairie Radial Ramp Ranch Rapid Rest
Ridge River Road Rd Route Row Rue Run Shoal Shore Skyway Spring Spur Square Sq Station
Stravenue Stream Street St Summit Terrace Ter Tce Throughway Trace Track Trafficway Trail Trl
Trailer Tunnel Turnpike Underpass Union Valley Via Viaduct View Village Ville Vista Walk Wall
Way Well Close Rise Vale Gate Wharf Quay Embankment Parade Pde Croft Chase Drove Fold Yard Broadway
Wade End Esplanade Esp Circuit Cct Grange Glade Gardens Promenade Retreat Ramble Rotary Track Crest
Boardwalk Bowl Brace Brae Concourse Cul-de-sac Nook Outlook Quays Reserve Ridgeway Round Serviceway
Strand Tarn Vista Wynd Laneway Footway Villas Villa Brow Parklands Lookout Pocket Terraces Walkway
Access Amble Anchorage Artery Basin Block Brace Byway Circus Colonnade Courtyard Cross Crossway Cruiseway
Dell Foreshore Front Gates Ground Gully Highroad Little Lower Part Plateau Quad Quadrangle Quadrant Range Ronde
Rosebowl Service Siding Slope Sound Stairs Strip Triangle Trunkway
Approach Arterial Break Busway Circlet Copse Corso Cutting Deviation Dip Distributor Driveway Edge Elbow Entrance
Fairway Firetrail Follow Formation Frontage Gap Interchange Intersection Lees Line Meander Pathway Reach Ride
Riverway Riviera Roadside Roadway Shunt Steps Subway Thoroughfare Tollway Top Tor Towers Turn Upper
Bypass Boulevarde Mall Centreway Mew Gardens Heights Hills Meadows Ridge Chase Grove Glade Key Link Mews
""".split()
_EN_SUFFIX = "(?:" + "|".join(sorted(set(_EN_SUFFIX_WORDS), key=len, reverse=True)) + ")(?:e?s)?"
_EN_NAME = r"(?:(?:[A-Z][A-Za-z'’.\-]*|\d{1,3}(?:st|nd|rd|th))\s+){1,3}"
_EN_DIRECTION = r"(?:\s(?:N|S|E|W|O|NE|NW|SE|SW|North|South|East|West|Ouest|Est)(?![\w]))?"
_EN_UNIT = r"(?:,?\s+(?:Apt\.?|Apartment|Suite|Ste\.?|Unit|Flat|Fl\.?|#)\s*[\w-]+)?"
_EN_NUMBER = r"(?:(?:Unit|Flat|Apt\.?|Apartment|Shop|Suite|Level|Lvl|Floor)\s+\d{1,4}[A-Za-z]?,?\s+)?\d{1,6}[A-Za-z]?(?:[/-]\d{1,6}[A-Za-z]?)?"

# --- suffix words (one word, or a type word after the name) ------------------------

_SUFFIXES = (
    # German, Austrian, Swiss
    r"stra(?:ß|ss)e|str\.|weg|gasse|gässli|allee|platz|ring|damm|ufer|chaussee|steig|pfad|markt|graben|"
    r"promenade|stieg|kamp|hof|berg|tor|wall|kai|brücke|feld|garten|park|anger|zeile|wiese|grund|höhe|"
    r"blick|winkel|bogen|hang|siedlung|tal|matt|rain|acker|halde|quai|gässchen|"
    # Dutch, Flemish
    r"straat|laan|plein|gracht|kade|singel|dijk|pad|steeg|dreef|baan|plantsoen|erf|veld|haven|kaai|lei|"
    r"vest|hoek|oord|boulevard|"
    # Swedish
    r"gatan|gata|vägen|väg|gränd|gränden|torget|torg|stigen|backen|allén|plan|gången|leden|slingan|"
    r"platsen|kroken|bron|kajen|stråket|"
    # Danish, Norwegian
    r"gade|vej|plads|torv|stræde|vænge|vangen|toften|parken|engen|gate|gaten|veien|vegen|vei|veg|plass|"
    r"torget|bakken|stien|lia|løkka|løkke|haugen|åsen|jordet|myra|svingen|grenda|tunet|bråten|faret|vollen|"
    r"ekra|tangen|kleiva|brekka|berget|dalen|moen|ringen|stubben|havna|havn|eggen|lyngen|gjerdet|høgda|toppen|"
    r"hagen|sletta|kollen|enga|jordet|svingen|lunden|lund|øa|øya|holmen|vika|viken|nesset|"
    # Finnish
    r"katu|tie|kuja|polku|väylä|raitti|ranta|kaari|rinne|aukio|tori|puistikko|mäki|piha|kulma|portti|"
    # Czech, Slovak (adjectival street names)
    r"ova|ová|ská|cká|ní|ého|ovo|ské|cké"
)
_SUFFIX_WORD = rf"[{_UP}](?:[^\W\d_]|-(?=[^\W\d_]))*(?i:{_SUFFIXES})"
_TYPE_LAST = (r"Stra(?:ß|ss)e|Str\.|Weg|Allee|Platz|Ring|Gasse|Damm|Ufer|Allé|Alle|Plads|Vej|Gade|Torv|Plass|Vei|Veg|"
              r"Gate|Straat|Laan|Plein|Weg|Kade|Gatan|Vägen|Torget|Tie|Katu|[Nn]áměstí|[Nn]ám\.|[Tt]řída|[Nn]ábřeží")

# --- prepositions -------------------------------------------------------------------

_PREP = (r"Am|An der|An den|Auf der|Auf dem|Im|In der|In den|Zum|Zur|Hinter der|Unter den|Vor dem|"
         r"Na|V|Ve|U|Před|Pod|Nad|K|Ke|Za|Nábřeží|Náměstí|Nám\.")

# --- type first ---------------------------------------------------------------------

_FR_TYPE = (
    r"rue|avenue|av\.|boulevard|bd|chemin|impasse|allée|place|quai|route|cours|square|passage|"
    r"voie|sentier|faubourg|rond-point|parvis|esplanade|promenade|villa|cité|hameau|ruelle|"
    r"montée|traverse|résidence"
)
_FR_NAME = r"(?:(?:de la|de l'|de l’|du|des|de|d'|d’|la|le|les|l'|l’)\s*)?[A-ZÉÈÀÂÎÔÛÇ][\w'’\-]+(?:\s+[A-ZÉÈÀÂÎÔÛÇ][\w'’\-]+){0,3}"
#: types that are words in no other sense (any case)
_TYPE_FIRST = (
    # Italian
    r"via|viale|piazza|piazzale|piazzetta|corso|largo|vicolo|vicoletto|contrada|borgo|rotonda|stretto|"
    r"lungomare|lungotevere|galleria|salita|traversa|circonvallazione|località|loc\.|strada|"
    # Spanish
    r"calle|c/|avenida|avda\.?|av\.|paseo|pso\.|plaza|pza\.|camino|carretera|ctra\.|ronda|travesía|callejón|"
    r"glorieta|pasaje|rambla|cuesta|urbanización|urb\.|bulevar|circuito|cerrada|eje vial|diagonal|privada|"
    r"prolongación|periférico|retorno|andador|calzada|cañada|continuación|corredor|circunvalación|acceso|"
    r"c\.|carrer|passeig|plaça|travessera|rúa|"
    r"incrocio|canale|vico|rampa|calata|discesa|quartiere|frazione|borgata|"
    r"vía|gran vía|ampliación|peatonal|viaducto|pasadizo|senda|costanilla|"
    # Portuguese
    r"rua|r\.|avenida|av|travessa|tv\.|praça|pç\.|estrada|alameda|rodovia|beco|vila|campo|recanto|"
    r"fazenda|chácara|conjunto|ladeira|quadra|viela|loteamento|sítio|condomínio|jardim|núcleo|residencial|"
    r"setor|vereda|passagem|parque|calçada|largo|pátio|patio|favela|praia|lagoa|lago|distrito|morro|trecho|"
    r"trevo|viaduto|aeroporto|colônia|estação|feira|passarela|vale|"
    # Polish
    r"ul\.|ulica|al\.|aleja|pl\.|plac|os\.|osiedle|"
    # Dutch, Belgian French
    r"chaussée|drève|laan"
)
#: after these, a number is often not a house ("via Amazon 3 days"), so the name must look like one
_TYPE_CAPS_ONLY = {"via", "diagonal", "campo", "conjunto", "setor", "corredor", "parque", "jardim", "plaza", "vale", "lago",
                   "patio", "acceso", "distrito", "feira", "c.", "r.", "av", "trecho", "morro"}


@functools.cache
def patterns() -> tuple[re.Pattern[str], ...]:
    """The street-line patterns, compiled on first use (about 40 ms: a command that never scans text for
    PII, such as ``growth status``, does not pay it)."""
    return (
        # English
        re.compile(r"(?<![\w#/-])" + _EN_NUMBER + r"\s+" + _EN_NAME + r"(?:" + _EN_SUFFIX + r")\.?(?![\w])" + _EN_DIRECTION
                   + _EN_UNIT),
        re.compile(r"(?<!\w)(?:Flat|Studio|Apartment|Unit)\s+\d{1,4}[A-Za-z]?\s*[,\n]?\s*" + _EN_NAME + r"(?:" + _EN_SUFFIX + r")(?![\w])"),
        # suffix word then number: Keizersgracht 123, Berliner Straße 5a, Katharina-Wende-Ring 34
        re.compile(rf"(?<![\w-])(?:{_CAP}\s+(?:{_PARTICLE}\s+)?){{0,2}}{_SUFFIX_WORD}\s+{_NUMBER}(?![\w]){_NOT_AFTER}{_UNIT}"),
        # a name, then a separate type word, then the number: Torve Allé 691, Sankt Annæ Plads 5
        re.compile(rf"(?<![\w-])(?:{_CAP}\s+){{1,3}}(?:{_TYPE_LAST})\s+{_NUMBER}(?![\w]){_NOT_AFTER}{_UNIT}"),
        # a person's name in the genitive, then a lower-case type: Olav Tryggvasons gate 67, Karl Johans gate 6B,
        # Eerik Pyhän bulevardi 165
        re.compile(rf"(?<![\w-])(?:{_CAP}\s+){{0,2}}{_CAP}(?<=[sn])\s+(?:gate|gata|gatan|vei|veg|vegen|veien|väg|vägen|vej|"
                   rf"gade|plass|plads|allé|torg|torv|bulevardi|kuja|katu|tie|polku|aukio|tori|ranta|väylä|puistotie|"
                   rf"raitti|kaari|rinne)\s+{_NUMBER}(?![\w]){_NOT_AFTER}{_UNIT}"),
        # a preposition: Am Markt 3, Na Příkopě 12, Před Skalkami II 5
        re.compile(rf"(?<![\w-])(?:{_PREP})\s+{_NAME}\s+{_NUMBER}(?![\w]){_NOT_AFTER}{_UNIT}"),
        # the type first, then the name and a number: Via Roma, 12; ul. Leśna 74/39; Rua de Pinho, S/N
        re.compile(rf"(?<![\w/])(?P<type>(?i:{_TYPE_FIRST}))\s*(?:\d{{1,2}}\s+(?:de\s+)?)?{_NAME},?\s+(?:(?i:n\.?º?|nr\.?|no\.?|número|numero)\s*)?"
                   rf"{_NUMBER}(?![\w]){_NOT_AFTER}{_UNIT}"),
        # French, the number optional: 790, boulevard de Dumont; rue Olivie Faivre; 12 bis rue de la Paix
        re.compile(r"(?<![\w])(?:(?:Appt\.?|Apt\.?|Appartement|Bât\.?|Bâtiment|Escalier|Esc\.)\s+[\w]{1,4},\s+)?"
                   r"(?:\d{1,5}(?:\s?(?:bis|ter|b))?,?\s+)?(?i:" + _FR_TYPE + r")\s+" + _FR_NAME
                   + r"(?:\s+\d{1,5}[a-zA-Z]?(?![\w]))?(?:\s(?:O|E|N|S|Ouest|Est|Nord|Sud)(?![\w]))?(?![\w])"),
    )


#: what may follow a street line and still belongs to it: a unit, floor, door or interior number
#: ("/Top 4", ", H201", ", 1º C", ", 5º izda.", ", bajo A", ", ap. 61", " Edif. 695 , Depto. 730", " 234")
_TAIL = re.compile(
    r"(?:\s?/\s?(?:Top\s?)?\d{1,4}[A-Za-z]?"
    r"|\s\d{1,4}[A-Za-z]?(?=\s*(?:[,\n]|$))"
    r"|\s?,?\s?-?\s?(?i:apt|apto|ap|apartamento|apartment|appartamento|app|depto|dpto|departamento|edif|edificio|"
    r"bloco|bloque|bl|piso|puerta|pta|interior|int|casa|sala|andar|lgh|lok|m|h|top|stiege|stg|tür|"
    r"esc|escalera|etage|étage|suite|unit|flat|level|bus|boîte|bte|scala|piano|interno|as|huoneisto|"
    r"porta|portal|lok|lokal|m)\.?\s?[\w/-]{1,6}\.?"
    r"|\s[A-Z]\s?\d{1,3}(?![\w])"
    r"|\s?,?\s?(?:\d{1,2}|st)\.?\s?(?i:th|tv|mf)\.?"
    r"|\s?,?\s?r/c"
    r"|\s?,?\s\d{1,2}\.?\s?[ºª°]\s?(?:[A-Za-z]{1,5}\.?)?"
    r"|,\s?H\d{3,4}"
    r"|,\s?RD\s?\d{1,2}"
    r"|,?\s\d{1,2}\s?tr(?![\w])"
    r"|-?(?:I{1,3}|IV|hs|huis|bis)(?![\w])"
    r"|\s?,?\s(?i:bajo|entlo|entresuelo|ático|principal|izda|dcha|izq|der|centro)\.?(?:\s?[A-Z](?![\w]))?)")


def extend(text: str, end: int) -> int:
    """The end of a street line once the unit, floor and door that follow it are taken in."""
    for _ in range(4):
        m = _TAIL.match(text, end)
        if m is None or not m.group(0).strip():
            return end
        end = m.end()
    return end


FR_HINT = re.compile(r"(?i:\b(?:" + _FR_TYPE + r")\s)")


def type_first_ok(match: re.Match[str]) -> bool:
    kind = match.groupdict().get("type")
    if kind and kind.lower() in _TYPE_CAPS_ONLY:
        return kind[0].isupper()
    return True
