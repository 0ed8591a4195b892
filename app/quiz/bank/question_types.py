"""The question types (题型): 单选 single, 多选 multiple, 判断 judge, 填空 blank, 简答 essay."""

QUESTION_TYPES = ("single", "multiple", "judge", "blank", "essay")
CHOICE_TYPES = ("single", "multiple")
