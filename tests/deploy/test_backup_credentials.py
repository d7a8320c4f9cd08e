"""The nightly backups log in as their own read-only users; only the suspended restore
CronJobs, the templates of a one-off restore Job, hold a password that can write.
test_database_scripts proves against the real MariaDB that the backup user dumps and cannot
write."""

from typing import Any

import pytest

from .paths import OVERLAYS
from .test_kubernetes_manifests import named, pod_labels, pod_spec

Objects = dict[str, list[dict[str, Any]]]
# CronJob -> (Secret prefix, the keys its pods may read, the user it logs in as)
JOBS = {
    "mysql-backup": ("mysql-credentials", [("BACKUP_DB_PASSWORD", "password")], "backup"),
    "mysql-restore": ("mysql-credentials", [("MARIADB_ROOT_PASSWORD", "password")], "root"),
    "mongodb-backup": ("mongodb-credentials", [("MONGODB_BACKUP_PASSWORD", "password")], "backup"),
    "mongodb-restore": (
        "mongodb-credentials",
        [("MONGO_INITDB_ROOT_USERNAME", "username"), ("MONGO_INITDB_ROOT_PASSWORD", "password")],
        None,
    ),
}


def env_of(container: dict[str, Any]) -> dict[str, str]:
    return {v["name"]: v.get("value", "") for v in container.get("env", [])}


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("job", JOBS)
def test_each_backup_job_reads_only_its_own_credential_as_a_file(
    rendered: Objects, overlay: str, job: str
) -> None:
    prefix, items, user = JOBS[job]
    cronjob = named(rendered[overlay], "CronJob", job)
    spec = pod_spec(cronjob)
    secrets = [v["secret"] for v in spec["volumes"] if "secret" in v]
    assert [s["secretName"].rsplit("-", 1)[0] for s in secrets] == [prefix]
    assert [(i["key"], i["path"]) for i in secrets[0]["items"]] == items
    assert secrets[0]["defaultMode"] == 0o440
    (container,) = spec["containers"]
    env = env_of(container)
    assert env["MYSQL_PASSWORD_FILE" if job.startswith("mysql") else "MONGO_PASSWORD_FILE"] == (
        "/var/run/secrets/shopstack/db/password"
    )
    if user:
        assert env.get("MYSQL_USER", env.get("MONGO_USERNAME")) == user


@pytest.mark.parametrize("overlay", OVERLAYS)
@pytest.mark.parametrize("database", ["mysql", "mongodb"])
def test_the_restore_job_is_the_backup_job_as_root_and_never_runs_by_itself(
    rendered: Objects, overlay: str, database: str
) -> None:
    backup = named(rendered[overlay], "CronJob", f"{database}-backup")
    restore = named(rendered[overlay], "CronJob", f"{database}-restore")
    assert restore["spec"]["suspend"] is True
    assert backup["spec"].get("suspend", False) is False
    # The same script, image and volume; the same way into the database (NetworkPolicy).
    (dump,) = pod_spec(backup)["containers"]
    (load,) = pod_spec(restore)["containers"]
    assert load["command"] == dump["command"]
    assert load["image"] == dump["image"]
    assert pod_labels(restore) == pod_labels(backup)
    claims = {
        v["persistentVolumeClaim"]["claimName"]
        for job in (backup, restore)
        for v in pod_spec(job)["volumes"]
        if "persistentVolumeClaim" in v
    }
    assert claims == {f"{database}-backups"}


@pytest.mark.parametrize("overlay", OVERLAYS)
def test_the_databases_create_the_backup_users_from_their_secret_files(
    rendered: Objects, overlay: str
) -> None:
    for statefulset, variable in (
        ("mysql", "BACKUP_DB_PASSWORD_FILE"),
        ("mongodb", "MONGODB_BACKUP_PASSWORD_FILE"),
    ):
        (database, *_) = pod_spec(named(rendered[overlay], "StatefulSet", statefulset))[
            "containers"
        ]
        key = variable.removesuffix("_FILE")
        assert env_of(database)[variable] == f"/var/run/secrets/shopstack/{statefulset}/{key}"
