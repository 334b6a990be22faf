"""The canonical tables of the course and their columns.

Every reader, generator and analysis in ``kamlib`` speaks these names. The data
dictionary in ``data/README.md`` is generated from :data:`TABLES`, so this file
is the one place a column is defined.

Kinds: ``str`` text, ``int`` whole number, ``float`` number, ``date`` calendar
date, ``bool`` yes/no.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Column", "TABLES", "columns_of", "required_columns"]


@dataclass(frozen=True)
class Column:
    name: str
    kind: str  # str | int | float | date | bool
    unit: str
    meaning: str
    required: bool = True
    key: bool = False  # unique identifier of a row


CLIENT_TYPES = (
    "federal chain", "regional chain", "local chain", "single shop", "wholesale",
    "private reseller", "sub-distribution", "processing", "manufacturer", "HoReCa",
    "service centre",
)
"""Criterion A of the source (002): who the client is."""

PAYMENT_FORMS = (
    "100% prepayment", "partial prepayment", "post-payment", "payment first",
    "deferred payment", "special terms",
)
"""Criterion Ж of the source (002): how the client pays."""

CONTACT_LEVELS = ("top", "middle", "staff")
BUYING_ROLES = ("initiator", "user", "influencer", "decider", "approver", "buyer", "gatekeeper")
MANAGER_LEVELS = (1, 2, 3, 4)

TABLES: dict[str, tuple[Column, ...]] = {
    "clients": (
        Column("client_id", "str", "—", "Client identifier, unique in the table.", key=True),
        Column("name", "str", "—", "Client's trading name."),
        Column("client_type", "str", "—", "Criterion A of the source: " + ", ".join(CLIENT_TYPES) + ".", required=False),
        Column("client_subtype", "str", "—", "Finer type within client_type (e.g. large/medium/small wholesale).", required=False),
        Column("goods_group", "str", "—", "Criterion Б: the client's main goods group, in the company's own product classification.", required=False),
        Column("region", "str", "—", "Region the client is served in.", required=False),
        Column("department", "str", "—", "Sales department that owns the client.", required=False),
        Column("manager", "str", "—", "Account manager responsible for the client (matches managers.name).", required=False),
        Column("payment_form", "str", "—", "Criterion Ж: " + ", ".join(PAYMENT_FORMS) + ".", required=False),
        Column("discount_pct", "float", "%", "Criterion З: the client's standing discount off list price, 0–100.", required=False),
        Column("first_deal_date", "date", "date", "Date of the first deal or contract with the client.", required=False),
        Column("potential_revenue", "float", "currency/year", "Estimated yearly spend of the client on these goods with all suppliers (key-client criterion: potential).", required=False),
        Column("is_reference", "bool", "yes/no", "Famous name usable as a reference (key-client criterion: fame; type: image-maker).", required=False),
        Column("is_innovative", "bool", "yes/no", "Buys new products first; a partner with whom we share our strategic plans (key-client criterion: innovative, about 2.5 % of clients).", required=False),
        Column("is_demanding", "bool", "yes/no", "Holds the supplier to high standards and teaches it (key-client criterion: demanding; type: expert).", required=False),
    ),
    "orders": (
        Column("order_id", "str", "—", "Order-line identifier, unique in the table.", key=True),
        Column("date", "date", "date", "Shipment (or return) date."),
        Column("client_id", "str", "—", "The buying client (matches clients.client_id)."),
        Column("product_group", "str", "—", "Product group of the line.", required=False),
        Column("quantity", "float", "units", "Units shipped; negative for a return.", required=False),
        Column("revenue", "float", "currency", "Net revenue of the line after discount; negative for a return."),
        Column("cost", "float", "currency", "Cost of goods of the line; negative for a return. Margin = revenue − cost.", required=False),
    ),
    "nps_responses": (
        Column("response_id", "str", "—", "Response identifier, unique in the table.", key=True),
        Column("client_id", "str", "—", "The respondent's company (matches clients.client_id)."),
        Column("wave", "str", "—", "Survey wave, a quarter such as 2025Q3."),
        Column("date", "date", "date", "Date the answer was given.", required=False),
        Column("role", "str", "—", "Respondent's role at the client (e.g. owner, CEO, buyer, chief accountant).", required=False),
        Column("score", "int", "0–10", 'Answer to "How likely is it that you would recommend us?"'),
        Column("reason", "str", "—", "Free-text main reason for the score.", required=False),
    ),
    "contacts": (
        Column("contact_id", "str", "—", "Contact identifier, unique in the table.", key=True),
        Column("client_id", "str", "—", "The company the person works for (matches clients.client_id)."),
        Column("name", "str", "—", "Person's name."),
        Column("position", "str", "—", "Job title.", required=False),
        Column("level", "str", "—", "Management level: " + ", ".join(CONTACT_LEVELS) + ".", required=False),
        Column("buying_role", "str", "—", "Role in the buying centre: " + ", ".join(BUYING_ROLES) + ".", required=False),
        Column("relationship", "int", "1–5", "Strength of our relationship with the person, 1 (none) to 5 (trusted).", required=False),
        Column("birthday", "date", "date", "Birthday (for congratulations).", required=False),
        Column("influences", "str", "—", "contact_id of the person this one influences most, if known.", required=False),
    ),
    "managers": (
        Column("manager_id", "str", "—", "Manager identifier, unique in the table.", key=True),
        Column("name", "str", "—", "Manager's name (matches clients.manager)."),
        Column("department", "str", "—", "Sales department."),
        Column("level", "int", "1–4", "Pay/skill level from the source's table: 1 beginner … 4 key-account manager.", required=False),
        Column("region", "str", "—", "City of the pay-level table the manager works in.", required=False),
        Column("key_accounts", "str", "—", "client_id of the key accounts the manager runs, separated by '|'.", required=False),
    ),
    "competitor_offers": (
        Column("offer_id", "str", "—", "Offer identifier, unique in the table.", key=True),
        Column("client_id", "str", "—", "The client the offer is made to (matches clients.client_id)."),
        Column("supplier", "str", "—", 'Who offers: "us" or the competitor\'s name.'),
        Column("unit_price", "float", "currency/unit", "Price per unit after discounts."),
        Column("annual_volume", "float", "units/year", "Units the client buys a year."),
        Column("delivery_cost_per_unit", "float", "currency/unit", "Delivery the client pays or organises itself, per unit.", required=False),
        Column("defect_rate", "float", "share 0–1", "Share of units that arrive defective and must be returned or reworked.", required=False),
        Column("defect_cost_per_unit", "float", "currency/unit", "The client's cost of handling one defective unit (rework, return, replacement).", required=False),
        Column("payment_days", "float", "days", "Days of deferred payment the supplier grants (0 = prepayment).", required=False),
        Column("downtime_days", "float", "days/year", "Days a year the client's production or sales stand still for late or missing deliveries.", required=False),
        Column("downtime_cost_per_day", "float", "currency/day", "What one day of downtime costs the client.", required=False),
        Column("admin_cost", "float", "currency/year", "The client's yearly administration cost of the supplier (orders, claims, paperwork).", required=False),
        Column("note", "str", "—", "Where the figures come from.", required=False),
    ),
}


def columns_of(table: str) -> list[str]:
    """Names of all canonical columns of ``table``, in canonical order."""
    return [c.name for c in TABLES[table]]


def required_columns(table: str) -> list[str]:
    """Names of the columns a ``table`` must have for the analyses to run."""
    return [c.name for c in TABLES[table] if c.required]
