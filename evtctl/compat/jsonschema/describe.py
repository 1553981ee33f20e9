"""One plain sentence per change, naming the property and the values involved.

Confluent's change kinds say what kind of rule fired (``COMBINED_TYPE_SUBSCHEMAS_CHANGED``
at ``#/properties/status``); users want to read what they changed ("enum value ARCHIVED
removed from status"). The sentence is written from the earlier version to the later
one, whichever direction the change was found in; the report says who cannot read whom.

Where Confluent's rule rejects a change that no event can break (``multipleOf: 1`` added
to an integer, say), :func:`describe_change` says so: such a change stays incompatible
(it is the registry's verdict), but no example can exist and the user is told why.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from math import ceil, floor

from evtctl.compat.jsonschema.diff import Comparer, unique_of
from evtctl.compat.jsonschema.model import Node
from evtctl.compat.jsonschema.walk import COMBINATIONS, Place, walk, where
from evtctl.compat.jsonschema.wording import describe as kind_words

_BOUNDS = {
    "MAX_LENGTH": ("maxLength", "max_length"), "MIN_LENGTH": ("minLength", "min_length"),
    "MAXIMUM": ("maximum", "maximum"), "MINIMUM": ("minimum", "minimum"),
    "EXCLUSIVE_MAXIMUM": ("exclusiveMaximum", "exclusive_maximum"),
    "EXCLUSIVE_MINIMUM": ("exclusiveMinimum", "exclusive_minimum"),
    "MAX_ITEMS": ("maxItems", "max_items"), "MIN_ITEMS": ("minItems", "min_items"),
    "MAX_PROPERTIES": ("maxProperties", "max_properties"),
    "MIN_PROPERTIES": ("minProperties", "min_properties"),
    "MAX_CONTAINS": ("maxContains", "max_contains"),
    "MIN_CONTAINS": ("minContains", "min_contains"),
}
_TYPES = {"string": "a string", "boolean": "a boolean", "null": "null", "object": "an object",
          "array": "an array", "empty": "anything", "true": "anything", "false": "nothing"}


@dataclass(frozen=True)
class Described:
    text: str
    harmless: bool = False  # Confluent rejects it, yet no event the writer accepts breaks


def describe_change(c: Comparer, writer: Node, reader: Node, kind: str,
                    path: tuple[str, ...], backward: bool,
                    names: tuple[str, str] = ("v1", "v2"),
                    prefix: tuple[str, ...] = ()) -> Described:
    """The sentence for one change found comparing ``writer`` (the schema the data was
    written with) with ``reader``; ``backward``: the writer is the earlier version;
    ``names``: what to call the writer's and the reader's version; ``prefix``: the path to
    ``writer`` and ``reader`` in the schemas compared (for names)."""
    try:
        place = walk(c, writer, reader, path)
        return _Describer(c, place, kind, prefix + path, backward, names).run()
    except (KeyError, IndexError, TypeError, ValueError, AttributeError):
        return Described(f"{where(path)}: {kind_words(kind)}")


def shown(value: str | object) -> str:
    """A JSON value (canonical text or a value) as a short literal."""
    text = value if isinstance(value, str) else json.dumps(value, default=repr)
    try:
        parsed = json.loads(text)
    except ValueError:
        parsed = None
    if isinstance(parsed, str) and parsed.isprintable() and parsed and " " not in parsed:
        text = parsed
    return text if len(text) <= 40 else text[:37] + "..."


def type_name(node: Node | None) -> str:
    if node is None:
        return "absent"
    if node.kind == "number":
        return "an integer" if node.integer else "a number"
    if node.kind == "enum":
        return "one of " + ", ".join(sorted(shown(v) for v in node.values))
    if node.kind == "const":
        return f"the constant {shown(node.const)}"
    if node.kind == "combined":
        inner = " | ".join(type_name(s) for s in unique_of(node)[:4])
        return f"{node.criterion} of ({inner})" if node.criterion != "allOf" else f"({inner})"
    if node.kind == "not":
        return f"not {type_name(node.negated)}"
    if node.kind == "ref":
        return "a reference"
    if node.kind == "conditional":
        return "a conditional schema"
    return _TYPES.get(node.kind, node.kind)


class _Describer:
    def __init__(self, c: Comparer, place: Place, kind: str, path: tuple[str, ...],
                 backward: bool, names: tuple[str, str]) -> None:
        self.c, self.place, self.kind, self.path = c, place, kind, path
        self.backward = backward
        self.names = names
        self.w, self.r = place.writer, place.reader
        # The earlier and the later version's schemas here.
        self.old, self.new = (self.w, self.r) if backward else (self.r, self.w)
        self.at = where(path)

    def run(self) -> Described:
        kind = self.kind
        for prefix, (keyword, attr) in _BOUNDS.items():
            if kind.startswith(prefix + "_") and kind[len(prefix) + 1:] in (
                    "ADDED", "REMOVED", "INCREASED", "DECREASED"):
                if prefix in ("EXCLUSIVE_MAXIMUM", "EXCLUSIVE_MINIMUM") and self._flag(attr):
                    return self._flag_sentence(keyword, attr)
                return self._bound(keyword, attr)
        method = getattr(self, "_" + kind.lower(), None)
        if method is not None:
            result: Described = method()
            return result
        family = next((f for f in _FAMILIES if kind.startswith(f) or kind.endswith(f)), None)
        if family is not None:
            return _FAMILIES[family](self)
        return Described(f"{self.at}: {kind_words(kind)}")

    # -- helpers ------------------------------------------------------------------------------
    def _value(self, node: Node | None, attr: str) -> object:
        return getattr(node, attr, None) if node is not None else None

    def _flag(self, attr: str) -> bool:
        return any(bool(getattr(n, attr + "_flag", False)) for n in (self.old, self.new) if n)

    # -- bounds ----------------------------------------------------------------------------------
    def _bound(self, keyword: str, attr: str) -> Described:
        old, new = self._value(self.old, attr), self._value(self.new, attr)
        if old is None:
            text = f"{keyword} {_num(new)} added to {self.at}"
        elif new is None:
            text = f"{keyword} removed from {self.at} (was {_num(old)})"
        else:
            verb = "raised" if new > old else "lowered"  # type: ignore[operator]
            text = f"{keyword} of {self.at} {verb} from {_num(old)} to {_num(new)}"
        if self._bound_harmless(attr):
            return self._harmless(text)
        return Described(text)

    def _bound_harmless(self, attr: str) -> bool:
        """For integers, a bound moved within the gap between two integers breaks nothing."""
        w, r = self.w, self.r
        if w is None or r is None or w.kind != "number" or not w.integer:
            return False
        old, new = getattr(w, attr, None), getattr(r, attr, None)
        if old is None or new is None:
            return False
        if attr == "maximum":
            return bool(floor(old) <= new)
        if attr == "minimum":
            return bool(ceil(old) >= new)
        return False

    def _flag_sentence(self, keyword: str, attr: str) -> Described:
        now = bool(getattr(self.new, attr + "_flag", False)) if self.new else False
        bound = "maximum" if "max" in attr else "minimum"
        value = getattr(self.new or self.old, bound, None)
        shown_value = f" {_num(value)}" if value is not None else ""
        if now:
            return Described(f"the {bound}{shown_value} of {self.at} became exclusive "
                             f"({keyword}: true)")
        return Described(f"the {bound}{shown_value} of {self.at} is no longer exclusive")

    # -- strings ------------------------------------------------------------------------------
    def _pattern_added(self) -> Described:
        return self._pattern()

    def _pattern_changed(self) -> Described:
        return self._pattern()

    def _pattern_removed(self) -> Described:
        return self._pattern()

    def _pattern(self) -> Described:
        old = self._value(self.old, "pattern")
        new = self._value(self.new, "pattern")
        if old is None:
            text = f"pattern {new!r} added to {self.at}"
        elif new is None:
            text = f"pattern {old!r} removed from {self.at}"
        else:
            text = f"pattern of {self.at} changed from {old!r} to {new!r}"
        if self.kind != "PATTERN_REMOVED" and self._pattern_harmless():
            return self._harmless(text)
        return Described(text)

    def _pattern_harmless(self) -> bool:
        """Every value the writer allows is listed (enum/const) and matches the reader's
        pattern."""
        from evtctl.compat.jsonschema.ecma import search

        pattern = self._value(self.r, "pattern")
        values = _listed_values(self.place.writer_full)
        if not isinstance(pattern, str) or values is None:
            return False
        return all(isinstance(v, str) and search(pattern, v) is True for v in values)

    # -- numbers -------------------------------------------------------------------------------
    def _multiple_of(self) -> Described:
        old, new = self._value(self.old, "multiple_of"), self._value(self.new, "multiple_of")
        if old is None:
            text = f"multipleOf {_num(new)} added to {self.at}"
        elif new is None:
            text = f"multipleOf removed from {self.at} (was {_num(old)})"
        else:
            text = f"multipleOf of {self.at} changed from {_num(old)} to {_num(new)}"
        if self.kind in ("MULTIPLE_OF_ADDED", "MULTIPLE_OF_CHANGED", "MULTIPLE_OF_EXPANDED") \
                and _multiple_harmless(self.w, self.r):
            return self._harmless(text)
        return Described(text)

    def _type_narrowed(self) -> Described:
        return self._type_change()

    def _type_extended(self) -> Described:
        return self._type_change()

    def _type_changed(self) -> Described:
        return self._type_change()

    def _type_change(self) -> Described:
        text = f"{self.at} changed from {type_name(self.old)} to {type_name(self.new)}"
        if self.kind == "TYPE_NARROWED" and self.w is not None and \
                _integral(self.w.multiple_of):
            return self._harmless(text)
        return Described(text)

    # -- enums --------------------------------------------------------------------------------
    def _enum(self) -> Described:
        if self.path[-1:] == ("const",):
            old_c = self._value(self.old, "const")
            new_c = self._value(self.new, "const")
            return Described(f"const of {self.at} changed from {shown(old_c or '')} to "
                             f"{shown(new_c or '')}")
        old_v = set(self.old.values) if self.old is not None else set()
        new_v = set(self.new.values) if self.new is not None else set()
        removed, added = sorted(old_v - new_v), sorted(new_v - old_v)
        parts = []
        if removed:
            parts.append(f"enum value{'s' if len(removed) > 1 else ''} "
                         f"{_listing(removed)} removed from {self.at}")
        if added:
            parts.append(f"enum value{'s' if len(added) > 1 else ''} "
                         f"{_listing(added)} added to {self.at}")
        text = "; ".join(parts) or f"allowed values of {self.at} changed"
        impossible = self._removed_impossible()
        if impossible and self.kind != "ENUM_ARRAY_EXTENDED":
            return self._harmless(text)
        return Described(text)

    def _removed_impossible(self) -> bool:
        """The values the reader no longer accepts could never be written: the writer's
        other constraints here (its type) already rule them out."""
        if self.w is None or self.r is None:
            return False
        dropped = [json.loads(v) for v in self.w.values - self.r.values]
        types = _sibling_types(self.place.writer_full)
        return bool(dropped) and types is not None and all(
            not _fits(v, types) for v in dropped)

    # -- required and properties --------------------------------------------------------------
    def _name(self) -> str:
        return self.path[-1] if self.path else ""

    def _parent(self) -> str:
        return where(self.path[:-2]) if len(self.path) >= 2 else "the event"

    def _required_attribute_added(self) -> Described:
        return self._required()

    def _required_attribute_removed(self) -> Described:
        return self._required()

    def _required_attribute_with_default_added(self) -> Described:
        return self._required()

    def _required(self) -> Described:
        name = self._name()
        now = self.new is not None and name in self.new.required
        owner = self._parent()
        scope = "" if owner == "the event" else f" in {owner}"
        if now:
            default = ""
            prop = self.new.properties.get(name) if self.new else None
            if prop is not None and prop.has_default:
                default = f" (with default {shown(prop.default)})"
            return Described(f"{name} became required{scope}{default}; it was optional")
        return Described(f"{name} is no longer required{scope}")

    def _property(self) -> Described:
        name = self._name()
        owner = where(self.path[:-2])
        scope = "" if owner == "the event" else f" in {owner}"
        old_has = self.place.writer is not None if self.backward else self.place.reader is not None
        new_has = self.place.reader is not None if self.backward else self.place.writer is not None
        holder = self.place.steps[-1] if self.place.steps else None
        new_holder = (holder.reader if self.backward else holder.writer) if holder else None
        old_holder = (holder.writer if self.backward else holder.reader) if holder else None
        if new_has and not old_has:
            required = new_holder is not None and name in _required_of(new_holder)
            text = f"{'required' if required else 'optional'} property {name} added{scope}"
            node = self.new
            if required and node is not None and node.has_default:
                text += f" (with default {shown(node.default)})"
        elif old_has and not new_has:
            text = f"property {name} removed{scope}"
        else:
            text = f"property {name}{scope} changed"
        context = self._model_context(old_holder if new_has and not old_has else new_holder)
        return Described(text + context)

    def _model_context(self, holder: Node | None) -> str:
        kind = self.kind
        if "COVERED_BY_PARTIALLY_OPEN" in kind:
            covered = "_IS_COVERED" in kind
            side = "the earlier" if "ADDED" in kind else "the later"
            return (f"; {side} version's additionalProperties/patternProperties "
                    f"{'accept' if covered else 'do not accept'} its values")
        if "CLOSED_CONTENT_MODEL" in kind:
            return "; the later version allows no other properties"
        if "UNOPEN_CONTENT_MODEL" in kind:
            return "; the earlier version did not allow other properties"
        return ""

    # -- objects and arrays -------------------------------------------------------------------
    def _additional(self) -> Described:
        what = "properties" if "PROPERTIES" in self.kind else "items"
        keyword = ("additional" if self.kind.startswith("ADDITIONAL") else "unevaluated") + \
            what.capitalize()
        # The change is about the object (array) holding the keyword, not the keyword's schema.
        holder = self.place.steps[-1] if self.place.steps else None
        if holder is not None and holder.what in ("additional", "additional-items",
                                                  "unevaluated"):
            w, r = holder.writer, holder.reader
            self.at = where(self.path[:-1])
        else:
            w, r = self.w, self.r
        o, n = (w, r) if self.backward else (r, w)

        def state(node: Node | None) -> str:
            if node is None:
                return "absent"
            if not node.permits_additional:
                return "none"
            sub = node.additional if keyword.startswith("additional") else node.unevaluated
            if sub is None or sub.kind in ("empty", "true"):
                return "any"
            return "false" if sub.kind == "false" else "some"
        before, after = state(o), state(n)
        words = {"none": f"no other {what}", "any": f"any other {what}",
                 "some": f"other {what} matching a schema", "false": f"no other {what}",
                 "absent": f"no {keyword} schema"}
        return Described(f"{self.at}: {words[before]} allowed before, {words[after]} now "
                         f"({keyword})")

    def _unique_items_added(self) -> Described:
        return Described(f"items of {self.at} must now be unique (uniqueItems)")

    def _unique_items_removed(self) -> Described:
        return Described(f"items of {self.at} need no longer be unique")

    def _item(self) -> Described:
        index = self._name()
        owner = where(self.path[:-2])
        old_has = (self.place.writer if self.backward else self.place.reader) is not None
        new_has = (self.place.reader if self.backward else self.place.writer) is not None
        verb = "added to" if new_has and not old_has else "removed from" if old_has and \
            not new_has else "changed in"
        cover = ("; the other version's items schema does not cover it"
                 if "NOT_COVERED" in self.kind else "")
        return Described(f"positional item {index} {verb} {owner}{cover}")

    def _dependency(self) -> Described:
        name = self._name()
        old = self.old.property_dependencies.get(name) if self.old else None
        new = self.new.property_dependencies.get(name) if self.new else None
        if "SCHEMA" in self.kind:
            verb = "added" if "ADDED" in self.kind else "removed"
            return Described(f"a schema dependency on {name} was {verb} in {self.at}")
        if old is None and new is not None:
            return Described(f"when {name} is present in {self.at}, "
                             f"{_listing(sorted(new))} must now be present too")
        if new is None and old is not None:
            return Described(f"{name} in {self.at} no longer requires "
                             f"{_listing(sorted(old))}")
        return Described(f"when {name} is present in {self.at}, the properties it requires "
                         f"changed from {_listing(sorted(old or ()))} to "
                         f"{_listing(sorted(new or ()))}")

    # -- combinations -------------------------------------------------------------------------
    def _combined(self) -> Described:
        kind = self.kind
        o, n = self.old, self.new
        crit_old = o.criterion if o is not None and o.kind == "combined" else ""
        crit_new = n.criterion if n is not None and n.kind == "combined" else ""
        if kind in ("COMBINED_TYPE_EXTENDED", "COMBINED_TYPE_CHANGED"):
            return Described(f"{self.at} changed from {crit_old or 'a single schema'} to "
                             f"{crit_new or 'a single schema'}")
        count_old = len(unique_of(o)) if o is not None and o.kind == "combined" else 1
        count_new = len(unique_of(n)) if n is not None and n.kind == "combined" else 1
        crit = crit_new or crit_old
        return Described(f"{crit} of {self.at} went from {count_old} to {count_new} "
                         f"alternative{'s' if count_new != 1 else ''}")

    def _combined_type_subschemas_changed(self) -> Described:
        w, r = self.w, self.r
        if w is None or r is None or w.kind != "combined":
            return Described(f"{self.at}: {kind_words(self.kind)}")
        written = isinstance(w.raw, dict) and any(k in w.raw for k in COMBINATIONS) \
            and w.criterion in w.raw
        olds = unique_of(w)
        matched = self.c.matchings.get((id(w), id(r)), {})
        unmatched = [i for i in range(len(olds)) if i not in matched]
        if not written and r.kind == "combined":
            # Keywords the user wrote side by side ("type" and "enum"): the part that changed.
            news = unique_of(r)
            texts: list[Described] = []
            for i in unmatched:
                part = olds[i]
                partner = next((n for n in news if n.kind == part.kind), None)
                if partner is None:
                    texts.append(Described(f"{self.at}: its {type_name(part)} constraint "
                                           "is gone"))
                    continue
                for kind, sub in self.c.compare(part, partner):
                    if kind in self.c.allowed:
                        continue
                    texts.append(describe_change(self.c, part, partner, kind, sub,
                                                 self.backward, self.names, self.path))
            if texts:
                harmless = all(t.harmless for t in texts)
                text = "; ".join(dict.fromkeys(t.text.split("; Schema Registry")[0]
                                               for t in texts))
                return self._harmless(text) if harmless else Described(text)
        alternatives = ", ".join(f"{i + 1} ({type_name(olds[i])})" for i in unmatched[:3])
        reader_crit = r.criterion if r.kind == "combined" else "schema"
        return Described(f"{self.at}: no alternative of the other version's {reader_crit} "
                         f"accepts every value of {w.criterion} alternative "
                         f"{alternatives}")

    def _not(self) -> Described:
        narrowed = self.kind == "NOT_TYPE_NARROWED"
        return Described(f"'not' in {self.at} now excludes "
                         f"{'fewer' if narrowed == self.backward else 'more'} values")

    def _annotation(self) -> Described:
        what = self.kind.split("_")[0].lower()
        if what == "default":
            old = self.old.default if self.old is not None and self.old.has_default else None
            new = self.new.default if self.new is not None and self.new.has_default else None
            return Described(f"default of {self.at} changed from "
                             f"{shown(old) if old is not None else 'none'} to "
                             f"{shown(new) if new is not None else 'none'}")
        return Described(f"{'$id' if what == 'id' else what} of {self.at} changed "
                         "(documentation only)")

    def _schema(self) -> Described:
        leaf = self.place.leaf[0] if self.place.leaf else "a keyword"
        added = (self.kind == "SCHEMA_ADDED") == self.backward
        return Described(f"{self.at}: a schema for {leaf} was {'added' if added else 'removed'}")

    def _harmless(self, text: str) -> Described:
        if self.kind in self.c.allowed:
            return Described(text)
        writer, reader = self.names
        return Described(f"{text}; Schema Registry rejects this change; no event written "
                         f"with {writer} is invalid under {reader}", harmless=True)


def _family(method: str) -> Callable[[_Describer], Described]:
    def run(d: _Describer) -> Described:
        result: Described = getattr(d, method)()
        return result

    return run


_FAMILIES = {
    "ENUM_ARRAY": _family("_enum"),
    "MULTIPLE_OF": _family("_multiple_of"),
    "CONTENT_MODEL": _family("_property"),
    "PROPERTY_ADDED": _family("_property"),
    "PROPERTY_REMOVED": _family("_property"),
    "ITEM_ADDED": _family("_item"),
    "ITEM_REMOVED": _family("_item"),
    "ITEM_WITH": _family("_item"),
    "ADDITIONAL_PROPERTIES": _family("_additional"),
    "ADDITIONAL_ITEMS": _family("_additional"),
    "UNEVALUATED": _family("_additional"),
    "DEPENDENCY": _family("_dependency"),
    "SUM_TYPE": _family("_combined"),
    "PRODUCT_TYPE": _family("_combined"),
    "COMBINED_TYPE_EXTENDED": _family("_combined"),
    "COMBINED_TYPE_CHANGED": _family("_combined"),
    "NOT_TYPE": _family("_not"),
    "ID_CHANGED": _family("_annotation"),
    "TITLE_CHANGED": _family("_annotation"),
    "DESCRIPTION_CHANGED": _family("_annotation"),
    "DEFAULT_CHANGED": _family("_annotation"),
    "SCHEMA_ADDED": _family("_schema"),
    "SCHEMA_REMOVED": _family("_schema"),
}


def _num(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _listing(values: list[str]) -> str:
    shown_values = [shown(v) for v in values[:6]]
    more = f" and {len(values) - 6} more" if len(values) > 6 else ""
    return ", ".join(shown_values) + more


def _required_of(node: Node) -> list[str]:
    from evtctl.compat.jsonschema.model import deref

    node = deref(node)
    if node.kind == "object":
        return node.required
    if node.kind == "combined":
        return [r for s in node.subschemas if deref(s).kind == "object"
                for r in deref(s).required]
    return []


def _fraction(value: object) -> Fraction | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        return Fraction(Decimal(str(value)))
    except (InvalidOperation, ValueError, ZeroDivisionError):
        return None


def _integral(value: object) -> bool:
    f = _fraction(value)
    return f is not None and f != 0 and f.denominator == 1


def _multiple_harmless(w: Node | None, r: Node | None) -> bool:
    """Every value the writer allows is a multiple of the reader's multipleOf."""
    if w is None or r is None or w.kind != "number" or r.kind != "number":
        return False
    step = _fraction(r.multiple_of)
    if step is None or step <= 0:
        return False
    written = _fraction(w.multiple_of)
    if w.integer:
        # The writer's values are integers that are multiples of its multipleOf p/q: the
        # multiples of p (of 1 without one).
        smallest = Fraction(written.numerator) if written is not None else Fraction(1)
    elif written is not None:
        smallest = written
    else:
        return False
    return (smallest / step).denominator == 1


def _listed_values(node: Node | None) -> list[object] | None:
    """The values a schema lists (its enum or const), if it limits itself to them."""
    from evtctl.compat.jsonschema.model import deref

    if node is None:
        return None
    node = deref(node)
    parts = unique_of(node) if node.kind == "combined" and node.criterion == "allOf" \
        else [node]
    for part in parts:
        part = deref(part)
        if part.kind == "enum":
            return [json.loads(v) for v in part.values]
        if part.kind == "const":
            return [json.loads(part.const)]
    return None


def _sibling_types(node: Node | None) -> set[str] | None:
    """The JSON types the typed parts of a schema allow, if it has typed parts."""
    from evtctl.compat.jsonschema.model import deref

    if node is None:
        return None
    node = deref(node)
    parts = node.subschemas if node.kind == "combined" and node.criterion == "allOf" else [node]
    types: set[str] | None = None
    for part in parts:
        part = deref(part)
        allowed: set[str] | None = None
        if part.kind == "number":
            allowed = {"integer"} if part.integer else {"integer", "number"}
        elif part.kind in ("string", "boolean", "null", "object", "array"):
            allowed = {part.kind}
        if allowed is not None:
            types = allowed if types is None else types & allowed
    return types


def _fits(value: object, types: set[str]) -> bool:
    if isinstance(value, bool):
        return "boolean" in types
    if isinstance(value, int):
        return bool(types & {"integer", "number"})
    if isinstance(value, float):
        return "number" in types or ("integer" in types and value.is_integer())
    if value is None:
        return "null" in types
    if isinstance(value, str):
        return "string" in types
    if isinstance(value, list):
        return "array" in types
    return "object" in types
