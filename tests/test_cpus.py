"""Worker count from the CPUs the process may use: variables, fake cgroup trees, affinity."""

import os
from pathlib import Path

import pytest

from playground.live.cpus import cgroup_cpu_limit, cpu_budget, usable_cpus, worker_count


def write(root: Path, relative: str, text: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


def budget(env, root, affinity=None, cpus=64):
    return cpu_budget(env, root, affinity=lambda: affinity, cpu_count=lambda: cpus)


def test_playground_workers_wins_over_everything(tmp_path):
    write(tmp_path, "sys/fs/cgroup/cpu.max", "100000 100000\n")
    assert budget({"PLAYGROUND_WORKERS": "3", "CPU_CORES": "2"}, tmp_path, 8) == (
        3, "PLAYGROUND_WORKERS")


@pytest.mark.parametrize("bad", ["0", "-2", "two", "1.5"])
def test_a_bad_playground_workers_is_a_clear_error(tmp_path, bad):
    with pytest.raises(ValueError, match="PLAYGROUND_WORKERS must be a positive integer"):
        budget({"PLAYGROUND_WORKERS": bad}, tmp_path)


def test_spaces_cpu_cores_beats_the_cgroup_and_the_host(tmp_path):
    write(tmp_path, "sys/fs/cgroup/cpu.max", "800000 100000\n")
    assert budget({"CPU_CORES": "2"}, tmp_path, 16) == (2, "CPU_CORES")


def test_an_unreadable_cpu_cores_falls_through(tmp_path):
    assert budget({"CPU_CORES": "lots"}, tmp_path, 4) == (4, "CPU affinity")


def test_cgroup_v2_quota_rounds_down_and_never_below_one(tmp_path):
    write(tmp_path, "sys/fs/cgroup/cpu.max", "250000 100000\n")
    assert budget({}, tmp_path, None, 48) == (2, "cgroup CPU quota")
    write(tmp_path, "sys/fs/cgroup/cpu.max", "50000 100000\n")
    assert cgroup_cpu_limit(tmp_path) == pytest.approx(0.5)
    assert budget({}, tmp_path, None, 48) == (1, "cgroup CPU quota")


def test_cgroup_v2_max_means_no_limit(tmp_path):
    write(tmp_path, "sys/fs/cgroup/cpu.max", "max 100000\n")
    assert cgroup_cpu_limit(tmp_path) is None
    assert budget({}, tmp_path, 6, 48) == (6, "CPU affinity")


def test_cgroup_v2_limit_on_the_process_own_cgroup_or_an_ancestor(tmp_path):
    """On a host the root cgroup has no cpu.max: the limit sits on the process's own cgroup
    (named in /proc/self/cgroup) or one above it; the tightest applies."""
    write(tmp_path, "proc/self/cgroup", "0::/app.slice/job.scope\n")
    write(tmp_path, "sys/fs/cgroup/app.slice/cpu.max", "300000 100000\n")
    write(tmp_path, "sys/fs/cgroup/app.slice/job.scope/cpu.max", "max 100000\n")
    assert cgroup_cpu_limit(tmp_path) == pytest.approx(3.0)
    assert budget({}, tmp_path, None, 64) == (3, "cgroup CPU quota")


def test_cgroup_v1_quota_and_period(tmp_path):
    write(tmp_path, "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_quota_us", "200000\n")
    write(tmp_path, "sys/fs/cgroup/cpu,cpuacct/cpu.cfs_period_us", "100000\n")
    assert budget({}, tmp_path, None, 32) == (2, "cgroup CPU quota")


def test_cgroup_v1_minus_one_means_no_limit(tmp_path):
    write(tmp_path, "sys/fs/cgroup/cpu/cpu.cfs_quota_us", "-1\n")
    write(tmp_path, "sys/fs/cgroup/cpu/cpu.cfs_period_us", "100000\n")
    assert budget({}, tmp_path, None, 12) == (12, "os.cpu_count()")


def test_the_affinity_mask_caps_a_looser_quota(tmp_path):
    write(tmp_path, "sys/fs/cgroup/cpu.max", "800000 100000\n")
    assert budget({}, tmp_path, 2, 64) == (2, "cgroup CPU quota")


def test_garbage_cgroup_files_are_ignored(tmp_path):
    write(tmp_path, "sys/fs/cgroup/cpu.max", "lots\n")
    write(tmp_path, "sys/fs/cgroup/cpu/cpu.cfs_quota_us", "x\n")
    write(tmp_path, "sys/fs/cgroup/cpu/cpu.cfs_period_us", "0\n")
    assert budget({}, tmp_path, None, 5) == (5, "os.cpu_count()")


def test_no_information_at_all_means_one_worker(tmp_path):
    assert budget({}, tmp_path, None, None) == (1, "os.cpu_count()")


def test_usable_cpus_ignores_playground_workers(tmp_path):
    assert usable_cpus({"PLAYGROUND_WORKERS": "9", "CPU_CORES": "2"}, tmp_path)[0] == 2


def test_this_machine_gets_a_sane_count():
    assert 1 <= worker_count({}) <= (os.cpu_count() or 1)


def test_the_session_manager_uses_it(monkeypatch):
    from playground.live.session import SessionManager

    monkeypatch.delenv("PLAYGROUND_WORKERS", raising=False)
    monkeypatch.setenv("CPU_CORES", "2")
    assert SessionManager().n_workers == 2
    monkeypatch.setenv("PLAYGROUND_WORKERS", "1")
    assert SessionManager().n_workers == 1
