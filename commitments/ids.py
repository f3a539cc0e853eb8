"""The one reading of "an id" in user input (query strings, bodies, admin filters)."""

MAX_ID = 2**63 - 1  # a BigAutoField


def id_parse(value: object) -> int | None:
    """`value` as a primary key (an int, or ASCII digits), or None when it cannot be one.

    `str.isdigit()` is true for "¹" and "٣", and 1e400 is a float: neither is an id.
    """
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        if not (value.isascii() and value.isdecimal()):
            return None
        value = int(value)
    return value if isinstance(value, int) and 0 < value <= MAX_ID else None
