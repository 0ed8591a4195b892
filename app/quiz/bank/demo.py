"""Demo content: the shipped bank (``question_bank/bank/*.yaml``), imported by ``demo load``."""

from __future__ import annotations

from pathlib import Path

from app.quiz.bank.services import banks, importing

BANK_DIR = Path(__file__).resolve().parents[3] / "question_bank" / "bank"
DEMO_BANK = "领导班子政治建设题库"


def shipped_bank_files() -> list[tuple[str, bytes]]:
    return [(p.name, p.read_bytes()) for p in sorted(BANK_DIR.glob("*.yaml"))]


def import_shipped_bank(context: dict) -> None:
    if banks.find_bank(DEMO_BANK) is not None:
        return
    outcome = importing.import_files(
        context.get("admin"), shipped_bank_files(), bank_name=DEMO_BANK, label=BANK_DIR.name
    )
    if not outcome.accepted:
        # the shipped files are checked by the tests; failing here means they were broken
        raise RuntimeError("shipped bank rejected: " + "; ".join(map(str, outcome.errors[:5])))
    context["question_bank"] = outcome.bank
