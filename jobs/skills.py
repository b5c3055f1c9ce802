"""The skills vocabulary: canonical skill names, their aliases, and fast matching in text.

The vocabulary lives in ``jobs/data/skills.csv`` (columns: canonical, category, aliases).
Aliases are separated by ``|``. An alias written with a leading ``=`` only matches with
exactly that capitalisation: short or common-word skills ("Go", "R", "C", "Swift",
"Outlook") would otherwise match ordinary English words.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

VOCABULARY_PATH = Path(__file__).resolve().parent / "data" / "skills.csv"

# Characters that glue onto a skill token: "C" inside "C++", "js" inside "node.js".
_TOKEN_CHARS = r"\w+#"
# Aliases this short are matched stricter: "C" must not be followed by "-level" or "&D".
_SHORT_ALIAS_LEN = 2


class VocabularyError(ValueError):
    """The vocabulary file is inconsistent (one alias pointing at two skills)."""


@dataclass(frozen=True)
class Skill:
    name: str
    category: str
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Vocabulary:
    skills: dict[str, Skill]
    insensitive: dict[str, str]
    sensitive: dict[str, str]
    insensitive_pattern: re.Pattern[str] | None
    sensitive_pattern: re.Pattern[str] | None


def _normalise(text: str) -> str:
    return " ".join(text.split())


def _trie_pattern(words: list[str]) -> str:
    """A regex alternation factored by common prefixes, so matching cost does not grow
    with the number of aliases the way a flat ``a|b|c`` alternation does."""
    trie: dict = {}
    for word in words:
        node = trie
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def emit(node: dict) -> str:
        ends_here = "" in node
        branches = []
        for char in sorted(k for k in node if k):
            piece = r"\s+" if char == " " else re.escape(char)
            branches.append(piece + emit(node[char]))
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        # Greedy optional suffix: the longest alias wins ("C++" over "C").
        return f"(?:{body})?" if ends_here else body

    return emit(trie)


def _bounded(pattern: str) -> str:
    return rf"(?<![{_TOKEN_CHARS}.@\\-])(?:{pattern})(?![{_TOKEN_CHARS}]|\.\w)"


def _short_bounded(pattern: str) -> str:
    return rf"(?<![{_TOKEN_CHARS}.@\\-])(?:{pattern})(?![{_TOKEN_CHARS}&]|[-.'’]\w)"


def _compile(aliases: dict[str, str], flags: int) -> re.Pattern[str] | None:
    if not aliases:
        return None
    longer = [a for a in aliases if len(a) > _SHORT_ALIAS_LEN]
    short = [a for a in aliases if len(a) <= _SHORT_ALIAS_LEN]
    parts = []
    if longer:
        parts.append(_bounded(_trie_pattern(longer)))
    if short:
        parts.append(_short_bounded(_trie_pattern(short)))
    return re.compile("|".join(parts), flags)


def load_vocabulary(path: Path = VOCABULARY_PATH) -> Vocabulary:
    skills: dict[str, Skill] = {}
    insensitive: dict[str, str] = {}
    sensitive: dict[str, str] = {}

    def register(table: dict[str, str], key: str, canonical: str) -> None:
        existing = table.get(key)
        if existing is not None and existing != canonical:
            raise VocabularyError(f"alias {key!r} maps to both {existing!r} and {canonical!r}")
        table[key] = canonical

    with path.open(newline="", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            canonical = _normalise(row["canonical"])
            if not canonical:
                continue
            if canonical in skills:
                raise VocabularyError(f"skill {canonical!r} is listed twice")
            aliases = tuple(_normalise(a) for a in (row.get("aliases") or "").split("|") if a.strip())
            skills[canonical] = Skill(canonical, row.get("category", "").strip(), aliases)
            case_sensitive_forms = {a[1:] for a in aliases if a.startswith("=")}
            if canonical not in case_sensitive_forms:
                register(insensitive, canonical.lower(), canonical)
            for alias in aliases:
                if alias.startswith("="):
                    register(sensitive, alias[1:], canonical)
                else:
                    register(insensitive, alias.lower(), canonical)

    return Vocabulary(
        skills=skills,
        insensitive=insensitive,
        sensitive=sensitive,
        insensitive_pattern=_compile(insensitive, re.IGNORECASE),
        sensitive_pattern=_compile(sensitive, 0),
    )


@cache
def vocabulary() -> Vocabulary:
    return load_vocabulary()


def canonical_skill(name: str) -> str | None:
    """The canonical name for a skill or alias ("k8s" -> "Kubernetes"), or None if unknown."""
    vocab = vocabulary()
    key = _normalise(name)
    found = vocab.sensitive.get(key) or vocab.insensitive.get(key.lower())
    if found is None:
        # A person typing a skill name ("go", "r") means the skill; only free text needs
        # the capitalisation rules.
        found = _sensitive_by_lowercase().get(key.lower())
    return found


@cache
def _sensitive_by_lowercase() -> dict[str, str]:
    return {alias.lower(): canonical for alias, canonical in vocabulary().sensitive.items()}


def all_skill_names() -> list[str]:
    return sorted(vocabulary().skills, key=str.lower)


def find_skills(text: str) -> list[str]:
    """Canonical skills mentioned in ``text``, in order of first mention, without repeats."""
    vocab = vocabulary()
    found: dict[str, int] = {}
    if vocab.insensitive_pattern is not None:
        for match in vocab.insensitive_pattern.finditer(text):
            canonical = vocab.insensitive[_normalise(match.group()).lower()]
            found.setdefault(canonical, match.start())
    if vocab.sensitive_pattern is not None:
        for match in vocab.sensitive_pattern.finditer(text):
            canonical = vocab.sensitive[_normalise(match.group())]
            position = found.get(canonical)
            if position is None or match.start() < position:
                found[canonical] = match.start()
    return sorted(found, key=found.__getitem__)
