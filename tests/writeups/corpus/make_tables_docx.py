"""Writes 08-tables-baota-ningde.docx, the corpus's write-up with tables (itinerary and
benchmark figures), as a department would circulate it. Run it again after changing it:

    .venv/bin/python tests/writeups/corpus/make_tables_docx.py
"""

from pathlib import Path

from docx import Document
from docx.shared import Pt

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "08-tables-baota-ningde.docx"

BEFORE = [
    "宝塔区赴福建宁德学习考察报告",
    "区委、区政府：",
    "7月3日至5日，按照区委安排，区委常委、组织部部长高志远带领区发改局、区工信局、"
    "柳林镇等单位负责同志一行15人，赴福建省宁德市蕉城区、福鼎市、霞浦县学习考察新能源产业"
    "发展和乡村振兴工作。行程安排如下：",
]
ITINERARY = [
    ("日期", "时间", "考察点", "内容", "介绍人"),
    ("7月3日", "上午", "宁德时代新能源科技股份有限公司", "参观展厅和电池生产线", "公司副总裁 陈明"),
    (
        "7月3日",
        "下午",
        "蕉城区锂电新能源产业园",
        "座谈交流产业链配套",
        "蕉城区委常委、常务副区长 郑海燕",
    ),
    ("7月4日", "上午", "福鼎市白茶小镇", "考察白茶产业和茶旅融合", "福鼎市茶业发展局局长 蔡建国"),
    (
        "7月4日",
        "下午",
        "福鼎市磻溪镇赤溪村",
        "现场教学：“中国扶贫第一村”的脱贫之路",
        "赤溪村党支部书记 吴庆华",
    ),
    (
        "7月5日",
        "上午",
        "霞浦县海洋渔业示范基地",
        "考察深远海养殖",
        "霞浦县海洋与渔业局副局长 黄晓玲",
    ),
]
MIDDLE = [
    "一、主要做法和经验",
    "（一）龙头带动，延链成群。蕉城区以宁德时代为龙头，引进上下游配套企业80余家，形成了从材料、"
    "电芯到储能的完整产业链。",
    "（二）茶旅融合，一业兴百业。福鼎市把白茶产业和全域旅游结合起来，打造白茶小镇，"
    "带动茶农户均增收2万元以上。",
    "（三）党建引领，久久为功。赤溪村坚持“一任接着一任干”，从“输血”到“造血”，"
    "走出了一条产业富村的路子。",
    "“脱贫不是终点，而是新生活、新奋斗的起点。”吴庆华说。",
    "二、对标情况",
    "对照蕉城区，我区主要经济指标差距明显（见下表）。",
]
FIGURES = [
    ("指标", "蕉城区", "宝塔区"),
    ("地区生产总值（亿元）", "1150", "520"),
    ("规上工业增加值增速（%）", "25.6", "6.2"),
    ("城镇居民人均可支配收入（元）", "48600", "42100"),
]
AFTER = [
    "三、存在的差距",
    "一是产业链条短，我区能源产业以原煤、原油开采为主，精深加工和配套企业少；"
    "二是招商引资力度不够，缺少有带动力的龙头项目；三是特色农业品牌影响力弱，"
    "苹果等优势产品附加值不高。",
    "四、下一步工作打算",
    "（一）谋划新能源产业链招商。围绕储能、光伏等领域，编制产业链招商图谱，年内引进配套企业5家以上。",
    "（二）推动苹果产业茶旅式融合发展。学习福鼎经验，在柳林镇建设苹果文化体验小镇。",
    "（三）深化干部作风建设。把赤溪村“久久为功”的精神转化为抓落实的具体行动。",
    "宝塔区委组织部",
    "2024年7月10日",
]


def table(document, rows):
    grid = document.add_table(rows=len(rows), cols=len(rows[0]))
    grid.style = "Table Grid"
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            grid.cell(r, c).text = value


def build(path: Path = OUTPUT) -> Path:
    document = Document()
    document.styles["Normal"].font.size = Pt(12)
    document.core_properties.author = ""
    for text in BEFORE:
        document.add_paragraph(text)
    table(document, ITINERARY)
    for text in MIDDLE:
        document.add_paragraph(text)
    table(document, FIGURES)
    for text in AFTER:
        document.add_paragraph(text)
    document.save(path)
    return path


if __name__ == "__main__":
    print(build())
