"""Detection of person names, organisations and places in Russian and English.

Russian text goes through natasha's NER model first, and pymorphy2 completes
its PER spans. A capitalised word whose dictionary analyses are mostly first
names, surnames or patronymics is a name. Every inflected form of a name
found once ("Вероника" → "Веронику", "Вероникой") is a name wherever it
occurs. English text has no model here. A capitalised word is a name when
it follows a title such as "Ms.", is in Faker's list of English first names,
transliterates to a Russian name, or is in no English dictionary ("Yegor",
"Lebedeva"). The capitalised words right next to a name join it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence

from teams_app.anonymizer.models import english_lexicon, find_entities, morph_vocab
from teams_app.anonymizer.spans import NAME, ORGANISATION, PLACE, SCHOOL, Span

_NAME_GRAMMEMES = frozenset({"Name", "Surn", "Patr"})

# Shares of pymorphy2's analyses that must be names for a capitalised word to
# count as a name on its own. Mid-sentence capitals are rare for anything
# else, so a minority share is enough ("Ли" is mostly a particle, "Надежда"
# mostly a common noun). At the start of a sentence every word is capitalised
# and the analyses must be names almost entirely ("Алисе", "Кравцова").
# On the sample cases the lowest mid-sentence score of a name was 0.29
# ("Дани"), apart from a surname pymorphy2 does not know (0 for "Земсков",
# which natasha finds). The highest ordinary word was "Марта" in "8 Марта", 0.02.
_MID_SENTENCE_NAME_SCORE = 0.25
_SENTENCE_START_NAME_SCORE = 0.9

_CYRILLIC_WORD = re.compile(r"[А-ЯЁа-яё]+(?:-[А-ЯЁа-яё]+)*")
_CAPITALISED_CYRILLIC = re.compile(r"[А-ЯЁ][а-яё]+(?:-[А-ЯЁ][а-яё]+)?")
_LATIN_WORD = re.compile(r"[A-Za-z]+(?:-[A-Za-z]+)*")
_CAPITALISED_LATIN = re.compile(
    r"(?<![\w'’])[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?=(?:['’]s)?(?![\w'’]))"
)
_HAS_CYRILLIC = re.compile(r"[А-ЯЁа-яё]")

# Two initials with a surname on either side: "Н.П. Тимофеева",
# "Тимофеевой Н. П.", "O.Yu. Melnikova".
_INITIALS = r"[А-ЯЁA-Z][a-z]?\.\s?[А-ЯЁA-Z][a-z]?\."
_SURNAME = r"[А-ЯЁA-Z][а-яёa-z]+(?:-[А-ЯЁA-Z][а-яёa-z]+)?"
_INITIALS_AND_SURNAME = re.compile(
    rf"(?<![\w.]){_INITIALS}\s?{_SURNAME}(?!\w)|(?<![\w.]){_SURNAME}\s{_INITIALS}"
)
_ONE_INITIAL_AND_SURNAME = re.compile(rf"(?<![\w.])[А-ЯЁ]\.\s?({_SURNAME})(?!\w)")
_INITIALS_BEFORE = re.compile(r"(?:[А-ЯЁA-Z]\.\s?){1,2}$")
_INITIALS_AFTER = re.compile(r"\s[А-ЯЁA-Z]\.(?:\s?[А-ЯЁA-Z]\.)?")

_TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof")
_TITLED_NAME = re.compile(
    rf"(?<!\w)(?:{'|'.join(_TITLES)})\.?\s+"
    r"([A-Z][a-z]+(?:-[A-Z][a-z]+)?(?:\s+[A-Z][a-z]+(?:-[A-Z][a-z]+)?){0,2})"
)

# Russian surnames and patronymics in Latin transliteration, which can name
# a person even at the start of a sentence ("Ivanova said ...").
_RUSSIAN_SURNAME_ENDING = re.compile(
    r"(?:ov|ova|ev|eva|yov|yova|in|ina|yn|yna|sky|skiy|skaya|skii|enko|chuk|vich|vna"
    r"|ovich|evich|ovna|evna)$"
)

_MONTHS_AND_WEEKDAYS = frozenset(
    {
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
    }
)

# Services and products that teachers mention by name. They name no person
# or school, though natasha often tags them ORG or LOC.
_NON_PERSONAL_NAMES = frozenset(
    {
        "whatsapp",
        "telegram",
        "телеграм",
        "телеграмм",
        "viber",
        "вайбер",
        "zoom",
        "зум",
        "skype",
        "скайп",
        "teams",
        "microsoft",
        "google",
        "гугл",
        "yandex",
        "яндекс",
        "tiktok",
        "тикток",
        "youtube",
        "ютуб",
        "rutube",
        "вконтакте",
        "вк",
        "vk",
        "vkontakte",
        "instagram",
        "инстаграм",
        "facebook",
        "фейсбук",
        "chatgpt",
        "gpt",
        "moodle",
        "kahoot",
        "quizlet",
        "discord",
        "сферум",
        "мэш",
        "госуслуги",
        "max",
        "макс",
        "дзен",
        "excel",
        "powerpoint",
        "forms",
        "miro",
        "padlet",
        "canva",
        "учи.ру",
        "uchi.ru",
        "якласс",
        "skysmart",
        "фоксфорд",
    }
)

# Acronyms natasha tags ORG that name a kind of body, not a specific one:
# methodological association, psychological-medical-pedagogical commission,
# state exams, federal standards.
_GENERIC_ACRONYMS = frozenset(
    {
        "мо",
        "шмо",
        "пмпк",
        "цпмпк",
        "огэ",
        "егэ",
        "впр",
        "фгос",
        "овз",
        "сдвг",
        "кдн",
        "пдн",
        "оу",
        "доу",
        "вуз",
        "ссуз",
        "ип",
        "рф",
        "нко",
    }
)

# Dictionary forms of first words of ORG spans that name a kind of authority,
# not a specific one: "Департамент образования", "органы опеки", "профком".
_GENERIC_ORGANISATION_HEADS = frozenset(
    {
        "департамент",
        "министерство",
        "минпросвещения",
        "минобрнауки",
        "управление",
        "комитет",
        "отдел",
        "орган",
        "органы",
        "опека",
        "служба",
        "прокуратура",
        "полиция",
        "суд",
        "профком",
        "профсоюз",
        "администрация",
        "совет",
        "трудовой",
        "закон",
        "школа",
        "инспекция",
        "рособрнадзор",
        "роспотребнадзор",
        "мвд",
        "фсб",
    }
)


def _fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def _is_sentence_start(text: str, index: int) -> bool:
    position = index - 1
    while position >= 0 and text[position] in " \t\u00a0«„\"'“(—–-•*":
        position -= 1
    return position < 0 or text[position] in ".!?…:\n"


def _name_score(word: str) -> float:
    """Return the summed score of pymorphy2's analyses of ``word`` that are names."""
    return sum(
        parse.score
        for parse in morph_vocab().parse(word)
        if _NAME_GRAMMEMES & parse.tag.grammemes
    )


def name_lemmas(word: str) -> set[str]:
    """Return the dictionary forms of ``word`` as a name, or the word itself."""
    lemmas = {
        _fold(parse.normal_form)
        for parse in morph_vocab().parse(word)
        if _NAME_GRAMMEMES & parse.tag.grammemes
    }
    return lemmas or {_fold(word)}


def _all_lemmas(word: str) -> set[str]:
    return {_fold(parse.normal_form) for parse in morph_vocab().parse(word)} | {
        _fold(word)
    }


def _is_only_a_name(word: str) -> bool:
    """Tell whether every analysis of a lower-case word is a name ("кравцова").

    Possessive adjectives count as names: "петрову" is a surname or the
    adjective "Peter's", never an ordinary word.
    """
    parses = morph_vocab().parse(word)
    return bool(parses) and all(
        (_NAME_GRAMMEMES | {"Poss"}) & parse.tag.grammemes for parse in parses
    )


def _inside(spans: Iterable[Span], start: int, end: int) -> bool:
    return any(span.start <= start and end <= span.end for span in spans)


# --- Russian ----------------------------------------------------------------


# Parts of speech that never begin or end a name, organisation or place.
# natasha sometimes pulls a neighbouring verb into a span ("Позвонила Алисе").
_NON_ENTITY_PARTS_OF_SPEECH = frozenset(
    {
        "VERB",
        "INFN",
        "GRND",
        "PRTF",
        "PRTS",
        "ADVB",
        "CONJ",
        "PRCL",
        "PREP",
        "NPRO",
        "INTJ",
        "PRED",
        "COMP",
        "ADJS",
    }
)


def _is_non_entity_word(word: str) -> bool:
    if not _HAS_CYRILLIC.search(word) or _name_score(word) > 0:
        return False
    best = morph_vocab().parse(word)[0]
    return (
        morph_vocab().word_is_known(word)
        and best.tag.POS in _NON_ENTITY_PARTS_OF_SPEECH
    )


def _trim_entity(
    text: str, start: int, end: int, entity_type: str
) -> tuple[int, int] | None:
    """Return natasha's span without verbs at its edges, or None if it names nothing."""
    words = [
        match
        for pattern in (_CYRILLIC_WORD, _LATIN_WORD)
        for match in pattern.finditer(text, start, end)
    ]
    words.sort(key=lambda match: match.start())
    while words and _is_non_entity_word(words[0].group()):
        words.pop(0)
        if words:
            start = words[0].start()
    while words and _is_non_entity_word(words[-1].group()):
        words.pop()
        if words:
            end = words[-1].end()
    if not words:
        return None  # "3" from a quoted mark «3», or a lone verb

    fragment = text[start:end]
    first_word = _fold(words[0].group())
    if _fold(fragment) in _NON_PERSONAL_NAMES or first_word in _NON_PERSONAL_NAMES:
        return None
    if not any(word.group()[0].isupper() for word in words) and not re.search(
        r"\d", fragment
    ):
        return None  # "репетитором" left after trimming a verb
    if entity_type == "PER" and len(words) == 1 and _is_sentence_start(text, start):
        word = words[0].group()
        if _name_score(word) == 0 and morph_vocab().word_is_known(word):
            return None
    if entity_type == "ORG" and not re.search(r"\d|«", fragment):
        if len(words) == 1 and first_word in _GENERIC_ACRONYMS:
            return None
        if _all_lemmas(words[0].group()) & _GENERIC_ORGANISATION_HEADS:
            return None
    return start, end


def find_russian_entities(text: str) -> list[Span]:
    """Return natasha's PER, ORG and LOC spans as name, organisation and place spans."""
    if not _HAS_CYRILLIC.search(text):
        return []
    kinds = {"PER": NAME, "ORG": ORGANISATION, "LOC": PLACE}
    spans = []
    for entity in find_entities(text):
        trimmed = _trim_entity(text, entity.start, entity.end, entity.type)
        if trimmed is None:
            continue
        start, end = trimmed
        kind = kinds[entity.type]
        if kind == ORGANISATION and re.search(
            r"(?i)школ|лице|гимнази", text[start:end]
        ):
            kind = SCHOOL
        spans.append(Span(start, end, kind))
    return spans


def find_russian_names(text: str, non_name_spans: Sequence[Span]) -> list[Span]:
    """Return capitalised words that pymorphy2 analyses as names, and initials.

    Words inside ``non_name_spans`` (organisations, places, schools already found) are
    skipped, so "Марьино" stays a place.
    """
    spans = []
    for match in _CAPITALISED_CYRILLIC.finditer(text):
        word = match.group()
        if (
            _inside(non_name_spans, match.start(), match.end())
            or _fold(word) in _NON_PERSONAL_NAMES
        ):
            continue
        if _is_sentence_start(text, match.start()):
            threshold = _SENTENCE_START_NAME_SCORE
        else:
            threshold = _MID_SENTENCE_NAME_SCORE
        if _name_score(word) >= threshold:
            spans.append(Span(match.start(), match.end(), NAME))

    for match in _INITIALS_AND_SURNAME.finditer(text):
        spans.append(Span(match.start(), match.end(), NAME))
    for match in _ONE_INITIAL_AND_SURNAME.finditer(text):
        if _name_score(match.group(1)) >= _MID_SENTENCE_NAME_SCORE:
            spans.append(Span(match.start(), match.end(), NAME))
    return spans


def find_russian_name_forms(
    text: str, lemmas: set[str], non_name_spans: Sequence[Span]
) -> list[Span]:
    """Return every capitalised word that is a form of one of ``lemmas``."""
    if not lemmas:
        return []
    spans = []
    for match in _CAPITALISED_CYRILLIC.finditer(text):
        if _inside(non_name_spans, match.start(), match.end()):
            continue
        if _all_lemmas(match.group()) & lemmas:
            spans.append(Span(match.start(), match.end(), NAME))
    return spans


# --- English ----------------------------------------------------------------


def _english_forms(word: str) -> Iterator[str]:
    lower = word.lower()
    yield lower
    for suffix, replacement in (
        ("ies", "y"),
        ("es", ""),
        ("s", ""),
        ("ed", ""),
        ("ing", ""),
    ):
        if lower.endswith(suffix) and len(lower) > len(suffix) + 2:
            yield lower[: -len(suffix)] + replacement


def _is_english_word(word: str) -> bool:
    lexicon = english_lexicon().all
    return any(form in lexicon for form in _english_forms(word))


def _is_common_english_word(word: str) -> bool:
    lexicon = english_lexicon().common
    return any(form in lexicon for form in _english_forms(word))


def _is_english_first_name(word: str) -> bool:
    """Tell whether ``word`` is a first name and not also a common word or a date."""
    lower = word.lower()
    return (
        lower in english_lexicon().first_names
        and lower not in _MONTHS_AND_WEEKDAYS
        and not _is_common_english_word(word)
    )


_LATIN_TO_CYRILLIC = (
    ("shch", "щ"),
    ("sch", "щ"),
    ("yo", "ё"),
    ("yu", "ю"),
    ("ya", "я"),
    ("ye", "е"),
    ("zh", "ж"),
    ("kh", "х"),
    ("ts", "ц"),
    ("ch", "ч"),
    ("sh", "ш"),
    ("a", "а"),
    ("b", "б"),
    ("v", "в"),
    ("g", "г"),
    ("d", "д"),
    ("e", "е"),
    ("z", "з"),
    ("i", "и"),
    ("j", "й"),
    ("k", "к"),
    ("l", "л"),
    ("m", "м"),
    ("n", "н"),
    ("o", "о"),
    ("p", "п"),
    ("r", "р"),
    ("s", "с"),
    ("t", "т"),
    ("u", "у"),
    ("f", "ф"),
    ("h", "х"),
    ("c", "к"),
    ("w", "в"),
    ("x", "кс"),
    ("q", "к"),
    ("y", "ы"),
)


def _to_cyrillic(word: str) -> str:
    """Transliterate a Latin word to Cyrillic ("Masha" → "маша", "Andrey" → "андрей")."""
    lower = word.lower()
    lower = re.sub(r"(?<=[aeiou])y$", "j", lower)
    lower = re.sub(r"(?<=[^aeiou])(?:iy|y)$", "ij", lower)
    result = []
    index = 0
    while index < len(lower):
        for latin, cyrillic in _LATIN_TO_CYRILLIC:
            if lower.startswith(latin, index):
                result.append(cyrillic)
                index += len(latin)
                break
        else:
            result.append(lower[index])
            index += 1
    return "".join(result)


def _latin_name_score(word: str) -> float:
    """Return the name score of ``word`` transliterated to Cyrillic.

    Catches Russian names that are also English words ("Masha" is an Indian
    weight in GCIDE). Only dictionary analyses count, not pymorphy2's
    guesses, and a soft sign lost in transliteration makes "Olga" a miss.
    """
    return sum(
        parse.score
        for parse in morph_vocab().parse(_to_cyrillic(word))
        if parse.is_known and _NAME_GRAMMEMES & parse.tag.grammemes
    )


def _is_russian_name_in_latin(word: str, sentence_start: bool) -> bool:
    """Tell whether a capitalised Latin word is a transliterated Russian name.

    A word that is also common in English must be a name almost surely
    ("Masha" yes, "Art" and "May" no). At the start of a sentence the word
    must be a name almost surely and must not be a common English word.
    """
    score = _latin_name_score(word)
    is_common = _is_common_english_word(word)
    if sentence_start:
        return not is_common and score >= _SENTENCE_START_NAME_SCORE
    if is_common:
        return score >= _SENTENCE_START_NAME_SCORE
    return score >= _MID_SENTENCE_NAME_SCORE


def _may_continue_english_name(word: str) -> bool:
    """Tell whether a capitalised word next to a name is part of it ("John Miller")."""
    lexicon = english_lexicon()
    lower = word.lower()
    if (
        word in _TITLES
        or lower in _MONTHS_AND_WEEKDAYS
        or _fold(word) in _NON_PERSONAL_NAMES
    ):
        return False
    return (
        lower in lexicon.first_names
        or lower in lexicon.last_names
        or not _is_common_english_word(word)
        or _is_russian_name_in_latin(word, sentence_start=False)
    )


def _extend_english_name(text: str, span: Span) -> Span:
    """Grow a name span over adjacent capitalised words that may belong to it.

    "Anna" is also a common noun in Webster's, so "Anna Petrova" becomes one
    name only because "Petrova" was found first and "Anna" is a first name.
    """
    start, end = span.start, span.end
    while True:
        after = re.match(
            r"[ \u00a0]([A-Z][a-z]+(?:-[A-Z][a-z]+)?)(?![\w.])", text[end:]
        )
        if after is None or not _may_continue_english_name(after.group(1)):
            break
        end += after.end()
    while True:
        before = re.search(
            r"(?<![\w.])([A-Z][a-z]+(?:-[A-Z][a-z]+)?)[ \u00a0]$", text[:start]
        )
        if before is None or not _may_continue_english_name(before.group(1)):
            break
        word = before.group(1)
        if (
            _is_sentence_start(text, before.start())
            and _is_english_word(word)
            and not _is_english_first_name(word)
        ):
            break  # "Yesterday Ivanova ..."
        start = before.start()
    return Span(start, end, span.kind)


def find_english_names(text: str, non_name_spans: Sequence[Span]) -> list[Span]:
    """Return Latin-script names: titled, first names, words in no dictionary.

    A capitalised word that no English dictionary contains is a name in the
    middle of a sentence. At the start of a sentence it must also end like a
    Russian surname ("Ivanova"). Words next to a name join it.
    """
    spans = [
        Span(match.start(1), match.end(1), NAME)
        for match in _TITLED_NAME.finditer(text)
    ]
    for match in _CAPITALISED_LATIN.finditer(text):
        word = match.group()
        if word in _TITLES or _inside(non_name_spans, match.start(), match.end()):
            continue
        if _fold(word) in _NON_PERSONAL_NAMES:
            continue
        sentence_start = _is_sentence_start(text, match.start())
        if _is_english_first_name(word) or _is_russian_name_in_latin(
            word, sentence_start
        ):
            spans.append(Span(match.start(), match.end(), NAME))
            continue
        if _is_english_word(word):
            continue
        if sentence_start and not _RUSSIAN_SURNAME_ENDING.search(word.lower()):
            continue
        spans.append(Span(match.start(), match.end(), NAME))
    return [_extend_english_name(text, span) for span in spans]


def find_latin_name_forms(
    text: str, words: set[str], non_name_spans: Sequence[Span]
) -> list[Span]:
    """Return every occurrence of the Latin-script ``words``, with a possessive "'s"."""
    spans = []
    for match in _CAPITALISED_LATIN.finditer(text):
        if match.group() in words and not _inside(
            non_name_spans, match.start(), match.end()
        ):
            spans.append(Span(match.start(), match.end(), NAME))
    return spans


# --- names found once, then everywhere ----------------------------------------


def name_words(text: str, spans: Iterable[Span]) -> tuple[set[str], set[str]]:
    """Collect the Russian lemmas and Latin words of the given name spans."""
    lemmas: set[str] = set()
    latin: set[str] = set()
    for span in spans:
        fragment = text[span.start : span.end]
        for word in _CYRILLIC_WORD.findall(fragment):
            if len(word) >= 2:
                lemmas |= name_lemmas(word)
        for word in _LATIN_WORD.findall(fragment):
            if len(word) >= 2 and word[0].isupper():
                latin.add(word)
    return lemmas, latin


def extend_over_initials(text: str, span: Span) -> Span:
    """Grow a name span over initials right before or after it ("Н.П.", "О. Ю.")."""
    start, end = span.start, span.end
    before = _INITIALS_BEFORE.search(text[max(0, start - 8) : start])
    if before is not None and before.group().strip():
        start -= len(before.group())
    after = _INITIALS_AFTER.match(text, end)
    if after is not None:
        end = after.end()
    return Span(start, end, span.kind)


def find_known_names(text: str, known_names: Sequence[str]) -> list[Span]:
    """Return every form of the words of ``known_names``, in any case and inflection."""
    lemmas: set[str] = set()
    latin: set[str] = set()
    for known_name in known_names:
        for word in _CYRILLIC_WORD.findall(known_name):
            if len(word) >= 2:
                lemmas |= _all_lemmas(word.capitalize())
        for word in _LATIN_WORD.findall(known_name):
            if len(word) >= 2:
                latin.add(word.lower())

    spans = []
    for match in _CYRILLIC_WORD.finditer(text):
        word = match.group()
        if not _all_lemmas(word) & lemmas:
            continue
        # A lower-case word is a name only if it can be nothing else, so a
        # teacher called "Вера" does not remove the noun "вера".
        if word[0].isupper() or _is_only_a_name(word):
            spans.append(Span(match.start(), match.end(), NAME))
    for match in _LATIN_WORD.finditer(text):
        word = match.group()
        if word.lower() not in latin:
            continue
        if word[0].isupper() or not _is_common_english_word(word):
            spans.append(Span(match.start(), match.end(), NAME))
    return spans
