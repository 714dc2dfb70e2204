"""Changes to a scenario, as a planner writes them (the change format shared by
``matchaid compare`` and ``matchaid replan``): a JSON list of

- ``{"withdraw": expert, "from": t}``: the expert is unavailable from period ``t`` on;
- ``{"add_expert": {expert object}}``;
- ``{"add_gap": {"recipient": id, gap fields}}``;
- ``{"set_demand": {"recipient": id, "specialty": s, "demand": n}}``;
- ``{"set_hosting": {"recipient": id, "hosting": n}}``;
- ``{"set_release": {"donor": id, "specialty": s, "release": n}}``;
- ``{"add_trainee": {trainee object}}``.

Each applies to the whole horizon, in list order. A bad change is an error naming it
(``changes.json: [2].withdraw: unknown expert 'E9'``): an unknown id, a ``from`` outside
the horizon (or before ``now``, when re-planning), an expert or trainee who already
exists, a gap that already exists or does not. The changed scenario is checked like a
scenario file; a problem in what a change brought (a malformed expert object, a
negative demand) is named by the change.

An expert withdrawn from the first period of their availability or before is removed,
with their pins; otherwise their availability ends at ``from``, and their pins that no
longer fit inside it are removed.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Mapping, Sequence
from typing import Any

from matchaid.domain import Scenario
from matchaid.exceptions import InputError, Problem
from matchaid.io._document import scenario_from_document, scenario_to_document
from matchaid.io._json import read_json

__all__ = ["KINDS", "apply_changes", "load_changes"]

#: The kinds of change, each the key naming it.
KINDS = (
    "withdraw",
    "add_expert",
    "add_gap",
    "set_demand",
    "set_hosting",
    "set_release",
    "add_trainee",
)


class ChangesError(InputError):
    """A changes file is malformed or a change does not fit the scenario."""


def load_changes(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Read a changes file: a JSON list of change objects (checked when applied).

    Raises
    ------
    InputError
        If the file is unreadable, not JSON, or not a list of objects.
    """
    doc = read_json(path, ChangesError)
    if not isinstance(doc, list) or not all(isinstance(x, dict) for x in doc):
        raise ChangesError(str(path), [Problem("", "must be a JSON list of change objects")])
    return doc


def apply_changes(
    scenario: Scenario,
    changes: Sequence[Mapping[str, Any]],
    source: str = "<changes>",
    now: int | None = None,
) -> Scenario:
    """``scenario`` with ``changes`` applied in order.

    Parameters
    ----------
    scenario
        The scenario to change.
    changes
        Change objects, as in a changes file.
    source
        What error messages name (the changes file).
    now
        When re-planning: a withdrawal ``from`` before ``now`` is an error.

    Raises
    ------
    InputError
        Naming the change, its field and the reason.
    """
    doc = scenario_to_document(scenario)
    editor = _Editor(doc, scenario.horizon.months, now)
    for k, change in enumerate(changes):
        editor.apply(k, change)
    if editor.problems:
        raise ChangesError(source, editor.problems)
    try:
        return scenario_from_document(doc, source)
    except InputError as exc:
        raise ChangesError(source, [editor.blame(p) for p in exc.problems]) from None


class _Editor:
    """Applies changes to a scenario document, remembering what each one brought."""

    def __init__(self, doc: dict[str, Any], months: int, now: int | None) -> None:
        self.doc = doc
        self.months = months
        self.now = now
        self.problems: list[Problem] = []
        self.brought: list[tuple[tuple[str, ...], str]] = []  # (what, change path)

    def error(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def apply(self, k: int, change: Mapping[str, Any]) -> None:
        if not isinstance(change, Mapping):
            self.error(f"[{k}]", "must be a change object")
            return
        kinds = [key for key in KINDS if key in change]
        if len(kinds) != 1:
            self.error(f"[{k}]", f"must name exactly one change of {', '.join(KINDS)}")
            return
        kind = kinds[0]
        allowed = {kind, "from"} if kind == "withdraw" else {kind}
        extra = sorted(set(change) - allowed)
        if extra:
            self.error(f"[{k}].{extra[0]}", f"unknown field for {kind}")
            return
        getattr(self, f"_{kind}")(f"[{k}].{kind}", change)

    # -- finding things in the document -----------------------------------------

    def _find(self, key: str, ident: object) -> dict[str, Any] | None:
        for item in self.doc.get(key, []):
            if item.get("id") == ident:
                return item  # type: ignore[no-any-return]
        return None

    def _payload(self, path: str, change: Mapping[str, Any], kind: str) -> dict[str, Any] | None:
        value = change[kind]
        if not isinstance(value, dict):
            self.error(path, "must be an object")
            return None
        return value

    def _recipient(self, path: str, payload: Mapping[str, Any]) -> dict[str, Any] | None:
        rid = payload.get("recipient")
        r = self._find("recipients", rid)
        if r is None:
            self.error(f"{path}.recipient", f"unknown recipient {rid!r}")
        return r

    # -- the changes ---------------------------------------------------------------

    def _withdraw(self, path: str, change: Mapping[str, Any]) -> None:
        eid, start = change["withdraw"], change.get("from")
        e = self._find("experts", eid)
        if e is None:
            self.error(path, f"unknown expert {eid!r}")
            return
        if isinstance(start, bool) or not isinstance(start, int):
            self.error(path.replace(".withdraw", ".from"), "must be a whole period")
            return
        if not 0 <= start < self.months:
            self.error(
                path.replace(".withdraw", ".from"),
                f"period {start} is outside the horizon [0, {self.months})",
            )
            return
        if self.now is not None and start < self.now:
            self.error(
                path.replace(".withdraw", ".from"), f"period {start} is before now ({self.now})"
            )
            return
        lo, hi = e["available"]
        pins = self.doc.get("pins", [])
        if start <= lo:
            self.doc["experts"].remove(e)
            keep = [p for p in pins if p.get("expert") != eid]
        else:
            e["available"] = [lo, min(hi, start)]
            keep = [p for p in pins if p.get("expert") != eid or p["start"] + p["months"] <= start]
        if "pins" in self.doc:
            self.doc["pins"] = keep

    def _add_expert(self, path: str, change: Mapping[str, Any]) -> None:
        self._add_entity(path, change, "add_expert", "experts", "expert")

    def _add_trainee(self, path: str, change: Mapping[str, Any]) -> None:
        self._add_entity(path, change, "add_trainee", "trainees", "trainee")

    def _add_entity(
        self, path: str, change: Mapping[str, Any], kind: str, key: str, what: str
    ) -> None:
        """Append the change's object to the document's ``key`` list, unless its id is
        taken."""
        obj = self._payload(path, change, kind)
        if obj is None:
            return
        if self._find(key, obj.get("id")) is not None:
            self.error(f"{path}.id", f"{what} {obj.get('id')!r} already exists")
            return
        self.doc.setdefault(key, []).append(copy.deepcopy(obj))
        self.brought.append(((key, str(obj.get("id"))), path))

    def _add_gap(self, path: str, change: Mapping[str, Any]) -> None:
        payload = self._payload(path, change, "add_gap")
        r = None if payload is None else self._recipient(path, payload)
        if payload is None or r is None:
            return
        gap = {key: copy.deepcopy(v) for key, v in payload.items() if key != "recipient"}
        if any(g.get("specialty") == gap.get("specialty") for g in r.get("gaps", [])):
            self.error(
                f"{path}.specialty",
                f"recipient {r['id']!r} already has a gap in {gap.get('specialty')!r}",
            )
            return
        r.setdefault("gaps", []).append(gap)
        self.brought.append((("gap", str(r["id"]), str(gap.get("specialty"))), path))

    def _set_demand(self, path: str, change: Mapping[str, Any]) -> None:
        payload = self._payload(path, change, "set_demand")
        r = None if payload is None else self._recipient(path, payload)
        if payload is None or r is None:
            return
        for g in r.get("gaps", []):
            if g.get("specialty") == payload.get("specialty"):
                g["demand"] = payload.get("demand")
                self.brought.append((("gap", str(r["id"]), str(g["specialty"])), path))
                return
        self.error(
            f"{path}.specialty", f"recipient {r['id']!r} has no gap in {payload.get('specialty')!r}"
        )

    def _set_hosting(self, path: str, change: Mapping[str, Any]) -> None:
        payload = self._payload(path, change, "set_hosting")
        r = None if payload is None else self._recipient(path, payload)
        if payload is None or r is None:
            return
        r["hosting"] = payload.get("hosting")
        self.brought.append((("recipient", str(r["id"])), path))

    def _set_release(self, path: str, change: Mapping[str, Any]) -> None:
        payload = self._payload(path, change, "set_release")
        if payload is None:
            return
        d = self._find("donors", payload.get("donor"))
        if d is None:
            self.error(f"{path}.donor", f"unknown donor {payload.get('donor')!r}")
            return
        specialty = payload.get("specialty")
        if not isinstance(specialty, str):
            self.error(f"{path}.specialty", "must be a specialty name")
            return
        d.setdefault("release", {})[specialty] = payload.get("release")
        self.brought.append((("donor", str(d["id"])), path))

    # -- naming the change behind a problem of the changed scenario ----------------

    def blame(self, problem: Problem) -> Problem:
        """``problem`` of the changed scenario, named by the change that brought what it
        is about (else as it is)."""
        prefixes: dict[str, str] = {}
        ids = {
            key: [x.get("id") for x in self.doc.get(key, [])]
            for key in ("experts", "trainees", "donors", "recipients")
        }
        for what, path in self.brought:
            if what[0] in ("experts", "trainees") and what[1] in ids[what[0]]:
                prefixes[f"{what[0]}[{ids[what[0]].index(what[1])}]"] = path
            elif what[0] == "donor" and what[1] in ids["donors"]:
                prefixes[f"donors[{ids['donors'].index(what[1])}]"] = path
            elif what[0] in ("recipient", "gap") and what[1] in ids["recipients"]:
                i = ids["recipients"].index(what[1])
                if what[0] == "recipient":
                    prefixes[f"recipients[{i}].hosting"] = path
                    continue
                gaps = [g.get("specialty") for g in self.doc["recipients"][i].get("gaps", [])]
                if what[2] in gaps:
                    prefixes[f"recipients[{i}].gaps[{gaps.index(what[2])}]"] = path
        for prefix, path in sorted(prefixes.items(), key=lambda kv: -len(kv[0])):
            if problem.path == prefix or problem.path.startswith((prefix + ".", prefix + "[")):
                rest = problem.path[len(prefix) :]
                return Problem(path + rest, problem.message, problem.severity)
        return problem
