"""State machines as data: the states of each subject and who may move it where."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Transition:
    name: str
    sources: frozenset[str]
    target: str | None  # None: a step recorded within the state (a complaint's record being filled)
    roles: frozenset[str]


class StateMachine:
    def __init__(self, transitions: list[Transition]):
        self.transitions = {t.name: t for t in transitions}

    def allows(self, name: str, state: str, role: str) -> bool:
        t = self.transitions[name]
        return state in t.sources and role in t.roles

    def available(self, state: str, role: str) -> list[str]:
        """Transition names this role may take from this state, in declaration order."""
        return [n for n, t in self.transitions.items() if state in t.sources and role in t.roles]

    def sources(self, *names: str) -> list[str]:
        """The states any of these steps may be taken from (a page shows a step's section in them)."""
        return sorted(set().union(*(self.transitions[n].sources for n in names)))

    def target(self, name: str, state: str | None = None) -> str | None:
        """Where the transition leads; for an in-state step, the state it was taken from."""
        return self.transitions[name].target or state
