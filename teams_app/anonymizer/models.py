"""Lazily loaded language resources, shared by every Anonymizer in the process.

natasha 1.6.0 ships its navec embeddings and slovnet NER model inside the
wheel, english-words 2.0.2 ships its word lists as pickles and Faker 40.63.0
its name lists as Python modules, so nothing is downloaded at run time.
Loading the NER model took 0.5 s on a 2-core machine, which is why it waits
for the first text rather than happening at import.
"""

from __future__ import annotations

import functools
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TypeVar

from natasha import Doc, MorphVocab, NewsEmbedding, NewsNERTagger, Segmenter

logger = logging.getLogger(__name__)

_Loaded = TypeVar("_Loaded")


def _load_once(loader: Callable[[], _Loaded]) -> Callable[[], _Loaded]:
    """Wrap a loader so that it runs once per process, even on concurrent first calls."""
    loaded: list[_Loaded] = []
    lock = threading.Lock()

    @functools.wraps(loader)
    def load() -> _Loaded:
        if not loaded:
            with lock:
                if not loaded:
                    loaded.append(loader())
        return loaded[0]

    return load


@dataclass(frozen=True)
class Entity:
    """A named entity from natasha: ``type`` is PER, ORG or LOC."""

    start: int
    end: int
    type: str


@dataclass(frozen=True)
class _Natasha:
    segmenter: Segmenter
    ner_tagger: NewsNERTagger


@dataclass(frozen=True)
class EnglishLexicon:
    """Lower-cased English words and personal names.

    ``common`` contains the words that the dictionaries spell in lower case, so a
    word spelled only with a capital ("John", "Moscow") is in ``all`` but not
    in ``common``.
    """

    all: frozenset[str]
    common: frozenset[str]
    first_names: frozenset[str]
    last_names: frozenset[str]


@_load_once
def _natasha() -> _Natasha:
    started = time.monotonic()
    models = _Natasha(Segmenter(), NewsNERTagger(NewsEmbedding()))
    logger.info("Loaded natasha NER model in %.2f s", time.monotonic() - started)
    return models


@_load_once
def morph_vocab() -> MorphVocab:
    """Return the pymorphy2 analyser wrapped by natasha.

    natasha 1.6.0 depends on pymorphy2 0.9.1, whose analyser calls
    ``inspect.getargspec``, removed in Python 3.11. Importing natasha loads
    yargy, which patches that call, so the analyser must come from natasha
    rather than from ``pymorphy2.MorphAnalyzer`` directly.
    """
    return MorphVocab()


@_load_once
def english_lexicon() -> EnglishLexicon:
    """Return the english-words dictionaries and Faker's English name lists."""
    import importlib

    from english_words import get_english_words_set

    words = get_english_words_set(["web2", "gcide"], lower=False, alpha=True)
    first_names: set[str] = set()
    last_names: set[str] = set()
    for locale in ("en", "en_US", "en_GB"):
        provider = importlib.import_module(f"faker.providers.person.{locale}").Provider
        first_names.update(name.lower() for name in provider.first_names)
        last_names.update(name.lower() for name in provider.last_names)
    return EnglishLexicon(
        all=frozenset(word.lower() for word in words),
        common=frozenset(word for word in words if word.islower()),
        # Faker's list has clipped forms such as "Ab"; two letters name nobody.
        first_names=frozenset(name for name in first_names if len(name) >= 3),
        last_names=frozenset(last_names),
    )


def find_entities(text: str) -> list[Entity]:
    """Run natasha's news NER model over ``text``; offsets index ``text``."""
    models = _natasha()
    doc = Doc(text)
    doc.segment(models.segmenter)
    doc.tag_ner(models.ner_tagger)
    return [Entity(span.start, span.stop, span.type) for span in doc.spans]
