"""Finding a person in a text typed by anyone, to replace them: names whatever the case, the
accents or the hyphens, phone numbers in any format, e-mail addresses.

A `Matcher` is built from a person's identity:
- strict, for any text of the application: their full name (either order, « VAUTHIER Lise »,
  « L. Vauthier », « Mme Vauthier »), their e-mails, their phones. Their first or last name
  alone is left alone there: « Martin » or « Marie » in a text about someone else is not them.
- broad, for the texts of the records about them (their projects, the workshops they came
  to…): also their first name and their last name, each alone.

Phone numbers are found by `phonenumbers`' matcher (region France) and compared as numbers,
so « 0698765432 », « +33 6 98 76 54 32 » and « 06.98.76.54.32 » are one number.

`db_pattern` is a regular expression that the database runs (SQLite through Python's `re`,
PostgreSQL's own) to pick, among millions of rows, the few that may mention the person; the
Python matcher then decides. It is wider than the matcher (the last name alone), never
narrower, and also finds a letter written as JSON's \\uXXXX escape (SQLite stores JSON so).
Each person gets their own query: PostgreSQL runs a pattern for several people more slowly
than theirs one after the other.
"""

import re
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass

import phonenumbers

from pes21.phones import parse_phone

ANONYMISED = "[anonymisé]"

# What may stand between the parts of a name: spaces, hyphens of every kind, apostrophes.
# Written without escapes, so that PostgreSQL reads the class as Python does.
_JOINER_CLASS = "[ \t\n\u00a0\u202f'\u2019\u2010\u2011\u2012\u2013\u2014-]"
_TITLES = r"(?:M\.|Mr\.?|Mme\.?|Mlle\.?|Monsieur|Madame|Mademoiselle|Me|Ma[iî]tre|Dr\.?)"
_LIGATURES = {"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"}


def _fold(text: str) -> str:
    """Lower case, without accents or ligatures: « Éléonore » and « eleonore » fold alike."""
    text = "".join(_LIGATURES.get(c, c) for c in text)
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower()


def _variants() -> dict[str, str]:
    """Each ASCII letter and the Latin letters that fold to it, both cases."""
    found: dict[str, set[str]] = {}
    for code in [*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x250)]:
        char = chr(code)
        folded = _fold(char)
        if len(folded) == 1 and folded.isascii() and folded.isalpha():
            found.setdefault(folded, set()).update({char, char.lower(), char.upper()})
    return {letter: "".join(sorted(chars)) for letter, chars in found.items()}


_VARIANTS = _variants()


def _letter(letter: str, *, json_escapes: bool) -> str:
    chars = _VARIANTS.get(letter)
    if chars is None:
        return re.escape(letter)
    pattern = "[" + chars + "]"
    escaped = [f"\\\\u{ord(c):04x}" for c in chars if not c.isascii()]
    if json_escapes and escaped:
        return "(?:" + "|".join([pattern, *escaped]) + ")"
    return pattern


def _word(word: str, *, json_escapes: bool = False) -> str:
    """A name as a pattern: any case and accents, « oe » or « œ », any joiner between its parts
    (« Jean-Pierre », « jean pierre », « JEANPIERRE »)."""
    parts = [p for p in re.split(f"{_JOINER_CLASS}+", _fold(word)) if p]
    patterns = []
    for part in parts:
        letters = []
        index = 0
        while index < len(part):
            pair = part[index : index + 2]
            if pair in ("oe", "ae"):
                ligature = "œŒ" if pair == "oe" else "æÆ"
                letters.append(
                    f"(?:{_letter(pair[0], json_escapes=json_escapes)}"
                    f"{_letter(pair[1], json_escapes=json_escapes)}|[{ligature}])"
                )
                index += 2
                continue
            letters.append(_letter(part[index], json_escapes=json_escapes))
            index += 1
        patterns.append("".join(letters))
    return f"{_JOINER_CLASS}*".join(patterns)


def _escape_for_databases(text: str) -> str:
    """A literal both Python and PostgreSQL read alike: only their special characters escaped."""
    return "".join(f"\\{c}" if c in ".^$*+?()[]{}|\\" else c for c in text)


def _digits(number: str) -> str:
    """Digits with anything but a digit (three characters at most) between them."""
    return r"\D{0,3}".join(number)


@dataclass(frozen=True)
class Identity:
    """Who is looked for: what their own record says."""

    first_name: str
    last_name: str
    emails: tuple[str, ...] = ()
    phones: tuple[str, ...] = ()

    @property
    def numbers(self) -> list[phonenumbers.PhoneNumber]:
        return [n for n in (parse_phone(p) for p in self.phones if p.strip()) if n is not None]


def _names_ok(*names: str) -> bool:
    return all(len(_fold(n).strip()) >= 2 for n in names)


class Matcher:
    def __init__(self, identity: Identity, *, broad: bool = False):
        self.identity = identity
        self.numbers = identity.numbers
        self.pattern = self._pattern(broad)
        # Cheap first looks: phonenumbers' matcher is slow, and most texts hold no number of
        # theirs; in a text where even the database's wider pattern finds nothing, nobody is.
        national = {str(n.national_number) for n in self.numbers}
        self._their_digits = (
            re.compile("|".join(_digits(n) for n in national)) if national else None
        )
        self._db_patterns = {escapes: self._db_pattern(escapes) for escapes in (False, True)}
        wide = self._db_patterns[False]
        self._wide = re.compile(wide, re.IGNORECASE) if wide and not broad else None

    def _pattern(self, broad: bool) -> re.Pattern | None:
        first, last = self.identity.first_name.strip(), self.identity.last_name.strip()
        alternatives = []
        if _names_ok(first, last):
            f, la = _word(first), _word(last)
            between = r"[\s,\u00a0\u202f]+"
            alternatives += [
                f"{f}{between}{la}",
                f"{la}{between}{f}",
                rf"{_letter(_fold(first)[0], json_escapes=False)}\.\s*{la}",
                rf"(?P<title>{_TITLES}\s+){la}",
            ]
        if broad:
            alternatives += [_word(name) for name in (last, first) if _names_ok(name)]
        names = "|".join(f"(?:{a})" for a in alternatives)
        emails = "|".join(re.escape(e.strip()) for e in self.identity.emails if e.strip())
        unparsed = [p for p in self.identity.phones if p.strip() and parse_phone(p) is None]
        phones = "|".join(_digits(re.sub(r"\D", "", p)) for p in unparsed if len(p) >= 6)
        parts = []
        # E-mails first: at the same place, the whole address wins over a first name in it.
        if emails:
            parts.append(rf"(?<![\w.+-])(?:{emails})(?![\w-])")
        if names:
            parts.append(rf"(?<!\w)(?:{names})(?!\w)")
        if phones:
            parts.append(rf"(?<!\d)(?:{phones})(?!\d)")
        return re.compile("|".join(parts), re.IGNORECASE) if parts else None

    def db_pattern(self, *, json_escapes: bool = False) -> str | None:
        """What the database looks for first (see the module): wider than the matcher."""
        return self._db_patterns[json_escapes]

    def _db_pattern(self, json_escapes: bool) -> str | None:
        parts = []
        last = self.identity.last_name.strip()
        if _names_ok(last):
            parts.append(_word(last, json_escapes=json_escapes))
        parts += [_escape_for_databases(e.strip()) for e in self.identity.emails if e.strip()]
        national = {str(n.national_number) for n in self.numbers}
        national |= {re.sub(r"\D", "", p) for p in self.identity.phones if parse_phone(p) is None}
        parts += [_digits(n) for n in national if len(n) >= 6]
        return "|".join(f"(?:{p})" for p in parts) or None

    def _replace_phones(self, text: str) -> tuple[str, int]:
        if self._their_digits is None or not self._their_digits.search(text):
            return text, 0
        spans = []
        for match in phonenumbers.PhoneNumberMatcher(
            text, "FR", leniency=phonenumbers.Leniency.POSSIBLE
        ):
            number = match.number
            if any(
                number.country_code == own.country_code
                and number.national_number == own.national_number
                for own in self.numbers
            ):
                start, raw = match.start, match.raw_string
                # « (06 11 22 33 44) »: the matcher takes the opening bracket, not its pair.
                while raw.startswith("(") and raw.count("(") > raw.count(")"):
                    start, raw = start + 1, raw[1:]
                spans.append((start, match.end))
        for start, end in reversed(spans):
            text = text[:start] + ANONYMISED + text[end:]
        return text, len(spans)

    def sub(self, text: str) -> tuple[str, int]:
        """The text without the person, and how many times they were found in it."""
        if not text or (self._wide is not None and not self._wide.search(text)):
            return text, 0
        text, count = self._replace_phones(text)
        if self.pattern is None:
            return text, count

        def replacement(match: re.Match) -> str:
            return (match.group("title") or "") + ANONYMISED

        text, names = self.pattern.subn(replacement, text)
        return text, count + names

    def found_in(self, text: str) -> bool:
        return bool(text) and self.sub(text)[1] > 0


def sub_in_json(value, replace: Callable[[str], tuple[str, int]]) -> tuple[object, int]:
    """`replace` applied to every string of a JSON value (keys too); the new value, and how
    many replacements were made."""
    if isinstance(value, str):
        return replace(value)
    if isinstance(value, list):
        total, items = 0, []
        for item in value:
            new, count = sub_in_json(item, replace)
            items.append(new)
            total += count
        return items, total
    if isinstance(value, dict):
        total, result = 0, {}
        for key, item in value.items():
            new_key, key_count = replace(key) if isinstance(key, str) else (key, 0)
            new, count = sub_in_json(item, replace)
            result[new_key] = new
            total += key_count + count
        return result, total
    return value, 0
