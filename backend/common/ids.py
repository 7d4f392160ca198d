import uuid


def new_external_id(prefix: str) -> str:
    """An external id for rows created in the app rather than imported from a file."""
    return f"{prefix}-{uuid.uuid4().hex[:20]}"
