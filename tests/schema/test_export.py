from app.settings import Settings
from schema.export import SDL_PATH, sdl


def test_exported_sdl_matches_the_running_schema() -> None:
    assert SDL_PATH.read_text() == sdl(Settings()), (
        "schema/schema.graphql is stale: run `make schema`"
    )
