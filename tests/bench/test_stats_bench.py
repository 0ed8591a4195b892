"""The statistics benchmark runs end to end at a tiny size (its figures are in
docs/stats.md; this only checks that it works: every page answers and is timed)."""

from bench.stats_bench import main


def test_stats_bench_runs_every_page(capsys):
    main(["--scale", "0.01", "--repeat", "1"])
    out = capsys.readouterr().out
    for page in ("admin overview", "secretary dashboard", "exam by unit", "exam, root subtree"):
        assert page in out
    assert "100 cadres" in out and "5000 answers" in out
    assert "centre-group records (+" in out and "(+0 rows)" not in out


def test_a_kept_build_is_timed_again_without_rebuilding(capsys, tmp_path, monkeypatch):
    monkeypatch.setattr("tempfile.tempdir", str(tmp_path))
    main(["--scale", "0.01", "--repeat", "1", "--keep", "kept"])
    assert "built in" in capsys.readouterr().out
    assert (tmp_path / "kept.db").exists()
    main(["--scale", "0.01", "--repeat", "1", "--keep", "kept"])
    out = capsys.readouterr().out
    assert "reused in" in out and "100 cadres" in out and "5000 answers" in out
    assert "(+0 rows)" in out  # the centre-group records too
