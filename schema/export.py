from pathlib import Path

from strawberry.printer import print_schema

from schema.build import build_schema
from schema.settings import SchemaSettings

SDL_PATH = Path(__file__).resolve().parent / "schema.graphql"


def sdl(settings: SchemaSettings) -> str:
    return print_schema(build_schema(settings)) + "\n"


def write_sdl(settings: SchemaSettings) -> Path:
    SDL_PATH.write_text(sdl(settings))
    return SDL_PATH
