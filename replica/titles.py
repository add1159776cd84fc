"""Plausible Chinese titles, prose and captions for the replica's items.

Every text is drawn from templates with a caller's seeded ``random.Random``, so the same spec gives
the same words. Templates are chosen by taxonomy code so each column reads like itself.
"""

from __future__ import annotations

import random

TOWNS = (
    "青石镇",
    "柳河镇",
    "东岗镇",
    "石湖乡",
    "南坨镇",
    "北岭乡",
    "杏林镇",
    "双井子乡",
    "红旗镇",
    "大兴乡",
    "西沟乡",
    "望山镇",
)
DEPARTMENTS = (
    "县发展和改革局", "县财政局", "县教育局", "县卫生健康局", "县民政局", "县住房和城乡建设局", "县交通运输局",
    "县水利局", "县自然资源局", "县农业农村局", "县人力资源和社会保障局", "县应急管理局", "县市场监督管理局",
    "县生态环境分局", "县统计局", "县审计局", "县文化旅游和广播电视局", "县公共资源交易中心",
)  # fmt: skip
TOPICS = (
    "安全生产", "脱贫攻坚", "乡村振兴", "营商环境", "秸秆禁烧", "森林防火", "防汛抗旱", "环境保护", "食品安全",
    "河长制", "扫黑除恶专项斗争", "农村人居环境整治", "社会保险", "义务教育均衡发展", "双拥共建", "项目建设",
)  # fmt: skip
THINGS = (
    "农村饮水安全巩固提升工程", "县城供热管网改造工程", "乡村公路建设项目", "农田水利设施维修项目",
    "棚户区改造项目", "中小学校舍维修工程", "县医院综合楼建设项目", "污水处理厂提标改造工程",
    "农村危房改造项目", "高标准农田建设项目", "城区道路亮化工程", "垃圾填埋场封场工程",
)  # fmt: skip

# Title templates per taxonomy code prefix; {c}=county, {y}=year, {m}=month, {town}, {dept}, {topic}, {thing}.
TEMPLATES: dict[str, tuple[str, ...]] = {
    # Columns that match no taxonomy node (code ""), such as a 县长信箱: letters and replies.
    "": (
        "关于{town}{topic}问题的回复", "关于{thing}进度的咨询及答复", "关于{dept}办事流程的留言回复",
        "{town}群众反映{topic}相关问题的办理情况",
    ),
    "JRGZ": (
        "{c}召开{y}年{topic}工作会议", "{c}领导深入{town}调研{topic}工作", "{c}部署{topic}重点工作",
        "{c}召开县政府第{n}次常务会议", "{c}开展{topic}专项督查", "{c}举行{thing}开工仪式",
        "市领导到{c}检查指导{topic}工作", "{c}召开{y}年{m}月份经济运行分析会",
    ),
    "XZDT": (
        "{town}扎实推进{topic}工作", "{town}召开{topic}动员大会", "{town}开展{topic}宣传活动",
        "{town}多措并举做好{topic}", "{town}{thing}进展顺利", "{town}组织干部学习{topic}相关政策",
    ),
    "BMGZ": (
        "{dept}召开{y}年{topic}工作推进会", "{dept}开展{topic}专项检查", "{dept}扎实做好{topic}工作",
        "{dept}组织开展业务培训", "{dept}召开党风廉政建设工作会议", "{dept}推进{thing}建设",
    ),
    "ZFWJ": (
        "{c}人民政府关于印发《{c}{topic}实施方案》的通知", "{c}人民政府办公室关于做好{y}年{topic}工作的通知",
        "{c}人民政府关于进一步加强{topic}工作的意见", "{c}人民政府办公室关于印发《{c}{topic}工作考核办法》的通知",
        "{c}人民政府关于调整{topic}工作领导小组成员的通知",
    ),
    "ZFGG": (
        "{c}{thing}招标公告", "关于{thing}的公示", "{dept}关于{topic}的通告", "{c}{y}年第{n}批公开招聘事业单位工作人员公告",
        "{c}关于{y}年{topic}的公告", "{thing}中标结果公示",
    ),
    "ZFXXGK": (
        "{dept}{y}年部门预算公开", "{dept}{y}年政府信息公开工作年度报告", "{c}{y}年国民经济和社会发展统计公报",
        "{dept}权责清单", "{c}{y}年财政预算执行情况", "{dept}{y}年部门决算公开",
    ),
    "TP": ("{c}{topic}工作掠影", "{town}{thing}现场", "图说{c}：{topic}", "{c}{y}年{topic}活动剪影"),
    "SPXW": (
        "【视频】{c}召开{topic}工作会议（{m}月{d}日）", "【视频】{town}{topic}见闻", "【视频】{c}新闻联播（{y}年{m}月{d}日）",
        "【视频】{dept}：{topic}在行动", "【视频】{town}{thing}建设现场",
    ),
    "ZDGZ.K": (
        "{c}{y}年{col}工作要点", "{dept}关于{col}有关情况的说明", "{dept}{col}信息公开", "{c}{col}工作进展情况（{y}年{m}月）",
        "《{c}{topic}实施方案》政策解读", "{c}{y}年{col}工作总结",
    ),
    "ZDGZ.GGZY": ("{thing}{col}公告", "{thing}{col}结果公示", "{c}{col}信息公开（{y}年第{n}期）"),
    "ZDGZ.SHGY": ("{c}{col}工作情况", "{dept}{y}年{col}信息公开", "{town}{col}有关情况公示", "{c}{y}年{col}资金分配结果"),
    "ZDGZ.ZDJS": ("{thing}{col}信息", "{thing}{col}情况公开", "关于{thing}{col}的公示"),
}  # fmt: skip

SENTENCES = (
    "{date}，{c}召开专题会议，研究部署{topic}相关工作。",
    "会议指出，做好{topic}工作事关全县经济社会发展大局，各乡镇、各部门要提高政治站位，压实工作责任。",
    "会议要求，要坚持问题导向，聚焦薄弱环节，确保各项任务落到实处、取得实效。",
    "{dept}主要负责同志汇报了{topic}工作进展情况，并就下一步工作提出了意见建议。",
    "近年来，{c}认真贯彻落实上级决策部署，{topic}工作取得明显成效。",
    "截至目前，全县已完成{thing}{n}项，完成投资{money}万元。",
    "{town}结合实际，制定了具体工作方案，明确了时间表和路线图。",
    "下一步，{c}将进一步加大工作力度，强化督导检查，推动{topic}工作再上新台阶。",
    "各有关单位要加强沟通协调，形成工作合力，确保按时保质完成任务。",
    "此次活动共发放宣传资料{n}余份，接受群众咨询{n2}余人次。",
    "县政府有关领导，各乡镇、县直有关部门主要负责同志参加会议。",
    "对工作不力、推诿扯皮的单位和个人，将依规依纪严肃追究责任。",
)


def _slots(
    rng: random.Random, county: str, column: str, year: int, month: int, day: int
) -> dict[str, object]:
    return {
        "c": county,
        "y": year,
        "m": month,
        "d": day,
        "col": column,
        "n": rng.randint(2, 60),
        "n2": rng.randint(100, 900),
        "money": rng.randint(30, 9000),
        "town": rng.choice(TOWNS),
        "dept": rng.choice(DEPARTMENTS),
        "topic": rng.choice(TOPICS),
        "thing": rng.choice(THINGS),
        "date": f"{month}月{day}日",
    }


def templates_for(code: str) -> tuple[str, ...]:
    """The title templates of the longest code prefix that has some (``ZDGZ.GGZY.01`` → ``ZDGZ.GGZY``)."""
    for prefix in sorted(TEMPLATES, key=len, reverse=True):
        if (
            code == prefix
            or code.startswith(prefix + ".")
            or (prefix.endswith(".K") and code.startswith(prefix))
        ):
            return TEMPLATES[prefix]
    return TEMPLATES["JRGZ"]


def make_title(
    rng: random.Random, code: str, county: str, column: str, year: int, month: int, day: int
) -> str:
    """A title for an item of the column with taxonomy ``code`` published on the given day."""
    template = rng.choice(templates_for(code))
    return template.format(**_slots(rng, county, column, year, month, day))


def make_paragraphs(rng: random.Random, county: str, year: int, month: int, day: int) -> tuple[str, ...]:
    """Three to six paragraphs of two or three template sentences each."""
    paragraphs = []
    for _ in range(rng.randint(3, 6)):
        sentences = rng.sample(SENTENCES, rng.randint(2, 3))
        slots = _slots(rng, county, "", year, month, day)
        paragraphs.append("".join(s.format(**slots) for s in sentences))
    return tuple(paragraphs)


def make_caption(rng: random.Random, title: str) -> str:
    """A one-line caption (under 60 characters) for a picture or a video."""
    lead = rng.choice(("图为", "画面为", "视频记录了"))
    return f"{lead}{title[:40]}。"


def make_doc_no(rng: random.Random, prefix: str, year: int, seq: int) -> str:
    """A 文号 such as 青政办发〔2018〕12号."""
    kind = rng.choice(("发", "办发", "办发", "办"))
    return f"{prefix}{kind}〔{year}〕{seq}号"
