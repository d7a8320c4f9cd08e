"""HTML forms as a browser submits them: the named inputs of a page and their values."""

import html
import re


def form_fields(page_html: str) -> dict[str, str]:
    """The named ``<input>`` fields of `page_html` with their (unescaped) values: the hidden
    ones (a CSRF token, a continuation) included, as a browser posts them."""
    fields = {}
    for tag in re.findall(r"<input [^>]*>", page_html):
        name = re.search(r'name="([^"]*)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = html.unescape(value.group(1)) if value else ""
    return fields
