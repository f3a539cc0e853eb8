"""JSON through orjson, CSV of any list, Atom for the status feed, JSON-LD for ClaimReview."""

import csv
import io
from datetime import datetime
from decimal import Decimal

import orjson
from django.utils.functional import Promise
from rest_framework.renderers import BaseRenderer, JSONRenderer

from commitments.feeds import atom


def _default(value):
    if isinstance(value, Decimal | Promise):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


class ORJSONRenderer(JSONRenderer):
    """DRF's JSON renderer, several times faster on large pages."""

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if data is None:
            return b""
        indent = self.get_indent(accepted_media_type, renderer_context or {})
        option = orjson.OPT_UTC_Z | orjson.OPT_NON_STR_KEYS | (orjson.OPT_INDENT_2 if indent else 0)
        return orjson.dumps(data, default=_default, option=option)


class JSONLDRenderer(ORJSONRenderer):
    media_type = "application/ld+json"
    format = "jsonld"


# A spreadsheet runs a cell that starts with one of these as a formula (OWASP, "CSV Injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    """Text for a CSV cell, neutralised as OWASP recommends: a leading quote makes a would-be formula plain text.

    The one place every CSV cell passes through. Numbers are not text and stay as they are (-1 is a score).
    """
    return f"'{value}" if value.startswith(FORMULA_STARTS) else value


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        return "; ".join(_cell(item.get("slug") or item.get("id") if isinstance(item, dict) else item) for item in value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, bool | int | float | Decimal):
        return str(value)
    return csv_text(str(value))


def _flatten(row: dict, prefix: str = "") -> dict:
    flat = {}
    for key, value in row.items():
        if isinstance(value, dict):
            flat.update(_flatten(value, f"{prefix}{key}."))
        else:
            flat[f"{prefix}{key}"] = _cell(value)
    return flat


def _field_names(serializer, prefix: str = "") -> list[str]:
    """Column names of an empty export, flattened like the rows would be."""
    names = []
    for name, field in serializer.fields.items():
        if hasattr(field, "fields") and not getattr(field, "many", False):
            names.extend(_field_names(field, f"{prefix}{name}."))
        else:
            names.append(f"{prefix}{name}")
    return names


class CSVRenderer(BaseRenderer):
    """A list as CSV: nested objects become `parent.child` columns, lists are joined with "; "."""

    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if isinstance(data, dict) and "results" in data:
            data = data["results"]
        rows = [_flatten(row) for row in (data if isinstance(data, list) else [data])]
        view = (renderer_context or {}).get("view")
        declared = _field_names(view.get_serializer()) if rows == [] and hasattr(view, "get_serializer") else []
        header = list(dict.fromkeys([*declared, *(key for row in rows for key in row)]))
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=header, restval="", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows(rows)
        response = renderer_context and renderer_context.get("response")
        if response is not None and response.status_code == 200:
            view = renderer_context["view"]
            response["Content-Disposition"] = f'attachment; filename="{getattr(view, "basename", "export")}.csv"'
        return out.getvalue().encode()


class TableCSVRenderer(CSVRenderer):
    """An aggregate as one CSV table: the view's `csv_table(data)` gives the header and flat rows."""

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        context = renderer_context or {}
        response, view, request = context.get("response"), context.get("view"), context.get("request")
        is_table = response is not None and response.status_code == 200 and hasattr(view, "csv_table")
        if not is_table or (request is not None and request.method != "GET"):
            # an error or OPTIONS metadata: not the aggregate, so its keys as columns
            return super().render(data, accepted_media_type, renderer_context)
        header, rows = view.csv_table(data)
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=header, restval="", lineterminator="\r\n")
        writer.writeheader()
        writer.writerows({key: _cell(value) for key, value in row.items()} for row in rows)
        response["Content-Disposition"] = f'attachment; filename="{view.basename}.csv"'
        return out.getvalue().encode()


class AtomRenderer(BaseRenderer):
    """Renders {"title", "link", "description", "items": [...]} as an Atom 1.0 feed."""

    media_type = "application/atom+xml"
    format = "atom"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None) -> bytes:
        if not isinstance(data, dict) or "items" not in data:  # an error: say it plainly
            return orjson.dumps(data, default=_default)
        return atom(data)
