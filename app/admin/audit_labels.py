"""How the audit log page names what it stores: the action codes, object types and detail
fields recorded by every feature (``audit.record``), in the reader's language. A code with
no label shows as it is — ``tests/admin/test_audit_labels.py`` keeps every recorded action
labelled."""

from __future__ import annotations

import json
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

ACTIONS = {
    "user.create": _l("新建用户"),
    "user.update": _l("修改用户"),
    "user.move": _l("调整用户单位"),
    "user.roles": _l("修改用户角色"),
    "user.activate": _l("启用用户"),
    "user.deactivate": _l("停用用户"),
    "user.password_change": _l("修改密码"),
    "user.reset_password": _l("重置密码"),
    "users.import": _l("批量导入用户"),
    "team.create": _l("新建单位"),
    "team.update": _l("修改单位"),
    "team.move": _l("调整上级单位"),
    "team.activate": _l("启用单位"),
    "team.deactivate": _l("停用单位"),
    "question_bank.create": _l("新建题库"),
    "question_bank.update": _l("修改题库"),
    "question_category.create": _l("新建知识点"),
    "question_category.rename": _l("重命名知识点"),
    "question_category.move": _l("移动知识点"),
    "question_category.delete": _l("删除知识点"),
    "question.create": _l("新建题目"),
    "question.update": _l("修改题目"),
    "question.new_version": _l("题目新版本"),
    "question.retire": _l("停用题目"),
    "question.restore": _l("恢复题目"),
    "question.regrade": _l("按新答案重新评分"),
    "questions.import": _l("导入题目"),
    "questions.export": _l("导出题目"),
    "exam.create": _l("新建考试"),
    "exam.update": _l("修改考试"),
    "exam.audience": _l("设置考试对象"),
    "exam.items": _l("修改试卷题目"),
    "exam.rules": _l("修改抽题规则"),
    "exam.publish": _l("发布考试"),
    "exam.close": _l("提前结束考试"),
    "exam.delete": _l("删除考试"),
    "attempt.extend": _l("延长答题时间"),
    "attempt.grade_essay": _l("简答题评分"),
    "attempt.regrade": _l("重新评分"),
    "program.create": _l("新建学习计划"),
    "program.update": _l("修改学习计划"),
    "course.create": _l("新建课程"),
    "course.update": _l("修改课程"),
    "lesson.create": _l("新建章节"),
    "lesson.update": _l("修改章节"),
    "lesson.delete": _l("删除章节"),
    "attachment.create": _l("上传附件"),
    "attachment.update": _l("修改附件"),
    "attachment.delete": _l("删除附件"),
    "assignment.create": _l("布置课程"),
    "assignment.delete": _l("撤销课程布置"),
    "bulletin.publish": _l("发布结果通报"),
    "bulletin.withdraw": _l("撤回结果通报"),
    "stats.ranking": _l("设置个人排名"),
    "stats.weights": _l("修改综合指数权重"),
    "notify.oneoff": _l("发送临时提醒"),
    "robot.add": _l("添加群机器人"),
    "robot.remove": _l("删除群机器人"),
    "evaluation.assessor.grant": _l("授予考察人员范围"),
    "evaluation.assessor.revoke": _l("收回考察人员范围"),
    "evaluation.framework.create": _l("新建评价标准"),
    "evaluation.framework.version": _l("另存评价标准新版本"),
    "evaluation.round.create": _l("新建考察"),
    "evaluation.round.team": _l("考察加入班子"),
    "evaluation.round.assessor": _l("考察加入考察人员"),
    "evaluation.round.close": _l("结束考察"),
    "evaluation.round.update": _l("修改考察"),
    "evaluation.round.subject.add": _l("考察加入考察对象"),
    "evaluation.round.subject.remove": _l("考察移出考察对象"),
    "evaluation.score": _l("评价鉴定打分"),
    "evaluation.negative.mark": _l("标记负面清单事项"),
    "evaluation.negative.confirm": _l("确认一票否决事项"),
    "evaluation.negative.remove": _l("撤销负面清单事项"),
    "evaluation.publish": _l("发布考察结果"),
    "evaluation.interview.add": _l("记录深度访谈"),
    "evaluation.interview.open": _l("查阅深度访谈"),
    "evaluation.file.open": _l("查阅政治素质档案"),
    "evaluation.meeting.create": _l("新建民主生活会"),
    "evaluation.meeting.held": _l("民主生活会召开"),
    "evaluation.meeting.halt": _l("叫停民主生活会"),
    "evaluation.rectification.add": _l("添加整改事项"),
    "evaluation.rectification.update": _l("更新整改事项"),
    "evaluation.talk.add": _l("记录谈心谈话"),
    "evaluation.talk.update": _l("更新谈心谈话"),
    "evaluation.talk.open": _l("查阅谈话记录"),
}

OBJECT_TYPES = {
    "user": _l("用户"),
    "team": _l("单位"),
    "question_bank": _l("题库"),
    "question_category": _l("知识点"),
    "question_categorie": _l("知识点"),  # stored so before the singular was fixed
    "question": _l("题目"),
    "question_import_batch": _l("导入批次"),
    "question_import_batche": _l("导入批次"),  # likewise
    "exam": _l("考试"),
    "exam_attempt": _l("答卷"),
    "exam_attempt_answer": _l("答案"),
    "course_program": _l("学习计划"),
    "course": _l("课程"),
    "course_lesson": _l("章节"),
    "course_attachment": _l("附件"),
    "course_assignment": _l("课程布置"),
    "stats_bulletin": _l("结果通报"),
    "stats_setting": _l("统计设置"),
    "team_robot": _l("群机器人"),
    "eval_framework": _l("评价标准"),
    "eval_round": _l("考察"),
    "eval_evaluation": _l("考察对象"),
    "eval_life_meeting": _l("民主生活会"),
    "eval_rectification_item": _l("整改事项"),
    "eval_talk": _l("谈心谈话"),
}

FIELDS = {
    "after": _l("修改后"),
    "at": _l("时间"),
    "batch": _l("批次"),
    "before": _l("修改前"),
    "changes": _l("改动"),
    "content_type": _l("文件类型"),
    "created": _l("新建"),
    "due": _l("截止"),
    "enabled": _l("开启"),
    "end": _l("截止日期（不含）"),
    "fields": _l("改动的字段"),
    "filename": _l("文件名"),
    "format": _l("格式"),
    "from_version": _l("来自版本"),
    "grade": _l("等次"),
    "kind": _l("类型"),
    "how": _l("方式"),
    "outcome": _l("结果"),
    "previous": _l("原值"),
    "previous_question": _l("原题目"),
    "purpose": _l("用途"),
    "question": _l("题目"),
    "ranks": _l("职级"),
    "reason": _l("理由"),
    "recipients": _l("人数"),
    "reheld_id": _l("重开的会议"),
    "removed": _l("移除"),
    "required": _l("必修"),
    "robot_id": _l("群机器人"),
    "roles": _l("角色"),
    "size": _l("大小"),
    "start": _l("开始日期"),
    "team": _l("单位"),
    "team_id": _l("单位"),
    "teams": _l("单位"),
    "updated": _l("更新"),
    "user_id": _l("人员"),
    "usernames": _l("登录名"),
    "users": _l("人员"),
    "veto": _l("一票否决"),
    "weights": _l("权重"),
}


def value_labels() -> dict[str, str]:
    """Codes that appear as detail values."""
    return {
        "accepted": _("已导入"),
        "rejected": _("被拒绝"),
        "dry_run": _("预览"),
        "cadre": _("学员"),
        "secretary": _("中心组秘书"),
        "admin": _("管理员"),
        "both": _("考试与练习"),
        "exam": _("仅考试"),
        "practice": _("仅练习"),
        "wecom": _("企业微信群机器人"),
        "dingtalk": _("钉钉群机器人"),
        "feishu": _("飞书群机器人"),
        "True": _("是"),
        "False": _("否"),
    }


def action_label(code: str) -> str:
    return str(ACTIONS[code]) if code in ACTIONS else code


def object_label(code: str) -> str:
    return str(OBJECT_TYPES[code]) if code in OBJECT_TYPES else code


def details(value: Any) -> list[tuple[str, str]]:
    """A details dict as (label, readable value) rows: codes named, lists joined."""
    if not isinstance(value, dict):
        return []
    names = value_labels()

    def show(item: Any) -> str:
        if isinstance(item, list):
            return _("、").join(show(i) for i in item)
        if isinstance(item, (str, bool, int)) and str(item) in names:
            return names[str(item)]
        if isinstance(item, str):
            return item
        return json.dumps(item, ensure_ascii=False)

    return [(str(FIELDS.get(key, key)), show(item)) for key, item in value.items()]
