from pathlib import Path

from strawberry.printer import print_schema

from app.settings import Settings
from schema.build import build_schema

SDL_PATH = Path(__file__).resolve().parent / "schema.graphql"


def sdl() -> str:
    return print_schema(build_schema(Settings())) + "\n"


def write_sdl() -> Path:
    SDL_PATH.write_text(sdl())
    return SDL_PATH
