"""Removal of personal data from solved cases before they enter the public library.

``Anonymizer().anonymize(text, language)`` replaces names of people, schools,
organisations and places, e-mail addresses, phone numbers, messenger handles
and street addresses with placeholders such as "[имя]" or "[name]".
"""

from teams_app.anonymizer.core import AnonymizedText, Anonymizer, Replacement
from teams_app.anonymizer.spans import KINDS, PLACEHOLDERS

__all__ = ["KINDS", "PLACEHOLDERS", "AnonymizedText", "Anonymizer", "Replacement"]
