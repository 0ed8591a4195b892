from decimal import Decimal

import pytest

from app.quiz.bank.grading import MalformedResponse, check_response, mark, normalise_blank


def test_single_and_judge_are_all_or_nothing():
    assert mark("single", [2], 2, 1).score == Decimal("1.00")
    assert mark("single", [2], 1, 1).score == Decimal("0.00")
    assert mark("single", [2], None, 1).correct is False
    assert mark("judge", True, True, 2).score == Decimal("2.00")
    assert mark("judge", False, True, 2).correct is False


@pytest.mark.parametrize(
    ("chosen", "policy", "score"),
    [
        ([0, 2, 3], "all_or_nothing", "2.00"),
        ([0, 2], "all_or_nothing", "0.00"),
        ([0, 2], "partial", "1.33"),  # two of three right, nothing wrong
        ([0], "partial", "0.67"),
        ([0, 1], "partial", "0.00"),  # a wrong choice loses everything
        ([], "partial", "0.00"),
        ([0, 1, 2, 3], "partial", "0.00"),
    ],
)
def test_multiple_choice_policies(chosen, policy, score):
    assert mark("multiple", [0, 2, 3], chosen, 2, multiple_policy=policy).score == Decimal(score)


def test_blanks_compare_normalised_and_accept_alternatives():
    key = [["脱产轮训", "轮训"], ["点名调训"]]
    assert mark("blank", key, ["轮训", " 点名调训。"], 2).score == Decimal("2.00")
    assert mark("blank", key, ["脱产轮训", "调训"], 2).score == Decimal("1.00")
    assert mark("blank", key, ["脱产轮训"], 2).score == Decimal("1.00")  # missing blank
    assert mark("blank", [["CPC"]], ["ｃｐｃ"], 1).correct is True
    assert normalise_blank("  Ａ  B\u3000c ") == "a b c"


def test_essays_wait_for_a_person_unless_empty():
    pending = mark("essay", "参考答案", "我的回答", 10)
    assert pending.needs_manual and pending.score is None
    empty = mark("essay", "参考答案", "   ", 10)
    assert not empty.needs_manual and empty.score == Decimal("0.00")


@pytest.mark.parametrize(
    ("qtype", "response"),
    [
        ("single", "A"),
        ("single", True),
        ("single", 9),
        ("multiple", 1),
        ("multiple", [0, 9]),
        ("judge", "true"),
        ("judge", 1),
        ("blank", "x"),
        ("blank", [1]),
        ("essay", ["x"]),
        ("essay", "x" * 20001),
    ],
)
def test_malformed_responses_are_refused(qtype, response):
    with pytest.raises(MalformedResponse):
        check_response(qtype, response, option_count=4)


def test_check_response_canonicalises():
    assert check_response("multiple", [3, 1, 3], option_count=4) == [1, 3]
    assert check_response("single", None, option_count=4) is None
