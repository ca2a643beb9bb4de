"""The small public list of offense categories, and the rules that sort a source's offenses into it.

Rules are data: each category lists words that, found in the offense text as the source wrote
it (category, subcategory and description joined), put the offense there. The first category
whose words match wins, so the narrow ones (sexual offenses, offenses against children, vehicle
theft) come before the broad ones (assault, theft). Pure: no database, no Flask.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from portal.languages import N_


@dataclass(frozen=True)
class Category:
    slug: str
    name: str
    words: tuple[str, ...]


CATEGORIES: tuple[Category, ...] = (
    Category("sex-offense", N_("Sexual offense"), ("sex", "rape", "sodomy", "indecent", "prostitut",
                                                   "human trafficking", "commercialized vice", "lewd", "obscen",
                                                   "peeping")),
    Category("juvenile", N_("Offense involving a minor"), ("child", "juvenile", "minor", "delinquency")),
    Category("domestic", N_("Domestic violence"), ("domestic", "family offense", "against the family", "spouse",
                                                   "dating relationship", "order of protection")),
    Category("homicide", N_("Homicide"), ("homicide", "murder", "manslaughter")),
    Category("robbery", N_("Robbery"), ("robbery",)),
    Category("assault", N_("Assault"), ("assault", "battery", "intimidation", "stalking", "threat", "kidnap")),
    Category("burglary", N_("Burglary"), ("burglary", "breaking and entering")),
    Category("vehicle-theft", N_("Vehicle theft"), ("motor vehicle theft", "vehicle theft", "stolen vehicle",
                                                    "auto theft", "recovered vehicle")),
    Category("fraud", N_("Fraud"), ("fraud", "deceptive", "forgery", "counterfeit", "embezzle", "identity",
                                    "bad check")),
    Category("theft", N_("Theft"), ("theft", "larceny", "shoplift", "stolen property", "pickpocket", "purse snatch")),
    Category("vandalism", N_("Vandalism"), ("vandalism", "criminal damage", "malicious mischief", "arson", "graffiti",
                                            "criminal mischief")),
    Category("drugs", N_("Drugs"), ("narcotic", "drug", "controlled substance", "cannabis", "marijuana")),
    Category("weapons", N_("Weapons"), ("weapon", "firearm", "concealed carry", "gun")),
    Category("traffic", N_("Traffic and DUI"), ("traffic", "driving under", "dui", "vehicle code", "hit and run")),
    Category("disorder", N_("Public order"), ("disorderly", "public peace", "liquor", "drunk", "trespass",
                                              "gambling", "vagrancy", "loitering", "interference", "obstruct",
                                              "noise")),
    Category("other", N_("Other"), ()),
)

BY_SLUG = {category.slug: category for category in CATEGORIES}
NAMES = {category.slug: category.name for category in CATEGORIES}
SLUGS = tuple(BY_SLUG)

# Word starts only, so "gun" never matches inside "begun" (but "minor" would at "minority": below).
RULES = tuple((category.slug, re.compile(r"\b(?:" + "|".join(map(re.escape, category.words)) + ")", re.IGNORECASE))
              for category in CATEGORIES if category.words)


# Words that start like a category's word without its meaning: Chicago's "NO / MINOR INJURY"
# battery involves no minor, nor does a minority. They are blanked before the rules are tried.
NOT_CATEGORY_WORDS = re.compile(r"\bminor(?:it|\s*injur)", re.IGNORECASE)


@lru_cache(maxsize=8192)
def categorize(offense: str) -> str:
    """The public category of an offense text; exports repeat a few hundred texts, hence the cache."""
    text = NOT_CATEGORY_WORDS.sub(" ", offense)
    for slug, pattern in RULES:
        if pattern.search(text):
            return slug
    return "other"
