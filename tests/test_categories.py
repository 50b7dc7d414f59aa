from resolvers.categories import carried, narrowest, relevant


def test_relevant_is_equal_descendant_or_ancestor_and_not_a_mere_prefix() -> None:
    assert relevant("user.contact", "user.contact")
    assert relevant("user.contact.email", "user.contact")
    assert relevant("user", "user.contact")
    assert not relevant("user.device", "user.contact")
    assert not relevant("user.contactless", "user.contact")


def test_narrowest_keeps_the_more_specific_key() -> None:
    assert narrowest("user", "user.contact.email") == "user.contact.email"
    assert narrowest("user.contact", "user") == "user.contact"


def test_carried_narrows_what_arrives_to_what_the_edge_carries() -> None:
    assert carried(None, ["user.device"]) == {"user.device"}
    assert carried(frozenset({"user.contact"}), None) == {"user.contact"}
    assert carried(frozenset({"user.contact"}), ["user"]) == {"user.contact"}
    assert carried(frozenset({"user"}), ["user.contact.email", "system"]) == {"user.contact.email"}
    assert carried(frozenset({"user.contact"}), ["user.device"]) == frozenset()
