"""Exercise 08 — losing and winning back key clients (course module M8, source 003 [003-swot-counter-offer] and
source 004 [004-lost-client-process]).

Computed on the learner's data with ``kamlib``: the status of the story's clients C006–C017 by
their own buying rhythm (``churn_status``), the losses per department (``churn_dynamics``), and
C006's real gain from its cheaper competitor (``deal_economics``). Judgement: the plant's answer
to a client who hints at a lower price, the four reasons a client leaves matched to their next
steps, and an open question — the "what if…" script for C006.
"""

from __future__ import annotations

import kamlib
import pandas as pd

from ...labels import t
from .._checking import (
    ClassificationQuestion,
    Exercise,
    MatchingQuestion,
    MultipleChoiceQuestion,
    OpenQuestion,
    TableQuestion,
    ValueQuestion,
)
from ._data import course_data

AS_OF = kamlib.SAMPLE_AS_OF  # the "today" of every answer
STORY_IDS = [f"C{i:03d}" for i in range(6, 18)]  # C006 … C017: lost, quarterly, at-risk and steady key clients
WINBACK_CLIENT = "C006"  # the win-back case of the sample (competitor_offers.csv)
STATUSES = [t(f"churn.{code}") for code in ("active", "at_risk", "lost", "one_off")]


def _statuses(data, **rule) -> pd.Series:
    status = kamlib.churn_status(data.orders, as_of=AS_OF, **rule)
    return status.loc[status["client_id"].isin(STORY_IDS)].set_index("client_id")["status"].astype(str)


def _naive_statuses(data, days: int = 40) -> pd.Series:
    """The one-size rule the module warns against: silent for more than ``days`` means lost."""
    status = kamlib.churn_status(data.orders, as_of=AS_OF)
    part = status.loc[status["client_id"].isin(STORY_IDS)].set_index("client_id")
    return part["days_since_last"].gt(days).map({True: t("churn.lost"), False: t("churn.active")})


def _losses(data, **kwargs) -> pd.DataFrame:
    dynamics = kamlib.churn_dynamics(data.orders, data.clients, by="department", as_of=AS_OF, **kwargs)
    return dynamics.groupby("department", as_index=False)[["lost_clients", "lost_revenue"]].sum()


def _competitor_row(data) -> pd.Series:
    economics = kamlib.deal_economics(data.competitor_offers, WINBACK_CLIENT)
    return economics.loc[economics["supplier"] != "us"].iloc[0]


EXERCISE = Exercise(
    id="08_winning_back",
    title="Winning back key clients: who is lost, where the losses are, and what the cheaper offer really saves",
    data=course_data,
    names=lambda data: {"data": data, "kamlib": kamlib, "pd": pd, "as_of": pd.Timestamp(AS_OF)},
    questions=[
        ClassificationQuestion(
            "q1",
            "statuses",
            expected=_statuses,
            classes=STATUSES,
            hints=[
                "Judge each client against its own rhythm: kamlib.churn_status(data.orders, as_of=as_of) gives "
                "a status per client, from the usual gap between its purchases.",
                "Keep the rows of C006 … C017 (status['client_id'].isin([...])) and turn them into a Series "
                "indexed by client_id: .set_index('client_id')['status'].",
            ],
            solution=(
                'status = kamlib.churn_status(data.orders, as_of=as_of)\n'
                'ids = ["C006", "C007", "C008", "C009", "C010", "C011",\n'
                '       "C012", "C013", "C014", "C015", "C016", "C017"]\n'
                'statuses = status[status["client_id"].isin(ids)].set_index("client_id")["status"]'
            ),
            wrong=[
                _naive_statuses,  # "silent for 40 days means lost": the quarterly buyers come out lost
                lambda d: _statuses(d).map(lambda s: t("churn.lost")),
                lambda d: _statuses(d, at_risk_factor=3.0, lost_factor=6.0),  # a looser rule: at risk turns active
                lambda d: _statuses(d).iloc[:-3],  # some clients left out
                lambda d: list(_statuses(d)),
                None,
            ],
        ),
        TableQuestion(
            "q2",
            "losses",
            key="department",
            expected=_losses,
            rtol=1e-3,
            hints=[
                "kamlib.churn_dynamics(data.orders, data.clients, by='department', as_of=as_of) gives the lost "
                "clients and the revenue they took per period and department.",
                "Add the periods up per department: .groupby('department', as_index=False)"
                "[['lost_clients', 'lost_revenue']].sum(). Keep the departments that lost nobody: they are part "
                "of the answer.",
            ],
            solution=(
                'dynamics = kamlib.churn_dynamics(data.orders, data.clients, by="department", as_of=as_of)\n'
                'losses = dynamics.groupby("department", as_index=False)[["lost_clients", "lost_revenue"]].sum()'
            ),
            wrong=[
                lambda d: _losses(d).assign(lost_revenue=lambda x: x["lost_revenue"] / 1e6),  # in millions
                lambda d: _losses(d, window_days=182.5),  # half a year of revenue, not a year
                lambda d: _losses(d).query("lost_clients > 0").iloc[:-1],  # a department missing
                lambda d: _losses(d).set_index("department")["lost_clients"],  # a Series
                None,
            ],
        ),
        ValueQuestion(
            "q3",
            "real_gain_pct",
            expected=lambda d: float(_competitor_row(d)["real_gain_pct"]),
            rtol=0.01,
            atol=0.05,  # one decimal is enough: the notebook prints the sample's 0.554 % as 0.6 %
            hints=[
                "kamlib.deal_economics(data.competitor_offers, 'C006') gives the client's whole yearly cost of "
                "both offers and the gains of switching from us.",
                "Take the competitor's row (supplier is not 'us') and its real_gain_pct: the saving with every "
                "implicit cost counted, in % of what the client pays us. The apparent gain is the price alone.",
            ],
            solution=(
                'economics = kamlib.deal_economics(data.competitor_offers, "C006")\n'
                'real_gain_pct = economics.loc[economics["supplier"] != "us", "real_gain_pct"].iloc[0]'
            ),
            wrong=[
                lambda d: float(_competitor_row(d)["apparent_gain_pct"]),  # the price difference only
                lambda d: float(_competitor_row(d)["real_gain_pct"]) / 100,  # a fraction, not per cent
                lambda d: float(_competitor_row(d)["real_gain"]),  # money, not per cent
                lambda d: float(kamlib.deal_economics(d.competitor_offers, WINBACK_CLIENT, cost_of_money=0.0)
                                .loc[lambda e: e["supplier"] != "us", "real_gain_pct"].iloc[0]),
                "0.6",
                None,
            ],
        ),
        MultipleChoiceQuestion(
            "q4",
            "reply",
            choices={
                "a": "Offer the discount at once: keeping the volume matters more than the margin.",
                "b": "Ask for an open conversation; if a competitor is behind it, run a SWOT of that competitor, "
                     "compute the whole economics of the client's deal with it, and send the report within days.",
                "c": "Leave well: tell the client it can always come back, leave a gift, ask for nothing.",
                "d": "Wait for the next NPS wave to see whether the client is really unhappy.",
            },
            expected="b",
            hints=[
                "Think of the wood-panel plant of source 003 [003-plant-winback-case]: its client's buyer blamed his own customers and "
                "hinted at a lower price. What did the plant find out first, and what did it send?",
            ],
            solution=(
                'reply = "b"\n'
                "# The plant got the client to an open conversation, learned of the cheaper manufacturer, ran a SWOT\n"
                "# of it and computed the client's deal with every implicit cost: the gain was negligible. The report\n"
                "# reached the client within two days and it came back in full — without a discount. Leaving well (c)\n"
                "# is for clients that cannot be won back; a discount (a) teaches the client to leave again."
            ),
            wrong=["a", "c", "d", "x", ["b"], 2],
        ),
        MatchingQuestion(
            "q5",
            "next_steps",
            items=[t(f"winback_reasons.{code}") for code in
                   ("better_offer", "unhappy_with_service", "no_longer_needs", "personal_hostility")],
            options={
                "a": 'Ask "what if we could fix this?"; fix it and have the client confirm the fix.',
                "b": 'No argument or promise will help: leave well — "you can always come back" — leave a gift, '
                     "ask for nothing.",
                "c": 'Ask "what if we matched or beat those terms?", then a counter-offer built on a competitor '
                     "SWOT and the deal's whole economics.",
                "d": "Leave well, and ask the client to recommend us to someone who needs what we sell.",
            },
            expected={
                t("winback_reasons.better_offer"): "c",
                t("winback_reasons.unhappy_with_service"): "a",
                t("winback_reasons.no_longer_needs"): "d",
                t("winback_reasons.personal_hostility"): "b",
            },
            hints=[
                "Two of the reasons can be won back and two cannot. Start with the two that can: one is about "
                "terms, the other about what we did wrong.",
                "Of the two that cannot, one client still values us and can send others; the other left because "
                "of how it was treated.",
            ],
            solution=(
                "next_steps = {\n"
                f'    "{t("winback_reasons.better_offer")}": "c",\n'
                f'    "{t("winback_reasons.unhappy_with_service")}": "a",\n'
                f'    "{t("winback_reasons.no_longer_needs")}": "d",\n'
                f'    "{t("winback_reasons.personal_hostility")}": "b",\n'
                "}"
            ),
            wrong=[
                {t("winback_reasons.better_offer"): "a", t("winback_reasons.unhappy_with_service"): "c",
                 t("winback_reasons.no_longer_needs"): "d", t("winback_reasons.personal_hostility"): "b"},
                {t("winback_reasons.better_offer"): "c", t("winback_reasons.unhappy_with_service"): "a",
                 t("winback_reasons.no_longer_needs"): "b", t("winback_reasons.personal_hostility"): "d"},
                {t("winback_reasons.better_offer"): "c", t("winback_reasons.unhappy_with_service"): "a",
                 t("winback_reasons.no_longer_needs"): "d"},
                ["c", "a", "d", "b"],
                None,
            ],
        ),
        OpenQuestion(
            "q6",
            "what_if_script",
            rubric=[
                "moves fast and in person: lunch with the head of the client on neutral ground (\"I'm not arguing, "
                "let's just have lunch\"), or a visit with a gift — not an e-mail",
                'asks "You stopped buying from us — what happened?" and listens for which reason it is: a better '
                "offer, our service, or no longer needing the goods",
                'asks "what if…" for each reason that applies: what if we fixed it, what if we matched or beat '
                "those terms",
                "answers the lower price with numbers, not a discount: the whole yearly cost of the competitor's "
                "deal (delivery, defects, payment terms, downtime, administration)",
                "owns our part and says what we fix (for C006: a manager who is hard to reach, invoices, "
                "deliveries) and how the client will see it fixed",
                "ends with a next step and a date — or, if the client is lost or left over how it was treated "
                "(inattention counts, source 003 [003-hostility-or-terms]), leaves well: a fallback, a gift, "
                "nothing asked",
            ],
            hints=[
                "Write it as a conversation with C006's CEO: your opening line, your question, what you say for "
                "each possible answer, and how you close. Look at C006's NPS reasons and the deal-economics table "
                "of notebook 08 first.",
            ],
            solution=(
                "Call the CEO the day the silence is noticed: \"I'm not here to argue — let's just have lunch.\"\n"
                "At lunch (a restaurant, not their office): \"You stopped buying from us in July. What happened?\"\n"
                "Listen to the end. C006's answers so far point to two reasons: a cheaper offer, and our service\n"
                "(a manager hard to reach, invoice errors, late or defective batches). If the CEO says it was how\n"
                "they were treated — nobody ever answered — that is personal hostility: do not argue, leave well.\n"
                "- Service: \"What if we fixed this? From next month you have a named deputy who answers the\n"
                "  same day, invoices are checked before they leave, and you get the delivery record every month.\n"
                "  Would you try one quarter with us on those terms?\"\n"
                "- Price: \"What if we looked at the whole cost together? Westwood is 6 % cheaper on price, but you\n"
                "  now pay for pick-up, pay in advance, reject five times as many boards, and one late batch\n"
                "  stopped your line. By our count your real saving is well under 1 %. May I send you the\n"
                "  calculation, so your team can check every line?\" — the report follows within two days.\n"
                "Close: agree a date for the next call. If the answer is still no: \"You have a fallback — you\n"
                "can always come back if something goes wrong.\" Leave a gift and ask for nothing."
            ),
        ),
    ],
)
