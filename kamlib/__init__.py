"""kamlib — key-account management methods applied to client and sales data.

The helper package of the KAM Workbook course. Type ``kamlib.`` and press Tab to
see the whole method: one public name per idea. Names are loaded on first use,
so ``import kamlib`` stays fast (pandas, matplotlib and ipywidgets are imported
only by the functions that need them).

Layout
------
- ``kamlib.data``       canonical tables, readers for your own exports, the sample company
- ``kamlib.analytics``  typologies, key accounts, ABC-XYZ, concentration, NPS, lost clients
- ``kamlib.toolkit``    VIP programme, problem register, dossier, win-back, retention, the manager
- ``kamlib.course``     exercise checking, glossary
- ``kamlib.widgets``    interactive explorers for the notebooks
- ``kamlib.labels``     every user-facing word, for translations
- ``kamlib.cli``        the ``kam`` command line
"""

from __future__ import annotations

import importlib

from ._errors import KamArgumentError, KamDataError, KamDataWarning, KamError

__version__ = "0.1.0"

# public name -> module that defines it (relative to kamlib)
_EXPORTS: dict[str, str] = {
    # --- data: schema, readers, sample company ---
    "TABLES": "data._schema",
    "read_orders": "data.read",
    "read_clients": "data.read",
    "read_nps": "data.read",
    "read_contacts": "data.read",
    "read_managers": "data.read",
    "read_competitor_offers": "data.read",
    "read_table": "data.read",
    "excluded_rows": "data.read",
    "load_report": "data.read",
    "load_summary": "data.read",
    "check_excluded": "data.read",
    "check_as_of": "data.read",
    "Dataset": "data._folder",
    "read_folder": "data._folder",
    "load_sample": "data._sample",
    "generate_sample": "data._sample",
    "write_sample": "data._sample",
    "SAMPLE_SEED": "data._sample",
    "SAMPLE_AS_OF": "data._sample",
    # --- analytics: typologies, key accounts, ABC-XYZ ---
    "classify_clients": "analytics._typology",
    "key_accounts": "analytics._key_accounts",
    "abc_xyz": "analytics._abc_xyz",
    "abc_xyz_matrix": "analytics._abc_xyz",
    "cell_strategy": "analytics._abc_xyz",
    "cell_strategies": "analytics._abc_xyz",
    "class_migration": "analytics._abc_xyz",
    "abc_xyz_to_excel": "analytics._excel",
    "plot_pareto": "analytics._plots",
    "plot_abc_xyz_matrix": "analytics._plots",
    # --- analytics: concentration, NPS, lost clients ---
    "concentration": "analytics._concentration",
    "lose_client_scenario": "analytics._concentration",
    "nps": "analytics._nps",
    "nps_by": "analytics._nps",
    "nps_change": "analytics._nps",
    "nps_by_account": "analytics._nps",
    "churn_status": "analytics._churn",
    "churn_dynamics": "analytics._churn",
    "winback_list": "analytics._churn",
    # --- toolkit: register, questionnaire, dossier, decision map ---
    "Register": "toolkit._register",
    "open_register": "toolkit._register",
    "register_states": "toolkit._register",
    "vip_questionnaire": "toolkit._questionnaire",
    "questionnaire_form": "toolkit._questionnaire",
    "Dossier": "toolkit._dossier",
    "AccountDossier": "toolkit._dossier",
    "relationship_coverage": "toolkit._dossier",
    "important_dates": "toolkit._dossier",
    "three_p_screen": "toolkit._dossier",
    "plot_decision_map": "toolkit._dossier",
    "dossier_to_markdown": "toolkit._dossier",
    "dossier_to_html": "toolkit._dossier",
    # --- toolkit: VIP cadence/staffing, win-back, retention, manager ---
    "vip_segments": "toolkit._vip",
    "contact_plan": "toolkit._vip",
    "vip_staffing": "toolkit._vip",
    "vip_staffing_case": "toolkit._vip",
    "split_clients": "toolkit._vip",
    "lost_reasons": "toolkit._winback",
    "lost_client_causes": "toolkit._winback",
    "lost_client_mistakes": "toolkit._winback",
    "CompetitorSWOT": "toolkit._winback",
    "tows": "toolkit._winback",
    "deal_economics": "toolkit._winback",
    "deal_lines": "toolkit._winback",
    "counter_offer_report": "toolkit._winback",
    "retention_methods": "toolkit._retention",
    "loyalty_principles": "toolkit._retention",
    "retention_blocks": "toolkit._retention",
    "retention_rules": "toolkit._retention",
    "suggest_methods": "toolkit._retention",
    "manager_capacity": "toolkit._manager",
    "effectiveness_criteria": "toolkit._manager",
    "manager_scorecard": "toolkit._manager",
    "meeting_norms": "toolkit._manager",
    "opportunity_funnel": "toolkit._manager",
    "hiring_funnel": "toolkit._manager",
    "pay_levels": "toolkit._manager",
    "manager_duties": "toolkit._manager",
    "manager_skills": "toolkit._manager",
    "training_stages": "toolkit._manager",
    "management_mistakes": "toolkit._manager",
    # --- course: checking, glossary, widgets ---
    "exercise": "course._checking",
    "progress": "course._checking",
    "class_report": "course.grade",
    "glossary": "course._glossary",
    "pick_clients": "course._cast",
    "start": "course._setup",
}

__all__ = sorted(
    ["KamError", "KamDataError", "KamArgumentError", "KamDataWarning", "__version__", *_EXPORTS]
)


def __getattr__(name: str):
    try:
        module = _EXPORTS[name]
    except KeyError:
        raise AttributeError(f"module 'kamlib' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # cache: the next lookup is a plain attribute
    return value


def __dir__() -> list[str]:
    return __all__
