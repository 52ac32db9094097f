"""English plurals of the sample catalog's nouns ("Mountains" stays, "Conspiracy" becomes
"Conspiracies", "Fox" becomes "Foxes"): enough English for titles, not a general inflector."""

from __future__ import annotations

IRREGULAR = {"Life": "Lives", "Children": "Children", "Focus": "Focuses", "Genius": "Geniuses"}
_SIBILANT_ENDINGS = ("s", "x", "z", "ch", "sh")
_VOWELS = "aeiou"


def plural(noun: str) -> str:
    """The plural of the last word of `noun` ("Silk Road" -> "Silk Roads")."""
    head, _, last = noun.rpartition(" ")
    return f"{head} {_plural_word(last)}" if head else _plural_word(last)


def _plural_word(word: str) -> str:
    if word in IRREGULAR:
        return IRREGULAR[word]
    if word.endswith("s") and not word.endswith(("ss", "us")):
        return word  # already plural: "Mountains", "Letters"
    if word.endswith("y") and len(word) > 1 and word[-2].lower() not in _VOWELS:
        return word[:-1] + "ies"
    if word.endswith(_SIBILANT_ENDINGS):
        return word + "es"
    return word + "s"
