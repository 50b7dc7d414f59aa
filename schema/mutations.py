import strawberry

from schema.keys import KeysMutation
from schema.registration import RegistrationMutation


@strawberry.type(description="Every change datamap accepts; each one is audited.")
class Mutation(RegistrationMutation, KeysMutation):
    pass
