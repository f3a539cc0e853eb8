"""Sets without markers: "in four areas: supporting ..., setting ... and safeguarding ...", and one point per paragraph."""

import re

from .counts import Count, counts_in
from .layout import Layout, Span

_LEAD = re.compile(r"(?:[^.;:。；：]|\.(?=\S)|(?<=[A-Z])\.){0,60}?(?::\s+|：\s*|\s+[—–-]\s+(?:это\s+)?|—"
                   r"|,?\s+namely,?\s+|,?\s+including\s+|,?\s+i\.e\.,?\s+|,?\s+а\s+именно,?\s+"
                   r"|[，,]?(?:即|分别是|分別是|包括)[：:]?\s*)")
# Where an inline list stops before its sentence does: a clause about the whole list (", что позволит ...",
# ", which will ...") or the close of a quotation before its attribution ("...", - отметил он).
_LIST_END = re.compile(r",\s+(?:что|чтобы|which|so that)\b|[\"”»](?=,?\s*(?:[-–—]\s|(?:said|added)\b))"
                       r"|,\s+[-–—]\s+(?:сказал|заявил|отметил|подчеркнул|добавил|пояснил|сообщил|сообщает|передает|передаёт|пишет)"
                       r"|,\s+(?:(?:[A-Z][\w'’.-]*|he|she)\s+){1,3}(?:said|added|noted|stressed)\b|,\s+(?:said|added)\s+[A-Z]")
# "...по первым четырем пунктам», - сказал он, не уточняя ...": a dash after a closing quotation mark, or before a verb of
# saying, is the reporter's attribution, not the lead of a list.
_SAYING = re.compile(r"(?:сказал|заявил|отметил|подчеркнул|добавил|пояснил|сообщил|указал|said|added)[аи]?(?![\w-])")
# A quotation after a verb of saying and a colon: what was said, not the counted items (unless exactly that many).
_SPEECH_COLON = re.compile(r"\b(?:said|says|declared|stated|added|wrote|told\s+\w+|заявил[аи]?|сказал[аи]?|отметил[аи]?)\s*:\s*$")
# "... the five commitments he made, President Biden said that A, B, C, D and E": a list reported after "said that",
# a set only when it has exactly the count's number of items.
_SAID_THAT = re.compile(r"(?:[^.;:。；：]|\.(?=\S)|(?<=[A-Z])\.){0,80}?(?:\b(?:said|stated|reaffirmed|reiterated|pledged)\s+that\s+"
                        # "три приоритета, среди которых A, B и C": among them, so a set only with all of them
                        r"|,\s+(?:среди\s+(?:которых|них)|в\s+(?:их\s+)?числе\s+которых|включая|в\s+том\s+числе)\s*(?:[—–-]\s+)?)")
# "The proposal includes A, B, C and D.": a sentence after the count that lists what it counted.
_LISTING_SENTENCE = re.compile(
    r"(?:The|This|These|Its)\s+(?:[\w-]+\s+){0,2}?(?:includes?|consists?\s+of|covers?|comprises?|contains?)\s+"
    # "These are A; B; ... and E.", "Wang proposed upholding A, making B, ... and strengthening D."
    r"|(?:These|They)\s+(?:[\w-]+\s+){0,2}?(?:are|were)\s+"
    r"|(?:[A-Z][\w'’.-]*\s+){1,3}(?:also\s+)?(?:proposed|suggested|called\s+for|urged)\s+(?=[a-z]+ing\b)"
    # "China and the US should A, B, C, and D, Xi said.": who should do what, as a list of verbs
    r"|(?:(?:Both|The\s+two)\s+(?:sides|countries|parties)|(?:The\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2}"
    r"(?:\s+and\s+(?:the\s+)?[A-Z][\w'’.-]*(?:\s+[A-Z][\w'’.-]*){0,2})?)\s+(?:should|must|need\s+to)\s+(?:jointly\s+|also\s+)?"
    r"|(?:Он|Она|Оно|Они|План|Документ|Предложение)\s+(?:включа[а-я]+|предусматрива[а-я]+)(?:\s+в\s+себя)?\s+"
    r"|(?:Они|Оба|Все\s+они)\s+(?:касаются|касались|посвящены|направлены\s+на)\s+"
    # "Он отметил, что необходимо A, необходимо B и необходимо C.", "Он предложил укреплять A, расширять B и углублять C."
    r"|(?:Он|Она|Они|[А-ЯЁ][\w-]*(?:\s+[А-ЯЁ][\w-]*){0,2})\s+(?:также\s+)?"
    r"(?:(?:отметил|подчеркнул|заявил|сказал|указал)[аи]?,\s+что|(?:предложил|призвал)[аи]?|предлагает|призывает)\s+"
    # "В числе принципов перечислены A, B, а также C.", "Среди них — A, B и C.", "К ним относятся ...",
    # "В них указано, что A должны ..., а C должны ...": a Russian sentence that names what was counted
    r"|(?:В\s+(?:их\s+|том\s+)?числе|Среди)\s+(?:[а-яё-]+\s+){0,4}?"
    r"(?:(?:перечислен|назван|указан|упомянут|значат|был|есть)[а-яё]*\s*[:—–-]?|[:—–-])\s+"
    r"|К\s+(?:ним|их\s+числу)\s+относ[а-яё]+\s+"
    r"|(?:В\s+(?:них|н[её]м|ней|документе|концепции|плане|заявлении|инициативе)|Там)\s+"
    r"(?:указ|говор|отмеч|сказ|подчерк|предусм|перечисл|назв|закрепл)[а-яё]*(?:,\s+что)?\s+"
    # "Приоритетными для правительства станут работы по A, B и C.", "Главными задачами являются A, B и C."
    r"|(?:[А-ЯЁ][а-яё]*(?:\s+[а-яё-]+){0,3}?\s+)?(?:[Пп]риоритетн|[Гг]лавн|[Оо]сновн|[Кк]лючев|[Вв]ажнейш)[а-яё]+"
    r"(?:\s+[а-яё-]+){0,3}?\s+(?:станут|стали|будут|являются|остаются)\s+(?:(?:работ[аы]|усилия|меры|шаги)\s+(?:по|в|на)\s+)?"
    # "«Прежде всего, это A, B, а также C»", "Это A, B и C."
    r"|[«\"„]?(?:(?:Прежде\s+всего|В\s+первую\s+очередь),\s+это|Это)\s+(?:[—–-]\s+)?"
)
_LISTING_LOOKAHEAD = 4  # sentences after the count's (the reporter may say where and why before listing them)
_GERUND_BOUNDARY = re.compile(r"(?:,\s+(?:and\s+)?|\s+and\s+)(?=(?:[a-z]+ly\s+)?[a-z]+ing\b)")
_COMMA_BOUNDARY = re.compile(r",\s+(?:and\s+|as\s+well\s+as\s+|а\s+также\s+|а\s+)?")
_FINAL_JOINER = re.compile(r"\s+(?:and|as\s+well\s+as|и)\s+")
# "A должны уважаться, B должны соблюдаться, а C, ведущие к миру, должны поддерживаться": clauses each holding the same
# modal are the items, whatever commas one of them holds inside.
_MODAL = re.compile(r"(?<![\w-])(?:долж(?:ен|на|но|ны)|следует|необходимо|нужно)(?![\w-])", re.IGNORECASE)
_CLAUSE_BREAK = re.compile(r",\s+(?:а\s+(?:также\s+)?|и\s+)?")
_CLAUSE_JOINER = re.compile(r"\s+(?:и|а\s+также)\s+")  # "... необходимо B и необходимо C": no comma before the last
_HEADING_END = ".!?。！？；：，\"'”’)）」』:;,"
# Paragraphs that each open alike ("——坚持…", "坚持…"): a set with no ordinals, when the count is announced.
_FORMULA_CHARS = 2


def inline_enumeration(layout: Layout, count: Count, sentence: Span) -> tuple[Span, list[Span]] | None:
    """The items listed after the count in the same sentence, or None when the sentence lists nothing."""
    lead = _LEAD.match(layout.text, count.end, sentence.end)
    if lead is None:
        said = _SAID_THAT.match(layout.text, count.end, sentence.end)
        listed = _listed(layout, count, sentence, said.end(), sentence.end) if said else None
        return listed if listed and len(listed[1]) == count.value else None
    if _attribution_dash(layout.text, lead):
        return None
    listed = _listed(layout, count, sentence, lead.end(), sentence.end)
    if listed and _SPEECH_COLON.search(layout.text, lead.start(), lead.end()) and len(listed[1]) != count.value:
        return None  # "four priorities in a statement in which she declared: 'We have listened, ... and we will deliver'"
    return listed


def _attribution_dash(text: str, lead: re.Match) -> bool:
    head = text[lead.start():lead.end()].rstrip()
    if not head.endswith(("—", "–", "-")):
        return False
    return head[:-1].rstrip().rstrip(",").endswith(("»", '"', "”")) or bool(_SAYING.match(text, lead.end()))


def listing_sentence(layout: Layout, count: Count, sentence: Span) -> tuple[Span, list[Span]] | None:
    """A count whose own sentence lists nothing, and one of the next sentences that lists exactly that many items
    ("The proposal includes A, B, C and D."); fewer is a paraphrase of some of them ("План предусматривает ...")."""
    index = layout.sentence_index(sentence.start)
    for following in layout.sentences[index + 1:index + 1 + _LISTING_LOOKAHEAD]:
        lead = _LISTING_SENTENCE.match(layout.text, following.start, following.end)
        listed = _listed(layout, count, sentence, lead.end(), following.end) if lead else None
        if listed and len(listed[1]) == count.value:
            return listed
    return None


def _listed(layout: Layout, count: Count, sentence: Span, start: int, end: int) -> tuple[Span, list[Span]] | None:
    stop = _LIST_END.search(layout.text, start, end)
    end = _strip_end(layout.text, start, stop.start() if stop else end)
    items = _split(layout.text, start, end, count=count.value)
    return (sentence, items) if len(items) >= 2 else None


def paragraph_list(layout: Layout, count: Count, sentence: Span, *, taken: set[int]) -> tuple[Span, list[Span]] | None:
    """"... the following three points:" at the end of a paragraph, then one point per paragraph; or, after a paragraph
    announcing the count, exactly that many paragraphs opening alike ("——坚持…", "Стороны договорились …")."""
    block_index = layout.block_index(sentence.start)
    block = layout.blocks[block_index]
    following_blocks = layout.blocks[block_index + 1:block_index + 1 + count.value]
    colon = sentence.end >= block.end and layout.text[block.end - 1] in ":："
    if not colon and not _same_opening(layout.text, layout.blocks[block_index + 1:block_index + 2 + count.value], count.value):
        return None
    items = []
    for following in following_blocks:
        line = layout.text[following.start:following.end]
        if following.start in taken or (len(line) < 60 and line[-1] not in _HEADING_END) or counts_in(layout.text, following.start, following.end):
            break
        items.append(Span(following.start, following.end))
    return (sentence, items) if len(items) >= 2 else None


def _same_opening(text: str, spans: list, count: int, *, ascii_ok: bool = True) -> bool:
    """The next `count` paragraphs (or sentences), and not the one after them, open with the same formula
    (Chinese: two characters, "——", "坚持"; Russian: two words, "Стороны договорились"; English: three, "The two sides")."""
    openings = [_opening(text, s) for s in spans[:count]]
    opening = openings[0] if openings else ""
    after = _opening(text, spans[count]) if len(spans) > count else None
    latin_ok = ascii_ok or not opening.isascii()
    return len(openings) == count and count >= 2 and set(openings) == {opening} and bool(opening) and latin_ok and after != opening


def _opening(text: str, span) -> str:
    """How a paragraph or sentence opens: two characters in Chinese, two words in Russian, three in English."""
    line = text[span.start:span.end]
    if line[:1] >= "\u2e80" or not line[:1].isalpha():  # Chinese, or a dash: characters
        return line[:_FORMULA_CHARS] if len(line) > _FORMULA_CHARS else ""
    words = line.split()
    n = 3 if line[:1].isascii() else 2
    return " ".join(words[:n]) if len(words) > n else ""


# Who agreed: each point of a readout's consensus often opens with the parties, in any wording.
_PARTIES = re.compile(r"(?:(?:Both|The two|The|All) (?:sides|countries|leaders|parties)|(?:Обе |Две )?[Сс]тороны|Лидеры)(?![\w-])"
                      r"|双方|两国|雙方|兩國")


def party_sentences(layout: Layout, count: Count, sentence: Span) -> tuple[Span, list[Span]] | None:
    """"... reached six consensuses:" ending its paragraph, then the next paragraph's sentences, each opening with the
    parties ("Both sides ...", "The two sides ...", "Стороны ...", "双方…"): one point per sentence, up to the count."""
    text, index = layout.text, layout.block_index(sentence.start)
    block = layout.blocks[index]
    if sentence.end < block.end or text[block.end - 1] not in ":：" or index + 1 >= len(layout.blocks):
        return None
    following = layout.blocks[index + 1]
    items: list[Span] = []
    for candidate in layout.sentences[layout.sentence_index(following.start):]:
        if candidate.start >= following.end or len(items) == count.value or not _PARTIES.match(text, candidate.start, candidate.end):
            break
        items.append(Span(candidate.start, candidate.end))
    return (sentence, items) if len(items) >= 2 else None


def sentence_list(layout: Layout, count: Count, sentence: Span) -> tuple[Span, list[Span]] | None:
    """"... reached a three-point consensus. The two sides agreed to A. The two sides agreed to B. The two sides agreed
    to C.": as many following sentences as the count, opening alike (and not the one after them)."""
    index = layout.sentence_index(sentence.start)
    following = layout.sentences[index + 1:index + 2 + count.value]
    if not _same_opening(layout.text, following, count.value, ascii_ok=True):
        return None
    return sentence, [Span(s.start, s.end) for s in following[:count.value]]


def _split(text: str, start: int, end: int, *, count: int = 0) -> list[Span]:
    segment = text[start:end]
    if ";" in segment or "；" in segment:
        pieces = [m.span() for m in re.finditer(r"[^;；]+", segment)]
        spans = [span for span in (_trimmed(text, start + a, start + b) for a, b in pieces) if span.end > span.start]
        return _last_and_joined(text, spans) if count and len(spans) == count - 1 else spans
    if "、" in segment or "，" in segment:  # Chinese: items joined by 、 (or ，)
        spans = _chinese_items(text, start, end, "、" if "、" in segment else "，", count=count)
        if count and len(spans) != count and "、" in segment and "，" in segment:
            # "共築和平、共享安全，重振合作、謀求共贏，…": pairs joined by 、 inside the items that ， separates
            by_comma = _chinese_items(text, start, end, "，", count=count)
            return by_comma if len(by_comma) == count else spans
        return spans
    clauses = _modal_clauses(text, start, end, count=count)
    if clauses:
        return clauses
    first_word = re.match(r"[A-Za-z]+", segment)
    if first_word and first_word.group().endswith("ing"):
        pattern = _GERUND_BOUNDARY
    elif first_word and len(re.findall(rf"\b{first_word.group()}\b", segment)) > 2:
        # "must abide by ..., must stabilize ..., and must promote ...": each item opens with the same word
        pattern = re.compile(rf"(?:,\s+(?:and\s+)?|\s+and\s+)(?={first_word.group()}\b)")
    else:
        pattern = _COMMA_BOUNDARY
    boundaries = [m.span() for m in pattern.finditer(segment)]
    conjunctions = (" и ",) if " и " in segment and " and " not in segment else (" and ", " as well as ")
    final_and, conjunction = max((segment.rfind(word), word) for word in conjunctions)
    joined = bool(boundaries) and segment[boundaries[-1][0]:boundaries[-1][1]].strip(", ") in ("а", "а также")
    if pattern is _COMMA_BOUNDARY and final_and > (boundaries[-1][1] if boundaries else 0) and not joined:
        boundaries.append((final_and, final_and + len(conjunction)))  # "A, B and C" ("A, B и C", "A, B as well as C")
    spans, cursor = [], 0
    for left, right in boundaries:
        spans.append(_trimmed(text, start + cursor, start + left))
        cursor = right
    spans.append(_trimmed(text, start + cursor, end))
    return [s for s in spans if s.end > s.start]


def _chinese_items(text: str, start: int, end: int, separator: str, *, count: int) -> list[Span]:
    pieces = [m.span() for m in re.finditer(f"[^{separator}]+", text[start:end])]
    spans = [span for span in (_trimmed(text, start + a, start + b) for a, b in pieces) if span.end > span.start]
    return _last_joined(text, spans) if count and len(spans) == count - 1 else spans


def _modal_clauses(text: str, start: int, end: int, *, count: int) -> list[Span]:
    """Exactly `count` clauses each holding the same modal: each runs to the first comma after its modal."""
    modals = list(_MODAL.finditer(text, start, end))
    if count < 2 or len(modals) != count or len({m.group().lower() for m in modals}) != 1:
        return []
    spans, cursor = [], start
    for modal, following in zip(modals, modals[1:], strict=False):
        joint = _CLAUSE_BREAK.search(text, modal.end(), following.start())
        joint = joint or next(reversed(list(_CLAUSE_JOINER.finditer(text, modal.end(), following.start()))), None)
        if joint is None:
            return []
        spans.append(_trimmed(text, cursor, joint.start()))
        cursor = joint.end()
    spans.append(_trimmed(text, cursor, end))
    return [s for s in spans if s.end > s.start] if all(s.end > s.start for s in spans) else []


def _last_joined(text: str, spans: list[Span]) -> list[Span]:
    """"A、B、C和D": one item short of the count, the last two are joined by 和 (及, 以及, 與, 与)."""
    last = spans[-1]
    joint = max(text.rfind(word, last.start + 1, last.end) for word in ("和", "及", "與", "与"))
    if joint <= last.start:
        return spans
    after = joint + (2 if text.startswith("以及", joint - 1) else 1)
    before = joint - 1 if text.startswith("以及", joint - 1) else joint
    return [*spans[:-1], Span(last.start, before), Span(after, last.end)]


def _last_and_joined(text: str, spans: list[Span]) -> list[Span]:
    """"A; B; C, D and E; F and G" one item short of the count: the last two are joined by "and" ("as well as")."""
    last = spans[-1]
    found = list(_FINAL_JOINER.finditer(text, last.start, last.end))
    if not found or "," in text[found[-1].end():last.end]:
        return spans
    return [*spans[:-1], Span(last.start, found[-1].start()), Span(found[-1].end(), last.end)]


def _trimmed(text: str, start: int, end: int) -> Span:
    while start < end and text[start] in " \t\n":
        start += 1
    if text[start:start + 4].lower() == "and ":
        start += 4
    elif text[start:start + 8].lower() == "а также ":
        start += 8
    elif text[start:start + 2].lower() in ("а ", "и "):
        start += 2
    elif text[start:start + 11].lower() == "as well as ":
        start += 11
    return Span(start, _strip_end(text, start, end))


def _strip_end(text: str, start: int, end: int) -> int:
    while end > start and (text[end - 1].isspace() or text[end - 1] in ".;,。；，、"):
        end -= 1
    return end


# "Green jobs and growth: Creating 'green' jobs ...": a paragraph opening with a short run-in name (some word in lower
# case: a speaker's name is no point) and a colon; "She said:" and "Q:" are no names of points.
_RUN_IN = re.compile(r"(?P<head>[A-Z][^.:;!?()\n]{0,60}?)\s*:\s+(?=\S)")
_NOT_A_HEAD = re.compile(r"(?:^|\s)(?:said|says|added|declared|stated|told|noted|asked|replied|answered|wrote|explained)$"
                         r"|^(?:Q|A|Question|Answer|Reporter|Journalist)$", re.IGNORECASE)
# An image's caption or credit between two such paragraphs belongs to neither: "... (Image: Welsh Government)".
_CAPTION = re.compile(r"(?:^|[(\s])(?:Image|Photo|Picture|Credit|Source)s?\s*:", re.IGNORECASE)
_RUN_IN_AT_LEAST = 3
_RUN_IN_WORDS = 8


def run_in_paragraphs(layout: Layout, lead: int, *, taken: set[int]) -> list[Span]:
    """The paragraphs after block `lead` (a lead-in ending with a colon) that each open with a distinct run-in name and a
    colon, captions between them skipped; three at least, else none."""
    text, items, heads = layout.text, [], set()
    for block in layout.blocks[lead + 1:]:
        if items and block.end - block.start < 200 and _CAPTION.search(text, block.start, block.end):
            continue
        match = _RUN_IN.match(text, block.start, block.end)
        head = match.group("head").strip() if match else ""
        if not match or block.start in taken or not _is_head(head) or head in heads:
            break
        items.append(Span(block.start, block.end))
        heads.add(head)
    return items if len(items) >= _RUN_IN_AT_LEAST else []


def _is_head(head: str) -> bool:
    words = head.split()
    return len(words) <= _RUN_IN_WORDS and any(word[:1].islower() for word in words[1:]) and not _NOT_A_HEAD.search(head)


_SEMICOLON_AT_LEAST = 3
_SEMICOLON_WORDS = 12


def semicolon_lines(layout: Layout, lead: int, *, taken: set[int]) -> list[Span]:
    """"... основными направлениями остаются:" then short paragraphs with no marker, each ending with ";" and the last
    with "." ("трансформация медицины и образования;", ..., "цифровизация."): one point each, three at least."""
    items = []
    for block in layout.blocks[lead + 1:]:
        line = layout.text[block.start:block.end]
        if block.start in taken or len(line.split()) > _SEMICOLON_WORDS or line[-1] not in ";；.。" or not line[0].isalpha():
            break
        items.append(Span(block.start, block.end))
        if line[-1] in ".。":
            break
    # Every item ends with ";" or "." (the loop stops at any other); all but the last with ";".
    semicolons = all(layout.text[i.end - 1] in ";；" for i in items[:-1])
    return items if semicolons and len(items) >= _SEMICOLON_AT_LEAST else []


# "王毅表示，": who speaks, before a Chinese sentence of parallel clauses.
_ZH_SPEAKER = re.compile(r"[^，,。：:]{1,16}?(?:表示|说|說|指出|强调|強調)[，,：:]\s*")
_ZH_CLAUSE = re.compile(r"[^，,。；;]+")
_PARALLEL_SUFFIX = 2  # characters every clause ends with ("…是确定的")


def parallel_clauses(layout: Layout, count: Count, sentence: Span) -> tuple[Span, list[Span]] | None:
    """A Chinese count ("五个“确定性”") and, in one of the next sentences, exactly that many comma clauses all ending alike
    ("中国自身的发展前景是确定的，中国改革开放的决心是确定的，…"): one point per clause."""
    if count.value < 2 or count.start >= len(layout.text) or layout.text[count.start] < "\u2e80":
        return None
    index = layout.sentence_index(sentence.start)
    for following in layout.sentences[index + 1:index + 1 + _LISTING_LOOKAHEAD]:
        speaker = _ZH_SPEAKER.match(layout.text, following.start, following.end)
        start = speaker.end() if speaker else following.start
        end = _strip_end(layout.text, start, following.end)
        clauses = [Span(m.start(), m.end()) for m in _ZH_CLAUSE.finditer(layout.text, start, end)]
        if len(clauses) != count.value:
            continue
        endings = {layout.text[c.end - _PARALLEL_SUFFIX:c.end] for c in clauses}
        if len(endings) == 1 and all(c.end - c.start > 2 * _PARALLEL_SUFFIX for c in clauses):
            return sentence, clauses
    return None


# "По словам Медведева, Россия признает A, выступает против B и избегает C. Президент также пообещал, что Россия будет
# защищать D, где бы они ни находились, и отстаивать E.": one subject, then its verbs, over consecutive sentences.
_RU_SUBJECT = re.compile(r"(?:По\s+словам\s+[^,.]{1,40},\s+|[^.]{0,60}?,\s+что\s+)?(?P<subject>[А-ЯЁ][а-яё]+)\s+(?=[а-яё])")
_RU_BREAK = re.compile(r",\s+(?:и\s+)?|\s+и\s+")
_RU_VERB = re.compile(r"(?:будет|будут|[а-яё]+(?:ает|яет|ует|ет|ит|ют|ят|ать|ять|ить|еть|ся))(?![\w-])")
_SUBJECT_SENTENCES = 3


def subject_verbs(layout: Layout, count: Count, sentence: Span) -> tuple[Span, list[Span]] | None:
    """A Russian count ("назвал пять принципов") and, in the next sentences, one subject ("Россия") doing exactly that
    many things: each piece after a comma or "и" that opens with a verb is a point (pieces that do not, "где бы они ни
    находились", belong to the point before)."""
    if count.value < 2 or not ("\u0400" <= layout.text[count.start] <= "\u04ff"):
        return None
    index = layout.sentence_index(sentence.start)
    subject, items = None, []
    for following in layout.sentences[index + 1:index + 1 + _SUBJECT_SENTENCES]:
        match = _RU_SUBJECT.match(layout.text, following.start, following.end)
        if match is None or (subject and match.group("subject") != subject) or match.group("subject") == "По":
            return None
        subject = match.group("subject")
        end = _strip_end(layout.text, match.end(), following.end)
        pieces, start = [], match.end()
        for brk in _RU_BREAK.finditer(layout.text, match.end(), end):
            pieces.append(Span(start, brk.start()))
            start = brk.end()
        pieces.append(Span(start, end))
        if not _RU_VERB.match(layout.text, pieces[0].start):
            return None
        merged = []
        for piece in pieces:
            if merged and not _RU_VERB.match(layout.text, piece.start):
                merged[-1] = Span(merged[-1].start, piece.end)
            else:
                merged.append(piece)
        items.extend(merged)
        if len(items) >= count.value:
            break
    return (sentence, items) if len(items) == count.value and subject else None
