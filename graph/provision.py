"""Provisioning of a local Neo4j Community server: its jars come from Maven Central, and
`graph/neo4j/Neo4jLauncher.java` runs them with Bolt on 127.0.0.1."""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from neo4j import GraphDatabase
from neo4j.exceptions import AuthError, ServiceUnavailable

from graph.config import LocalNeo4j

NEO4J_DIR = Path(__file__).resolve().parent / "neo4j"
POM = NEO4J_DIR / "pom.xml"
LAUNCHER = NEO4J_DIR / "Neo4jLauncher.java"
REQUIRED_JAVA = 17

_children: dict[int, subprocess.Popen[bytes]] = {}
"""Servers this process started: kept so they can be reaped when stopped."""


class ProvisionError(Exception):
    """A failure to resolve, start or stop the local server, said in one line with what to do."""


@dataclass(frozen=True)
class ServerStatus:
    running: bool
    pid: int | None
    uri: str
    data_dir: Path


def neo4j_version() -> str:
    match = re.search(r"<neo4j.version>([^<]+)</neo4j.version>", POM.read_text())
    if match is None:
        raise ProvisionError(f"{POM} names no <neo4j.version>")
    return match.group(1)


def java_major_version() -> int:
    java = shutil.which("java")
    if java is None:
        raise ProvisionError(
            "Java not found: install a Java 17 JDK (apt-get install openjdk-17-jdk)"
        )
    out = subprocess.run([java, "-version"], capture_output=True, text=True, check=False).stderr
    match = re.search(r'version "(\d+)', out)
    if match is None:
        raise ProvisionError(f"cannot read the Java version from: {out.strip()[:120]}")
    return int(match.group(1))


def resolve_classpath(settings: LocalNeo4j) -> str:
    """Resolve the pinned Neo4j jars once into the cache folder; later calls reuse them."""
    version = neo4j_version()
    target = settings.neo4j_cache_dir / f"neo4j-{version}"
    classpath_file = target / "classpath.txt"
    if classpath_file.exists():
        classpath = classpath_file.read_text().strip()
        if all(Path(jar).exists() for jar in classpath.split(os.pathsep)):
            return classpath
    mvn = shutil.which("mvn")
    if mvn is None:
        raise ProvisionError("Maven not found: install it (apt-get install maven) and run again")
    target.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(
        [
            mvn,
            "-q",
            "-B",
            "-f",
            str(POM),
            f"-Dmaven.repo.local={settings.neo4j_cache_dir / 'm2'}",
            "dependency:build-classpath",
            f"-Dmdep.outputFile={classpath_file}",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode != 0 or not classpath_file.exists():
        errors = [line for line in result.stdout.splitlines() if "[ERROR]" in line]
        cause = errors[0] if errors else result.stderr.strip()[:200]
        raise ProvisionError(
            f"Maven could not resolve Neo4j {version} ({cause}); check access to Maven Central"
        )
    return classpath_file.read_text().strip()


def _pid_file(settings: LocalNeo4j) -> Path:
    return settings.local_neo4j_data_dir / "neo4j.pid"


def _log_file(settings: LocalNeo4j) -> Path:
    return settings.local_neo4j_data_dir / "launcher.log"


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().split()[2] != "Z"
    except FileNotFoundError:
        return True


def _running_pid(settings: LocalNeo4j) -> int | None:
    try:
        pid = int(_pid_file(settings).read_text())
    except (FileNotFoundError, ValueError):
        return None
    return pid if _alive(pid) else None


def _port_taken(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.settimeout(0.5)
        return probe.connect_ex(("127.0.0.1", port)) == 0


def status(settings: LocalNeo4j) -> ServerStatus:
    pid = _running_pid(settings)
    return ServerStatus(
        pid is not None, pid, settings.local_bolt_uri, settings.local_neo4j_data_dir
    )


def _bolt_answers(settings: LocalNeo4j) -> bool:
    auth = (settings.neo4j_user, settings.neo4j_password.get_secret_value())
    try:
        with GraphDatabase.driver(settings.local_bolt_uri, auth=auth) as driver:
            driver.verify_connectivity()
    except (ServiceUnavailable, AuthError, OSError):
        return False
    return True


def start(settings: LocalNeo4j) -> ServerStatus:
    """Start the local server unless it already runs; return once Bolt answers."""
    if settings.uses_external_neo4j:
        raise ProvisionError("NEO4J_URI is set: datamap uses that server and starts none")
    current = status(settings)
    if current.running:
        return current
    if _port_taken(settings.local_neo4j_port):
        raise ProvisionError(
            f"port {settings.local_neo4j_port} is taken by another process: stop it or set "
            "DATAMAP_LOCAL_NEO4J_PORT to a free port"
        )
    major = java_major_version()
    if major < REQUIRED_JAVA:
        raise ProvisionError(f"Java {major} found, Neo4j 5.26 needs Java {REQUIRED_JAVA} or newer")
    classpath = resolve_classpath(settings)
    settings.local_neo4j_data_dir.mkdir(parents=True, exist_ok=True)
    command = [
        "java",
        f"-Xmx{settings.local_neo4j_heap_mb}m",
        f"-Xms{settings.local_neo4j_heap_mb}m",
        "-XX:+UseG1GC",
        "-cp",
        classpath,
        str(LAUNCHER),
        str(settings.local_neo4j_data_dir),
        str(settings.local_neo4j_port),
        str(settings.local_neo4j_page_cache_mb),
        str(int(settings.neo4j_transaction_timeout_s)),
    ]
    with _log_file(settings).open("ab") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    _children[process.pid] = process
    _pid_file(settings).write_text(str(process.pid))
    deadline = time.monotonic() + settings.local_neo4j_start_timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            _children.pop(process.pid, None)
            _pid_file(settings).unlink(missing_ok=True)
            raise ProvisionError(f"Neo4j exited during start-up: {_last_log_error(settings)}")
        if _bolt_answers(settings):
            return status(settings)
        time.sleep(0.5)
    stop(settings)
    raise ProvisionError(
        f"Neo4j did not answer on {settings.local_bolt_uri} within "
        f"{settings.local_neo4j_start_timeout_s:.0f} s; see {_log_file(settings)} or raise "
        "DATAMAP_LOCAL_NEO4J_START_TIMEOUT_S"
    )


def _last_log_error(settings: LocalNeo4j) -> str:
    lines = _log_file(settings).read_text(errors="replace").splitlines()
    for line in reversed(lines):
        if "Exception" in line or "Error" in line:
            return line.strip()[:200]
    return f"see {_log_file(settings)}"


def stop(settings: LocalNeo4j, timeout_s: float = 60.0) -> bool:
    """Stop the local server cleanly; return whether one was running."""
    pid = _running_pid(settings)
    if pid is None:
        _pid_file(settings).unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout_s
    while _alive(pid):
        if time.monotonic() > deadline:
            os.kill(pid, signal.SIGKILL)
            break
        time.sleep(0.2)
    child = _children.pop(pid, None)
    if child is not None:
        child.wait()
    _pid_file(settings).unlink(missing_ok=True)
    return True
