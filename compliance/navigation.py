"""The compliance statement's place in the service navigation and on the home page."""

from compliance.rules import can_view_clause_map, can_view_statement, can_view_trends
from governance import navigation

navigation.register(
    order=35,
    label="Dashboard",
    url_name="register_dashboard",
    description="What needs attention in the register, and charts of how reviews, "
    "declarations, password changes, requests and incidents are changing month by month.",
    visible=can_view_trends,
)
navigation.register(
    order=56,
    label="Compliance statement",
    url_name="compliance",
    description="The council's social media policy as a checklist: each clause the portal "
    "enforces, how, and its live figure, on any date and for any period.",
    visible=can_view_statement,
)
navigation.register(
    order=57,
    label="Clause map",
    url_name="compliance_clauses",
    description="Which clauses of the four councils' policies each control serves, and what a "
    "council keeps or loses when it switches a rule off.",
    visible=can_view_clause_map,
)
