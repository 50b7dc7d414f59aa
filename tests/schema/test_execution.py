"""The plain pass (schema/execution.py) answers exactly as graphql-core does: the same data, and
for a value it does not take, the same error at the same path. On a small schema of its own, so
that every case (a null in a non-null field deep in a list, an enum value the enum lacks, a list
that is not one) is certain to occur; the seeded map's answers are compared in
test_every_field.py."""

from enum import Enum
from typing import Any

import pytest
import strawberry

from schema.execution import PlainExecutionContext, plain_types, readable_fields


@strawberry.enum
class Colour(Enum):
    RED = "red"
    BLUE = "blue"


@strawberry.type
class Leaf:
    name: str
    size: int | None
    colour: Colour
    tags: list[str]


@strawberry.type
class Branch:
    key: strawberry.ID
    leaves: list[Leaf]
    best: Leaf | None


@strawberry.type
class Tree:
    branches: list[Branch]

    @strawberry.field
    def count(self) -> int:
        return len(self.branches)


@strawberry.type
class Grove:
    tree: Tree

    @strawberry.field
    def asked(self, info: strawberry.Info) -> str:
        return info.field_name


def leaf(name: Any = "a", colour: Any = Colour.RED, tags: Any = ("x",)) -> Leaf:
    return Leaf(name=name, size=len(str(name)), colour=colour, tags=tags)


TREES: dict[str, Tree] = {
    "good": Tree(
        branches=[
            Branch(key=strawberry.ID("b1"), leaves=[leaf("a"), leaf("b")], best=leaf("c")),
            Branch(key=strawberry.ID("b2"), leaves=[], best=None),
        ]
    ),
    "null name": Tree(
        branches=[Branch(key=strawberry.ID("b1"), leaves=[leaf("a"), leaf(None)], best=None)]
    ),
    "bad enum": Tree(
        branches=[Branch(key=strawberry.ID("b1"), leaves=[leaf(colour="green")], best=None)]
    ),
    "not a list": Tree(
        branches=[Branch(key=strawberry.ID("b1"), leaves=[leaf(tags=7)], best=leaf())]
    ),
    "number as name": Tree(
        branches=[Branch(key=strawberry.ID("b1"), leaves=[leaf(12)], best=None)]
    ),
}
CHOSEN: list[Tree] = []


@strawberry.type
class Query:
    @strawberry.field
    def tree(self) -> Tree:
        return CHOSEN[0]

    @strawberry.field
    def grove(self) -> Grove:
        return Grove(tree=CHOSEN[0])


DOCUMENTS = [
    "{ tree { count branches { key leaves { name size colour tags } best { name } } } }",
    """query($skip: Boolean!) { tree { branches { __typename k: key
        first: leaves { name } second: leaves { colour tags @skip(if: $skip) }
        ...B } } } fragment B on Branch { best { ... on Leaf { size name } } }""",
    "{ tree { branches { leaves { __typename name @include(if: false) size } } } }",
    "{ grove { asked tree { count branches { key best { name colour } } } } }",
    "{ grove { tree { count branches { key } } } }",
]


def answer(context: type | None, document: str, tree: str) -> dict[str, Any]:
    CHOSEN[:] = [TREES[tree]]
    schema = strawberry.Schema(query=Query, execution_context_class=context)
    result = schema.execute_sync(document, variable_values={"skip": True})
    return {
        "data": result.data,
        "errors": [(e.message, e.path) for e in result.errors or []],
    }


def test_attributes_and_methods_of_the_value_alone_are_readable() -> None:
    """Tree's `count` is a method of the value; Grove's `asked` reads the resolve info, and the
    operation type's fields do the request's work."""
    schema = strawberry.Schema(query=Query)
    assert ("Tree", "count") in readable_fields(schema._schema)
    assert ("Grove", "tree") in readable_fields(schema._schema)
    assert ("Grove", "asked") not in readable_fields(schema._schema)
    assert plain_types(schema._schema) == {"Leaf", "Branch", "Tree", "Grove"}


def test_a_selection_of_readable_fields_is_plain_in_a_type_that_has_others(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    completed: list[str] = []
    plain_object = PlainExecutionContext.plain_object

    def counted(self: Any, parent_type: Any, source: Any, grouped: Any) -> dict[str, Any]:
        value = plain_object(self, parent_type, source, grouped)
        completed.append(parent_type.name)
        return value

    monkeypatch.setattr(PlainExecutionContext, "plain_object", counted)
    assert answer(PlainExecutionContext, DOCUMENTS[4], "good") == answer(None, DOCUMENTS[4], "good")
    assert "Grove" in completed
    completed.clear()
    answer(PlainExecutionContext, DOCUMENTS[3], "good")  # Grove's `asked` reads the resolve info
    assert "Grove" not in completed
    assert "Tree" in completed


@pytest.mark.parametrize("tree", TREES)
@pytest.mark.parametrize("document", DOCUMENTS)
def test_the_plain_pass_answers_as_graphql_core(document: str, tree: str) -> None:
    assert answer(PlainExecutionContext, document, tree) == answer(None, document, tree)


def test_an_error_deep_in_a_plain_list_keeps_its_path() -> None:
    found = answer(PlainExecutionContext, DOCUMENTS[0], "null name")
    assert found["errors"] == [
        (
            "Cannot return null for non-nullable field Leaf.name.",
            ["tree", "branches", 0, "leaves", 1, "name"],
        )
    ]
    assert found["data"] is None  # every position up to the root is non-null
