"""Each policy rule, through the notice editor: texts that must trigger it and texts that must not."""

from __future__ import annotations

import pytest

from portal.services.publishing_policy import RULES
from tests.conftest import staff_browser
from tests.helpers import parse_page
from tests.staff.test_notices import write_notice

CASES: dict[str, tuple[list[str], list[str]]] = {
    "guilt": (["The driver is guilty of the crash.", "He confessed to the burglary.", "Police say the killer fled."],
              ["Police ask for information about a burglary.", "Lock your car: thieves look for unlocked doors."]),
    "prosecution": (["He was charged with theft.", "The case is pending trial.", "She will be prosecuted."],
                    ["Charge your phone before you travel.", "The event is free of charge."]),
    "phone": (["Call his mother at 847-555-0199.", "Text (312) 555 0100 with news."],
              ["Call (847) 945-8636, or 911 in an emergency.", "Closed 10-12 on Saturday."]),
    "email": (["Write to joe.smith@gmail.com with news."], ["E-mail police@deerfield.il.us with news."]),
    "birth-date": (["Subject DOB: 4/2/1990.", "She was born on 4/2/1990.", "Date of birth withheld."],
                   ["Born to Run 5K on Saturday.", "Bob will speak at the meeting."]),
    "id-number": (["SSN 123-45-6789 was found.", "Licence S123-4567-8901 was found."],
                  ["Meeting on 2026-11-25 at 7 pm.", "Report number 26-012345."]),
    "licence-plate": (["A car with plate ABC 1234 was seen.", "Licence plate number: 7XYZ12."],
                      ["Check that your plates are lit.", "Plates on two cars were stolen."]),
    "home-address": (["He lives at 12 Elm Street."],
                     ["Waukegan Road is closed between Deerfield Road and Lake Cook Road.",
                      "Visit us at 850 Waukegan Road.", "2 lanes of the road are open."]),
    "political": (["Vote for Smith on Tuesday.", "Re-elect Mayor Jones."],
                  ["Election day: expect traffic near polling places.", "Candidates must be 21 or older."]),
    "commercial": (["20% off at Joe's Diner this week.", "Use promo code SAFE at checkout."],
                   ["The sale of fireworks is illegal.", "Shops on Waukegan Road are open."]),
    "link": (["See https://evil.example/page for details.", "See www.scam.example now."],
             ["See https://www.deerfield.il.us/alerts for details.", "Forecast: https://forecast.weather.gov/x",
              "Follow https://x.com/DeerfieldILPD for news."]),
}


def test_every_rule_has_cases():
    assert {rule.code for rule in RULES} == set(CASES)


def warnings_on(client, text: str, notice_type: str = "general") -> list[str]:
    notice_id = write_notice(client, notice_type=notice_type, summary=text, body="",
                             severity="Severe" if notice_type == "missing-person" else "",
                             urgency="Immediate" if notice_type == "missing-person" else "",
                             certainty="Observed" if notice_type == "missing-person" else "")
    editor = parse_page(client.get(f"/notices/{notice_id}/edit"))
    return [attributes["data-policy"] for attributes in editor.find_all("li") if "data-policy" in attributes]


@pytest.mark.parametrize("code", sorted(CASES))
def test_a_policy_rule_catches_its_texts_and_only_those(staff_app, code):
    client = staff_browser(staff_app, "pio@example.org", "communications")
    triggering, innocent = CASES[code]
    for text in triggering:
        assert code in warnings_on(client, text), text
    for text in innocent:
        assert warnings_on(client, text) == [], text


def test_a_missing_person_notice_may_describe_the_person_but_not_give_out_phones(staff_app):
    client = staff_browser(staff_app, "pio@example.org", "communications")
    description = "Last seen at 12 Elm Street in a car with plate ABC 1234; DOB: 4/2/2011."
    assert warnings_on(client, description, "missing-person") == []
    assert warnings_on(client, "Call her father at 847-555-0199.", "missing-person") == ["phone"]
