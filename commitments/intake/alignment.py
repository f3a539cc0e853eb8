"""Points of one set worded in two languages (a Chinese or Russian original, an English translation):
aligned by ordinal, confirmed by content.

Words cannot be compared across languages, so a point is reduced to what survives translation:
its figures (2030, 12, 5%) and the concepts of a small glossary of the vocabulary these texts
share (vaccine / 疫苗 / вакцин ...). Two renderings of one set have as many points, and point n
of one shares figures and concepts with point n of the other.
"""

import re

from .extract.chinese import number_value

# One concept a line: English stems | Chinese words (Simplified and Traditional) | Russian stems.
_GLOSSARY = """
vaccin|疫苗|вакцин
pandemic epidemic covid|疫情 新冠 肺炎 抗疫|пандем эпидем коронавирус covid
health medical medicine|卫生 衛生 医疗 醫療 健康 医药 醫藥|здравоохранен медицин здоров
trade|贸易 貿易 经贸 經貿|торгов
investment|投资 投資|инвестиц
econom|经济 經濟|экономи
energy oil gas|能源 油气 油氣 天然气 天然氣|энерг нефт газ
security|安全|безопасн
terror extrem|恐怖 极端 極端|террор экстрем
drug narcotic|毒品 禁毒|наркот
multilateral|多边 多邊|многосторон
united nations|联合国 聯合國|оон объединённых наций объединенных наций
sovereign|主权 主權|суверен
territor|领土 領土|территор
interfer|干涉|вмешат
dialogue consult communicat|对话 對話 沟通 溝通 磋商 协商 協商|диалог консультац
politic|政治|политич
strateg|战略 戰略|стратег
culture cultural people-to-people exchange|人文 文化 交流|культур гуманитар обмен
education student|教育 留学 留學 学生 學生|образован студент
touris|旅游 旅遊|туриз
climate|气候 氣候|климат
green environment ecolog|绿色 綠色 环境 環境 生态 生態|зелён зелен экологи окружающ
digital internet cyber|数字 數字 网络 網絡 互联网 互聯網|цифров интернет кибер
technolog innovat science|科技 技术 技術 创新 創新 科学 科學|технолог инновац наук
agricultur food grain|农业 農業 粮食 糧食|сельск продовольств зерн
infrastructur transport corridor railway connectiv|基础设施 基礎設施 交通 运输 運輸 走廊 铁路 鐵路 互联互通|инфраструктур транспорт коридор железн
belt and road|一带一路 一帶一路|пояс и путь пояса и пути
supply chain industrial chain|供应链 供應鏈 产业链 產業鏈|цепоч поставок
financ currenc bank|金融 货币 貨幣 银行 銀行 本币 本幣|финанс валют банк
poverty|贫困 貧困 减贫 減貧|бедност
develop|发展 發展|развити
peace|和平|мир
stabil|稳定 穩定|стабильн
ceasefire|停火|прекращени огня
humanitarian|人道|гуманитар
refugee|难民 難民|беженц
nuclear|核武器 核能 核安全 核电 核電|ядерн
sanction|制裁|санкци
afghan|阿富汗|афган
ukrain|乌克兰 烏克蘭|украин
russia|俄罗斯 俄羅斯 俄方|росси
china chinese|中国 中國 中方|кита
central asia|中亚 中亞|центральн азии центральной азии
asean|东盟 東盟|асеан
sco shanghai cooperation|上合 上海合作|шос шанхайск
brics|金砖 金磚|брикс
wto world trade organization|世贸 世貿|вто
who world health organization|世卫 世衛|воз
law legal justice|法治 法律 司法|правов закон юстиц
border|边境 邊境 边界 邊界|границ пригранич
military defen army|军事 軍事 国防 國防 军队 軍隊|военн оборон армии
law enforcement police|执法 執法 警务 警務|правоохран полиц
media news|媒体 媒體 新闻 新聞|сми медиа
youth|青年|молод
women|妇女 婦女|женщин
space|航天 太空|космос космич
"""
CONCEPTS: list[tuple[str, tuple[str, ...]]] = []
for _n, _line in enumerate(filter(None, _GLOSSARY.strip().splitlines())):
    _english, _chinese, _russian = _line.split("|")
    CONCEPTS.append((f"c{_n}", tuple((_english + " " + _chinese + " " + _russian).split())))
_NUMBER = re.compile(r"\d[\d,.]*|[一二两兩三四五六七八九十]{1,3}(?=[%％年个個项項点點条條])")


def concepts_of(text: str) -> frozenset[str]:
    lowered = text.lower()
    return frozenset(name for name, words in CONCEPTS if any(_has_word(lowered, word) for word in words))


def _has_word(text: str, word: str) -> bool:
    """Chinese words anywhere; English and Russian stems at the start of a word."""
    if not word.isascii() and not re.match(r"[а-яё]", word):
        return word in text
    return re.search(rf"(?<![\w]){re.escape(word)}", text) is not None


def figures_of(text: str) -> frozenset[str]:
    found = set()
    for match in _NUMBER.finditer(text):
        raw = match.group().rstrip(",.").replace(",", "")
        value = number_value(raw) if not raw[0].isdigit() else raw
        found.add(str(value))
    return frozenset(found)


def point_affinity(a: str, b: str) -> float:
    """0..1: how much two wordings of a point (in any languages) share, figures and concepts."""
    left, right = concepts_of(a) | figures_of(a), concepts_of(b) | figures_of(b)
    if not left and not right:
        return 0.0
    return len(left & right) / len(left | right)


def set_affinity(mine: list[str], theirs: list[str]) -> float:
    """0..100: the mean affinity of points of the same ordinal; 0 when the sets differ in size."""
    if len(mine) != len(theirs) or not mine:
        return 0.0
    return round(100 * sum(point_affinity(a, b) for a, b in zip(mine, theirs, strict=True)) / len(mine), 1)


def ordinal_alignment_holds(mine: list[str], theirs: list[str]) -> bool:
    """Do points of the same ordinal share clearly more than points of different ordinals (the translation kept the order)?

    Compared on average, not point by point: words common to the whole set ("develop", the two
    countries' names) make single pairs noisy."""
    if len(mine) != len(theirs) or not mine:
        return False
    pairs = [(n, m, point_affinity(a, b)) for n, a in enumerate(mine) for m, b in enumerate(theirs)]
    same = [x for n, m, x in pairs if n == m]
    other = [x for n, m, x in pairs if n != m]
    return sum(same) / len(same) > 2 * (sum(other) / len(other) if other else 0.0)
