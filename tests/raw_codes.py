"""What a page must never show a person: raw codes of the forms' enums, task spec ids, usernames of named people.

The codes are read from ``forms/*.json`` and ``processes/*.bpmn`` themselves, so a new form or process is covered
without touching the tests. Only the page's *visible text* is checked (attributes such as ``value="in_scope"`` or
``title="officer1"`` are fine: they are how forms post and how a name shows its username on hover).

The rule for enum codes: a code is checked when it is at least 4 characters long (shorter ones, if ever added,
collide with ordinary text), as a whole word and case-sensitively (codes are lower case; "Portal" in a sentence is
not the code ``portal``), except the few in :data:`ORDINARY_WORDS`, which a Vietnamese page legitimately shows
(file formats, names of systems). A code with an underscore (``in_scope``) is never an ordinary word.
"""

import json
import re
from collections.abc import Iterable
from functools import cache
from html.parser import HTMLParser

from engine.core.settings import PROJECT_ROOT

MIN_CODE_LENGTH = 4
ORDINARY_WORDS = frozenset()
"""Enum codes that are also words a Vietnamese page may show as such (none so far)."""


def _enum_values(node: object) -> Iterable[str]:
    if isinstance(node, dict):
        yield from (value for value in node.get("enum", []) if isinstance(value, str))
        for child in node.values():
            yield from _enum_values(child)
    elif isinstance(node, list):
        for child in node:
            yield from _enum_values(child)


@cache
def form_enum_codes() -> set[str]:
    """Every enum code of every form in forms/, less the short ones and the ordinary words."""
    codes = set()
    for path in (PROJECT_ROOT / "forms").glob("*.json"):
        codes.update(_enum_values(json.loads(path.read_text(encoding="utf-8"))))
    return {code for code in codes if len(code) >= MIN_CODE_LENGTH and code not in ORDINARY_WORDS}


@cache
def task_spec_ids() -> set[str]:
    """The ids of every task (user, script, service, manual) of every process in processes/."""
    ids = set()
    for path in (PROJECT_ROOT / "processes").glob("*.bpmn"):
        ids.update(re.findall(r"<bpmn:\w*[tT]ask id=\"([^\"]+)\"", path.read_text(encoding="utf-8")))
    return ids


class _VisibleText(HTMLParser):
    """The text a person sees: text nodes outside <script>, <style>, <template> and <head>."""

    HIDDEN = frozenset({"script", "style", "template", "head", "title"})

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._hidden = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in self.HIDDEN:
            self._hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in self.HIDDEN and self._hidden:
            self._hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self._hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    """The visible text of an HTML page, one space between text nodes."""
    parser = _VisibleText()
    parser.feed(html)
    parser.close()
    return " ".join(" ".join(parser.parts).split())


def raw_words(text: str, usernames: Iterable[str]) -> list[str]:
    """The raw codes, task spec ids and usernames found in ``text`` as whole words, sorted."""
    forbidden = form_enum_codes() | task_spec_ids() | set(usernames)
    words = set(re.findall(r"\w+", text))
    return sorted(words & forbidden)
