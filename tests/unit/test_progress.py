"""Progress lines: one per phase and one every few seconds while sampling; quiet silences."""

from types import SimpleNamespace

from stalin_mortality import progress


def _chain(done, total=2500, divergences=0, tuning=True):
    return SimpleNamespace(
        finished_draws=done,
        total_draws=total,
        divergences=divergences,
        tuning=tuning,
        started=True,
    )


def test_sampling_lines_are_rate_limited_and_say_where_sampling_is(capsys):
    lines = progress.SamplingLines(every=0.0)
    lines([_chain(500), _chain(1500, divergences=2, tuning=False)])
    err = capsys.readouterr().err
    assert "sampling: 2000/5000 iterations (40%), 2 divergences, 1 chain(s) tuning" in err
    slow = progress.SamplingLines(every=3600.0)
    slow([_chain(10)])  # within the interval: nothing
    assert capsys.readouterr().err == ""


def test_quiet_silences_lines_and_the_bar(capsys):
    try:
        progress.set_quiet()
        progress.say("phase")
        assert capsys.readouterr().err == ""
        assert not progress.use_bar(True)
    finally:
        progress.set_quiet(False)
    progress.say("phase")
    assert "phase" in capsys.readouterr().err
    assert not progress.use_bar(False)


def test_csv_numbers_are_exact_and_never_scientific():
    import numpy as np
    import pandas as pd

    from stalin_mortality.report import positional

    assert positional(162003225.0) == "162003225"  # a census count, exactly
    assert positional(0.0156309124) == "0.0156309124"
    assert positional(1.5e-7) == "0.00000015"
    assert positional(-0.0) == "0" and positional(np.float32(np.nan)) == ""
    assert positional(pd.NA) == "" and positional(np.inf) == ""
    assert float(positional(7.123456789e6)) == 7.123456789e6


def test_old_tables_with_a_title_line_still_read(tmp_path):
    from stalin_mortality.report import read_table

    old = tmp_path / "old.csv"
    old.write_text("# Headline estimands. Mean, median ...\nquantity,median\nGulag # camps,1\n")
    new = tmp_path / "new.csv"
    new.write_text("quantity,median\nGulag # camps,1\n")
    for path in (old, new):  # a '#' inside a row is data, not a comment
        assert read_table(path).quantity.tolist() == ["Gulag # camps"]
