"""Read an admin page's form the way a browser would, so tests post what a browser posts."""

from html.parser import HTMLParser


class _FormReader(HTMLParser):
    def __init__(self):
        super().__init__()
        self.fields: dict[str, list[str]] = {}
        self._select = None
        self._textarea = None

    def _add(self, name, value):
        self.fields.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self._add(name, attrs.get("value", "on"))
            elif kind not in ("submit", "button", "file", "image", "reset"):
                self._add(name, attrs.get("value", ""))
        elif tag == "select" and name:
            self._select = name
            self.fields.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in attrs:
            self._add(self._select, attrs.get("value", ""))
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            value = self.fields[self._textarea][-1]
            # A browser drops the newline that follows <textarea>, as Django writes it.
            self.fields[self._textarea][-1] = value[1:] if value.startswith("\n") else value
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.fields[self._textarea][-1] += data


def page_form(client, url) -> dict:
    """The values the change form at ``url`` would post unchanged (lists for repeated names)."""
    reader = _FormReader()
    reader.feed(client.get(url).content.decode())
    data = {}
    for name, values in reader.fields.items():
        if name == "csrfmiddlewaretoken" or "__prefix__" in name:
            continue
        if values:
            data[name] = values if len(values) > 1 else values[0]
    return data
