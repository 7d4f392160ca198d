"""The column schema of each import kind: English field name, Chinese headers, type, required.

A header in a file matches a column when, after normalising (trim, full-width to half-width,
no spaces, case-insensitive, a trailing `*` removed), it equals the English field name, one of
the Chinese headers listed here, or the model field's verbose name. docs/import-format.md is
rendered from these definitions (see `templates.render_markdown`).
"""

from __future__ import annotations

import builtins
import re
import unicodedata
from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import pgettext_lazy

from backend.jobs.models import Employer, Posting
from backend.occupations.models import Brand, CertificateLevel
from backend.workers.models import WorkerProfile
from training.models import Program, Provider, Session

# Column types. Those marked (list) take several values separated by 、,;| (or a JSON array).
TYPE_DOCS = {
    "text": "文本 text",
    "int": "整数 integer",
    "decimal": "金额 decimal",
    "float": "小数 number",
    "bool": "是/否 (是/否/Y/N/1/0/true/false)",
    "date": "日期 date (YYYY-MM-DD, YYYY/M/D, Excel date)",
    "choice": "选项 choice (中文名称或英文值)",
    "division": "区县 division (6位代码或唯一名称)",
    "divisions": "区县列表 divisions (list)",
    "occupation": "职业 occupation (slug/名称/同义词)",
    "occupations": "职业列表 occupations (list)",
    "skills": "技能列表 skills (list: slug/名称/同义词)",
    "certificate_type": "证书 certificate type (slug/名称/同义词)",
    "certificates": "证书列表 certificates (list, 证书名:等级)",
    "level": "证书等级 level (五级/四级/三级/二级/一级, 初级工…, 或5..1)",
    "ref": "外部编号 external id (须已存在)",
    "id_number": "身份证号 18位",
    "mobile": "手机号 11位",
    "credit_code": "统一社会信用代码 18位",
    "strings": "文本列表 list of text",
}

LIST_TYPES = frozenset({"divisions", "occupations", "skills", "certificates", "strings"})


@dataclass(frozen=True)
class Column:
    field: str  # the English field name; also accepted as a header
    headers: tuple[str, ...]  # Chinese headers; the first is the one templates use
    type: str
    required: bool = False
    example: str = ""
    note: str = ""
    choices: builtins.type[models.Choices] | None = None
    ref: str = ""  # for type "ref": the kind referenced (providers, programs, employers)
    in_model: bool = True  # False for columns written by hand (ID number, worker skills...)

    @property
    def header(self) -> str:
        return self.headers[0]

    @property
    def is_list(self) -> bool:
        return self.type in LIST_TYPES


@dataclass(frozen=True)
class KindSchema:
    kind: str
    label: str
    model: type[models.Model]
    columns: tuple[Column, ...]
    notes: tuple[str, ...] = ()
    _index: dict[str, Column] = field(default_factory=dict, compare=False, repr=False)

    def __post_init__(self) -> None:
        for column in self.columns:
            for name in self.accepted_headers(column):
                key = normalise_header(name)
                other = self._index.get(key)
                if other is not None and other is not column:
                    raise ValueError(f"{self.kind}: header {name!r} maps to {other.field} and {column.field}")
                self._index[key] = column

    def accepted_headers(self, column: Column) -> list[str]:
        names = [*column.headers, column.field]
        try:
            model_field = self.model._meta.get_field(column.field)
        except Exception:
            model_field = None
        verbose_name = getattr(model_field, "verbose_name", None)
        if column.in_model and verbose_name:
            names.append(str(verbose_name))
        seen: list[str] = []
        for name in names:
            if name not in seen:
                seen.append(name)
        return seen

    def column_for(self, header: str) -> Column | None:
        return self._index.get(normalise_header(header))

    def get(self, field_name: str) -> Column:
        for column in self.columns:
            if column.field == field_name:
                return column
        raise KeyError(field_name)

    @property
    def required(self) -> list[Column]:
        return [c for c in self.columns if c.required]


_HEADER_SPACE = re.compile(r"\s+")


def normalise_header(name: str) -> str:
    text = unicodedata.normalize("NFKC", str(name or "")).strip()
    text = text.rstrip("*").strip()
    return _HEADER_SPACE.sub("", text).casefold()


def _external_id(*headers: str, example: str) -> Column:
    return Column(
        "external_id",
        ("外部编号", *headers),
        "text",
        required=True,
        example=example,
        note="稳定的唯一编号;再次导入同一编号会更新而非重复创建",
    )


def _lat_lng() -> tuple[Column, Column]:
    return (
        Column("latitude", ("纬度",), "float", example="24.19", note="与经度同时填写;留空则取区县坐标"),
        Column("longitude", ("经度",), "float", example="113.40"),
    )


PROVIDERS = KindSchema(
    "providers",
    "培训机构",
    Provider,
    (
        _external_id("机构编号", example="prov-yd-001"),
        Column("name", ("机构名称", "名称"), "text", required=True, example="英德市技工学校"),
        Column(
            "kind", ("机构类型", "类型"), "choice", required=True, choices=Provider.Kind, example="技工院校"
        ),
        Column("county", ("所在区县", "区县代码", "区县"), "division", required=True, example="441881"),
        Column("verified", ("已认定",), "bool", example="是"),
        Column("contact_phone", ("联系电话", "电话"), "text", example="0763-2222222"),
        Column("address", ("地址",), "text", example="英德市英城街道"),
    ),
)

EMPLOYERS = KindSchema(
    "employers",
    "用人单位",
    Employer,
    (
        _external_id("单位编号", example="emp-yd-001"),
        Column("name", ("单位名称", "企业名称", "名称"), "text", required=True, example="英德某制造有限公司"),
        Column(
            "credit_code",
            ("统一社会信用代码", "信用代码"),
            "credit_code",
            required=True,
            example="91441881MA00000015",
            note="含校验位;不能与其他单位重复",
        ),
        Column("county", ("所在区县", "区县代码", "区县"), "division", required=True, example="英德市"),
        Column("industry", ("行业", "所属行业"), "text", required=True, example="制造业"),
        Column("is_stable_employment_base", ("稳岗就业基地", "一县一企"), "bool", example="否"),
        Column("contact_phone", ("联系电话", "电话"), "text", example="0763-2222222"),
        Column("address", ("地址",), "text", example="英德市英红工业园"),
    ),
)

PROGRAMS = KindSchema(
    "programs",
    "培训项目",
    Program,
    (
        _external_id("项目编号", example="prog-yd-001"),
        Column(
            "provider",
            ("机构编号", "培训机构编号", "provider_external_id"),
            "ref",
            required=True,
            ref="providers",
            example="prov-yd-001",
            note="培训机构的外部编号;培训机构人员只能填本机构",
        ),
        Column(
            "title", ("项目名称", "名称"), "text", required=True, example="粤菜师傅中式烹调师(五级)培训班"
        ),
        Column(
            "brand",
            ("培训品牌", "品牌"),
            "choice",
            choices=Brand,
            example="粤菜师傅",
            note="留空则取职业的品牌",
        ),
        Column("occupation", ("职业", "工种"), "occupation", required=True, example="中式烹调师"),
        Column(
            "skills",
            ("技能", "所授技能"),
            "skills",
            example="粤菜烹饪、刀工",
            note="状态为已发布时至少填写一项",
        ),
        Column("certificate_type", ("颁发证书", "证书"), "certificate_type", example="厨师证"),
        Column("certificate_level", ("证书等级",), "level", example="五级", note="分等级的证书必填"),
        Column("delivery", ("授课方式",), "choice", choices=Program.Delivery, example="线下"),
        Column("online_url", ("课程链接", "线上课程链接"), "text", example="", note="线上或混合授课必填"),
        Column(
            "venue_division",
            ("区县代码", "培训区县", "培训地点", "区县"),
            "division",
            required=True,
            example="441881",
        ),
        Column("venue_address", ("培训地址", "地址"), "text", example="英德市和平北路1号"),
        *_lat_lng(),
        Column("hours", ("课时", "学时"), "int", required=True, example="80"),
        Column("fee", ("费用", "培训费用", "费用(元)"), "decimal", example="0", note="免费项目应为0"),
        Column("is_free", ("免费", "是否免费"), "bool", example="是"),
        Column("is_subsidised", ("可享培训补贴", "培训补贴", "补贴"), "bool", example="是"),
        Column("eligibility", ("报名条件", "补贴条件"), "text", example="英德市户籍农村劳动力"),
        Column("description", ("项目介绍", "介绍"), "text", example=""),
        Column("status", ("状态",), "choice", choices=Program.Status, example="已发布"),
    ),
)

SESSIONS = KindSchema(
    "sessions",
    "开班",
    Session,
    (
        _external_id("开班编号", "班级编号", example="sess-yd-001"),
        Column(
            "program",
            ("项目编号", "培训项目编号", "program_external_id"),
            "ref",
            required=True,
            ref="programs",
            example="prog-yd-001",
            note="培训项目的外部编号;培训机构人员只能填本机构的项目",
        ),
        Column("start_date", ("开班日期", "开始日期"), "date", required=True, example="2026-03-02"),
        Column("end_date", ("结业日期", "结束日期"), "date", required=True, example="2026/3/30"),
        Column("enrol_deadline", ("报名截止", "报名截止日期"), "date", example="2026-02-25"),
        Column("seats", ("名额", "招生人数"), "int", required=True, example="40"),
        Column("status", ("状态",), "choice", choices=Session.Status, example="报名中"),
    ),
)

POSTINGS = KindSchema(
    "postings",
    "招聘岗位",
    Posting,
    (
        _external_id("岗位编号", example="post-yd-001"),
        Column(
            "employer",
            ("单位编号", "用人单位编号", "employer_external_id"),
            "ref",
            required=True,
            ref="employers",
            example="emp-yd-001",
            note="用人单位的外部编号;用人单位人员只能填本单位",
        ),
        Column("title", ("岗位名称", "岗位", "名称"), "text", required=True, example="电焊工"),
        Column("occupation", ("职业", "工种"), "occupation", required=True, example="焊工"),
        Column("required_skills", ("技能", "必备技能", "要求技能"), "skills", example="电焊、二保焊"),
        Column("preferred_skills", ("优先技能", "加分技能"), "skills", example=""),
        Column("required_certificate", ("要求证书",), "certificate_type", example="焊工证"),
        Column("required_certificate_level", ("证书最低等级", "证书等级"), "level", example=""),
        Column("headcount", ("招聘人数", "人数"), "int", required=True, example="10"),
        Column("wage_type", ("计薪方式", "薪资类型"), "choice", choices=Posting.WageType, example="月薪"),
        Column(
            "wage_min", ("月薪下限", "最低月薪"), "int", example="4500", note="月薪岗位必填,1000至100000元"
        ),
        Column("wage_max", ("月薪上限", "最高月薪"), "int", example="6500", note="不低于月薪下限"),
        Column("rate", ("单价", "计件单价", "日薪"), "decimal", example="", note="计件或日结岗位必填"),
        Column("rate_unit", ("单价单位", "计价单位"), "text", example="件"),
        Column("provides_meals", ("包吃",), "bool", example="是"),
        Column("provides_lodging", ("包住",), "bool", example="是"),
        Column("social_insurance", ("五险一金", "社保"), "bool", example="是"),
        Column("couple_rooms", ("夫妻房",), "bool", example="否"),
        Column("shifts", ("班制", "班次"), "choice", choices=Posting.Shifts, example="两班倒"),
        Column(
            "division",
            ("区县代码", "工作区县", "工作地点", "区县"),
            "division",
            example="441881",
            note="留空则取用人单位所在区县",
        ),
        Column("address", ("工作地址", "地址"), "text", example="英德市英红工业园"),
        *_lat_lng(),
        Column("campaign", ("招聘活动", "活动"), "text", example="南粤春暖"),
        Column("description", ("岗位描述", "岗位职责", "描述"), "text", example=""),
        Column("status", ("状态",), "choice", choices=Posting.Status, example="招聘中"),
        Column("expires_on", ("截止日期", "有效期至"), "date", example="2026-04-30"),
    ),
)

WORKERS = KindSchema(
    "workers",
    "劳动者",
    WorkerProfile,
    (
        _external_id("人员编号", example="w-yd-0001"),
        Column("name", ("姓名",), "text", required=True, example="张三"),
        Column("mobile", ("手机号", "手机号码", "手机"), "mobile", required=True, example="13800138000"),
        Column(
            "id_number",
            ("身份证号", "身份证号码", "公民身份号码"),
            "id_number",
            example="",
            note="校验位须正确;加密保存;不能与其他劳动者重复",
            in_model=False,
        ),
        Column(
            "gender", ("性别",), "choice", choices=WorkerProfile.Gender, example="男", note="留空则按身份证号"
        ),
        Column("ethnicity", ("民族",), "text", example="汉族"),
        Column("birth_year", ("出生年份",), "int", example="1985", note="留空则按身份证号"),
        Column("hukou_division", ("户籍地", "户籍区县"), "division", example="连山壮族瑶族自治县"),
        Column(
            "current_division",
            ("常住地", "常住区县", "区县代码", "区县"),
            "division",
            required=True,
            example="441881",
            note="就业服务人员只能导入本中心覆盖区县的劳动者",
        ),
        Column("preferred_divisions", ("意向工作地", "意向地区"), "divisions", example="英德市、清城区"),
        Column("wants_work_near_home", ("希望就近就业", "就近就业"), "bool", example="是"),
        Column("max_commute_km", ("可接受通勤距离", "通勤距离(公里)"), "int", example="30"),
        Column("willing_to_relocate", ("愿意异地就业", "接受异地"), "bool", example="否"),
        Column("education", ("文化程度", "学历"), "choice", choices=WorkerProfile.Education, example="初中"),
        Column("desired_occupations", ("意向职业", "求职意向"), "occupations", example="焊工"),
        Column("skills", ("技能",), "skills", example="电焊、二保焊", in_model=False),
        Column(
            "certificates",
            ("证书", "持有证书"),
            "certificates",
            example="焊工证、焊工等级证:四级",
            note="每项为 证书名 或 证书名:等级",
            in_model=False,
        ),
        Column("wage_floor", ("期望最低月薪", "期望月薪"), "int", example="4000"),
        Column("needs_lodging", ("需要住宿", "需包住"), "bool", example="是"),
        Column("needs_meals", ("需要包吃", "需包吃"), "bool", example="否"),
        Column("needs_couple_room", ("需要夫妻房",), "bool", example="否"),
        Column("wants_to_start_business", ("有创业意向", "创业意向"), "bool", example="否"),
        Column("available_from", ("可到岗日期", "到岗日期"), "date", example="2026-03-01"),
        Column("languages", ("语言", "方言", "语言/方言"), "strings", example="普通话、粤语、客家话"),
        Column(
            "registration_status",
            ("就业失业登记", "登记状态"),
            "choice",
            choices=WorkerProfile.RegistrationStatus,
            example="未登记",
        ),
        Column("consent_data_processing", ("同意个人信息处理",), "bool", example="是"),
        Column("consent_share_with_employers", ("同意向用人单位推荐",), "bool", example="是"),
        Column("consent_contact", ("同意接收通知", "同意接收岗位/培训通知"), "bool", example="是"),
    ),
)

SCHEMAS: dict[str, KindSchema] = {
    s.kind: s for s in (PROVIDERS, EMPLOYERS, PROGRAMS, SESSIONS, POSTINGS, WORKERS)
}

# Each kind's name inside an error message ("您没有导入{label}的权限。"); the labels above stay as
# they are (import templates, stored reports). A context keeps these apart from the web pages'
# headings of the same words.
KIND_NOUNS = {
    "providers": pgettext_lazy("in a sentence", "培训机构"),
    "employers": pgettext_lazy("in a sentence", "用人单位"),
    "programs": pgettext_lazy("in a sentence", "培训项目"),
    "sessions": pgettext_lazy("in a sentence", "开班"),
    "postings": pgettext_lazy("in a sentence", "招聘岗位"),
    "workers": pgettext_lazy("in a sentence", "劳动者"),
}

# Extra words accepted for some choices, beyond each choice's value, label and label parts.
CHOICE_SYNONYMS: dict[str, str] = {
    "马兰花": Brand.MALANHUA,
    "创业培训": Brand.MALANHUA,
    "m": WorkerProfile.Gender.MALE,
    "f": WorkerProfile.Gender.FEMALE,
    "白班": Posting.Shifts.DAY,
    "发布": Program.Status.PUBLISHED,
}

LEVEL_WORDS: dict[str, int] = {
    "初级": 5,
    "中级": 4,
    "高级": 3,
    "五级": 5,
    "四级": 4,
    "三级": 3,
    "二级": 2,
    "一级": 1,
}
for _level in CertificateLevel:
    LEVEL_WORDS[str(_level.value)] = _level.value
    LEVEL_WORDS[str(_level.label)] = _level.value
    for _part in str(_level.label).split("/"):
        LEVEL_WORDS[_part] = _level.value
