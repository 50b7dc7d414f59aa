"""The `datamap` command line."""

import asyncio
import datetime
import signal
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

import typer
import uvicorn
from neo4j.exceptions import AuthError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from app.log import LOG_CONFIG
from app.settings import Settings, get_settings
from graph import provision
from graph.database import UNAVAILABLE_ERRORS, Database
from graph.migrations import migrate as apply_migrations
from graph.queries import keys as key_queries
from resolvers.auth import keys
from resolvers.auth.principal import Role
from resolvers.errors import DatamapError, NotFound
from resolvers.fides import service as fides
from resolvers.policy.document import render_text
from resolvers.policy.service import policy_check
from resolvers.records.document import Format, filename, render
from resolvers.records.service import records_of
from schema.export import write_sdl
from seeds.loader import SeedError, is_current, load_all, load_policy

cli = typer.Typer(help="datamap: a GraphQL privacy data map over Neo4j.", no_args_is_help=True)
neo4j_cli = typer.Typer(help="The local Neo4j server.", no_args_is_help=True)
schema_cli = typer.Typer(help="The GraphQL schema.", no_args_is_help=True)
keys_cli = typer.Typer(help="API keys (stored hashed in Neo4j).", no_args_is_help=True)
check_cli = typer.Typer(help="Check the map against what is promised.", no_args_is_help=True)
export_cli = typer.Typer(help="Documents computed from the map.", no_args_is_help=True)
import_cli = typer.Typer(help="Bring what teams already have onto the map.", no_args_is_help=True)
cli.add_typer(neo4j_cli, name="neo4j")
cli.add_typer(schema_cli, name="schema")
cli.add_typer(keys_cli, name="keys")
cli.add_typer(check_cli, name="check")
cli.add_typer(export_cli, name="export")
cli.add_typer(import_cli, name="import")


def fail(message: str) -> typer.Exit:
    typer.secho(f"datamap: {message}", fg=typer.colors.RED, err=True)
    return typer.Exit(code=1)


@neo4j_cli.command("start")
def neo4j_start() -> None:
    """Resolve (once) and start the local Neo4j; return when Bolt answers."""
    settings = get_settings()
    if settings.uses_external_neo4j:
        typer.echo(f"NEO4J_URI is set: using {settings.neo4j_uri}, no local server started")
        return
    try:
        state = provision.start(settings)
    except provision.ProvisionError as error:
        raise fail(str(error)) from None
    typer.echo(f"neo4j {provision.neo4j_version()} listening on {state.uri} (pid {state.pid})")


@neo4j_cli.command("stop")
def neo4j_stop() -> None:
    """Stop the local Neo4j cleanly."""
    settings = get_settings()
    was_running = provision.stop(settings)
    typer.echo("neo4j stopped" if was_running else "neo4j was not running")


@neo4j_cli.command("status")
def neo4j_status() -> None:
    """Say whether the local Neo4j runs, and where."""
    settings = get_settings()
    if settings.uses_external_neo4j:
        typer.echo(f"external: {settings.neo4j_uri}")
        return
    state = provision.status(settings)
    if state.running:
        typer.echo(f"running on {state.uri} (pid {state.pid}), data in {state.data_dir}")
    else:
        typer.echo(f"stopped, data in {state.data_dir}")
        raise typer.Exit(code=3)


async def _with_database(settings: Settings, work: Callable[[Database], Awaitable[None]]) -> None:
    """Run `work` on the configured Neo4j; when it does not answer or refuses the credentials,
    one line says so and how to fix it, and the command exits 1 (no traceback)."""
    db = Database.connect(settings)
    try:
        await apply_migrations(db)
        await work(db)
    except AuthError:
        raise fail(
            f"Neo4j at {settings.bolt_uri} refused the credentials: check NEO4J_USER and "
            "NEO4J_PASSWORD"
        ) from None
    except UNAVAILABLE_ERRORS:
        raise fail(
            f"Neo4j does not answer at {settings.bolt_uri}: start it with `datamap neo4j start` "
            "(or use `datamap run`), or set NEO4J_URI to a running server"
        ) from None
    finally:
        await db.close()


@cli.command()
def migrate() -> None:
    """Create the constraints and indexes (idempotent)."""

    asyncio.run(_with_database(get_settings(), _nothing))
    typer.echo("constraints and indexes are in place")


async def _load_seeds(db: Database) -> None:
    """Load every seed file, with a progress bar per file."""
    with Progress(
        TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), transient=False
    ) as bar:
        tasks: dict[str, TaskID] = {}

        def report(name: str, done: int, total: int) -> None:
            if name not in tasks:
                tasks[name] = bar.add_task(name, total=total)
            bar.update(tasks[name], completed=done)

        try:
            written = await load_all(db, progress=report)
        except SeedError as error:
            raise fail(f"seed not loaded, nothing written: {error}") from None
    typer.echo(f"loaded {len(written)} seeds, {sum(written.values())} entries")


@cli.command()
def seed() -> None:
    """Validate every seed file, then load them all (idempotent: loading twice changes nothing)."""
    asyncio.run(_with_database(get_settings(), _load_seeds))


@schema_cli.command("export")
def schema_export() -> None:
    """Write the SDL of the running schema to schema/schema.graphql."""
    typer.echo(f"wrote {write_sdl(Settings())}")


@keys_cli.command("create")
def keys_create(
    role: Role = typer.Option(..., "--role", help="viewer, analyst, integration or admin."),
    name: str = typer.Option("cli", "--name", help="Who or what the key is for."),
) -> None:
    """Create an API key and print it once; only its hash is stored."""

    async def work(db: Database) -> None:
        created = await keys.create(db, role, name, keys.SYSTEM_ACTOR)
        typer.echo(f"id {created.record['id']}, role {role.value}; the key (shown once):")
        typer.echo(created.key)

    asyncio.run(_with_database(get_settings(), work))


@keys_cli.command("list")
def keys_list() -> None:
    """List the API keys as a table (never the keys themselves)."""

    async def work(db: Database) -> None:
        rows = [
            (
                record["id"],
                record["role"],
                record["name"],
                record["created_at"],
                f"revoked {record['revoked_at']}" if record["revoked_at"] else "active",
            )
            for record in await key_queries.list_keys(db)
        ]
        header = ("ID", "ROLE", "NAME", "CREATED", "STATE")
        widths = [max(len(str(row[i])) for row in [header, *rows]) for i in range(len(header))]
        for row in [header, *rows]:
            typer.echo(
                "  ".join(
                    str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)
                ).rstrip()
            )
        if not rows:
            typer.echo("(no API keys)")

    asyncio.run(_with_database(get_settings(), work))


@keys_cli.command("revoke")
def keys_revoke(key_id: str = typer.Argument(..., help="The key's id.")) -> None:
    """Revoke an API key; every running service process refuses it on its next request."""

    async def work(db: Database) -> None:
        before = next((k for k in await key_queries.list_keys(db) if k["id"] == key_id), None)
        if before is not None and before["revoked_at"]:
            typer.echo(f"{key_id} was already revoked at {before['revoked_at']}")
            return
        try:
            await keys.revoke(db, key_id, keys.SYSTEM_ACTOR)
        except NotFound as error:
            raise fail(error.message) from None
        typer.echo(f"revoked {key_id}")

    asyncio.run(_with_database(get_settings(), work))


@check_cli.command("policy")
def check_policy(
    policy: str = typer.Option("preemptly", "--policy", help="The key of a loaded policy."),
    as_of: datetime.datetime | None = typer.Option(
        None, "--as-of", formats=["%Y-%m-%d"], help="The date to check for; today by default."
    ),
    load: Path | None = typer.Option(
        None, "--load", help="Load this policy file first (beside those loaded) and check it."
    ),
) -> None:
    """Decide each claim of a privacy policy against the map; exit 1 when one is CONTRADICTED
    (so a CI pipeline can gate on it), 2 when the policy is not loaded or its file is invalid."""
    contradicted = False

    async def work(db: Database) -> None:
        nonlocal contradicted
        day = as_of.date() if as_of else datetime.date.today()
        try:
            key = (await load_policy(db, load)).key if load is not None else policy
            check = await policy_check(db, key, day)
        except SeedError as error:
            typer.secho(f"datamap: policy not loaded: {error}", fg=typer.colors.RED, err=True)
            raise typer.Exit(code=2) from None
        except NotFound as error:
            typer.secho(f"datamap: {error.message}", fg=typer.colors.RED, err=True)
            raise typer.Exit(code=2) from None
        for line in render_text(check):
            typer.echo(line)
        contradicted = check.contradicted

    asyncio.run(_with_database(get_settings(), work))
    if contradicted:
        raise typer.Exit(code=1)


@export_cli.command("ropa")
def export_ropa(
    fmt: Format = typer.Option(Format.XLSX, "--format", help="xlsx, csv or json."),
    profile: str = typer.Option("gdpr", "--profile", help="gdpr, ico or cnil."),
    regime: str | None = typer.Option(
        None, "--regime", help="EU, UK or CH; default: the profile's."
    ),
    as_of: datetime.datetime | None = typer.Option(
        None, "--as-of", formats=["%Y-%m-%d"], help="Decide the transfers for this day."
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="The file to write; default: a dated name in ."
    ),
) -> None:
    """Write the records of processing (Art. 30) in a profile's columns."""

    async def work(db: Database) -> None:
        day = as_of.date() if as_of else datetime.date.today()
        try:
            records = await records_of(db, profile=profile, regime=regime, as_of=day)
        except DatamapError as error:
            raise fail(error.message) from None
        path = output or Path(filename(records, fmt))
        path.write_bytes(render(records, fmt))
        typer.echo(
            f"wrote {path}: {len(records.controller)} controller and "
            f"{len(records.processor)} processor records"
        )

    asyncio.run(_with_database(get_settings(), work))


def manifest_files(paths: list[Path]) -> list[Path]:
    """The files given, and the `*.yml`/`*.yaml` files under each directory given (sorted)."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            found.extend(
                sorted(p for p in path.rglob("*") if p.suffix in (".yml", ".yaml") and p.is_file())
            )
        elif path.is_file():
            found.append(path)
        else:
            raise fail(f"{path}: no such file or directory")
    if not found:
        raise fail("no manifest files found")
    return found


@import_cli.command("fides")
def import_fides(
    paths: list[Path] = typer.Argument(..., help="Manifest files, or directories of them."),
    country: str = typer.Option(
        ...,
        "--country",
        help="ISO code where organisations are established and systems hosted when the "
        "manifests do not say.",
    ),
    source: str = typer.Option("fides", "--source", help="The source name to register under."),
) -> None:
    """Import fideslang manifests onto the map in one transaction (idempotent, all-or-nothing),
    and report what was created, changed and could not be mapped."""
    documents = [(str(path), path.read_text(encoding="utf-8")) for path in manifest_files(paths)]

    async def work(db: Database) -> None:
        try:
            options = fides.options(source, country, "--")
            report = await fides.import_manifests(db, keys.SYSTEM_ACTOR, documents, options)
        except DatamapError as error:
            where = f" ({error.field})" if error.field else ""
            raise fail(f"nothing imported: {error.message}{where}") from None
        touched = [entity for entity in report.entities if entity.changed]
        for entity in touched:
            state = "created" if entity.created else "changed"
            typer.echo(f"{state:<8} {entity.entity_type:<18} {entity.id}")
        for unmapped in report.unmapped:
            typer.echo(f"unmapped {unmapped.field}: {unmapped.reason}")
        created = sum(entity.created for entity in touched)
        typer.echo(
            f"{len(documents)} manifests: {created} created, {len(touched) - created} changed, "
            f"{len(report.entities) - len(touched)} unchanged, {len(report.unmapped)} not mapped"
            + ("" if report.changed else "; nothing changed")
        )

    asyncio.run(_with_database(get_settings(), work))


@export_cli.command("fides")
def export_fides(
    source: str = typer.Option("fides", "--source", help="Export what this source registered."),
    output: Path | None = typer.Option(
        None, "--output", "-o", help="The file to write; default: standard output."
    ),
) -> None:
    """Write the entities a source registered as a fideslang manifest (YAML)."""

    async def work(db: Database) -> None:
        try:
            text = await fides.export_manifests(db, source)
        except DatamapError as error:
            raise fail(error.message) from None
        exported.append(text)

    exported: list[str] = []
    asyncio.run(_with_database(get_settings(), work))
    if output is None:
        typer.echo(exported[0], nl=False)
    else:
        output.write_text(exported[0], encoding="utf-8")
        typer.echo(f"wrote {output}")


@contextmanager
def local_neo4j(settings: Settings) -> Iterator[None]:
    """Start the local Neo4j unless NEO4J_URI is set, and stop it on exit if this started it."""
    if settings.uses_external_neo4j:
        yield
        return
    started = not provision.status(settings).running
    try:
        state = provision.start(settings)
    except provision.ProvisionError as error:
        raise fail(str(error)) from None
    typer.echo(f"neo4j listening on {state.uri}")
    try:
        yield
    finally:
        if started:
            provision.stop(settings)
            typer.echo("neo4j stopped")


@cli.command()
def serve() -> None:
    """Apply the constraints, then serve GraphQL on the configured host and port with
    DATAMAP_WORKERS uvicorn workers (Neo4j must be reachable)."""
    settings = get_settings()
    asyncio.run(_with_database(settings, _nothing))
    _serve(settings)


async def _nothing(db: Database) -> None:
    return None


def _serve(settings: Settings) -> None:
    """uvicorn with `settings.workers` processes, each importing `app.asgi` and so holding a
    driver of its own. The start-up work that must happen once (constraints, seeds, the first
    key) is done by the caller before; each worker's readiness check applies the constraints
    again, which finds them in place (and tolerates workers racing on an empty database)."""
    uvicorn.run(
        "app.asgi:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_config=LOG_CONFIG,
    )


@cli.command()
def run() -> None:
    """Start the local Neo4j, apply the constraints, load the seeds unless the graph holds them as
    they are now, and serve GraphQL. Ctrl-C stops the service and the Neo4j it started."""
    settings = get_settings()
    signal.signal(signal.SIGTERM, _interrupt)
    with local_neo4j(settings):
        asyncio.run(_with_database(settings, _first_start))
        typer.echo(f"GraphQL on http://{settings.host}:{settings.port}/graphql")
        _serve(settings)


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM as Ctrl-C: uvicorn shuts down gracefully and hands the signal on when it is done,
    and this makes it unwind `local_neo4j`, which stops the Neo4j it started."""
    raise KeyboardInterrupt


async def _first_start(db: Database) -> None:
    """Load the seeds when the graph does not hold them as they are now (the first start, or a
    start after the seed files, fideslang or pycountry changed), and with no active API key yet,
    create an admin key and print it once."""
    if not await is_current(db):
        await _load_seeds(db)
    if await key_queries.count_active(db) > 0:
        return
    created = await keys.create(db, Role.ADMIN, "first start", keys.SYSTEM_ACTOR)
    typer.secho(
        "No API key existed, so an admin key was created. It is shown this once; send it as "
        "`Authorization: Bearer <key>`:",
        fg=typer.colors.YELLOW,
    )
    typer.echo(created.key)


def main() -> None:
    cli()
