"""The routing rules as a table of cases: the first matching rule wins, else the fallback queue."""

from __future__ import annotations

import pytest

from portal.services.routing import (
    AreaView,
    OutlineError,
    RuleView,
    SubmissionFacts,
    choose_route,
    parse_outline,
    split_list,
)

RULES = [
    RuleView(1, 1, "Missing persons", "tip", "missing-persons", (), (), "Investigations"),
    RuleView(2, 2, "Gangs", "", "gang-activity", (), (), "Gang Unit"),
    RuleView(3, 3, "School threats", "tip", "", split_list("school, DHS"), (), "Youth"),
    RuleView(4, 4, "Station thefts", "report", "theft", (), split_list("train station,Metra"), "Patrol"),
    RuleView(5, 5, "Online", "", "online-crime", split_list("instagram"), (), "Cyber"),
]


@pytest.mark.parametrize(
    ("facts", "rule_id", "reason"),
    [
        (SubmissionFacts("tip", "missing-persons", "Girl, 14, not home", ""), 1,
         "Routed by rule 1 (Missing persons): kind = tip and category = missing-persons → Investigations"),
        (SubmissionFacts("tip", "gang-activity", "tags on the wall", ""), 2,
         "Routed by rule 2 (Gangs): category = gang-activity → Gang Unit"),
        (SubmissionFacts("report", "gang-activity", "", ""), 2, None),
        (SubmissionFacts("tip", "other", "Threat posted about the SCHOOL", ""), 3, None),
        (SubmissionFacts("tip", "other", "A threat against dhs students", ""), 3, None),
        (SubmissionFacts("report", "other", "school", ""), None, "No rule matched → the Triage queue"),
        (SubmissionFacts("report", "theft", "bike", "Deerfield Metra lot"), 4,
         "Routed by rule 4 (Station thefts): kind = report and category = theft and place is train station or metra → Patrol"),
        (SubmissionFacts("report", "theft", "bike", "Elm Street"), None, None),
        (SubmissionFacts("tip", "online-crime", "on TikTok", ""), None, None),
        (SubmissionFacts("tip", "online-crime", "an Instagram account", ""), 5, None),
    ],
)
def test_routing_table(facts, rule_id, reason):
    decision = choose_route(facts, RULES, "Triage")
    assert decision.rule_id == rule_id
    if reason:
        assert decision.reason == reason


def test_order_decides_between_two_matching_rules():
    first = RuleView(9, 0, "Catch-all tips", "tip", "", (), (), "Triage")
    assert choose_route(SubmissionFacts("tip", "missing-persons", "", ""), [RULES[0], first], "Triage").rule_id == 9


DEERFIELD_EAST = parse_outline("42.175,-87.845; 42.175,-87.80; 42.14,-87.80; 42.14,-87.845")


@pytest.mark.parametrize(
    ("point", "where", "inside"),
    [((42.16, -87.82), "", True), ((42.16, -87.90), "", False), (None, "near Deerfield Square", True),
     (None, "Highland Park", False), ((42.175, -87.82), "", True)],
)
def test_an_area_matches_by_outline_or_listed_place(point, where, inside):
    area = AreaView("East beat", split_list("deerfield square"), DEERFIELD_EAST)
    rule = RuleView(7, 1, "East beat", "", "", (), (), "Patrol East", area)
    decision = choose_route(SubmissionFacts("tip", "drugs", "", where, point), [rule], "Triage")
    assert (decision.rule_id == 7) is inside
    if inside:
        assert decision.reason == "Routed by rule 1 (East beat): area = East beat → Patrol East"


@pytest.mark.parametrize("outline", ["42,-87; 43,-87", "north, south; east", "42,-87; 43,-86; 42,-87; 43,-86.5",
                                     "91,-87; 42,-86; 43,-86"])
def test_a_bad_outline_is_refused(outline):
    with pytest.raises(OutlineError):
        parse_outline(outline)
