"""The question-bank pages: administrators only."""

from app.quiz.bank.services import categories, importing
from tests.access import ADMIN_ONLY, LOGIN, Route, with_status
from tests.quiz.bank.factories import make_bank, make_question

ADMIN_REDIRECT = with_status(ADMIN_ONLY, 302)
ADMIN_NOT_FOUND = {"anon": LOGIN, "cadre": 403, "other_sec": 403, "sec": 403, "admin": 404}
NATIVE = "questions:\n  - type: judge\n    stem: 矩阵测试题\n    answer: 正确\n".encode()


def setup_world(users) -> dict:
    admin = users["admin"]
    bank = make_bank("矩阵题库", admin)
    category = categories.create_category(admin, bank, name="一级知识点")
    question = make_question(bank, category=category, actor=admin)
    batch = importing.import_file(admin, NATIVE, "m.yaml", bank_name=bank.name, dry_run=True).batch
    return {
        "bank_id": bank.id,
        "category_id": category.id,
        "question_id": question.id,
        "batch_id": batch.id,
    }


P = "/admin/questions"
ROUTES = [
    Route("quiz_admin.banks", f"{P}/", expect=ADMIN_ONLY),
    Route("quiz_admin.create_bank", f"{P}/banks", "POST", data={}, expect=ADMIN_ONLY),
    Route("quiz_admin.bank", P + "/banks/{bank_id}", expect=ADMIN_ONLY),
    Route("quiz_admin.edit_bank", P + "/banks/{bank_id}/edit", expect=ADMIN_ONLY),
    # a POST without fields keeps the current values: saved, redirected
    Route(
        "quiz_admin.edit_bank", P + "/banks/{bank_id}/edit", "POST", data={}, expect=ADMIN_REDIRECT
    ),
    Route("quiz_admin.export_bank", P + "/banks/{bank_id}/export/xlsx", expect=ADMIN_ONLY),
    Route("quiz_admin.categories_page", P + "/banks/{bank_id}/categories", expect=ADMIN_ONLY),
    Route(
        "quiz_admin.create_category",
        P + "/banks/{bank_id}/categories",
        "POST",
        data={},
        expect=ADMIN_ONLY,
    ),
    Route(
        "quiz_admin.move_category",
        P + "/banks/{bank_id}/categories/move",
        "POST",
        data={},
        expect=ADMIN_REDIRECT,
    ),
    Route(
        "quiz_admin.rename_category",
        P + "/categories/{category_id}/rename",
        "POST",
        data={"name": "改名后"},
        expect=ADMIN_REDIRECT,
    ),
    Route(
        "quiz_admin.delete_category",
        P + "/categories/{category_id}/delete",
        "POST",
        data={},
        expect=ADMIN_REDIRECT,
    ),
    Route("quiz_admin.new_question", P + "/banks/{bank_id}/questions/new", expect=ADMIN_ONLY),
    Route(
        "quiz_admin.new_question",
        P + "/banks/{bank_id}/questions/new",
        "POST",
        data={},
        expect=ADMIN_ONLY,
    ),
    Route("quiz_admin.question", P + "/question/{question_id}", expect=ADMIN_ONLY),
    Route("quiz_admin.edit_question", P + "/question/{question_id}/edit", expect=ADMIN_ONLY),
    Route(
        "quiz_admin.edit_question",
        P + "/question/{question_id}/edit",
        "POST",
        data={},
        expect=ADMIN_REDIRECT,
    ),
    Route(
        "quiz_admin.retire_question",
        P + "/question/{question_id}/retire",
        "POST",
        data={},
        expect=ADMIN_REDIRECT,
    ),
    Route(
        "quiz_admin.restore_question",
        P + "/question/{question_id}/restore",
        "POST",
        data={},
        expect=ADMIN_REDIRECT,
    ),
    Route("quiz_admin.import_upload", f"{P}/import", expect=ADMIN_ONLY),
    Route(
        "quiz_admin.import_template",
        f"{P}/import/templates/题库导入示例.xlsx",
        expect=ADMIN_ONLY,
    ),
    Route("quiz_admin.import_upload", f"{P}/import", "POST", data={}, expect=ADMIN_ONLY),
    # no upload kept under this token: the admin gets past the role check to a 404
    Route(
        "quiz_admin.import_confirm",
        f"{P}/import/{'x' * 32}",
        "POST",
        data={},
        expect=ADMIN_NOT_FOUND,
    ),
    Route("quiz_admin.imports", f"{P}/imports", expect=ADMIN_ONLY),
    Route("quiz_admin.import_batch", P + "/imports/{batch_id}", expect=ADMIN_ONLY),
    Route(
        "quiz_admin.import_skipped_report",
        P + "/imports/{batch_id}/skipped.xlsx",
        expect=ADMIN_ONLY,
    ),
]
