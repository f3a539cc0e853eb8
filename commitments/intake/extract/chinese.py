"""Chinese counts and markers, Simplified and Traditional, full-width and ASCII punctuation.

Counts: 四点建议, 五點主張, 三个方面, 六项成果, 5点建议, 两个“不”. Markers: 第一，…第二，…;
一是…二是…, 一要…二要… (also run-in, after ；or ，); 首先/其次/再次/最后; （一）（二）; 一、二、.
Chinese has no spaces: a marker is found at a block's start or right after 。！？；：(and ，for 一是).
"""

import re

NUMERALS = {"一": 1, "二": 2, "两": 2, "兩": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_NUM = "[一二两兩三四五六七八九十]{1,3}"
_DIGITS = "[0-9０-９]{1,2}"
# What a set is called (Simplified|Traditional where they differ).
_NOUNS = (
    "建议|建議|主张|主張|倡议|倡議|共识|共識|成果|原则|原則|举措|舉措|措施|方面|领域|領域|目标|目標|任务|任務|意见|意見|要求|重点|重點|"
    "优先|優先|方向|支柱|内容|內容|看法|承诺|承諾|理念|思路|坚持|堅持|措施|行动|行動|倡导|倡導|计划|計劃|工作|必须|必須|"
    "[“\"「『]不[”\"」』]"
)
_COUNT = re.compile(
    rf"(?<![第0-9０-９一二两兩三四五六七八九十])(?P<num>{_NUM}|{_DIGITS})\s?"
    rf"(?:(?P<cls>[点點项項条條个個大])(?P<noun1>{_NOUNS})?|(?P<noun2>方面|领域|領域))"
)
# A coined set name in quotes: 四個「推進」, “六个提升”, 三个“坚持”.
_QUOTED_COUNT = re.compile(
    rf"(?P<num>{_NUM}|{_DIGITS})[个個项項大点點][“\"「『][\u4e00-\u9fff]{{1,6}}[”\"」』]"
    rf"|(?<=[“\"「『])(?P<num2>{_NUM}|{_DIGITS})[个個项項大点點][\u4e00-\u9fff]{{1,6}}(?=[”\"」』])"
)
_NOT_AFTER_CLASS = "次年月日天岁歲人国國家份届屆批号號时時"  # 一点 of a time, 两个国家: no count

# Markers. Each is (family, pattern); the pattern's group "n" holds the ordinal.
# 一是…二是…; 一要…二要…; 第二要… (not 三要素, 四要求: a word that starts with 要).
_YAO = "要(?![素求点點闻聞务務件领領害])"
_WORD = re.compile(rf"第(?P<n>{_NUM})(?:[点點条條项項个個]|方面)?\s?(?:[，,、：:；;]|是|{_YAO})")  # "第一 , " as some copies space it
_SHI = re.compile(rf"(?:其(?P<q>{_NUM})[，,、：:]?|(?P<n>{_NUM})(?:是|{_YAO}))")
# "美方首要堅持一中原則" then "第二要…": 首要 as the first of a run of 第N要, also inside a sentence (not 首要任務, 首要問題).
_SHOUYAO = re.compile(r"首要(?![任务務问問题題目标標位地工原则則之的前者])(?=[\u4e00-\u9fff])")
_SEQUENCE = re.compile(r"(?P<w>首先|其次|再次|最后|最後)(?:[，,、：:]|是|要|应|應|，)?")
_SEQUENCE_ORDINALS = {"首先": 1, "其次": 2, "再次": 3, "最后": None, "最後": None}
_PAREN = re.compile(rf"[（(](?P<n>{_NUM})[）)]")
_ENUM = re.compile(rf"(?P<n>{_NUM})[、．.]")
_INLINE_START = re.compile(r"[。！？；;：:】]\s*")  # 】: after a caption run into the paragraph ("【…】第三，…")
_SHI_START = re.compile(r"[，,]\s*(?=[一二两三四五六七八九十]{1,3}[是要]|第[一二两三四五六七八九十]{1,3}\s?[，,、：:])")
UNNUMBERED = re.compile(r"(?:以下|如下|下列)?(?:几点|幾點|几个方面|幾個方面|几项|幾項)")  # "以下几点": no number, inferred
HAN = re.compile(r"[\u4e00-\u9fff]")
# A reporter's paragraph between two points: "王毅表示，…", "他补充说，…" (a name or pronoun, then a verb of saying).
REPORTER = re.compile(r"^[\u4e00-\u9fff]{1,4}?(?:还|也|并)?(?:表示|指出|强调|強調|补充说|補充說|说|說)[，,:：]")


def number_value(raw: str) -> int:
    """一..十, 十一, 二十, 两; ASCII or full-width digits."""
    raw = raw.translate(str.maketrans("０１２３４５６７８９", "0123456789"))
    if raw.isdigit():
        return int(raw)
    if raw in NUMERALS:
        return NUMERALS[raw]
    if "十" in raw:
        tens, _, units = raw.partition("十")
        return NUMERALS.get(tens, 1) * 10 + NUMERALS.get(units, 0)
    return 0


def counts(text: str, start: int, end: int) -> list[tuple[int, int, int]]:
    """(value, start, end) of each count phrase between start and end."""
    found = []
    for match in _COUNT.finditer(text, start, end):
        cls, noun = match.group("cls"), match.group("noun1") or match.group("noun2")
        if cls in ("个", "個", "大") and not noun:
            continue  # 两个国家, 三大: not a set unless its noun follows
        if not noun and text[match.end():match.end() + 1] in _NOT_AFTER_CLASS:
            continue
        value = number_value(match.group("num"))
        if value >= 2:
            found.append((value, match.start(), match.end()))
    for match in _QUOTED_COUNT.finditer(text, start, end):
        value = number_value(match.group("num") or match.group("num2"))
        if value >= 2 and not any(s <= match.start() < e for _, s, e in found):
            found.append((value, match.start(), match.end()))
    return found


def markers_at(text: str, at: int, end: int, *, at_block_start: bool) -> list[tuple[str, int | None, int, int]]:
    """(family, ordinal, start, content) of a marker starting at `at`."""
    for family, pattern in (("word", _WORD), ("shi", _SHI), ("cparen", _PAREN)):
        match = pattern.match(text, at, end)
        if match:
            value = number_value(match.group("n") or match.group("q") if family == "shi" else match.group("n"))
            return [(family, value, at, _skip(text, match.end(), end))] if value else []
    match = _SHOUYAO.match(text, at, end)
    if match:
        return [("word", 1, at, _skip(text, match.end(), end))]
    match = _SEQUENCE.match(text, at, end)
    if match:
        return [("word", _SEQUENCE_ORDINALS[match.group("w")], at, _skip(text, match.end(), end))]
    match = _ENUM.match(text, at, end) if at_block_start else None
    if match and not text[match.end():match.end() + 1].isdigit():
        return [("cnum", number_value(match.group("n")), at, _skip(text, match.end(), end))]
    return []


def inline_starts(text: str, start: int, end: int) -> list[int]:
    """Where a marker may begin inside a block: after 。！？；：, and after ，before 一是 or 第一，("他说，第一，…")."""
    found = [m.end() for m in _INLINE_START.finditer(text, start, end)]
    found += [m.end() for m in _SHI_START.finditer(text, start, end)]
    return sorted(set(found))


def in_sentence_starts(text: str, start: int, end: int) -> list[int]:
    """Where 首要 opens a point inside a sentence ("…四點要求中,美方首要堅持…")."""
    return [m.start() for m in _SHOUYAO.finditer(text, start, end)]


def _skip(text: str, offset: int, limit: int) -> int:
    while offset < limit and text[offset] in " \t\u3000":
        offset += 1
    return offset
