"""The `datamap` command line."""

import asyncio
import signal
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from types import FrameType

import typer
import uvicorn
from neo4j.exceptions import AuthError
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TaskID, TextColumn

from app.settings import Settings, get_settings
from graph import provision
from graph.database import UNAVAILABLE_ERRORS, Database
from graph.migrations import migrate as apply_migrations
from graph.queries import keys as key_queries
from resolvers.auth import keys
from resolvers.auth.principal import Role
from resolvers.errors import NotFound
from schema.export import write_sdl
from seeds.loader import SeedError, is_current, load_all

cli = typer.Typer(help="datamap: a GraphQL privacy data map over Neo4j.", no_args_is_help=True)
neo4j_cli = typer.Typer(help="The local Neo4j server.", no_args_is_help=True)
schema_cli = typer.Typer(help="The GraphQL schema.", no_args_is_help=True)
keys_cli = typer.Typer(help="API keys (stored hashed in Neo4j).", no_args_is_help=True)
cli.add_typer(neo4j_cli, name="neo4j")
cli.add_typer(schema_cli, name="schema")
cli.add_typer(keys_cli, name="keys")


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

    async def nothing(db: Database) -> None:
        return None

    asyncio.run(_with_database(get_settings(), nothing))
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
    """Revoke an API key. A running service refuses it once its cached record of the key expires,
    within DATAMAP_API_KEY_CACHE_SECONDS (30 s by default); `revokeApiKey` on that service refuses
    it at once there."""

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
    """Serve GraphQL on the configured host and port (Neo4j must be reachable)."""
    settings = get_settings()
    uvicorn.run(
        "app.asgi:app",
        host=settings.host,
        port=settings.port,
        workers=settings.workers,
        log_level="info",
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
        uvicorn.run(
            "app.asgi:app",
            host=settings.host,
            port=settings.port,
            workers=settings.workers,
            log_level="info",
        )


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
