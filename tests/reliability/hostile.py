"""Hostile text at scale: which strings a form field must take or refuse, and whether a page shows
them as text.

A form is driven with every string of the corpus in every text field, in two passes so that one
refused field never hides what another stored: rows whose values each field's validators accept
(and whose stored values are then compared), and rows of values they refuse (each with its error
next to the field). Findings are collected per field, so a failure names every value it failed on.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from html.parser import HTMLParser

from flask_wtf import FlaskForm
from wtforms import EmailField, HiddenField, PasswordField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, Regexp

from portal.validators import CONTROL_CHARACTERS, NoControlCharacters, NoNul
from tests.helpers import naughty_strings, xss_payloads

# Besides the corpora: NUL, which PostgreSQL cannot store, other controls, and line ends as sent.
EXTRA = ["\x00", "a\x00b", "\x1b[31mred\x1b[0m", "\x7f", "line one\r\nline two\r\n", "\t tabbed \t", "\u2028\u2029",
         "e\u0301 and \u00e9", "\ufeffbom"]
TEXT_FIELD_TYPES = (StringField, TextAreaField, EmailField, PasswordField, HiddenField)
TRACEBACK = re.compile(r"Traceback \(most recent call last\)|sqlalchemy\.exc|psycopg\.|werkzeug\.exceptions")
SCRIPT_SCHEMES = re.compile(r"^\s*(javascript|vbscript|livescript|data\s*:\s*text/html)\s*:?", re.IGNORECASE)
URL_ATTRIBUTES = frozenset({"href", "src", "action", "formaction", "data", "xlink:href", "background", "poster",
                            "srcdoc", "lowsrc", "dynsrc"})
FORBIDDEN_TAGS = frozenset({"iframe", "frame", "frameset", "object", "embed", "applet", "base", "style", "portal",
                            "math"})


def corpus(with_xss: bool = True) -> list[str]:
    """Every naughty string (and XSS payload) once, in corpus order, and the extras."""
    return list(dict.fromkeys(naughty_strings() + (xss_payloads() if with_xss else []) + EXTRA))


@dataclass(frozen=True)
class TextRule:
    """What a form's validators let through one text field."""

    name: str
    max_length: int | None
    required: bool
    no_controls: bool
    pattern: re.Pattern | None
    no_nul: bool = False
    # The service, not the form, refuses a blank value.
    required_by_service: bool = False

    def refused_by_form(self, text: str) -> bool:
        """Whether the form's own validators refuse it (next to the field, with every other field's
        error); a service refuses what is left one field at a time."""
        reason = self.refusal(text)
        if reason == "NUL":
            return self.no_nul or self.no_controls
        return reason is not None and (reason != "blank" or self.required)

    def refusal(self, text: str) -> str | None:
        """Why this field must refuse the text, or None when it must take it."""
        if "\x00" in text:
            return "NUL"
        if self.max_length is not None and len(text) > self.max_length:
            return "too long"
        if (self.required or self.required_by_service) and not text.strip():
            return "blank"
        if self.no_controls and CONTROL_CHARACTERS.search(text):
            return "control character"
        if self.pattern is not None and text.strip() and not self.pattern.match(text):
            return "shape"
        return None


def text_rules(form_class: type[FlaskForm]) -> dict[str, TextRule]:
    """The text fields of a form, with their limits read from the validators the form declares."""
    rules = {}
    for name, unbound in vars(form_class).items():
        if name.startswith("_") or not hasattr(unbound, "field_class"):
            continue
        if not issubclass(unbound.field_class, TEXT_FIELD_TYPES):
            continue
        name = unbound.name or name
        validators = unbound.kwargs.get("validators") or []
        lengths = [validator.max for validator in validators if isinstance(validator, Length) and validator.max >= 0]
        patterns = [validator.regex for validator in validators if isinstance(validator, Regexp)]
        rules[name] = TextRule(
            name=name, max_length=min(lengths) if lengths else None,
            required=any(isinstance(validator, (DataRequired, InputRequired)) for validator in validators),
            no_controls=any(isinstance(validator, NoControlCharacters) for validator in validators),
            pattern=patterns[0] if patterns else None,
            no_nul=any(isinstance(validator, NoNul) for validator in validators))
    for base in form_class.__mro__[1:]:
        if base is not FlaskForm and isinstance(base, type) and issubclass(base, FlaskForm):
            rules = {**text_rules(base), **rules}
    return rules


# Values with no limit of their own are packed up to this; refused ones too, under the body limit.
PACK_LIMIT = 4000


def values_for(rule: TextRule, strings: list[str], refused: bool) -> list[str]:
    """The values that carry every string this field must take (or refuse), one string per line
    and as many as fit, so the corpus costs hundreds of posts, not thousands. A string is sent alone
    when it matters whole: blank, with space at either end, or refused for what it contains."""
    chosen = [text for text in strings if (rule.refusal(text) is not None) == refused]
    alone = [text for text in chosen if not text.strip() or text != text.strip()
             or (refused and rule.refusal(text) not in ("too long", "shape"))]
    limit = PACK_LIMIT if refused or rule.max_length is None else rule.max_length
    packs: list[str] = []
    for text in chosen:
        if text in alone:
            continue
        joined = f"{packs[-1]}\n{text}" if packs else text
        if packs and len(joined) <= limit and rule.refusal(joined) == rule.refusal(text):
            packs[-1] = joined
        else:
            packs.append(text)
    return alone + packs


def rows(rules: list[TextRule], strings: list[str], refused: bool, filler: dict[str, str]) -> list[dict[str, str]]:
    """Rows of values to post: each field's taken (or refused) values in turn, the filler once a
    field has none left."""
    queues = {rule.name: values_for(rule, strings, refused) for rule in rules}
    count = max((len(queue) for queue in queues.values()), default=0)
    return [{name: queue[index] if index < len(queue) else filler[name] for name, queue in queues.items()}
            for index in range(count)]


class Page(HTMLParser):
    """One page's elements with their attributes, and its text exactly as the browser would hold it."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str]]] = []
        self.texts: list[str] = []
        self.current: list[str] = []
        try:
            self.feed(html)
            self.close()
        except AssertionError:
            # The standard parser gives up on markup no template of ours writes, such as "<![".
            self.broken = True
        else:
            self.broken = False
        self.flush()
        # Accepted text never holds NUL, so it cannot match across two pieces of text.
        self.all_text = "\x00".join(self.texts)
        self.values = {value for _tag, attributes in self.elements for value in attributes.values()}
        self.foreign = self.foreign_markup()

    def flush(self) -> None:
        if self.current:
            self.texts.append("".join(self.current))
            self.current = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.flush()
        self.elements.append((tag, {name: value or "" for name, value in attrs}))

    def handle_endtag(self, tag: str) -> None:
        self.flush()

    def handle_data(self, data: str) -> None:
        self.current.append(data)

    def foreign_markup(self) -> list[str]:
        """What no template of ours writes, so only a payload could have put it there."""
        found = ["markup the parser cannot read"] if self.broken else []
        for tag, attributes in self.elements:
            if tag in FORBIDDEN_TAGS:
                found.append(f"<{tag}>")
            if tag == "script" and not attributes.get("src", "").startswith("/static/"):
                found.append("<script> without our static src")
            for name, value in attributes.items():
                if name.startswith("on") or name == "style":
                    found.append(f"{name}= on <{tag}>")
                if name in URL_ATTRIBUTES and SCRIPT_SCHEMES.match(CONTROL_CHARACTERS.sub("", value)):
                    found.append(f"{name}={value[:40]!r} on <{tag}>")
        return found

    def shows(self, text: str) -> bool:
        """The text is there whole, as text or as an attribute's value: nothing of it became markup."""
        if not text.strip():
            return True
        return text in self.all_text or text in self.values

    def field_error(self, field_id: str) -> bool:
        return any(attributes.get("id") == f"{field_id}-errors" for _tag, attributes in self.elements)

    def flashed(self) -> bool:
        return any(attributes.get("class") == "notice" and attributes.get("role") == "status"
                   for _tag, attributes in self.elements)

    def says_something_is_wrong(self) -> bool:
        return any(attributes.get("class") == "errors" or attributes.get("role") == "alert"
                   for _tag, attributes in self.elements)


@dataclass
class Findings:
    """What went wrong, per field, with the strings it went wrong on."""

    problems: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    posts: int = 0

    def add(self, field_name: str, text: str, problem: str) -> None:
        self.problems[field_name].append((problem, text))

    def check_response(self, response, values: dict[str, str]) -> bool:
        """No server error and no traceback; False (with the finding) when there was one."""
        self.posts += 1
        body = response.get_data().decode("utf-8", "replace")
        if response.status_code >= 500 or TRACEBACK.search(body):
            for name, text in values.items():
                self.add(name, text, f"HTTP {response.status_code}")
            return False
        return True

    def check_page(self, page: Page, values: dict[str, str], where: str) -> None:
        foreign = page.foreign
        for name, text in values.items():
            if foreign:
                self.add(name, text, f"{where}: {foreign[0]}")
            elif not page.shows(text):
                self.add(name, text, f"{where}: not shown as text")

    def report(self) -> str:
        lines = []
        for name, problems in sorted(self.problems.items()):
            lines.append(f"{name}: {len(problems)} strings failed, e.g.")
            lines += [f"    {problem}: {text[:80]!r}" for problem, text in problems[:8]]
        return "\n".join(lines)
