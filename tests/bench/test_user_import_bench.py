"""The user-import benchmark runs end to end on a few accounts (its figures are in
bench/README.md; this only checks that it works and that every account was created)."""

from bench.user_import_bench import main


def test_user_import_bench_runs_and_creates_every_account(capsys):
    assert main(["--users", "3"]) == 0
    out = capsys.readouterr().out
    assert "common password" in out and "generated passwords" in out
    assert out.count("created 3") == 2
