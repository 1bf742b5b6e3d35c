"""Counts as formulas of a call's arguments: which factor or term a student's count gets wrong.

A function that returns whole numbers (a parameter count, an output size) is called several
times by a test. Its answers are fitted, across those calls, as a product of the call's
arguments or a sum of two such products (`n_filters*f*f*c_in + n_filters*bias`); so are the
expected answers where they are known. A formula that fits the student's numbers and one that
fits the expected numbers, one edit apart (a factor missing, extra or in place of another; a
term missing, extra or in place of another; a flag ignored), name the mistake by the
arguments' parameter names. When the edits of least size disagree, nothing is said: a guess
is worse than silence.
"""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from grader.analysis.core import Finding
from grader.analysis.messages import say
from grader.analysis.terms import term_gloss

MAX_FACTORS = 6  # arguments multiplied in one term (with repeats: f*f*c_in*n_filters is 4)
MAX_MONOMIALS = 1000  # products tried; more variables than this allows are not fitted
MIN_SINGLE = 100  # one call alone is fitted only when both its numbers are at least this
MAX_FITS = 4000  # formulas fitting one side: beyond, the numbers say too little to name anything
MAX_PAIRS = 100_000  # formulas of the student's side times the expected side's, compared

Monomial = tuple[str, ...]  # sorted parameter names, repeats allowed; () is the constant 1
Formula = tuple[Monomial, ...]  # one or two terms, sorted


@dataclass(frozen=True)
class Observation:
    """One recorded call: its whole-number arguments by parameter name, and its answers.

    Attributes:
        arguments: the call's int and bool arguments (bools as flags), by parameter name.
        got: the student's answer, a whole number.
        expected: the right answer, or None when it is not known (no reference at hand).
    """

    arguments: Mapping[str, int | bool]
    got: int
    expected: int | None


def explain_counts(
    observations: Sequence[Observation],
    language: str = "en",
    descriptions: Mapping[str, str] | None = None,
) -> Finding | None:
    """Which factor or term of the count differs, fitted across the calls, or None.

    Args:
        observations: the calls of one function in one test, with at least one known expected
            answer that differs from the student's.
        language: "en" or "zh-CN".
        descriptions: optional English description of each parameter (from the docstring's
            Args), shown after its name in English.

    Returns:
        a Finding of kind "formula_factor_missing", "formula_factor_extra",
        "formula_factor_replaced", "formula_term_missing", "formula_term_extra",
        "formula_term_replaced" or "formula_flag_ignored", or None.
    """
    known = [o for o in observations if o.expected is not None]
    if not any(o.got != o.expected for o in known) or not _enough(observations, known):
        return None
    names = _variables(observations)
    if not names:
        return None
    flags = {n for n in names if {int(o.arguments[n]) for o in observations} <= {0, 1}}
    monomials = _monomials(names, flags)
    if monomials is None:
        return None
    got_fits = _fits(monomials, observations, [o.got for o in observations])
    expected_values = [o.expected for o in known]
    expected_fits = _fits(monomials, known, expected_values)  # type: ignore[arg-type]
    edits: list[_Pair] = _scaled(monomials, known)
    if len(got_fits) * len(expected_fits) > MAX_PAIRS:
        return None  # so many formulas fit that the numbers cannot tell one story
    edits += [
        (edit, got, expected)
        for got in got_fits
        for expected in expected_fits
        if (edit := _edit(got, expected, flags)) is not None
    ]
    found = _finding(edits, observations, language, descriptions or {})
    return _flag_off(found, observations, language, descriptions or {}) if found else None


def _flag_off(
    found: Finding, observations: Sequence[Observation], language: str, descriptions: Mapping[str, str]
) -> Finding:
    """A term too many where one flag is off in every call is that flag ignored: a term that
    counts only when the flag is on vanishes from the expected numbers."""
    if found.kind != "formula_term_extra":
        return found
    off = [
        name
        for name, value in observations[0].arguments.items()
        if isinstance(value, bool) and all(o.arguments.get(name) is False for o in observations)
    ]
    if len(off) != 1:
        return found
    gloss = _glosses(off[0], language, descriptions)
    return made("formula_flag_ignored", language, "", flag=f"`{off[0]}`", gloss=gloss)


def _enough(observations: Sequence[Observation], known: Sequence[Observation]) -> bool:
    """Whether the numbers can bear a formula out: calls with different arguments, or large numbers
    (a small one, as 10 or 4, is some sum of products of small arguments by chance)."""
    if len({tuple(sorted((k, int(v)) for k, v in o.arguments.items())) for o in observations}) >= 2:
        return True
    return all(min(abs(o.got), abs(o.expected or 0)) >= MIN_SINGLE for o in known)


def _variables(observations: Sequence[Observation]) -> list[str]:
    """Parameters every call passes as whole numbers and that vary or are not 0 or 1 (a constant
    1 multiplies anything unseen)."""
    common = set.intersection(*(set(o.arguments) for o in observations))
    names = []
    for name in sorted(common):
        values = {int(o.arguments[name]) for o in observations}
        if values - {0, 1} or len(values) > 1:
            names.append(name)
    return names


def _monomials(names: list[str], flags: set[str]) -> list[Monomial] | None:
    """Every product of up to MAX_FACTORS of the names (with repeats, but a 0/1 flag at most once:
    b*b is b), the constant 1 first; fewer factors when MAX_MONOMIALS is reached, None when not
    even 3 factors fit in it."""
    found: list[Monomial] = [()]
    for degree in range(1, MAX_FACTORS + 1):
        products = [
            m
            for m in itertools.combinations_with_replacement(names, degree)
            if all(m.count(flag) <= 1 for flag in flags)
        ]
        if len(found) + len(products) > MAX_MONOMIALS:
            return None if degree <= 3 else found
        found += products
    return found


def _value(monomial: Monomial, observation: Observation) -> int:
    product = 1
    for name in monomial:
        product *= int(observation.arguments[name])
    return product


def _fits(
    monomials: list[Monomial], observations: Sequence[Observation], targets: Sequence[int]
) -> set[Formula]:
    """Formulas of one term or a sum of two that give `targets` on every observation."""
    table: dict[tuple[int, ...], list[Monomial]] = {}
    for monomial in monomials:
        table.setdefault(tuple(_value(monomial, o) for o in observations), []).append(monomial)
    wanted = tuple(targets)
    fits: set[Formula] = {(m,) for m in table.get(wanted, [])}
    for values, firsts in table.items():
        rest = tuple(t - v for t, v in zip(wanted, values, strict=True))
        for second in table.get(rest, []):
            for first in firsts:
                if first or second:  # the constant 1 is a term (a + 1), but not twice
                    fits.add(tuple(sorted((first, second))))
        if len(fits) > MAX_FITS:
            return set()
    return fits


@dataclass(frozen=True)
class _Edit:
    """How one formula becomes another: a kind, the terms or factors involved, and its size."""

    kind: str
    size: int
    values: tuple[tuple[str, str], ...]  # (placeholder, text) for the sentence


_Pair = tuple[_Edit, Formula | None, Formula | None]  # an edit, and the formulas it joins if known


def _scaled(monomials: list[Monomial], known: Sequence[Observation]) -> list[_Pair]:
    """A product of up to 3 arguments that every term lacks or has too many (the expected count is
    the student's times it, or the other way round), whatever the rest of the formula."""
    edits: list[_Pair] = []
    for monomial in monomials:
        if not monomial or len(monomial) > 3:
            continue
        values = [_value(monomial, o) for o in known]
        factor = _show_term(monomial)
        text = (("product", factor), ("names", factor))
        if all(o.got * v == o.expected for o, v in zip(known, values, strict=True)):
            edits.append((_Edit("formula_factor_missing", len(monomial), text), None, None))
        elif all(o.expected * v == o.got for o, v in zip(known, values, strict=True)):  # type: ignore[operator]
            edits.append((_Edit("formula_factor_extra", len(monomial), text), None, None))
    return edits


def _finding(
    edits: list[_Pair],
    observations: Sequence[Observation],
    language: str,
    descriptions: Mapping[str, str],
) -> Finding | None:
    """The edit of least size between a formula of each side, when every edit of the same numbers
    says the same (the same kind, the same factors or terms); the formulas are shown when one
    pair alone gives it."""
    if not edits:
        return None
    least = min(edit.size for edit, _, _ in edits)
    keys = {_key(edit) for edit, _, _ in edits if edit.size == least}
    if len({(k[0], _numbers(k, observations)) for k in keys}) != 1:
        return None  # edits of least size that differ in kind or in numbers: no single story
    key = _named(next(iter(keys)), edits, observations)
    if key is None:
        return None
    size = min(e.size for e, _, _ in edits if _key(e) == key)
    pairs = {(got, expected) for edit, got, expected in edits if edit.size == size and _key(edit) == key}
    edit = next(e for e, _, _ in edits if e.size == size and _key(e) == key)
    texts = dict(edit.values)
    filled = {name: f"`{text}`" for name, text in texts.items() if name != "names" and name not in _TERMS}
    found = made(
        edit.kind, language, "", gloss=_glosses(texts.get("names", ""), language, descriptions), **filled
    )
    got, expected = next(iter(pairs))
    if len(pairs) == 1 and got is not None and expected is not None:
        copied = _copied(texts, got, expected, language, descriptions)
        found = copied or replace(found, sentence=found.sentence + _smaller_term(texts, expected, language))
        fit = say("formula_fit", language, got_formula=_show(got), expected_formula=_show(expected))
        return replace(found, sentence=found.sentence + fit)
    return replace(found, sentence=found.sentence + _smaller_everywhere(edits, size, key, language))


def _smaller_everywhere(edits: list[_Pair], size: int, key: _Key, language: str) -> str:
    """The smaller-term remark when every pair of formulas giving the edit puts it in the smaller of
    the expected count's two terms (one call fits many formulas, and they agree there), else ""."""
    said = {
        _smaller_term(dict(edit.values), expected, language) if expected is not None else ""
        for edit, _, expected in edits
        if edit.size == size and _key(edit) == key
    }
    return said.pop() if len(said) == 1 else ""


def _smaller_term(texts: dict[str, str], expected: Formula, language: str) -> str:
    """ " The difference is in the smaller term, ..." when the edited term is the smaller of the
    expected count's two (a layer's biases beside its weights), else ""."""
    right = texts.get("expected_term")
    if right is None or len(expected) != 2:
        return ""
    smaller, larger = sorted(expected, key=len)
    if _show_term(smaller) != right or len(smaller) >= len(larger):
        return ""
    return say("formula_smaller_term", language, term=f"`{right}`")


def _copied(
    texts: dict[str, str], got: Formula, expected: Formula, language: str, descriptions: Mapping[str, str]
) -> Finding | None:
    """A term of the expected count replaced by its other term (`n_filters*f*f*c_in` twice where
    `n_filters` belongs: a bias per weight instead of one per filter), or None."""
    wrong, right = texts.get("got_term"), texts.get("expected_term")
    terms = [_show_term(term) for term in expected]
    if wrong is None or right is None or len(terms) != 2 or wrong not in terms or right not in terms:
        return None
    if [_show_term(term) for term in got].count(wrong) != 2:
        return None
    return made(
        "formula_term_copied",
        language,
        "",
        wrong=f"`{wrong}`",
        right=f"`{right}`",
        gloss=_glosses(right, language, descriptions),
    )


def made(kind: str, language: str, where: str, **values: str) -> Finding:
    """A finding of `kind` with its sentence, parameters and values (what a student copy of a
    hidden test may show of them is `grader.disclosure`'s to decide)."""
    params = tuple(sorted((name, str(value)) for name, value in values.items()))
    return Finding(kind, say(kind, language, **values), where, params, dict(values))


_TERMS = ("got_term", "expected_term")  # shown, but not what tells two edits apart


def _named(key: _Key, edits: list[_Pair], observations: Sequence[Observation]) -> _Key | None:
    """Of the edits naming other arguments with the same numbers, the one naming the most distinct
    arguments when they differ only in a height and width pair (out_h*out_h, out_h*out_w when
    both are 55: out_h*out_w); None when they differ otherwise (f*f against n_filters when both
    are 4): no name is sure then."""
    values = _numbers(key, observations)
    rivals = {_key(e) for e, _, _ in edits if e.kind == key[0] and _numbers(_key(e), observations) == values}
    names = {k: dict(k[1]).get("names", "").split("*") for k in rivals}
    if len({tuple(sorted(map(_twin, n))) for n in names.values()}) != 1:
        return None
    return max(rivals, key=lambda k: (len(set(names[k])), k))


def _twin(name: str) -> str:
    """A height or width name with its last letter blotted: out_h and out_w are both out_?."""
    return name[:-1] + "?" if len(name) >= 2 and name[-1] in "hw" and not name[-2].isalpha() else name


_Key = tuple[str, tuple[tuple[str, str], ...]]


def _key(edit: _Edit) -> tuple[str, tuple[tuple[str, str], ...]]:
    return edit.kind, tuple(v for v in edit.values if v[0] not in _TERMS)


def _numbers(key: tuple[str, tuple[tuple[str, str], ...]], observations: Sequence[Observation]) -> tuple:
    """The values, call by call, of the factors or terms an edit names (its identity in numbers)."""
    parts = [text for name, text in key[1] if name != "names"]
    return tuple(
        tuple(_value(tuple(n for n in part.split("*") if n != "1"), o) for o in observations)
        for part in parts
    )


def _edit(got: Formula, expected: Formula, flags: set[str]) -> _Edit | None:
    """The one edit that turns `got` into `expected`, or None when it takes more."""
    got_terms, expected_terms = Counter(got), Counter(expected)
    extra, missing = (
        list((got_terms - expected_terms).elements()),
        list((expected_terms - got_terms).elements()),
    )
    if len(extra) == 1 and len(missing) == 1:
        return _term_edit(extra[0], missing[0], flags)
    if not extra and len(missing) == 1:
        term = _show_term(missing[0])
        return _Edit("formula_term_missing", len(missing[0]) + 1, (("term", term), ("names", term)))
    if len(extra) == 1 and not missing:
        term = _show_term(extra[0])
        return _Edit("formula_term_extra", len(extra[0]) + 1, (("term", term), ("names", term)))
    return None


def _term_edit(got: Monomial, expected: Monomial, flags: set[str]) -> _Edit:
    """One term differs: factors missing, extra, or in place of others."""
    extra = Counter(got) - Counter(expected)
    missing = Counter(expected) - Counter(got)
    size = sum(extra.values()) + sum(missing.values())
    shown = (("got_term", _show_term(got)), ("expected_term", _show_term(expected)))
    if not extra and set(missing) <= flags and len(missing) == 1:
        flag = next(iter(missing))
        return _Edit("formula_flag_ignored", size, (("flag", flag), ("names", flag), *shown))
    if not extra:
        factor = _show_term(tuple(missing.elements()))
        return _Edit("formula_factor_missing", size, (("product", factor), ("names", factor), *shown))
    if not missing:
        factor = _show_term(tuple(extra.elements()))
        return _Edit("formula_factor_extra", size, (("product", factor), ("names", factor), *shown))
    wrong, right = _show_term(tuple(extra.elements())), _show_term(tuple(missing.elements()))
    kind = "formula_factor_replaced" if size <= 3 else "formula_term_replaced"
    return _Edit(kind, size, (("wrong", wrong), ("right", right), ("names", f"{wrong}*{right}"), *shown))


def _show_term(monomial: Monomial) -> str:
    return "*".join(monomial) if monomial else "1"


def _show(formula: Formula) -> str:
    """`a*b + c`, the longer term first, in backticks (code)."""
    terms = sorted(formula, key=lambda m: (-len(m), m))
    return "`" + " + ".join(_show_term(term) for term in terms) + "`"


def _glosses(names: str, language: str, descriptions: Mapping[str, str]) -> str:
    """What the named parameters are, as " (c_in: input channels)" or "（c_in：输入通道）"."""
    parts = []
    for name in dict.fromkeys(n for n in names.split("*") if n and n != "1"):
        text = term_gloss(name, language, descriptions.get(name, ""))
        if text:
            parts.append(text)
    if not parts:
        return ""
    return " (" + "; ".join(parts) + ")" if language == "en" else "（" + "；".join(parts) + "）"
