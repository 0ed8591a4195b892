"""The team-assessment benchmark runs end to end on a small round (its figures are in
bench/README.md; this only checks that it works and that the service and the bare SQL agree)."""

from bench.evaluation_team_bench import main


def test_evaluation_team_bench_runs(capsys):
    assert main(["--teams", "2", "--members", "5", "--ballots", "5", "--repeat", "1"]) == 0
    out = capsys.readouterr().out
    assert "10 cadres, 50 ballots" in out and "service / bare" in out
