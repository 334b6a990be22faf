"""Exercise 05 — retention (course module M5; source 002 [002-retention-methods],
source 003 [003-plant-article] and source 000 [000-retention-blocks]).

The source's own exercise comes first: match the ten ways to retain B2B clients (002) to their
characteristics, then propose five methods of your own (an open question with a rubric and a
model answer). Then the wood-panel plant's rule on discounts between friends (003), the four
"what happens if you don't" consequences matched to their areas (000), and two questions on the
learner's data: the first retention method the course's rules suggest for each client of the story
(``suggest_methods`` on the profile of notebook 05), and how many clients with a standing discount
above 10 % are outside class A.
"""

from __future__ import annotations

import kamlib
import pandas as pd

from .._checking import (
    ClassificationQuestion,
    Exercise,
    MatchingQuestion,
    MultipleChoiceQuestion,
    OpenQuestion,
    ValueQuestion,
)
from ._data import course_data

AS_OF = kamlib.SAMPLE_AS_OF  # the "today" of every answer
STORY_IDS = ["C001", "C002", "C003", "C004", "C005", "C006"]  # the named clients of the course's story
DISCOUNT_CAP = 10.0  # per cent: the cap the question tests (the plant caps discounts, 003)

_METHODS = kamlib.retention_methods()
_BLOCKS = kamlib.retention_blocks()
_LETTERS = "abcdefghij"
# the characteristics are listed in this (fixed, shuffled) order as options a–j
_METHOD_ORDER = (3, 7, 0, 9, 5, 1, 8, 2, 6, 4)
_BLOCK_ORDER = (2, 0, 3, 1)

METHOD_ITEMS = list(_METHODS["method"])
METHOD_OPTIONS = {_LETTERS[k]: _METHODS["characteristic"].iloc[i] for k, i in enumerate(_METHOD_ORDER)}
METHOD_MATCH = {_METHODS["method"].iloc[i]: _LETTERS[k] for k, i in enumerate(_METHOD_ORDER)}

BLOCK_ITEMS = list(_BLOCKS["area"])
BLOCK_OPTIONS = {_LETTERS[k]: _BLOCKS["if_not_done"].iloc[i] for k, i in enumerate(_BLOCK_ORDER)}
BLOCK_MATCH = {_BLOCKS["area"].iloc[i]: _LETTERS[k] for k, i in enumerate(_BLOCK_ORDER)}


def _swap(mapping: dict[str, str], a: str, b: str) -> dict[str, str]:
    out = dict(mapping)
    out[a], out[b] = out[b], out[a]
    return out


def _profile(data) -> pd.DataFrame:
    """Notebook 05's profile: relationship status, ABC-XYZ cell and latest-wave NPS group per client."""
    status = kamlib.classify_clients(data.orders, data.clients, as_of=AS_OF)
    cells = kamlib.abc_xyz(data.orders, as_of=AS_OF)
    latest = data.nps_responses["wave"].max()
    groups = kamlib.nps_by_account(data.nps_responses, wave=latest).accounts
    return (
        status[["client_id", "relationship"]]
        .merge(cells[["client_id", "cell"]], on="client_id", how="left")
        .merge(groups[["client_id", "account_group"]], on="client_id", how="left")
        .rename(columns={"relationship": "status", "account_group": "nps_group"})
    )


def _first_method(data, *, dimensions: tuple[str, ...] = ("cell", "status", "nps_group"), rank: int = 1) -> pd.Series:
    story = _profile(data)
    story = story.loc[story["client_id"].isin(STORY_IDS), ["client_id", *dimensions]]
    fits = kamlib.suggest_methods(story, id_col="client_id", top=None)
    return fits.loc[fits["rank"] == rank].set_index("client_id")["method"].astype(str)


def _deep_outside_a(data, cap: float = DISCOUNT_CAP, *, include_a: bool = False, strict: bool = True) -> int:
    cells = kamlib.abc_xyz(data.orders, as_of=AS_OF)[["client_id", "abc"]]
    clients = data.clients.merge(cells, on="client_id", how="left")
    deep = clients["discount_pct"].gt(cap) if strict else clients["discount_pct"].ge(cap)
    keep = deep if include_a else deep & clients["abc"].ne("A")
    return int(keep.sum())


_TABLE_SOLUTION = "\n".join(f'    "{item}": "{letter}",' for item, letter in METHOD_MATCH.items())

EXERCISE = Exercise(
    id="05_retention",
    title="Retention: the ten methods and five of your own, the plant's rules, and methods for the story's clients",
    data=course_data,
    names=lambda data: {"data": data, "kamlib": kamlib, "pd": pd, "as_of": pd.Timestamp(AS_OF)},
    questions=[
        MatchingQuestion(
            "q1",
            "method_table",
            items=METHOD_ITEMS,
            options=METHOD_OPTIONS,
            expected=METHOD_MATCH,
            hints=[
                "Start with the methods whose names give them away: gifts, success stories, personal service. "
                "Then discounts versus special terms: one is the simplest incentive, the other is about tiers.",
                "Of the two about teaching, one is the idea (clients who understand buy more), the other the formats "
                "(courses, webinars, guides, research). Feedback is 'the foundation'; CEM is about every contact.",
            ],
            solution="method_table = {\n" + _TABLE_SOLUTION + "\n}",
            wrong=[
                _swap(METHOD_MATCH, METHOD_ITEMS[1], METHOD_ITEMS[2]),  # discounts and special terms swapped
                _swap(METHOD_MATCH, METHOD_ITEMS[4], METHOD_ITEMS[5]),  # the two teaching methods swapped
                {k: v for k, v in METHOD_MATCH.items() if k != METHOD_ITEMS[9]},  # one method left out
                {**METHOD_MATCH, METHOD_ITEMS[0]: "k"},  # a letter that is not an option
                list(METHOD_MATCH.values()),  # letters without the methods
                None,
            ],
        ),
        OpenQuestion(
            "q2",
            "own_methods",
            rubric=[
                "five methods, each with a name, a characteristic (what it is, when it works) and an example",
                "methods that are not just the ten again under new names (a bigger discount is not a new method)",
                "each names whom it is for — a segment or a client type — and what the client gains",
                "at least one ties to a principle of the plant: greenhouse conditions, important dates, events, "
                "or using a failure to prove reliability",
                "each says how you would know it works (a number you would watch)",
            ],
            hints=[
                "Look at the plant's principles and at what your clients complain about: every recurring problem "
                "is a retention method waiting to be invented.",
            ],
            solution=(
                "1. Joint demand planning — once a quarter we plan the next season's volumes with the client's buyer;\n"
                "   for A and B clients with seasonal (Z) demand. Example: C003 plans its autumn board in June.\n"
                "   Watch: stock-outs and rush orders at the client.\n"
                "2. Delivery guarantee with a visible penalty — a late delivery credits the client automatically;\n"
                "   for chains that sell to the end customer. Watch: on-time share and credits paid.\n"
                "3. Named service team — the client knows the warehouse and accounts people by name, not only the\n"
                "   manager (deep and wide relationships). For key accounts. Watch: contacts per account.\n"
                "4. Season-start day — a half-day at our warehouse before the building season: new products,\n"
                "   a workshop, lunch (the plant's events, on a budget). For B and C clients. Watch: orders in March.\n"
                "5. Failure report — after any failure, a one-page note to the client: what happened, what we did,\n"
                "   what changes (the plant's 'failures prove reliability'). For every client with a claim.\n"
                "   Watch: NPS of clients who had a claim."
            ),
        ),
        MultipleChoiceQuestion(
            "q3",
            "friend_discount",
            choices={
                "a": "Give it: the client has been loyal for ten years, and friendship is the point of retention.",
                "b": "Give half of it, so that the friendship survives and the margin suffers less.",
                "c": "Keep within the company's cap on discounts and offer service and quality instead: ideally the "
                "client thanks the manager, not the other way round.",
                "d": "Match the lowest price the client can find, so that no competitor can take it.",
            },
            expected="c",
            hints=[
                "The plant encourages friendly relations — within rules. What do the rules cap, and why?",
                "Think of the principle 'avoid price competition': what happens to a client held by price?",
            ],
            solution=(
                'friend_discount = "c"\n'
                "# The plant keeps rules that cap discounts, so that friendship cannot be used to squeeze the price;\n"
                "# a client held by a low price leaves at the first competitor discount\n"
                "# (source 003 [003-plant-friendly-relations])."
            ),
            wrong=["a", "d", "e", 3, ["c"]],
        ),
        MatchingQuestion(
            "q4",
            "if_not_done",
            items=BLOCK_ITEMS,
            options=BLOCK_OPTIONS,
            expected=BLOCK_MATCH,
            hints=[
                "Which consequence needs a salesperson who leaves with the client's knowledge in their head? "
                "That is the area about information.",
                "'Competitors' gratitude for regular deliveries' is what poor treatment produces — which area "
                "organises how large clients are treated?",
            ],
            solution=(
                "if_not_done = {\n"
                + "\n".join(f'    "{item}": "{letter}",' for item, letter in BLOCK_MATCH.items())
                + "\n}"
            ),
            wrong=[
                _swap(BLOCK_MATCH, BLOCK_ITEMS[0], BLOCK_ITEMS[1]),
                _swap(BLOCK_MATCH, BLOCK_ITEMS[2], BLOCK_ITEMS[3]),
                {k: v for k, v in BLOCK_MATCH.items() if k != BLOCK_ITEMS[0]},
                {**BLOCK_MATCH, "Pricing": "a"},
                "b",
            ],
        ),
        ClassificationQuestion(
            "q5",
            "first_method",
            expected=_first_method,
            classes=METHOD_ITEMS,
            hints=[
                "Build notebook 05's profile: kamlib.classify_clients (column 'relationship' → 'status'), "
                "kamlib.abc_xyz (column 'cell') and kamlib.nps_by_account for the latest wave "
                "(column 'account_group' → 'nps_group'), merged on client_id.",
                "Keep the six clients, pass them to kamlib.suggest_methods(..., id_col='client_id') and take the "
                "rows with rank 1: a Series of method names indexed by client_id.",
            ],
            solution=(
                "status = kamlib.classify_clients(data.orders, data.clients, as_of=as_of)\n"
                "cells = kamlib.abc_xyz(data.orders, as_of=as_of)\n"
                'latest = data.nps_responses["wave"].max()\n'
                "groups = kamlib.nps_by_account(data.nps_responses, wave=latest).accounts\n"
                "profile = (\n"
                '    status[["client_id", "relationship"]]\n'
                '    .merge(cells[["client_id", "cell"]], on="client_id", how="left")\n'
                '    .merge(groups[["client_id", "account_group"]], on="client_id", how="left")\n'
                '    .rename(columns={"relationship": "status", "account_group": "nps_group"})\n'
                ")\n"
                'story = profile[profile["client_id"].isin(["C001", "C002", "C003", "C004", "C005", "C006"])]\n'
                'fits = kamlib.suggest_methods(story, id_col="client_id")\n'
                'first_method = fits[fits["rank"] == 1].set_index("client_id")["method"]'
            ),
            wrong=[
                lambda d: _first_method(d, dimensions=("cell",)),  # the ABC-XYZ cell alone
                lambda d: _first_method(d, dimensions=("cell", "status")),  # NPS group left out
                lambda d: _first_method(d, rank=2),  # the second suggestion
                lambda d: _first_method(d).iloc[:-1],  # one client missing
                lambda d: list(_first_method(d)),  # names without the clients
            ],
        ),
        ValueQuestion(
            "q6",
            "deep_outside_a",
            expected=_deep_outside_a,
            hints=[
                "Two tables: data.clients has discount_pct; kamlib.abc_xyz(data.orders, as_of=as_of) has the ABC "
                "class. Merge them on client_id.",
                "Count the clients whose discount_pct is strictly above 10 and whose class is not 'A' (a client with "
                "no ABC class — no purchases — counts as not A).",
            ],
            solution=(
                'cells = kamlib.abc_xyz(data.orders, as_of=as_of)[["client_id", "abc"]]\n'
                'clients = data.clients.merge(cells, on="client_id", how="left")\n'
                'deep_outside_a = int(((clients["discount_pct"] > 10) & (clients["abc"] != "A")).sum())'
            ),
            wrong=[
                lambda d: _deep_outside_a(d, include_a=True),  # class A counted too
                lambda d: _deep_outside_a(d, strict=False),  # 10 % itself counted
                lambda d: _deep_outside_a(d, cap=15.0, strict=False),  # only the deepest discounts
                lambda d: str(_deep_outside_a(d)),  # a number as text
                None,
            ],
        ),
    ],
)
