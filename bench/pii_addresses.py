"""Street addresses written the way each country writes them.

An address is a street line (street name, house number and the unit if any: the span the
detector must find) and a tail (postcode and town, which may follow in the text). Street
lines come from Faker's ``street_address()`` for the locale, or are built here in the
country's own order: street type before the name (rue, via, calle, ul.) or after it
(-straße, -gatan, -vej, Street), house number before or after, units as the country writes
them (Apt 4B, 4/12, 12/3/7, 2. th., 12 A 5, 3º B), and the country's postcodes (SW1A 1AA,
2000 NSW, 1234 AB, 12-345, 1234-123, 123 45, CH-8001, 75008).
"""

from __future__ import annotations

import random
import re
from collections.abc import Callable
from dataclasses import dataclass

from faker import Faker

from bench.pii_values import LETTERS, digits


@dataclass(frozen=True)
class Address:
    street: str
    tail: str
    variant: str


def _n(rng: random.Random, high: int = 250) -> str:
    return str(rng.choice((rng.randint(1, 30), rng.randint(1, high), rng.randint(1, high))))


def _letter(rng: random.Random, p: float = 0.2, letters: str = "abc") -> str:
    return rng.choice(letters) if rng.random() < p else ""


def _pick(rng: random.Random, real: tuple[str, ...], fake: Faker, p_real: float = 0.5) -> str:
    return rng.choice(real) if rng.random() < p_real else str(fake.street_name())


def _city(rng: random.Random, real: tuple[str, ...], fake: Faker) -> str:
    return rng.choice(real) if rng.random() < 0.6 else str(fake.city())


# --- postcodes --------------------------------------------------------------------------------

def _gb_postcode(rng: random.Random) -> str:
    area = rng.choice(("SW", "EC", "N", "M", "B", "LS", "G", "EH", "CF", "BS", "NE", "W", "E", "SE", "OX"))
    district = str(rng.randint(1, 20)) + (rng.choice("ABCDEHJ") if rng.random() < 0.15 else "")
    return f"{area}{district} {rng.randint(0, 9)}{rng.choice(LETTERS)}{rng.choice(LETTERS)}"


def _ca_postcode(rng: random.Random) -> str:
    ok = "ABCEGHJKLMNPRSTVWXYZ"
    return (f"{rng.choice('ABCEGHJKLMNPRSTVXY')}{rng.randint(0, 9)}{rng.choice(ok)} "
            f"{rng.randint(0, 9)}{rng.choice(ok)}{rng.randint(0, 9)}")


def _eircode(rng: random.Random) -> str:
    chars = "ACDEFHKNPRTVWXY0123456789"
    return f"{rng.choice(('D02', 'D04', 'D06', 'D08', 'T12', 'H91', 'V94', 'A94', 'K78', 'X91'))} " + \
        "".join(rng.choice(chars) for _ in range(4))


def _nl_postcode(rng: random.Random) -> str:
    letters = rng.choice(LETTERS) + rng.choice(LETTERS)
    return f"{digits(rng, 4, first='123456789')}{rng.choice(('', ' ', ' '))}{letters}"


# --- one builder per country ---------------------------------------------------------------

_US_STREETS = ("Main St", "Oak Avenue", "Maple Ave", "N 5th St", "Elm Street", "Park Blvd", "W 34th Street",
               "Sunset Blvd", "Lakeview Dr", "Washington Ave", "Cedar Lane", "Pine Ct")
_US_STATES = ("NY", "CA", "TX", "FL", "IL", "WA", "OR", "MA", "GA", "CO", "OH", "PA")


def _us(fake: Faker, rng: random.Random) -> Address:
    line = f"{_n(rng, 9999)} {_pick(rng, _US_STREETS, fake)}"
    if rng.random() < 0.3:
        line += rng.choice((", Apt {u}", " Apt. {u}", " Suite {u}", " #{u}", " Unit {u}")).format(
            u=rng.randint(1, 40) if rng.random() < 0.5 else f"{rng.randint(1, 20)}{rng.choice('ABCD')}")
    pc = digits(rng, 5, first="123456789") + (f"-{digits(rng, 4)}" if rng.random() < 0.2 else "")
    tail = f"{_city(rng, ('Springfield', 'Portland', 'Austin', 'Denver', 'Brooklyn'), fake)}, {rng.choice(_US_STATES)} {pc}"
    return Address(line, tail, "built")


_GB_STREETS = ("High Street", "Station Road", "Church Lane", "Victoria Road", "Green Lane", "Manor Road", "Park Avenue",
               "The Crescent", "Kings Road", "Mill Lane", "Queen's Drive", "Albert Terrace")


def _gb(fake: Faker, rng: random.Random) -> Address:
    line = f"{_n(rng, 300)}{_letter(rng, 0.1)} {_pick(rng, _GB_STREETS, fake)}"
    if rng.random() < 0.3:
        line = rng.choice(("Flat {u}, {line}", "Flat {u} {line}", "Apartment {u}, {line}")).format(
            u=rng.randint(1, 30), line=line)
    tail = f"{_city(rng, ('London', 'Manchester', 'Leeds', 'Bristol', 'Glasgow', 'Oxford'), fake)} {_gb_postcode(rng)}"
    return Address(line, tail, "built")


_AU_STREETS = ("George St", "Pitt Street", "Smith Street", "Bourke Street", "Elizabeth St", "Chapel Street",
               "Beach Road", "Queen Street", "The Esplanade", "Brunswick Parade", "Oxford St", "Victoria Pde")
_AU_STATES = (("NSW", "2"), ("VIC", "3"), ("QLD", "4"), ("SA", "5"), ("WA", "6"), ("TAS", "7"), ("ACT", "26"))


def _au(fake: Faker, rng: random.Random) -> Address:
    number, street = _n(rng, 400), _pick(rng, _AU_STREETS, fake)
    line = rng.choice((f"{number} {street}", f"{number} {street}", f"{rng.randint(1, 40)}/{number} {street}",
                       f"Unit {rng.randint(1, 40)}, {number} {street}", f"Level {rng.randint(1, 30)}, {number} {street}"))
    state, first = rng.choice(_AU_STATES)
    suburb = _city(rng, ("Surry Hills", "Fitzroy", "South Brisbane", "Glenelg", "Fremantle", "Braddon"), fake)
    tail = rng.choice(("{s} {st} {pc}", "{s}, {st} {pc}", "{s} {st}, {pc}")).format(
        s=suburb, st=state, pc=first + digits(rng, 4 - len(first)))
    return Address(line, tail, "built")


_CA_STREETS = ("Yonge Street", "King St W", "Queen St E", "Main Street", "Robson St", "Jasper Avenue",
               "Portage Ave", "Bloor St W", "Rue Sainte-Catherine O", "Granville Street")
_CA_PROVINCES = ("ON", "QC", "BC", "AB", "MB", "NS", "SK")


def _ca(fake: Faker, rng: random.Random) -> Address:
    number, street = _n(rng, 3000), _pick(rng, _CA_STREETS, fake)
    line = rng.choice((f"{number} {street}", f"{number} {street}", f"{rng.randint(100, 2500)}-{number} {street}",
                       f"{number} {street}, Unit {rng.randint(1, 40)}", f"{number} {street} Apt {rng.randint(1, 40)}"))
    city = _city(rng, ("Toronto", "Montréal", "Vancouver", "Calgary", "Winnipeg", "Halifax"), fake)
    return Address(line, f"{city}, {rng.choice(_CA_PROVINCES)} {_ca_postcode(rng)}", "built")


_IE_STREETS = ("Main Street", "O'Connell Street", "Grafton Street", "Patrick Street", "Church Road", "Harcourt Road",
               "Shop Street", "Dame Street", "Strand Road", "Castle Street")


def _ie(fake: Faker, rng: random.Random) -> Address:
    line = f"{_n(rng, 200)} {_pick(rng, _IE_STREETS, fake)}"
    if rng.random() < 0.25:
        line = f"Apartment {rng.randint(1, 60)}, {line}"
    town = rng.choice(("Dublin 2", "Dublin 8", "Cork", "Galway", "Limerick", "Co. Kildare", "Athlone"))
    return Address(line, f"{town}, {_eircode(rng)}" if rng.random() < 0.7 else town, "built")


_NZ_STREETS = ("Queen Street", "Lambton Quay", "Cuba Street", "Colombo Street", "Ponsonby Road", "Karangahape Road",
               "Dominion Road", "George Street", "Riccarton Road", "Great South Road")


def _nz(fake: Faker, rng: random.Random) -> Address:
    number, street = _n(rng, 500), _pick(rng, _NZ_STREETS, fake)
    line = rng.choice((f"{number} {street}", f"{number}{_letter(rng, 0.3)} {street}",
                       f"{rng.randint(1, 20)}/{number} {street}", f"Flat {rng.randint(1, 9)}, {number} {street}"))
    area = rng.choice(("Ponsonby, Auckland", "Te Aro, Wellington", "Riccarton, Christchurch", "Dunedin Central, Dunedin"))
    return Address(line, f"{area} {digits(rng, 4, first='0123456789')}", "built")


_DE_STREETS = ("Hauptstraße", "Bahnhofstraße", "Berliner Straße", "Am Markt", "Lindenallee", "Schillerstr.",
               "Goethestraße", "Kirchweg", "Im Winkel", "An der Alster", "Unter den Linden", "Friedrich-Ebert-Straße",
               "Karl-Marx-Allee", "Rosenweg", "Mühlenstr.")


def _de(fake: Faker, rng: random.Random) -> Address:
    number = rng.choice((_n(rng), _n(rng) + _letter(rng, 0.6), f"{_n(rng, 80)} {rng.choice('ab')}",
                         f"{(k := rng.randint(1, 90))}-{k + rng.choice((2, 4))}"))
    line = f"{_pick(rng, _DE_STREETS, fake)} {number}"
    city = _city(rng, ("Berlin", "Hamburg", "München", "Köln", "Frankfurt am Main", "Leipzig"), fake)
    return Address(line, f"{rng.choice(('', '', '', 'D-'))}{digits(rng, 5, first='0123456789')} {city}", "built")


_AT_STREETS = ("Mariahilfer Straße", "Landstraßer Hauptstraße", "Herrengasse", "Getreidegasse", "Favoritenstraße",
               "Linzer Straße", "Praterstraße", "Annenstraße", "Schönbrunner Str.")


def _at(fake: Faker, rng: random.Random) -> Address:
    number = rng.choice((_n(rng), f"{_n(rng)}/{rng.randint(1, 30)}", f"{_n(rng)}/{rng.randint(1, 6)}/{rng.randint(1, 40)}",
                         f"{_n(rng)}/Top {rng.randint(1, 40)}"))
    line = f"{_pick(rng, _AT_STREETS, fake)} {number}"
    city = rng.choice((("1060", "Wien"), ("1030", "Wien"), ("8010", "Graz"), ("5020", "Salzburg"), ("6020", "Innsbruck"),
                       ("4020", "Linz")))
    return Address(line, f"{rng.choice(('', '', 'A-'))}{city[0]} {city[1]}", "built")


_CH_DE_STREETS = ("Bahnhofstrasse", "Seestrasse", "Dorfstrasse", "Hauptstrasse", "Kirchgasse", "Limmatquai",
                  "Zürcherstrasse", "Marktgasse", "Spitalgasse", "Rosenweg")
_CH_FR_STREETS = ("Rue du Rhône", "Avenue de la Gare", "Chemin des Vignes", "Route de Lausanne", "Place du Marché",
                  "Rue de Lausanne", "Avenue de Cour", "Rue du Simplon", "Boulevard de Pérolles")


def _ch(fake: Faker, rng: random.Random, *, french: bool = False) -> Address:
    line = f"{_pick(rng, _CH_FR_STREETS if french else _CH_DE_STREETS, fake)} {_n(rng, 150)}{_letter(rng, 0.15)}"
    cities = (("1204", "Genève"), ("1003", "Lausanne"), ("2000", "Neuchâtel"), ("1700", "Fribourg")) if french else \
        (("8001", "Zürich"), ("3011", "Bern"), ("4051", "Basel"), ("6003", "Luzern"), ("9000", "St. Gallen"))
    pc, city = rng.choice(cities)
    return Address(line, f"{rng.choice(('', '', 'CH-'))}{pc} {city}", "built")


_FR_STREETS = ("rue de la Paix", "avenue Victor Hugo", "boulevard Haussmann", "rue du Faubourg Saint-Honoré",
               "place de la République", "allée des Tilleuls", "impasse des Lilas", "chemin des Vignes",
               "quai de la Tournelle", "rue Jean Jaurès", "Rue Nationale", "Avenue de la Libération")


def _fr(fake: Faker, rng: random.Random) -> Address:
    street = _pick(rng, _FR_STREETS, fake)
    if rng.random() < 0.2:
        street = street[0].upper() + street[1:]
    number = _n(rng, 200) + rng.choice(("", "", "", "", " bis", "bis", " ter"))
    line = f"{number}{rng.choice((' ', ' ', ', '))}{street}"
    if rng.random() < 0.15:
        line = rng.choice((f"Bât. {rng.choice('ABC')}, {line}", f"Appt {rng.randint(1, 60)}, {line}"))
    city = rng.choice((("75008", "Paris"), ("75011", "PARIS"), ("69003", "Lyon"), ("13001", "Marseille"),
                       ("31000", "Toulouse"), ("33000", "Bordeaux"), ("59000", "Lille")))
    return Address(line, f"{city[0]} {city[1]}", "built")


_NL_STREETS = ("Kerkstraat", "Prinsengracht", "Laan van Meerdervoort", "Dorpsstraat", "Stationsweg", "Hoofdweg",
               "Molenstraat", "Van Baerlestraat", "Oudegracht", "Burgemeester de Monchyplein", "Julianalaan")


def _nl(fake: Faker, rng: random.Random) -> Address:
    n = _n(rng, 400)
    number = rng.choice((n, n, f"{n}{rng.choice('ABC')}", f"{n} {rng.choice('ABC')}", f"{n}-{rng.randint(1, 3)}",
                         f"{n}hs", f"{n}-II", f"{n} bis"))
    city = _city(rng, ("Amsterdam", "Rotterdam", "Den Haag", "Utrecht", "Eindhoven", "Groningen"), fake)
    return Address(f"{_pick(rng, _NL_STREETS, fake)} {number}", f"{_nl_postcode(rng)} {city}", "built")


_BE_STREETS = ("Kerkstraat", "Meir", "Veldstraat", "Grote Markt", "Stationsstraat", "Koning Albertlaan",
               "Diestsestraat", "Nieuwstraat", "Brugsesteenweg", "Kortrijksesteenweg")


def _be(fake: Faker, rng: random.Random) -> Address:
    n = _n(rng, 300)
    number = rng.choice((n, n, f"{n}{rng.choice('AB')}", f"{n} bus {rng.randint(1, 30)}", f"{n}/{rng.randint(1, 12)}"))
    city = rng.choice((("2000", "Antwerpen"), ("9000", "Gent"), ("3000", "Leuven"), ("8000", "Brugge"), ("1000", "Brussel")))
    return Address(f"{_pick(rng, _BE_STREETS, fake)} {number}", f"{rng.choice(('', '', 'B-'))}{city[0]} {city[1]}", "built")


_IT_STREETS = ("Via Roma", "Via Giuseppe Garibaldi", "Corso Vittorio Emanuele II", "Piazza del Duomo", "Viale dei Mille",
               "Via della Spiga", "Largo Augusto", "Via Nazionale", "Corso Italia", "Via Mazzini", "Via dei Coronari")


def _it(fake: Faker, rng: random.Random) -> Address:
    number = _n(rng, 200) + rng.choice(("", "", "", "/B", "A", " bis"))
    line = f"{_pick(rng, _IT_STREETS, fake)}{rng.choice((', ', ' ', ', '))}{number}"
    if rng.random() < 0.15:
        line += rng.choice((f", scala {rng.choice('ABC')}", f", int. {rng.randint(1, 20)}", f" piano {rng.randint(1, 8)}"))
    city = rng.choice((("20121", "Milano", "MI"), ("00184", "Roma", "RM"), ("10121", "Torino", "TO"),
                       ("50122", "Firenze", "FI"), ("80133", "Napoli", "NA")))
    tail = rng.choice(("{0} {1} ({2})", "{0} {1} {2}", "{0} {1}")).format(*city)
    return Address(line, tail, "built")


_ES_STREETS = ("Calle Mayor", "C/ de Alcalá", "Gran Vía", "Avenida de la Constitución", "Avda. Diagonal",
               "Paseo de Gracia", "Plaza de España", "Calle de Serrano", "Carrer de Balmes", "Rambla de Catalunya",
               "C/ San Vicente", "Calle Real")


def _es(fake: Faker, rng: random.Random) -> Address:
    line = f"{_pick(rng, _ES_STREETS, fake)}{rng.choice((', ', ' ', ', nº '))}{_n(rng, 200)}"
    if rng.random() < 0.5:
        line += rng.choice((", {f}º {d}", ", {f}º {s}", ", {f}.º {d}", " {f}º{d}", ", bajo {d}")).format(
            f=rng.randint(1, 9), d=rng.choice("ABCD"), s=rng.choice(("izq.", "dcha.", "izda.")))
    city = rng.choice((("28013", "Madrid"), ("08007", "Barcelona"), ("46002", "Valencia"), ("41001", "Sevilla"),
                       ("48001", "Bilbao")))
    return Address(line, f"{city[0]} {city[1]}", "built")


_MX_STREETS = ("Av. Insurgentes Sur", "Calle 5 de Mayo", "Paseo de la Reforma", "Av. Juárez", "Calle Madero",
               "Av. Revolución", "Calle Hidalgo", "Av. Chapultepec", "Calle Morelos")


def _mx(fake: Faker, rng: random.Random) -> Address:
    line = f"{_pick(rng, _MX_STREETS, fake)}{rng.choice((' ', ' #', ' No. '))}{_n(rng, 3000)}"
    if rng.random() < 0.35:
        line += rng.choice((f" Int. {rng.randint(1, 30)}", f", Depto. {rng.randint(101, 905)}", f" int {rng.randint(1, 9)}B"))
    tail = rng.choice(("Col. Del Valle, 03100 Ciudad de México, CDMX", "Col. Centro, C.P. 44100 Guadalajara, Jal.",
                       "Col. Roma Norte, 06700 CDMX", "Col. Obispado, 64060 Monterrey, N.L."))
    return Address(line, tail, "built")


_PT_STREETS = ("Rua Augusta", "Avenida da Liberdade", "Rua de Santa Catarina", "Praça do Comércio", "Rua do Ouro",
               "Travessa do Carmo", "Largo do Chiado", "Av. da República", "Rua Direita")


def _pt(fake: Faker, rng: random.Random) -> Address:
    line = f"{_pick(rng, _PT_STREETS, fake)}{rng.choice((', ', ' ', ', n.º '))}{_n(rng, 300)}"
    if rng.random() < 0.45:
        line += rng.choice((", {f}.º Esq.", ", {f}.º Dto.", " r/c", ", {f}.º andar", " {f}º D")).format(f=rng.randint(1, 9))
    city = rng.choice(("Lisboa", "Porto", "Braga", "Coimbra", "Faro"))
    return Address(line, f"{digits(rng, 4, first='123456789')}-{digits(rng, 3)} {city}", "built")


_BR_STREETS = ("Rua das Flores", "Av. Paulista", "Rua Oscar Freire", "Avenida Atlântica", "Rua XV de Novembro",
               "Rua Augusta", "Avenida Brasil", "Rua 25 de Março", "Rua da Consolação")


def _br(fake: Faker, rng: random.Random) -> Address:
    line = f"{_pick(rng, _BR_STREETS, fake)}{rng.choice((', ', ', nº ', ' '))}{_n(rng, 3000)}"
    if rng.random() < 0.4:
        line += rng.choice((f", apto {rng.randint(11, 305)}", f" - apto {rng.randint(11, 305)}", f", ap. {rng.randint(1, 99)}",
                            f", bloco {rng.choice('ABC')}, apto {rng.randint(11, 305)}", f" casa {rng.randint(1, 9)}"))
    cep = f"{digits(rng, 5, first='0123456789')}-{digits(rng, 3)}"
    tail = rng.choice((f"Bela Vista, São Paulo - SP, {cep}", f"Copacabana, Rio de Janeiro - RJ, CEP {cep}",
                       f"{cep} Curitiba - PR", f"Centro, Belo Horizonte - MG, {cep}"))
    return Address(line, tail, "built")


_PL_STREETS = ("ul. Marszałkowska", "al. Jerozolimskie", "ul. Piotrkowska", "ul. Floriańska", "pl. Zbawiciela",
               "ul. Długa", "os. Tysiąclecia", "ul. Kościuszki", "ul. 3 Maja", "aleja Niepodległości")


def _pl(fake: Faker, rng: random.Random) -> Address:
    street = rng.choice(_PL_STREETS) if rng.random() < 0.5 else rng.choice(("ul. ", "ul. ", "ulica ", "al. ")) + str(
        fake.street_name())
    n = _n(rng, 200) + _letter(rng, 0.15, "ABC")
    number = rng.choice((n, f"{n}/{rng.randint(1, 120)}", f"{n} m. {rng.randint(1, 120)}", f"{n} lok. {rng.randint(1, 40)}"))
    city = rng.choice(("Warszawa", "Kraków", "Łódź", "Wrocław", "Gdańsk", "Poznań"))
    return Address(f"{street} {number}", f"{digits(rng, 2)}-{digits(rng, 3)} {city}", "built")


_SE_STREETS = ("Storgatan", "Drottninggatan", "Kungsgatan", "Sveavägen", "Vasagatan", "Götgatan", "Skolvägen",
               "Östra Hamngatan", "Karlavägen", "Linnégatan")


def _se(fake: Faker, rng: random.Random) -> Address:
    n = _n(rng, 150) + _letter(rng, 0.2, "ABC")
    line = f"{_pick(rng, _SE_STREETS, fake)} {n}" + rng.choice(("", "", "", f" lgh {rng.randint(1001, 1702)}", f", {rng.randint(1, 6)} tr"))
    pc, city = digits(rng, 5, first="123456789"), rng.choice(("Stockholm", "Göteborg", "Malmö", "Uppsala", "Lund"))
    return Address(line, f"{rng.choice(('', '', 'SE-'))}{pc[:3]} {pc[3:]} {city}", "built")


_DK_STREETS = ("Vesterbrogade", "Strøget", "Nørrebrogade", "Østerbrogade", "Amagerbrogade", "H.C. Andersens Boulevard",
               "Jagtvej", "Søndergade", "Frederiksberg Allé", "Gammel Kongevej")


def _dk(fake: Faker, rng: random.Random) -> Address:
    line = f"{_pick(rng, _DK_STREETS, fake)} {_n(rng, 200)}{_letter(rng, 0.15, 'ABC')}"
    if rng.random() < 0.45:
        line += rng.choice((", {f}. th.", ", {f}. tv.", ", st. tv.", ", {f}. mf.", " {f}.th")).format(f=rng.randint(1, 6))
    city = rng.choice((("1620", "København V"), ("2200", "København N"), ("8000", "Aarhus C"), ("5000", "Odense C")))
    return Address(line, f"{rng.choice(('', '', 'DK-'))}{city[0]} {city[1]}", "built")


_NO_STREETS = ("Storgata", "Karl Johans gate", "Bogstadveien", "Thorvald Meyers gate", "Kongens gate", "Markveien",
               "Torggata", "Kirkegata", "Olav Tryggvasons gate")


def _no(fake: Faker, rng: random.Random) -> Address:
    line = f"{_pick(rng, _NO_STREETS, fake)} {_n(rng, 150)}{_letter(rng, 0.25, 'ABC')}"
    if rng.random() < 0.15:
        line += f", H{rng.randint(1, 5)}0{rng.randint(1, 9)}"
    city = rng.choice((("0154", "Oslo"), ("0552", "Oslo"), ("5003", "Bergen"), ("7011", "Trondheim"), ("4006", "Stavanger")))
    return Address(line, f"{city[0]} {city[1]}", "built")


_FI_STREETS = ("Mannerheimintie", "Aleksanterinkatu", "Hämeenkatu", "Pohjoisesplanadi", "Fredrikinkatu", "Kauppakatu",
               "Mäkelänkatu", "Tehtaankatu", "Hämeentie", "Itäinen Pitkäkatu")


def _fi(fake: Faker, rng: random.Random) -> Address:
    line = f"{_pick(rng, _FI_STREETS, fake)} {_n(rng, 120)}"
    if rng.random() < 0.5:
        line += rng.choice((f" {rng.choice('ABC')} {rng.randint(1, 60)}", f" {rng.choice('AB')}{rng.randint(1, 40)}",
                            f" as. {rng.randint(1, 40)}"))
    city = rng.choice((("00100", "Helsinki"), ("00530", "Helsinki"), ("33100", "Tampere"), ("20100", "Turku"), ("90100", "Oulu")))
    return Address(line, f"{rng.choice(('', '', 'FI-'))}{city[0]} {city[1]}", "built")


_CZ_STREETS = ("Václavské náměstí", "Na Příkopě", "Vinohradská", "Karlova", "Národní", "Masarykova", "U Nového Dvora",
               "Dlouhá", "Nádražní", "Husova")


def _cz(fake: Faker, rng: random.Random) -> Address:
    n = _n(rng, 150) + _letter(rng, 0.1)
    number = rng.choice((n, f"{rng.randint(100, 2999)}/{n}", f"{rng.randint(100, 2999)}/{n}"))
    city = rng.choice((("110 00", "Praha 1"), ("120 00", "Praha 2"), ("602 00", "Brno"), ("301 00", "Plzeň"),
                       ("702 00", "Ostrava")))
    return Address(f"{_pick(rng, _CZ_STREETS, fake)} {number}", f"{city[0]} {city[1]}", "built")


BUILDERS: dict[str, Callable[[Faker, random.Random], Address]] = {
    "en_US": _us, "en_GB": _gb, "en_AU": _au, "en_CA": _ca, "en_IE": _ie, "en_NZ": _nz, "de_DE": _de, "de_AT": _at,
    "de_CH": _ch, "fr_CH": lambda f, r: _ch(f, r, french=True), "fr_FR": _fr, "nl_NL": _nl, "nl_BE": _be,
    "it_IT": _it, "es_ES": _es, "es_MX": _mx, "pt_PT": _pt, "pt_BR": _br, "pl_PL": _pl, "sv_SE": _se, "da_DK": _dk,
    "no_NO": _no, "fi_FI": _fi, "cs_CZ": _cz,
}

_PO_BOX = re.compile(r"(?i)\b(?:p\.?\s?o\.?\s?box|box|postfach|caixa postal|apartado)\b")


def faker_street(fake: Faker) -> str | None:
    """Faker's street line for the locale, tidied, or None when it is not a street with a house number."""
    line = re.sub(r"[ \t]+", " ", str(fake.street_address()).strip()).replace("\n", ", ")
    line = re.sub(r"\b0+(\d)", r"\1", line)  # Faker's house numbers "007", "08"
    if not re.search(r"\d", line) or _PO_BOX.search(line):
        return None
    return line


def address(locale: str, fake: Faker, rng: random.Random) -> Address:
    built = BUILDERS[locale](fake, rng)
    if rng.random() < 0.4:
        for _ in range(10):
            line = faker_street(fake)
            if line is not None:
                return Address(line, built.tail, "faker")
    return built
