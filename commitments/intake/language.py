"""Which language a text is written in: `detect_language(text)` -> an ISO 639-1 code, or "und".

Lingua (lingua-language-detector) decides: its models ship inside the wheel, so it works offline,
and it is accurate on short and mixed texts. It is asked only about the languages the tracker's
sources come in, which keeps it fast and its answers among the languages the intake has rules for
or that an analyst may record. Long texts are judged on a sample spread over the text, so a
100 KB page costs no more than a few KB.
"""

from functools import cache

from lingua import Language, LanguageDetector, LanguageDetectorBuilder

UNDETERMINED = "und"
LANGUAGES = (
    Language.ENGLISH, Language.CHINESE, Language.RUSSIAN, Language.FRENCH, Language.SPANISH, Language.ARABIC,
    Language.GERMAN, Language.UKRAINIAN, Language.JAPANESE, Language.KOREAN, Language.PORTUGUESE, Language.KAZAKH,
)
SAMPLE_CHARS = 1500  # from each of the beginning, the middle and the end of a long text


@cache
def _detector() -> LanguageDetector:
    return LanguageDetectorBuilder.from_languages(*LANGUAGES).with_minimum_relative_distance(0.05).build()


def _sample(text: str) -> str:
    if len(text) <= 3 * SAMPLE_CHARS:
        return text
    middle = len(text) // 2
    return "\n".join((text[:SAMPLE_CHARS], text[middle:middle + SAMPLE_CHARS], text[-SAMPLE_CHARS:]))


def detect_language(text: str) -> str:
    """The text's main language as an ISO 639-1 code ("en", "zh", "ru", ...); "und" when it has no words or is unclear."""
    sample = _sample(text or "")
    if not any(ch.isalpha() for ch in sample):
        return UNDETERMINED
    found = _detector().detect_language_of(sample)
    return found.iso_code_639_1.name.lower() if found else UNDETERMINED
