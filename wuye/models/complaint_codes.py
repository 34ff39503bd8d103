"""The seed's own lists for a complaint (DOMAIN.md B): channel, topic, validity and its reasons,
seriousness, forwarding, contacts, satisfaction, repeats, corrective-action states. Their words in the
reader's language are in `wuye/complaints/labels.py`.
"""
from __future__ import annotations

from enum import StrEnum


class Channel(StrEnum):
    """How the complaint reached the company."""

    PHONE = "phone"  # 电话
    VISIT = "visit"  # 来访
    WRITTEN = "written"  # 书面
    MEDIA = "media"  # 媒体曝光
    GOVERNMENT = "government"  # 政府转办
    COMPANY = "company"  # 公司转办
    OTHER = "other"  # 其他


# B1(4): complaints made directly to the company or to a government body are the CS supervisor's
SUPERVISOR_CHANNELS = frozenset({Channel.GOVERNMENT, Channel.COMPANY})


class Topic(StrEnum):
    """What the complaint is about (repeat detection looks at the household, whatever the topic)."""

    ATTITUDE = "attitude"  # 服务态度
    REPAIR = "repair"  # 维修质量
    TIMELINESS = "timeliness"  # 服务及时性
    FACILITIES = "facilities"  # 公共设施设备
    ENVIRONMENT = "environment"  # 环境卫生
    SECURITY = "security"  # 秩序安全
    FEES = "fees"  # 收费
    NOISE = "noise"  # 噪音扰民
    OTHER = "other"  # 其他


class Validity(StrEnum):
    VALID = "valid"  # 有效投诉
    INVALID = "invalid"  # 无效投诉


class InvalidReason(StrEnum):
    """B4 无效投诉 1)–3)."""

    UNAWARE_OF_RULES = "unaware_of_rules"  # 不了解行业标准、项目部相关管理规定
    INSUFFICIENT_BASIS = "insufficient_basis"  # 依据不充分，凭主观判断
    OTHER_BODY = "other_body"  # 须由政府或其他部门解决，与项目部服务无直接关系


class ValidReason(StrEnum):
    """B4 有效投诉 1)–5)."""

    ATTITUDE = "attitude"  # 服务态度不礼貌、服务语言不规范
    PROCEDURE = "procedure"  # 不熟悉工作程序，服务不及时、不准时、不省时
    FACILITIES = "facilities"  # 公共设备设施、维修器材工具管理不善
    MATERIALS = "materials"  # 维修材料、零星配件、产品质量不合格
    AREA = "area"  # 所辖区域管理不善：秩序、环境、安全


REASONS = {Validity.VALID: frozenset(ValidReason), Validity.INVALID: frozenset(InvalidReason)}


class Severity(StrEnum):
    NORMAL = "normal"  # 普通投诉
    SERIOUS = "serious"  # 严重投诉


class NormalKind(StrEnum):
    """B3 普通投诉 1)–2): how a normal complaint is ended."""

    REWORK = "rework"  # 返工、返修补救
    CONCESSION = "concession"  # 让步处理


class SeriousCriterion(StrEnum):
    """B3 严重投诉 1)–6); any one makes a complaint serious."""

    SEVERAL_DEPARTMENTS = "several_departments"  # 涉及部门较多
    MEDIA = "media"  # 公开媒体曝光，造成不良社会影响
    IMAGE = "image"  # 严重影响公司形象、声誉、利益
    SYSTEM_DOUBT = "system_doubt"  # 导致对公司制度管理系统产生怀疑
    REPEATED = "repeated"  # 短时间内业户重复投诉，问题不能妥善解决、纠正措施无效
    QUALITY_SYSTEM = "quality_system"  # 因质量体系缺陷导致 — 必须提交管理评审


class ForwardMode(StrEnum):
    """转呈: a normal complaint by phone or in person, a serious one in writing."""

    PHONE = "phone"  # 电话转呈
    VERBAL = "verbal"  # 口头转呈
    WRITTEN = "written"  # 书面转呈


class ContactPurpose(StrEnum):
    EXPLAIN = "explain"  # 解释 (an invalid complaint; B4 4))
    OTHER_UNITS = "other_units"  # 涉及其他单位：解释并说明跟进
    PROGRESS = "progress"  # 跟进进展
    REPLY = "reply"  # 答复处理结果


class ContactChannel(StrEnum):
    PHONE = "phone"  # 电话
    VISIT = "visit"  # 上门
    DESK = "desk"  # 来访面谈
    MESSAGE = "message"  # 短信/微信
    WRITTEN = "written"  # 书面


class Satisfaction(StrEnum):
    SATISFIED = "satisfied"  # 满意
    BASICALLY = "basically"  # 基本满意
    DISSATISFIED = "dissatisfied"  # 不满意


class RepeatStatus(StrEnum):
    SUGGESTED = "suggested"  # 疑似重复投诉，待客服部确认
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class ActionState(StrEnum):
    OPEN = "open"  # 待完成
    DONE = "done"  # 已完成，待客服部检查
    EFFECTIVE = "effective"  # 检查有效
    INEFFECTIVE = "ineffective"  # 检查无效：纠正措施无效 (reopened with a new due date)


ACTION_TO_DO = (ActionState.OPEN, ActionState.INEFFECTIVE)  # its owner still has to do it
