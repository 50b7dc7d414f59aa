from pathlib import Path

from strawberry.printer import print_schema

from schema.build import schema

SDL_PATH = Path(__file__).resolve().parent / "schema.graphql"


def sdl() -> str:
    return print_schema(schema) + "\n"


def write_sdl() -> Path:
    SDL_PATH.write_text(sdl())
    return SDL_PATH
