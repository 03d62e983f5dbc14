"""Smoke test of the validation runs on a real ``dask.distributed`` LocalCluster with two
workers: real fits (reduced settings), a worker killed while replicates run, a deliberate
failure recorded, and a rerun that resumes (skips what is done, retries the failure)."""

import json
import os
import time

import pytest

from stalin_mortality import calibration as cal

pytestmark = pytest.mark.filterwarnings("ignore")

# JAX: numba's cold compile (about 3 min a worker) is for long validations, not CI
TINY = cal.Settings(chains=2, tune=30, draws=30, rank_draws=9, backend="jax", max_depth=5)


@pytest.fixture(scope="module")
def cluster_client():
    """The library's own LocalCluster client (two single-threaded worker processes)."""
    client = cal.client(workers=2)
    assert len(client.scheduler_info()["workers"]) == 2
    yield client
    cluster = client.cluster
    client.close()
    cluster.close()


def _kill_a_busy_worker(client, deadline=120):
    """Kill (SIGKILL) a worker process while it holds a replicate; its nanny restarts it."""
    t0 = time.time()
    while time.time() - t0 < deadline:
        busy = [w for w, tasks in client.processing().items() if tasks]
        if busy:
            time.sleep(3)  # inside the replicate (compiling or sampling)
            client.run(
                lambda: os.kill(os.getpid(), 9), workers=[busy[0]], nanny=False, on_error="ignore"
            )
            return busy[0]
        time.sleep(0.2)
    raise AssertionError("no worker ever started a replicate")


def test_replicates_survive_a_killed_worker_record_failures_and_resume(cluster_client, tmp_path):
    import threading

    todo = cal.tasks("sbc", TINY, 3, seed=5)
    todo[2]["fail"] = True  # a replicate that raises: recorded with its reason
    killer = threading.Thread(target=_kill_a_busy_worker, args=(cluster_client,))
    killer.start()
    counts = cal.run_tasks(todo, tmp_path, cluster_client, label="smoke")
    killer.join()
    recs = {r["id"]: r for r in cal.records(tmp_path)}
    assert set(recs) == {t["id"] for t in todo}  # nothing dropped
    failed = recs[todo[2]["id"]]
    assert failed["status"] == "error" and "deliberate failure" in failed["reason"]
    for t in todo[:2]:  # the fits ran (the killed worker's replicate was rescheduled)
        r = recs[t["id"]]
        assert r["status"] in ("ok", "not_converged"), r.get("reason")
        assert r["quantities"]["mortality_level"]["n"] == 9
        assert 0 <= r["quantities"]["mortality_level"]["rank"] <= 9
    assert counts == {
        "error": 1,
        **{
            s: sum(recs[t["id"]]["status"] == s for t in todo[:2])
            for s in {recs[t["id"]]["status"] for t in todo[:2]}
        },
    }
    # the data were swapped into a model compiled once per worker
    compiled = [recs[t["id"]]["compiled_here"] for t in todo[:2]]
    assert compiled.count(True) <= 2

    # rerun: the two fits are skipped (their records untouched), the failure retried
    stamps = {
        t["id"]: (tmp_path / "replicates" / f"{t['id']}.json").stat().st_mtime_ns for t in todo
    }
    todo[2].pop("fail")
    counts = cal.run_tasks(todo, tmp_path, cluster_client, label="smoke")
    assert "error" not in counts
    for t in todo[:2]:
        path = tmp_path / "replicates" / f"{t['id']}.json"
        assert path.stat().st_mtime_ns == stamps[t["id"]]
    retried = json.loads((tmp_path / "replicates" / f"{todo[2]['id']}.json").read_text())
    assert retried["status"] in ("ok", "not_converged")
    assert "deliberate failure" in retried["attempts"][0]["reason"]

    from stalin_mortality import calibration_report

    files = calibration_report.write(tmp_path, "sbc")
    names = {f.name for f in files}
    assert {"replicates.csv", "calibration.csv", "ranks.csv", "README.md"} <= names
