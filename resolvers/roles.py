"""The roles an organisation holds for personal data (`OPERATED_BY.role`, `ENGAGES.role`)."""

CONTROLLER = "CONTROLLER"
PROCESSOR = "PROCESSOR"
SUB_PROCESSOR = "SUB_PROCESSOR"
PROCESSOR_ROLES = frozenset({PROCESSOR, SUB_PROCESSOR})
