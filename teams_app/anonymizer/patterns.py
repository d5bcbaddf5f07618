"""Regular expressions for the structured kinds of personal data.

E-mail addresses, phone numbers, messenger handles, street addresses, school
and organisation names with their numbers, in Russian and English spelling.
Person names need morphology and are found in ``names.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from teams_app.anonymizer.spans import (
    ADDRESS,
    EMAIL,
    HANDLE,
    ORGANISATION,
    PHONE,
    PLACE,
    SCHOOL,
    Span,
)

# --- e-mail, handles, links to personal pages -------------------------------

_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,}")

# Telegram allows 5 to 32 characters and Instagram allows dots, so the bounds
# are wide. The look-behind skips the "@" of an e-mail address.
_HANDLE = re.compile(r"(?<![\w@.])@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,30}[A-Za-z0-9_])?")

_PROFILE_LINK = re.compile(
    r"(?:https?://)?(?:www\.|m\.)?"
    r"(?:t\.me|telegram\.me|wa\.me|vk\.com|vk\.ru|ok\.ru|instagram\.com|facebook\.com"
    r"|fb\.com|twitter\.com|x\.com|tiktok\.com|youtube\.com|linkedin\.com/in"
    r"|github\.com|dzen\.ru)"
    r"/[^\s<>«»\"'()\[\]]+",
    re.IGNORECASE,
)
_TRAILING_PUNCTUATION = ".,;:!?"

# --- phone numbers ----------------------------------------------------------

_SEPARATOR = r"[\s\-\u2010-\u2013]*"
_PHONE = re.compile(
    r"(?<![\w+])(?:"
    # International form with a plus: +7 (915) 407-22-18, +44 20 7946 0958.
    r"\+\s?\d[\d\s\-\u2010-\u2013().]{6,22}\d"
    # Russian trunk prefix: 8-926-318-40-75, 8 (903) 157-28-46, 89031572846.
    rf"|8{_SEPARATOR}\(?\d{{3}}\)?{_SEPARATOR}\d{{3}}{_SEPARATOR}\d{{2}}{_SEPARATOR}\d{{2}}"
    # Area code in brackets: (495) 123-45-67.
    rf"|\(\d{{3,5}}\)\s?\d{{1,3}}{_SEPARATOR}\d{{2}}{_SEPARATOR}\d{{2}}"
    # Russian mobile number without a prefix: 915 407 22 18.
    rf"|9\d{{2}}{_SEPARATOR}\d{{3}}{_SEPARATOR}\d{{2}}{_SEPARATOR}\d{{2}}"
    # Seven-digit local number: 407-22-18.
    r"|\d{3}[\-\u2010-\u2013]\d{2}[\-\u2010-\u2013]\d{2}"
    r")(?!\w)"
)
_PHONE_DIGIT_COUNTS = {"+": range(10, 16), "8": range(11, 12), "(": range(10, 12)}

# --- street addresses -------------------------------------------------------

_RU_STREET_TYPE = (
    r"(?i:ул\.|улиц(?:а|е|у|ы|ей)|пр-т|пр-кт|просп\.|проспект(?:а|е|у|ом)?"
    r"|пер\.|переул(?:ок|ка|ке|ку|ком)|б-р|бул\.|бульвар(?:а|е|у|ом)?|ш\.|шоссе"
    r"|наб\.|набережн(?:ая|ой|ую)|пл\.|площад(?:ь|и|ью)|проезд(?:а|е|у|ом)?"
    r"|туп\.|тупик(?:а|е|у|ом)?|мкр\.|мкр-н|микрорайон(?:а|е|у|ом)?)"
)
_RU_STREET_NAME = (
    r"(?:\d{1,3}-?(?:я|й|ая|ой|ий|ья)\s+)?"
    r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁа-яё][а-яё]+)?(?:\s+[А-ЯЁ][а-яё]+){0,2}"
)
_RU_HOUSE = (
    r"(?:,?\s*(?i:д\.|дом)\s*\d+[а-яА-Я]?(?:/\d+)?"
    r"(?:,?\s*(?i:к\.|корп\.|корпус|стр\.|строение)\s*\d+)?"
    r"(?:,?\s*(?i:кв\.|квартира|оф\.|офис)\s*\d+)?"
    r"|,?\s+\d+[а-яА-Я]?(?:/\d+)?(?=[\s,.;)]|$))?"
)
_RU_ADDRESS = re.compile(
    # Street type first: "ул. Ленина, д. 5", "улица Профсоюзная 12".
    rf"(?<!\w){_RU_STREET_TYPE}\s*{_RU_STREET_NAME}{_RU_HOUSE}"
    # Adjective first: "Ленинский проспект, д. 5", "на Профсоюзной улице".
    r"|(?<!\w)[А-ЯЁ][а-яё]+(?:ая|ий|ый|ой|ую|ом|ей|ого|ому|ое)\s+"
    r"(?i:улиц(?:а|е|у|ы|ей)|проспект(?:а|е|у|ом)?|пр-т|переул(?:ок|ка|ке|ку|ком)"
    r"|бульвар(?:а|е|у|ом)?|шоссе|набережн(?:ая|ой|ую)|площад(?:ь|и|ью)|проезд(?:а|е|у|ом)?)"
    rf"(?!\w){_RU_HOUSE}"
    # House and flat without a street: "д. 5, кв. 12".
    r"|(?<!\w)(?i:д\.|дом)\s*\d+[а-яА-Я]?(?:/\d+)?,?\s*(?i:кв\.|квартира)\s*\d+"
)
_EN_STREET_TYPE = (
    r"(?:Street|St\.|Avenue|Ave\.|Road|Rd\.|Lane|Ln\.|Boulevard|Blvd\.|Drive"
    r"|Prospekt|Prospect|Highway|Square|Sq\.|Embankment|Alley)"
)
_EN_ADDRESS = re.compile(
    r"(?<!\w)(?:\d+[A-Za-z]?,?\s+)?"
    r"(?:[A-Z][a-z]+(?:-[A-Z][a-z]+)?\s+){1,3}"
    rf"{_EN_STREET_TYPE}(?!\w)"
    r"(?:,?\s*(?:No\.?\s*|#\s*)?\d+[A-Za-z]?(?:/\d+)?(?!\w))?"
    r"(?:,?\s*(?:[Aa]pt\.?|[Aa]partment|[Ff]lat)\s*\d+)?"
)

# --- schools ----------------------------------------------------------------

_RU_SCHOOL_FORM = (
    r"(?:ГБОУ|МБОУ|МАОУ|МКОУ|ГАОУ|ГКОУ|ГБНОУ|ФГБОУ|ФГАОУ|ЧОУ|АНОО|НОУ|МОУ)"
    r"(?:\s+(?:ВО|ДО|СОШ|ООШ|НОШ))?"
)
_RU_SCHOOL_WORD = (
    r"(?i:школа-интернат\w*|школ(?:а|ы|е|у|ой)|СОШ|ООШ|НОШ|лице(?:й|я|ю|е|ем)"
    r"|гимнази(?:я|и|ю|ей)|прогимнази(?:я|и|ю|ей)|колледж(?:а|е|у|ем)?"
    r"|техникум(?:а|е|у|ом)?|центр(?:а|е|у|ом)? образования|ЦО|ДОУ|ДДТ|ЦДТ|ДЮСШ"
    r"|детск(?:ий|ого|ом|ому) сад(?:а|е|у|ом)?|д/с"
    r"|кадетск(?:ий|ого|ом|ому) корпус(?:а|е|у|ом)?)"
)
# "в школе 2 года" and "в школе 3 класса" are not school numbers.
_RU_NOT_A_SCHOOL_NUMBER = (
    r"(?!\s*(?:-?(?:х|го|м)\b|год|лет|раз|час|мин|дн|дня|недел|месяц|класс|урок"
    r"|человек|учени|учител|педагог|%))"
)
_RU_SCHOOL = re.compile(
    # "ГБОУ Школа № 2086", "школа №15", "лицей 1535", "гимназии № 9".
    rf"(?<!\w)(?:{_RU_SCHOOL_FORM}\s+)?«?{_RU_SCHOOL_WORD}"
    r"(?:\s*(?:№|N|No\.?|номер)\s*\d{1,4}(?:[-/]\d{1,3})?"
    rf"|\s+\d{{1,4}}(?:[-/]\d{{1,3}})?{_RU_NOT_A_SCHOOL_NUMBER}(?!\w))»?"
    # "ГБОУ «Школа № 2086»", "школа «Ромашка»", but not "школа «развивала талант»".
    rf"|(?<!\w)(?:{_RU_SCHOOL_FORM}|{_RU_SCHOOL_WORD})\s+«[А-ЯЁA-Z0-9][^»\n]{{0,79}}»"
    # "гимназия им. А. С. Пушкина", "школа имени Героя Советского Союза ..."
    rf"|(?<!\w){_RU_SCHOOL_WORD}\s+(?:имени|им\.)\s*[А-ЯЁ][\w.\-]*(?:\s+[А-ЯЁ][\w.\-]*){{0,3}}"
    # Number first: "в 57-й школе", "в 3 школе".
    r"|(?<![\w№])\d{1,4}(?:-?(?:й|я|ой|ая|ую|ей|ом|ю|е))?\s+"
    r"(?i:школ(?:а|е|у|ой)|лице(?:й|е|ю|ем)|гимнази(?:я|и|ю|ей))(?!\w)"
)
_EN_SCHOOL_WORD = (
    r"(?:[Ss]chool|[Ll]yceum|[Gg]ymnasium|[Kk]indergarten"
    r"|[Ee]ducation [Cc]ent(?:re|er))"
)
_EN_SCHOOL = re.compile(
    r"(?<!\w)(?:(?:GBOU|MBOU|MAOU)\s+)?"
    rf"{_EN_SCHOOL_WORD}\s*(?:No\.?|N[o°º]\.?|№|#|[Nn]umber)\s*\d{{1,4}}(?!\w)"
    rf"|(?<!\w)(?:(?:GBOU|MBOU|MAOU)\s+)?{_EN_SCHOOL_WORD}\s+\d{{1,4}}(?!\w)"
    r"(?!\s*(?:years?|months?|weeks?|days?|hours?|times?|students?|pupils?|teachers?"
    r"|class|classes|grades?|%))"
    rf"|(?<!\w){_EN_SCHOOL_WORD}\s+named\s+after\s+[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*){{0,3}}"
    r"|(?<!\w)\d{1,4}(?:st|nd|rd|th)\s+(?:[Ss]chool|[Ll]yceum|[Gg]ymnasium)(?!\w)"
)

# --- organisations ----------------------------------------------------------

_RU_ORG_FORM = (
    r"(?:ООО|ОАО|ЗАО|ПАО|АО|НКО|АНО|НП|ИП|ГБУ|ГКУ|ГАУ|МБУ|МКУ|ФГБУ|ФГУП|ГУП|МУП|БФ"
    r"|[Фф]онд|[Бб]лаготворительный фонд)"
)
_EN_ORG_FORM = r"(?:LLC|Ltd\.?|Inc\.?|Foundation|Fund|NGO|JSC)"
_UNIVERSITY_ACRONYM = (
    r"(?:[А-Я]{1,4}(?:ГУ|ПУ|ТУ|ЭУ)|СПбГУ|НИУ\s+ВШЭ|ВШЭ|РУДН|МФТИ|МГИМО|РАНХиГС|МИФИ"
    r"|МИСиС|HSE|MSU|MGPU|MPGU|RUDN|MIPT|MGIMO|RANEPA|SPbU|Higher School of Economics)"
)
_ORGANISATION = re.compile(
    rf"(?<!\w)(?:{_RU_ORG_FORM}|{_EN_ORG_FORM})\s*(?:«[^»\n]{{1,80}}»|\"[^\"\n]{{1,80}}\")"
    rf"|(?<!\w)(?:ООО|ОАО|ЗАО|ПАО|ИП)\s+[А-ЯЁ][\w\-]+(?:\s+[А-ЯЁ][\w\-]+){{0,2}}"
    rf"|(?<!\w)[A-Z][\w\-]+(?:\s+[A-Z][\w\-]+){{0,2}},?\s+(?:LLC|Ltd\.?|Inc\.?)"
    rf"|(?<!\w){_UNIVERSITY_ACRONYM}(?!\w)"
    # "Московский городской педагогический университет", "Институт развития ..."
    r"|(?<!\w)[А-ЯЁ][а-яё]+(?:ий|ый|ой|ого|ом|ому)"
    r"(?:\s+[а-яё]+(?:ий|ый|ой|ого|ом|ому)){0,4}\s+"
    r"(?:университет|институт|академи|колледж)[а-яё]*"
    r"|(?<!\w)(?:[A-Z][a-z]+\s+){1,4}(?:University|Institute|Academy)"
    r"(?:\s+of(?:\s+[A-Z][a-z]+)+)?"
    r"|(?<!\w)(?:University|Institute|Academy)\s+of(?:\s+[A-Z][a-z]+)+"
)

# --- places -----------------------------------------------------------------

# Moscow's administrative districts. ЗАО is also a company form, and either
# way it is removed.
_MOSCOW_DISTRICT = re.compile(
    r"(?<!\w)(?:ЦАО|САО|СВАО|ВАО|ЮВАО|ЮАО|ЮЗАО|ЗАО|СЗАО|ЗелАО|ТиНАО|НАО)(?!\w)"
)


def _phone_is_plausible(candidate: str) -> bool:
    digits = sum(character.isdigit() for character in candidate)
    allowed = _PHONE_DIGIT_COUNTS.get(candidate[0])
    if allowed is not None:
        return digits in allowed
    if candidate[0] == "9":
        return digits == 10
    return digits == 7


def find_structured(text: str) -> Iterator[Span]:
    """Yield e-mail, handle, phone, address, school, organisation and district spans."""
    for match in _EMAIL.finditer(text):
        yield Span(match.start(), match.end(), EMAIL)

    for match in _PROFILE_LINK.finditer(text):
        end = match.end()
        while end > match.start() and text[end - 1] in _TRAILING_PUNCTUATION:
            end -= 1
        yield Span(match.start(), end, HANDLE)

    for match in _HANDLE.finditer(text):
        yield Span(match.start(), match.end(), HANDLE)

    for match in _PHONE.finditer(text):
        candidate = match.group().strip()
        if _phone_is_plausible(candidate):
            yield Span(match.start(), match.end(), PHONE)

    for pattern in (_RU_ADDRESS, _EN_ADDRESS):
        for match in pattern.finditer(text):
            yield Span(match.start(), match.end(), ADDRESS)

    for pattern in (_RU_SCHOOL, _EN_SCHOOL):
        for match in pattern.finditer(text):
            yield Span(match.start(), match.end(), SCHOOL)

    for match in _ORGANISATION.finditer(text):
        yield Span(match.start(), match.end(), ORGANISATION)

    for match in _MOSCOW_DISTRICT.finditer(text):
        yield Span(match.start(), match.end(), PLACE)
