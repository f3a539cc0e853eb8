"""Russian counts and markers, with inflected numerals.

Counts: "по четырём направлениям", "пять предложений", "из трёх пунктов", "12 пунктов",
"четыре ключевых направления". Markers: во-первых / во-вторых / в-третьих ..., "Первое –",
"Второе:", "И наконец"; а) б) в); "Пункт 1" heading lines (the numbered and dash styles are the shared ones).
"""

import re

_NUMBER_FORMS = {
    2: "два две двух двум двумя", 3: "три трёх трех трём трем тремя", 4: "четыре четырёх четырех четырём четырем четырьмя",
    5: "пять пяти пятью", 6: "шесть шести шестью", 7: "семь семи семью", 8: "восемь восьми восьмью",
    9: "девять девяти девятью", 10: "десять десяти десятью", 11: "одиннадцать одиннадцати", 12: "двенадцать двенадцати",
    13: "тринадцать тринадцати", 14: "четырнадцать четырнадцати", 15: "пятнадцать пятнадцати", 16: "шестнадцать шестнадцати",
    17: "семнадцать семнадцати", 18: "восемнадцать восемнадцати", 19: "девятнадцать девятнадцати", 20: "двадцать двадцати",
}
NUMBER_WORDS = {form: value for value, forms in _NUMBER_FORMS.items() for form in forms.split()}
# Stems of what a set is called; any ending follows.
_NOUN_STEMS = (
    "направлени|предложени|пункт|задач|принцип|приоритет|мер|шаг|инициатив|област|сфер|цел|договор[её]нност|обязательств|"
    "аспект|положени|тезис|итог|результат|соглашени|элемент|блок|компонент|иде|рекомендаци|мероприяти|позици|составляющ|"
    "услови|требовани|вопрос|момент|тем|постулат|договор[её]нност|нет|документ|столп|проект|этап"
)
_ADJECTIVE = r"[а-яё-]+(?:ых|их|ым|им|ыми|ими|ые|ие|ой|ая|ое|ого|ому|ую)"
_COUNT = re.compile(
    rf"(?<![\w-])(?P<num>{'|'.join(sorted(NUMBER_WORDS, key=len, reverse=True))}|\d{{1,2}})\s+"
    rf"(?:{_ADJECTIVE}\s+){{0,2}}[«\"„]?(?:{_NOUN_STEMS})[а-яё]*[»\"“]?(?![\w-])",
    re.IGNORECASE,
)

# "приоритетов три: ...", "основных направлений — три.": the count after its noun (a numeral word, then a stop).
_WORD_NUMBERS = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))
_COUNT_AFTER = re.compile(
    rf"(?<![\w-])(?:(?:{_NOUN_STEMS})(?:ов|ев|ей|й)|задач|мер|инициатив|сфер|тем)\s*(?:[—–-]\s*)?(?P<num>{_WORD_NUMBERS})"
    rf"(?=\s*[:.—–-])", re.IGNORECASE,
)

# "Он обозначил приоритеты на год. Их всего четыре:": the number alone, the counted noun in the sentence before; a loose
# count (a set only of exactly that many items, and not of names).
_THEM_COUNT = re.compile(rf"(?:(?<=[,;]\s)их|(?<![\w-])Их)\s+(?:всего\s+|только\s+|лишь\s+)?(?P<num>{_WORD_NUMBERS})(?=\s*[:—–-])")

_COMPOUND = re.compile(
    r"(?<![\w-])(?P<num>\d{1,2})-?(?:ти|х|и)?-?пункт(?:ов|н)\w*"
    r"|(?<![\w-])(?P<word>двух|трех|трёх|четырех|четырёх|пяти|шести|семи|восьми|девяти|десяти|двенадцати)пункт(?:ов|н)\w*",
    re.IGNORECASE,
)
_COMPOUND_WORDS = {"двух": 2, "трех": 3, "трёх": 3, "четырех": 4, "четырёх": 4, "пяти": 5, "шести": 6, "семи": 7, "восьми": 8,
                   "девяти": 9, "десяти": 10, "двенадцати": 12}
# "ряд задач": a set announced with no number (its count is inferred from what it lists).
# "на следующих задачах: A, B и C": the same, run in after a colon.
UNNUMBERED = re.compile(rf"(?<![\w-])ряд(?:а|ом|е)?\s+(?:{_ADJECTIVE}\s+)?(?:{_NOUN_STEMS})[а-яё]*"
                        rf"|(?<![\w-])следующ(?:ие|их|им|ими)\s+(?:{_ADJECTIVE}\s+)?(?:{_NOUN_STEMS})[а-яё]*(?=\s*:)", re.IGNORECASE)

_ORDINAL_ADVERBS = {
    "во-первых": 1, "во-вторых": 2, "в-третьих": 3, "в-четвёртых": 4, "в-четвертых": 4, "в-пятых": 5, "в-шестых": 6,
    "в-седьмых": 7, "в-восьмых": 8, "в-девятых": 9, "в-десятых": 10,
}
_ORDINAL_NOUNS = {
    "первое": 1, "второе": 2, "третье": 3, "четвёртое": 4, "четвертое": 4, "пятое": 5, "шестое": 6, "седьмое": 7,
    "восьмое": 8, "девятое": 9, "десятое": 10, "последнее": None,
}
_ADVERB = re.compile(rf"(?:И\s+)?(?P<w>{'|'.join(_ORDINAL_ADVERBS)})(?![\w-])\s*[,:—–-]?", re.IGNORECASE)
_NOUN = re.compile(rf"(?:И\s+)?(?P<w>{'|'.join(_ORDINAL_NOUNS)})\s*[—–:,.-]", re.IGNORECASE)
# "Первое направление –", "Вторая задача:", "Третий пункт —": an ordinal adjective, its noun, then a dash or colon.
_ORDINAL_STEMS = {"перв": 1, "втор": 2, "трет": 3, "четв[её]рт": 4, "пят": 5, "шест": 6, "седьм": 7, "восьм": 8, "девят": 9, "десят": 10}
_ADJECTIVE_ORDINAL = re.compile(
    rf"(?P<stem>{'|'.join(_ORDINAL_STEMS)})(?:ый|ий|ой|ая|ья|ое|ье)\s+(?:{_NOUN_STEMS})[а-яё]*\s*[—–:-]", re.IGNORECASE,
)
# A position paper's points reported in prose: "В первом пункте подчеркивается ...", "Третий пункт, озаглавленный ...".
_PROSE_ORDINAL = re.compile(
    rf"(?:Во?\s+(?P<stem>{'|'.join(_ORDINAL_STEMS)})(?:ом|ем)\s+пункте|(?P<stem2>{'|'.join(_ORDINAL_STEMS)})(?:ый|ий|ой)\s+пункт)(?![\w-])",
    re.IGNORECASE,
)
# "Вторым принципом, по словам главы государства, является ...": an instrumental ordinal before what a point is called.
_POINT_NOUNS = "постулат|принцип|приоритет|направлени|задач|шаг|мер|пункт|предложени|услови|цел|инициатив|столп|элемент|требовани"
_INSTRUMENTAL_ORDINAL = re.compile(
    rf"(?:И\s+)?(?P<stem>{'|'.join(_ORDINAL_STEMS)})(?:ым|ьим|ой|ьей)\s+(?:{_POINT_NOUNS})[а-яё]*(?![\w-])", re.IGNORECASE,
)
# Inside a sentence, in lower case: "Глава правительства первым приоритетом назвал ...", "Премьер седьмым приоритетом
# озвучил ...", "назвал вторым приоритетом ...": an instrumental ordinal with a verb of naming after it or before it.
_NAMING = r"(?:назвал|назвала|назвали|называет|называют|озвучил[аи]?|видит|видят|считает|считают|определил[аи]?|обозначил[аи]?|выделил[аи]?)"
_NAMED_AFTER = re.compile(rf"[^.!?]{{0,60}}?(?<![\w-]){_NAMING}(?![\w-])")
_NAMED_BEFORE = re.compile(rf"(?<![\w-]){_NAMING}\s+$")
# "Второй приоритет состоит в ...", "По его словам, четвертый приоритет — ...", "Первый шаг инициативы уже был реализован":
# an ordinal and what a point is called (and up to two words of whose), then what it is or was.
_NOMINATIVE_ORDINAL = re.compile(
    rf"(?:(?:Его|Её|Ее|Их)\s+)?(?P<stem>{'|'.join(_ORDINAL_STEMS)})(?:ый|ий|ой|ая|ья|ое|ье)\s+(?:{_POINT_NOUNS})[а-яё]*"
    r"(?:\s+[а-яё-]+){0,2}?"
    r"(?:\s*[—–:]\s|\s+(?:состоит\s+в|заключается\s+в|является|станет|будет|касается|был[аио]?|стал[аио]?)(?![\w-]))", re.IGNORECASE,
)
# Where such an ordinal starts in lower case inside a sentence (a run of them needs three: two in passing are no set).
_IN_SENTENCE = re.compile(
    rf"(?<=\s)(?=(?:{'|'.join(_ORDINAL_STEMS)})(?:ым|ьим|ой|ьей|ый|ий|ая|ья|ое|ье)\s+(?:{_POINT_NOUNS}))"
)
# "Номер один – ...", "Пункт номер два: ...": a point's number as a cardinal word, then a dash or a colon.
_CARDINALS = {"один": 1, "два": 2, "три": 3, "четыре": 4, "пять": 5, "шесть": 6, "семь": 7, "восемь": 8, "девять": 9, "десять": 10}
_NUMBERED = re.compile(rf"(?:И\s+)?(?:Пункт\s+номер|Номер)\s+(?P<n>{'|'.join(_CARDINALS)}|\d{{1,2}})\s*[—–:-]\s")
# "Первое направление – это A, второй – B": once a dashed first ordinal has opened the list, lower-case ordinals after a
# comma or a semicolon continue it.
_LATER_STEMS = {pattern: value for pattern, value in _ORDINAL_STEMS.items() if value > 1}
_COMMA_ORDINAL = re.compile(
    rf"[,;]\s+(?:а\s+)?(?=(?:{'|'.join(_LATER_STEMS)})(?:ое|ой|ая|ий|ый|ья|ье)(?:\s+(?:{_NOUN_STEMS})[а-яё]*)?\s*[—–-]\s"
    rf"|во?\s+(?:{'|'.join(_LATER_STEMS)})(?:ом|ьем|ем)(?:\s+пункте)?\s*[—–-]\s)"
)
# "Во втором пункте президент предложил A, в третьем — B": a locative ordinal and a dash, after the one before it.
_LOWER_LOCATIVE = re.compile(rf"во?\s+(?P<stem>{'|'.join(_LATER_STEMS)})(?:ом|ьем|ем)(?:\s+пункте)?\s*[—–-]\s")
_LOWER_ORDINAL = re.compile(
    rf"(?P<stem>{'|'.join(_LATER_STEMS)})(?:ое|ой|ая|ий|ый|ья|ье)(?:\s+(?:{_NOUN_STEMS})[а-яё]*)?\s*[—–-]\s"
)
# "Пятый приоритет — это A, а шестой — B": the dashed ordinal just before opens the next one, after a comma and an "а".
_DASHED = "(?:{})(?:ое|ой|ая|ий|ый|ья|ье)(?:\\s+(?:" + _NOUN_STEMS + ")[а-яё]*)?\\s*[—–-]\\s"
# "Вторая – зерновой биржи.", "Третий: ...": an ordinal adjective standing for the counted noun, then a dash or colon, and
# "Первая из них касается ...": only a little after a count ("пять инициатив") that they stand for ("Первая – в Кремле"
# after "три встречи" counts no commitments).
_BARE_ORDINAL = re.compile(rf"(?P<stem>{'|'.join(_ORDINAL_STEMS)})(?:ый|ий|ой|ая|ья)\s*[—–:]\s", re.IGNORECASE)
_OF_THEM = re.compile(rf"(?P<stem>{'|'.join(_ORDINAL_STEMS)})(?:ый|ий|ой|ая|ья|ое|ье)\s+из\s+(?:них|которых)(?![\w-])", re.IGNORECASE)
_COUNT_REACH = 1000  # characters back from "Первая из них", "Вторая –" to the count they refer to
_OPENER_REACH = 400  # characters back from a lower-case ordinal to the "Первое ... –" that opened its list
_OPENING_QUOTES = "«„\"“"
_FINAL = re.compile(r"(?:И,?\s+)?(?:наконец|в заключение|согласно\s+последнему\s+пункту|в\s+последнем\s+пункте)(?![\w-])\s*[,:—–-]?",
                    re.IGNORECASE)
_LETTER = re.compile(r"(?P<l>[абвгдежзиклм])\)")
_LETTERS = "абвгдежзиклм"
_PAREN_DIGIT = re.compile(r"(?P<d>\d{1,2})\)\s")
# "Пункт 1" alone on its line (or before a colon or dash), the point's words after it: a heading that numbers the point.
_PUNKT = re.compile(r"Пункт\s+(?P<d>\d{1,2})\s*(?:[.:—–-]\s*)?$|Пункт\s+(?P<d2>\d{1,2})\s*[.:—–-]\s+(?=\S)")
_COMMA_START = re.compile(r"[,，]\s+(?=(?:во?-)\w)", re.IGNORECASE)
_UNSPACED_START = re.compile(r"(?<=[.!?…])(?=[А-ЯЁ])")  # "наблюдателей...Четвертое - ..." as some pages run them together
CYRILLIC = re.compile(r"[\u0400-\u04ff]")
# The reporter's own paragraph between points or after the last: "По словам министра, ...", "По его мнению, ...",
# "Как отметил Лавров, ...", "Он также подчеркнул ...", "Напомним, ...", "Ранее ...", "Раньше сообщалось ...".
_REPORTING_VERBS = r"(?:отметил|подчеркнул|заявил|сказал|добавил|сообщил|указал|пояснил|призвал)[аи]?"
REPORTER = re.compile(
    rf"(?:По\s+(?:(?:его|ее|её|их)\s+)?(?:словам|мнению)[\s,]|Как\s+{_REPORTING_VERBS}\s|(?:Он|Она|Они)\s+(?:также\s+|тогда\s+)?{_REPORTING_VERBS}(?![\w-])"
    r"|Напомним|Ранее\s|Раньше\s+сообщ|Между\s+тем)"
)
# "2. Укрепление политического взаимодоверия. В духе ...": an item headed by what is to be done (a verbal noun, up to six
# words, its own sentence) and then explained.
_HEADED_ITEM = re.compile(r"[А-ЯЁ][а-яё]*(?:ние|тие)(?:\s+[а-яё-]+){0,5}\.\s+\S")
HEADED_AT_LEAST = 3


def headed_list(text: str, items: list[tuple[int, int]]) -> bool:
    """Are most of a numbered list's items (three at least) headed by a verbal noun and explained? Such a list is a set
    of principles or proposals even with neither count nor lead-in (its first item may be a preamble)."""
    headed = sum(bool(_HEADED_ITEM.match(text, start, end)) for start, end in items)
    return headed >= HEADED_AT_LEAST and 2 * headed > len(items)


def counts(text: str, start: int, end: int) -> list[tuple]:
    """(value, start, end) of each count between start and end, and `True` fourth when the count is loose ("Их четыре:")."""
    found = []
    for match in _COUNT.finditer(text, start, end):
        raw = match.group("num").lower()
        value = int(raw) if raw.isdigit() else NUMBER_WORDS[raw]
        if value >= 2:
            found.append((value, match.start(), match.end()))
    for match in _COUNT_AFTER.finditer(text, start, end):
        found.append((NUMBER_WORDS[match.group("num").lower()], match.start(), match.end()))
    for match in _THEM_COUNT.finditer(text, start, end):
        found.append((NUMBER_WORDS[match.group("num").lower()], match.start(), match.end(), True))
    for match in _COMPOUND.finditer(text, start, end):  # "12-пунктовый план", "пятипунктный"
        value = int(match.group("num")) if match.group("num") else _COMPOUND_WORDS[match.group("word").lower()]
        if value >= 2:
            found.append((value, match.start(), match.end()))
    return found


def markers_at(text: str, at: int, end: int, *, at_block_start: bool) -> list[tuple[str, int | None, int, int]]:
    """(family, ordinal, start, content) of a marker starting at `at` (or at the word after an opening quote: «Первое — ...)."""
    while at < end and text[at] in _OPENING_QUOTES:
        at += 1
    match = _ADVERB.match(text, at, end)
    if match:
        return [("word", _ORDINAL_ADVERBS[match.group("w").lower()], at, _skip(text, match.end(), end))]
    match = _ADJECTIVE_ORDINAL.match(text, at, end)
    if match and text[at].isupper():
        stem = match.group("stem").lower()
        ordinal = next(value for pattern, value in _ORDINAL_STEMS.items() if re.fullmatch(pattern, stem))
        return [("word", ordinal, at, _skip(text, match.end(), end))]
    match = _PROSE_ORDINAL.match(text, at, end)
    if match and text[at].isupper():
        stem = (match.group("stem") or match.group("stem2")).lower()
        ordinal = next(value for pattern, value in _ORDINAL_STEMS.items() if re.fullmatch(pattern, stem))
        return [("word", ordinal, at, _skip(text, match.end(), end))]
    match = _INSTRUMENTAL_ORDINAL.match(text, at, end)
    if match and text[at].isupper():
        return [("word", _stem_ordinal(match.group("stem")), at, at)]
    match = _BARE_ORDINAL.match(text, at, end) or _OF_THEM.match(text, at, end)
    if match and text[at].isupper() and _COUNT.search(text, max(0, at - _COUNT_REACH), at):
        return [("word", _stem_ordinal(match.group("stem")), at, _skip(text, match.end(), end))]
    match = _LOWER_ORDINAL.match(text, at, end)
    if match and text[at].islower() and _opened(text, at, _stem_ordinal(match.group("stem"))):
        return [("word", _stem_ordinal(match.group("stem")), at, _skip(text, match.end(), end))]
    match = _LOWER_LOCATIVE.match(text, at, end)
    if match and _opened_in_prose(text, at, _stem_ordinal(match.group("stem"))):
        return [("word", _stem_ordinal(match.group("stem")), at, _skip(text, match.end(), end))]
    match = _NUMBERED.match(text, at, end)
    if match:
        raw = match.group("n")
        return [("word", int(raw) if raw.isdigit() else _CARDINALS[raw], at, _skip(text, match.end(), end))]
    match = _NOMINATIVE_ORDINAL.match(text, at, end)
    if match:
        return [("word", _stem_ordinal(match.group("stem")), at, _skip(text, match.end(), end))]
    match = _INSTRUMENTAL_ORDINAL.match(text, at, end)
    if match and text[at].islower() and (_NAMED_AFTER.match(text, match.end(), end) or _NAMED_BEFORE.search(text, max(0, at - 40), at)):
        return [("word", _stem_ordinal(match.group("stem")), at, at)]
    match = _NOUN.match(text, at, end) or _FINAL.match(text, at, end)
    if match and text[at].isupper():
        word = (match.groupdict().get("w") or "").lower()
        return [("word", _ORDINAL_NOUNS.get(word), at, _skip(text, match.end(), end))]
    match = _LETTER.match(text, at, end)
    if match and (at_block_start or _after_list_break(text, at)):
        return [("cyr", _LETTERS.index(match.group("l")) + 1, at, _skip(text, match.end(), end))]
    match = _PUNKT.match(text, at, end) if at_block_start else None
    if match:
        return [("punkt", int(match.group("d") or match.group("d2")), at, _skip(text, match.end(), end))]
    match = _PAREN_DIGIT.match(text, at, end)
    if match and not at_block_start and _after_list_break(text, at):  # "три шага: 1) ...; 2) ...; 3) ..."
        return [("digit", int(match.group("d")), at, _skip(text, match.end(), end))]
    return []


def _opened(text: str, at: int, ordinal: int) -> bool:
    """Is there a dashed ordinal one less shortly before ("Первое направление – это A, второе – B")?"""
    previous = next((pattern for pattern, value in _ORDINAL_STEMS.items() if value == ordinal - 1), None)
    return previous is not None and re.search(_DASHED.format(previous), text[max(0, at - _OPENER_REACH):at], re.IGNORECASE) is not None


def _opened_in_prose(text: str, at: int, ordinal: int) -> bool:
    """Is "Во втором пункте" (the ordinal one less, in prose) shortly before ("..., в третьем — B")?"""
    previous = next((pattern for pattern, value in _ORDINAL_STEMS.items() if value == ordinal - 1), None)
    return previous is not None and re.search(rf"Во?\s+{previous}(?:ом|ем)\s+пункте", text[max(0, at - _OPENER_REACH):at]) is not None


def in_sentence_starts(text: str, start: int, end: int) -> list[int]:
    """Where a point's ordinal starts in lower case inside a sentence ("Турчин третьим приоритетом назвал ...")."""
    return [m.start() for m in _IN_SENTENCE.finditer(text, start, end)]


def _stem_ordinal(stem: str) -> int:
    return next(value for pattern, value in _ORDINAL_STEMS.items() if re.fullmatch(pattern, stem.lower()))


def _after_list_break(text: str, at: int) -> bool:
    before = text[:at].rstrip()
    return before.endswith((":", ";"))


def inline_starts(text: str, start: int, end: int) -> list[int]:
    """", во-вторых, ...": the ordinal adverbs also follow a comma; and a sentence may start with no space after a stop."""
    return ([m.end() for m in _COMMA_START.finditer(text, start, end)] + [m.end() for m in _UNSPACED_START.finditer(text, start, end)]
            + [m.end() for m in _COMMA_ORDINAL.finditer(text, start, end)])


def _skip(text: str, offset: int, limit: int) -> int:
    while offset < limit and text[offset].isspace():
        offset += 1
    return offset
