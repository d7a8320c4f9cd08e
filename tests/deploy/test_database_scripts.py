"""The database scripts the deployments run, run here against the real MariaDB.

- the init script (mounted by compose, the mysql-init ConfigMap in Kubernetes) makes one database
  and one confined user per service, the exporter's user, and the backup job's read-only user,
  taking each password from a file as the StatefulSet mounts them;
- the mysql-backup CronJob's script dumps, prunes old dumps, and its documented restore mode
  brings back every row after the databases are gone.
"""

import gzip
import os
import secrets
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from testkit.availability import require

from .paths import REPO

pytestmark = pytest.mark.mariadb

INIT_SCRIPT = REPO / "deploy" / "k8s" / "base" / "mysql" / "init" / "01-databases.sh"
BACKUP_SCRIPT = REPO / "deploy" / "k8s" / "base" / "backup" / "scripts" / "mysql-backup.sh"
DOCS = REPO / "docs" / "deploy.md"
HOST = os.environ.get("MARIADB_HOST", "127.0.0.1")
TCP = ["--protocol=tcp", f"--host={HOST}", "--port=3306"]


def sql(
    statement: str,
    *,
    user: str = "root",
    password: str = "",
    database: str = "",
    binary_as_hex: bool = False,
) -> str:
    result = subprocess.run(
        ["mysql", *TCP, f"--user={user}", "--batch", "--skip-column-names", "-e", statement]
        + (["--binary-as-hex"] if binary_as_hex else [])
        + ([database] if database else []),
        env={**os.environ, "MYSQL_PWD": password},
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        raise RuntimeError(result.stderr.strip())
    return result.stdout


@pytest.fixture(scope="module")
def mariadb() -> None:
    require(shutil.which("mysql") is not None, "the mysql client is not installed")
    require(shutil.which("mysqldump") is not None, "mysqldump is not installed")
    try:
        sql("SELECT 1")
    except RuntimeError as error:
        require(False, f"MariaDB is not reachable on {HOST}:3306 as root: {error}")


@pytest.fixture
def names(mariadb: None) -> Iterator[dict[str, str]]:
    """Fresh database and user names for one test; all dropped afterwards."""
    tag = secrets.token_hex(3)
    made = {
        "inventory": f"ss_{tag}_inventory",
        "orders": f"ss_{tag}_orders",
        "identity": f"ss_{tag}_identity",
    }
    made["exporter"] = f"ss_{tag}_exporter"
    made["backup"] = f"ss_{tag}_backup"
    yield made
    for name in made.values():
        sql(f"DROP DATABASE IF EXISTS `{name}`")
        sql(f"DROP USER IF EXISTS '{name}'@'%'")


def test_init_script_gives_each_service_its_own_database_and_nothing_else(
    names: dict[str, str],
) -> None:
    # Quotes and a backslash: the script must escape them, not break or inject.
    passwords = {
        "inventory": "inv-'quoted'\\pw",
        "orders": "ord-pw-2",
        "identity": "id-pw-4",
        "exporter": "exp-pw-3",
    }
    subprocess.run(
        ["bash", str(INIT_SCRIPT), *TCP],
        env={
            **os.environ,
            "MARIADB_ROOT_PASSWORD": "",
            "INVENTORY_DB_NAME": names["inventory"],
            "ORDER_DB_NAME": names["orders"],
            "IDENTITY_DB_NAME": names["identity"],
            "MYSQL_EXPORTER_USER": names["exporter"],
            "INVENTORY_DB_PASSWORD": passwords["inventory"],
            "ORDER_DB_PASSWORD": passwords["orders"],
            "IDENTITY_DB_PASSWORD": passwords["identity"],
            "MYSQL_EXPORTER_PASSWORD": passwords["exporter"],
        },
        check=True,
    )
    inventory, orders, exporter = names["inventory"], names["orders"], names["exporter"]
    sql(
        "CREATE TABLE t (id INT PRIMARY KEY)",
        database=inventory,
        user=inventory,
        password=passwords["inventory"],
    )
    assert sql("SHOW DATABASES", user=inventory, password=passwords["inventory"]).split() == [
        "information_schema",
        inventory,
    ]
    with pytest.raises(RuntimeError, match="denied"):
        sql(
            "CREATE TABLE t (id INT)",
            database=orders,
            user=inventory,
            password=passwords["inventory"],
        )
    with pytest.raises(RuntimeError, match="denied"):
        sql("SELECT * FROM t", database=inventory, user=orders, password=passwords["orders"])
    # The identity service's database (users, password hashes, keys) is its own alone.
    identity = names["identity"]
    sql("CREATE TABLE k (id INT)", database=identity, user=identity, password=passwords["identity"])
    assert sql("SHOW DATABASES", user=identity, password=passwords["identity"]).split() == [
        "information_schema",
        identity,
    ]
    for other, password in ((inventory, passwords["inventory"]), (orders, passwords["orders"])):
        with pytest.raises(RuntimeError, match="denied"):
            sql("SELECT * FROM k", database=identity, user=other, password=password)
    # The exporter reads server status and can change nothing.
    status = sql("SHOW GLOBAL STATUS LIKE 'Uptime'", user=exporter, password=passwords["exporter"])
    assert "Uptime" in status
    with pytest.raises(RuntimeError, match="denied"):
        sql("DROP TABLE t", database=inventory, user=exporter, password=passwords["exporter"])


def migrate(service: str, database: str) -> None:
    prefix = service.upper()
    subprocess.run(
        [sys.executable, "-m", f"{service}_service", "migrate"],
        env={
            **os.environ,
            f"{prefix}_DATABASE_URL": f"mysql+asyncmy://root@{HOST}:3306/{database}?charset=utf8mb4",
        },
        check=True,
        capture_output=True,
    )


def snapshot(*databases: str) -> dict[str, str]:
    """Every row of every table, in key order (binary columns as hex)."""
    rows = {}
    for database in databases:
        for table in sql("SHOW TABLES", database=database).split():
            rows[f"{database}.{table}"] = sql(
                f"SELECT * FROM `{table}` ORDER BY 1", database=database, binary_as_hex=True
            )
    return rows


def run_init_script_with_password_files(
    names: dict[str, str], directory: Path, passwords: dict[str, str]
) -> None:
    """The init script as the StatefulSet runs it: each password in a file NAME_FILE names."""
    env = {
        "PATH": os.environ["PATH"],
        "MARIADB_ROOT_PASSWORD": "",
        "INVENTORY_DB_NAME": names["inventory"],
        "ORDER_DB_NAME": names["orders"],
        "IDENTITY_DB_NAME": names["identity"],
        "MYSQL_EXPORTER_USER": names["exporter"],
        "BACKUP_DB_USER": names["backup"],
    }
    for variable, password in passwords.items():
        path = directory / variable
        path.write_text(password + "\n")
        env[f"{variable}_FILE"] = str(path)
    subprocess.run(["bash", str(INIT_SCRIPT), *TCP], env=env, check=True)


def test_the_backup_user_can_dump_every_service_database_and_change_nothing(
    names: dict[str, str], tmp_path: Path
) -> None:
    secrets_dir = tmp_path / "secrets"
    secrets_dir.mkdir()
    backup_password = "bk-'pw'\\2"
    run_init_script_with_password_files(
        names,
        secrets_dir,
        {
            "INVENTORY_DB_PASSWORD": "inv-pw",
            "ORDER_DB_PASSWORD": "ord-pw",
            "IDENTITY_DB_PASSWORD": "id-pw",
            "MYSQL_EXPORTER_PASSWORD": "exp-pw",
            "BACKUP_DB_PASSWORD": backup_password,
        },
    )
    inventory, orders, identity, backup = (
        names["inventory"],
        names["orders"],
        names["identity"],
        names["backup"],
    )
    # The services' users got their passwords from the files too.
    sql(
        "CREATE TABLE stock (sku VARCHAR(9) PRIMARY KEY, n INT)",
        database=inventory,
        user=inventory,
        password="inv-pw",
    )
    sql(
        "INSERT INTO stock VALUES ('mug', 3), ('cup', 5)",
        database=inventory,
        user=inventory,
        password="inv-pw",
    )
    sql("CREATE TABLE k (id INT PRIMARY KEY)", database=identity, user=identity, password="id-pw")
    assert sql("SHOW DATABASES", user=backup, password=backup_password).split() == sorted(
        ["information_schema", inventory, orders, identity]
    )

    # The CronJob's script, logged in as the backup user with its password file.
    out = backup_script(
        tmp_path,
        [inventory, orders, identity],
        MYSQL_USER=backup,
        MYSQL_PASSWORD_FILE=str(secrets_dir / "BACKUP_DB_PASSWORD"),
        MYSQL_PWD="not-this",
    )
    (dump,) = tmp_path.glob("mysql-*.sql.gz")
    assert f"wrote {dump}" in out
    text = gzip.decompress(dump.read_bytes()).decode()
    assert "INSERT INTO `stock` VALUES\n('cup',5),\n('mug',3);" in text
    assert f"CREATE DATABASE /*!32312 IF NOT EXISTS*/ `{identity}`" in text

    for statement in (
        "INSERT INTO stock VALUES ('pen', 1)",
        "UPDATE stock SET n = 0",
        "DELETE FROM stock",
        "DROP TABLE stock",
        "CREATE TABLE other (id INT)",
        "ALTER TABLE stock ADD COLUMN x INT",
    ):
        with pytest.raises(RuntimeError, match="denied"):
            sql(statement, database=inventory, user=backup, password=backup_password)
    with pytest.raises(RuntimeError, match="denied"):
        sql(f"CREATE DATABASE `{backup}`", user=backup, password=backup_password)
    with pytest.raises(RuntimeError, match="denied"):
        sql("SELECT user FROM mysql.user", user=backup, password=backup_password)
    # Nothing server-wide: no RELOAD, no PROCESS, no SUPER.
    grants = sql(f"SHOW GRANTS FOR '{backup}'@'%'")
    assert f"GRANT USAGE ON *.* TO `{backup}`@`%`" in grants
    assert grants.count("ON *.*") == 1


def backup_script(backup_dir: Path, databases: list[str], **extra: str) -> str:
    """The CronJob's container, as its manifest sets it up, against the local server."""
    result = subprocess.run(
        ["bash", str(BACKUP_SCRIPT)],
        env={
            "PATH": os.environ["PATH"],
            "MYSQL_HOST": HOST,
            "MYSQL_USER": "root",
            "MYSQL_PWD": "",
            "DATABASES": " ".join(databases),
            "BACKUP_DIR": str(backup_dir),
            "RETENTION_DAYS": "7",
            **extra,
        },
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout


def test_a_backup_restored_with_the_documented_command_brings_back_every_row(
    names: dict[str, str], tmp_path: Path
) -> None:
    inventory, orders, identity = names["inventory"], names["orders"], names["identity"]
    databases = [inventory, orders, identity]
    for database in databases:
        sql(f"CREATE DATABASE `{database}` CHARACTER SET utf8mb4")
    # The real schemas, from the services' own migrations, and rows of every kind.
    migrate("inventory", inventory)
    migrate("order", orders)
    migrate("identity", identity)
    values = ", ".join(f"('sku_{i}', {i * 7})" for i in range(500))
    sql(f"INSERT INTO inventory (sku_code, quantity) VALUES {values}", database=inventory)
    sql(
        "CREATE TABLE notes (id INT PRIMARY KEY, body TEXT, blob_value BLOB, note TEXT NULL);"
        "INSERT INTO notes VALUES (1, 'crème brûlée ☕', X'00FF10', NULL),"
        " (2, 'it''s \\\\ \"quoted\"', X'', 'x');",
        database=orders,
    )
    # A signing key, as the identity service stores one (its private half is the secret).
    sql(
        "INSERT INTO signing_keys (kid, private_jwk, created_at, retired_at) VALUES"
        """ ('kid-1', '{"kty": "EC", "d": "x"}', '2026-01-01 00:00:00.123456', NULL)""",
        database=identity,
    )
    before = snapshot(*databases)
    assert len(before[f"{inventory}.inventory"].splitlines()) == 500
    assert "kid-1" in before[f"{identity}.signing_keys"]

    # Dumps older than RETENTION_DAYS go; younger ones stay.
    old = tmp_path / "mysql-20000101T000000Z.sql.gz"
    recent = tmp_path / "mysql-20000102T000000Z.sql.gz"
    for path, days in ((old, 8), (recent, 3)):
        path.write_bytes(b"")
        stamp = time.time() - days * 86400
        os.utime(path, (stamp, stamp))
    backup_script(tmp_path, databases)
    (dump,) = [p for p in tmp_path.glob("mysql-*.sql.gz") if p not in (old, recent)]
    assert not old.exists()
    assert recent.exists()
    assert not list(tmp_path.glob("*.partial"))

    # The disaster: every database gone. Then the restore docs/deploy.md gives.
    for database in databases:
        sql(f"DROP DATABASE `{database}`")
    # As the mysql-restore CronJob runs it: root, its password from a file (empty here).
    root_password = tmp_path / "root-password"
    root_password.write_text("\n")
    out = backup_script(
        tmp_path, databases, RESTORE_FILE=str(dump), MYSQL_PASSWORD_FILE=str(root_password)
    )
    assert f"restored {dump}" in out
    assert snapshot(*databases) == before


def test_the_docs_restore_through_the_backup_scripts_restore_mode() -> None:
    text = DOCS.read_text()
    # The restore CronJobs (suspended, as root): the nightly ones' users cannot write.
    assert "kubectl -n shopstack create job mysql-restore --from=cronjob/mysql-restore" in text
    assert "RESTORE_FILE=/backup/mysql-" in text
    assert "kubectl -n shopstack create job mongodb-restore --from=cronjob/mongodb-restore" in text
