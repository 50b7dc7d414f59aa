import strawberry

from schema.fides import FidesMutation
from schema.keys import KeysMutation
from schema.registration import RegistrationMutation
from schema.registration_updates import RegistrationUpdateMutation


@strawberry.type(description="Every change datamap accepts; each one is audited.")
class Mutation(RegistrationMutation, RegistrationUpdateMutation, FidesMutation, KeysMutation):
    pass
