"""The Anonymizer: finds personal data in a text and replaces it with placeholders."""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from teams_app.anonymizer import names
from teams_app.anonymizer.patterns import find_structured
from teams_app.anonymizer.spans import NAME, PLACEHOLDERS, Span, merge_spans


@dataclass(frozen=True)
class Replacement:
    """One removed piece of personal data; offsets index the input text."""

    start: int
    end: int
    kind: str
    original: str
    placeholder: str


@dataclass(frozen=True)
class AnonymizedText:
    """The text with placeholders, and what was replaced, in order."""

    text: str
    replacements: tuple[Replacement, ...]


class Anonymizer:
    """Replace names, schools, organisations, places and contacts with placeholders.

    Construction is cheap. natasha's NER model and the word lists load on the
    first call to ``anonymize`` and are shared by every instance in the
    process.
    """

    def __init__(self) -> None:
        """Create an anonymiser; models load later, on the first text."""

    def anonymize(
        self, text: str, language: str = "ru", known_names: Sequence[str] = ()
    ) -> AnonymizedText:
        """Return ``text`` with personal data replaced by placeholders in ``language``.

        ``known_names`` are removed in every inflected form, wherever they occur.
        Detection does not depend on ``language``: a Russian case may quote an
        English name and the other way round.
        """
        placeholders = PLACEHOLDERS.get(language)
        if placeholders is None:
            raise ValueError(
                f"Unsupported placeholder language {language!r}: use 'ru' or 'en'."
            )

        normalised, starts, ends = _normalise_with_offsets(text)
        replacements = []
        pieces = []
        position = 0
        for span in find_spans(normalised, known_names):
            start, end = starts[span.start], ends[span.end - 1]
            placeholder = placeholders[span.kind]
            pieces.append(text[position:start])
            pieces.append(placeholder)
            position = end
            replacements.append(
                Replacement(start, end, span.kind, text[start:end], placeholder)
            )
        pieces.append(text[position:])
        return AnonymizedText("".join(pieces), tuple(replacements))


def find_spans(text: str, known_names: Sequence[str] = ()) -> list[Span]:
    """Return the merged, ordered spans of personal data in an NFC ``text``."""
    # Exact patterns and the NER model come first. Names are then looked for
    # outside the schools, organisations and places they found.
    structured = list(find_structured(text))
    entities = names.find_russian_entities(text)
    non_name_spans = structured + [span for span in entities if span.kind != NAME]

    name_spans = [span for span in entities if span.kind == NAME]
    name_spans += names.find_russian_names(text, non_name_spans)
    # NOTE: place names in Latin script ("Moscow") are not detected. No
    # offline English NER model is installed, and the word lists cannot tell
    # a city from a surname.
    name_spans += names.find_english_names(text, non_name_spans)
    name_spans += names.find_known_names(text, known_names)

    # A name found once is a name everywhere, in every inflected form.
    lemmas, latin_words = names.name_words(text, name_spans)
    name_spans += names.find_russian_name_forms(text, lemmas, non_name_spans)
    name_spans += names.find_latin_name_forms(text, latin_words, non_name_spans)
    name_spans = [names.extend_over_initials(text, span) for span in name_spans]

    return merge_spans(structured + entities + name_spans, text)


def _normalise_with_offsets(text: str) -> tuple[str, list[int], list[int]]:
    """Return the NFC form of ``text`` with the source offsets of each character.

    pymorphy2 and natasha do not recognise a decomposed "й" (и + U+0306), so
    detection runs on the NFC text. ``starts[i]`` and ``ends[i]`` are the
    bounds, in ``text``, of the characters that became character ``i``.
    """
    if unicodedata.is_normalized("NFC", text):
        identity = list(range(len(text) + 1))
        return text, identity, identity[1:]

    pieces = []
    starts = []
    ends = []
    index = 0
    while index < len(text):
        cluster_end = index + 1
        while cluster_end < len(text) and unicodedata.combining(text[cluster_end]):
            cluster_end += 1
        composed = unicodedata.normalize("NFC", text[index:cluster_end])
        pieces.append(composed)
        starts.extend([index] * len(composed))
        ends.extend([cluster_end] * len(composed))
        index = cluster_end
    starts.append(len(text))
    return "".join(pieces), starts, ends
