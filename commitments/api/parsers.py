"""Request body parsers: DRF's, plus the input rules every write shares.

- A JSON document nested too deeply for Python's parser is a 400, not a RecursionError.
- No string anywhere in a body (JSON, form or multipart; keys included) may hold a character
  that commitments.text refuses (NUL, other C0 controls...): a 400 naming the field.
"""

from rest_framework.exceptions import ParseError, ValidationError
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from commitments.text import text_refusal


def _children(path: str, value) -> list[tuple[str, object]]:
    if isinstance(value, dict):
        items = [(key, key) for key in value] + [(key, item) for key, item in value.items()]
    elif isinstance(value, list | tuple):
        items = list(enumerate(value))
    elif hasattr(value, "lists"):  # a QueryDict
        items = [(key, key) for key in value] + [(key, values) for key, values in value.lists()]
    else:
        return []
    return [(f"{path}.{key}" if path else str(key), item) for key, item in items]


def refuse_bad_text(data) -> None:
    """Raise a ValidationError naming the first field whose text holds a refused character."""
    stack = [("", data)]
    while stack:  # iterative: a deep document must not overflow here either
        path, value = stack.pop()
        if isinstance(value, str):
            if message := text_refusal(value):
                raise ValidationError({path or "non_field_errors": [message]})
        else:
            stack.extend(_children(path, value))


class SafeJSONParser(JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError as error:
            raise ParseError("JSON parse error - the document is nested too deeply.") from error
        refuse_bad_text(data)
        return data


class SafeFormParser(FormParser):
    def parse(self, stream, media_type=None, parser_context=None):
        data = super().parse(stream, media_type, parser_context)
        refuse_bad_text(data)
        return data


class SafeMultiPartParser(MultiPartParser):
    def parse(self, stream, media_type=None, parser_context=None):
        parsed = super().parse(stream, media_type, parser_context)
        refuse_bad_text(parsed.data)
        return parsed
