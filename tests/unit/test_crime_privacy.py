"""The pure rules that generalize crime data: hundred blocks, grid cells, usable points, categories.

The addresses and offense texts are the real ones of the exports in tests/data/crime/.
"""

from __future__ import annotations

import math
import re

import pytest

from portal.services.crime_categories import NAMES, SLUGS, categorize
from portal.services.crime_privacy import CELL_COLUMNS, MAX_LISTED_CELLS, Grid, hundred_block, usable_point

SENSITIVE = {"sex-offense", "juvenile", "domestic"}


@pytest.mark.parametrize(("address", "public"), [
    # Chicago writes the hundreds as XX, with leading zeros, sometimes in mixed case.
    ("088XX S HERMITAGE AVE", "8800 block of S HERMITAGE AVE"),
    ("0000X W TERMINAL ST", "0 block of W TERMINAL ST"),
    ("014XX W Estes Ave", "1400 block of W ESTES AVE"),
    ("005XX N ogden ave", "500 block of N OGDEN AVE"),
    ("003XX N ST LOUIS AVE", "300 block of N ST LOUIS AVE"),
    ("031XX N Broadway", "3100 block of N BROADWAY"),
    ("095XX S AVENUE M", "9500 block of S AVENUE M"),
    ("007XX S LAKE SHORE DR SB", "700 block of S LAKE SHORE DR"),
    # Philadelphia writes "BLOCK", in any case, and appends apartments, floors and unit numbers.
    ("1700 BLOCK BELMONT MANSION", "1700 block of BELMONT MANSION"),
    ("1700 BLOCK B F Pkwy", "1700 block of B F PKWY"),
    ("2200 BLOCK South St Apt B", "2200 block of SOUTH ST"),
    ("1200 BLOCK S Broad St  Apt 2", "1200 block of S BROAD ST"),
    ("1700 BLOCK N 22ND ST APT4", "1700 block of N 22ND ST"),
    ("1600 BLOCK Webster St Unit B", "1600 block of WEBSTER ST"),
    ("5600 BLOCK RISING SUN AV UNIT2", "5600 block of RISING SUN AV"),
    ("1500 BLOCK LOMBARD ST RM424", "1500 block of LOMBARD ST"),
    ("2300 BLOCK POPLAR ST 1STFLR", "2300 block of POPLAR ST"),
    ("1400 BLOCK WILLINGTON ST 3RDFL", "1400 block of WILLINGTON ST"),
    ("1500 BLOCK ARCH ST 16TH", "1500 block of ARCH ST"),
    ("1200 BLOCK FAIRMOUNT AV 434", "1200 block of FAIRMOUNT AV"),
    ("5400 BLOCK WISSAHICKON AV B734", "5400 block of WISSAHICKON AV"),
    ("900 BLOCK N 42ND ST A", "900 block of N 42ND ST"),
    ("6000 BLOCK Larchwood Ave Phl(walnut Park Plaza)", "6000 block of LARCHWOOD AVE"),
    ("8100 BLOCK Castor Ave  & Phl <8198", "8100 block of CASTOR AVE"),
    ("900 BLOCK N 17th St   Phl <920", "900 block of N 17TH ST"),
    ("0 BLOCK MIFFLIN ST", "0 block of MIFFLIN ST"),
    # A house number, as another records system would write it, keeps only its hundreds.
    ("1234 N Main St Apt 2", "1200 block of N MAIN ST"),
    ("1234B N Main St", "1200 block of N MAIN ST"),
    ("45 Elm St #3", "0 block of ELM ST"),
    ("850 Waukegan Road", "800 block of WAUKEGAN ROAD"),
    ("100 Broadway 5", "100 block of BROADWAY"),
    ("1234 Main St & Oak Ave", "1200 block of MAIN ST & OAK AVE"),
    # Intersections: San Francisco joins streets with backslashes, Philadelphia with "&".
    ("BOSWORTH ST \\ DIAMOND ST", "BOSWORTH ST & DIAMOND ST"),
    ("08TH ST \\ GROVE ST \\ HYDE ST \\ MARKET ST", "08TH ST & GROVE ST & HYDE ST & MARKET ST"),
    ("S 52ND ST  & CHESTNUT ST", "S 52ND ST & CHESTNUT ST"),
    ("Emerald St & Lehigh Ave", "EMERALD ST & LEHIGH AVE"),
    ("Gratz& Cumberlnad St", "GRATZ & CUMBERLNAD ST"),
    ("Convention Av&south St Phl <398", "CONVENTION AV & SOUTH ST"),
    ("Main St and Oak Ave", "MAIN ST & OAK AVE"),
    ("OAK AVE \\ 1234 MAIN ST", None),  # a house number is no intersection
    # Places without a number are kept, without what is in parentheses.
    ("Baggage Claim", "BAGGAGE CLAIM"),
    ("Terminal D (spirit Airlines)", "TERMINAL D"),
    ("Address Unavailable", "ADDRESS UNAVAILABLE"),
    # Text with a number that is not an address may be a house number: dropped, not guessed at.
    ("Lift Zone 7", None),
    ("Gate E17", None),
    ("4506-10 CASTOR AV", None),
    ("45-49 E CLIVEDEN ST", None),
    ("", None),
    ("   ", None),
    ("#5", None),
])
def test_hundred_block(address, public):
    assert hundred_block(address) == public


PUBLIC_BLOCK = re.compile(r"^(0|[1-9]\d*00) block of \S.*$")


@pytest.mark.parametrize("address", [
    "1234 N MAIN ST", "99 E ELM AVE", "12345 W 111TH ST", "3 OAK CT 12", "017XX W 106TH PL",
    "1999 BLOCK S STATE ST", "0000X N WESTERN AVE",
])
def test_a_block_number_is_always_a_whole_hundred(address):
    block = hundred_block(address)
    assert PUBLIC_BLOCK.match(block), block
    assert not re.search(r"\d+[A-Z]?$", block.split(" block of ")[1]), block


def test_the_block_never_grows_beyond_the_column():
    assert len(hundred_block("1200 BLOCK " + "VERY LONG NAME " * 20 + "ST")) == 120


# Deerfield, Chicago, San Francisco, Philadelphia, and the southern and eastern hemispheres.
PLACES = [(42.1711, -87.8445), (41.733197065, -87.666637175), (37.73355034231799, -122.43414453855247),
          (39.96076134, -75.23315266), (-33.8688, 151.2093), (0.004, -0.004), (-0.0001, 0.0001), (64.1466, -21.9426)]


@pytest.mark.parametrize("metres", [150, 1000])
@pytest.mark.parametrize(("latitude", "longitude"), PLACES)
def test_a_cell_holds_its_point_and_its_centre(latitude, longitude, metres):
    grid = Grid.around(42.1711, metres)
    cell = grid.cell(latitude, longitude)
    south, west, north, east = grid.bounds(cell)
    assert south <= latitude < north and west <= longitude < east
    assert math.isclose(north - south, metres / 111_320.0)
    assert east - west > north - south  # a degree of longitude is shorter than one of latitude here
    centre = grid.centre(latitude, longitude)
    assert south < centre[0] < north and west < centre[1] < east
    assert grid.cell(*centre) == cell
    assert grid.centre(*centre) == centre
    row, column = grid.row_column(cell)
    assert row * CELL_COLUMNS + column == cell


def test_points_in_one_cell_share_its_centre_and_neighbours_do_not():
    grid = Grid.around(42.1711, 150)
    south, west, north, east = grid.bounds(grid.cell(41.8781, -87.6298))
    corners = [(south + 1e-9, west + 1e-9), (north - 1e-9, east - 1e-9), (south + 1e-9, east - 1e-9)]
    assert len({grid.centre(*corner) for corner in corners}) == 1
    assert grid.centre(north + 1e-9, west + 1e-9) != grid.centre(*corners[0])
    assert grid.cell(south, east + 1e-9) == grid.cell(south, west) + 1


def test_cells_covering_a_box_are_every_cell_it_touches():
    grid = Grid.around(42.1711, 1000)
    south, west, north, east = 41.85, -87.70, 41.87, -87.66
    cells = grid.cells_covering(south, west, north, east)
    assert grid.cell(south, west) in cells and grid.cell(north, east) in cells
    assert grid.cell((south + north) / 2, (west + east) / 2) in cells
    assert len(cells) == len(set(cells))
    assert grid.cell(north + 0.02, east) not in cells
    assert grid.cells_covering(41.6, -87.95, 42.1, -87.5) is None  # a whole city: more than a query lists
    assert len(grid.cells_covering(south, west, south, west)) == 1
    assert MAX_LISTED_CELLS >= len(cells)


@pytest.mark.parametrize(("latitude", "longitude", "usable"), [
    (41.733197065, -87.666637175, True),
    (-33.8688, 151.2093, True),
    (0.0, 100.0, True),  # on the equator, not at "null island"
    (0.0, 0.0, False),
    (0.004, -0.003, False),
    (None, -87.6, False),
    (41.7, None, False),
    (float("nan"), -87.6, False),
    (41.7, float("inf"), False),
    (91.0, 10.0, False),
    (45.0, -181.0, False),
])
def test_usable_point(latitude, longitude, usable):
    assert usable_point(latitude, longitude) is usable


@pytest.mark.parametrize(("offense", "category"), [
    # San Francisco: category, subcategory and description joined, as the importer does.
    ("Robbery: Robbery - Other: Robbery, W/ Force", "robbery"),
    ("Offences Against The Family And Children: Other: Minor, Contributing To Delinquency of", "juvenile"),
    ("Offences Against The Family And Children: Other: Violation of Restraining Order", "juvenile"),
    ("Assault: Simple Assault: Battery, former Spouse or Dating Relationship", "domestic"),
    ("Sex Offense: Indecent Exposure (Adult victim)", "sex-offense"),
    ("Rape: Sodomy (Adult Victim)", "sex-offense"),
    ("Missing Person: Missing Juvenile", "juvenile"),
    ("Larceny Theft: Larceny - From Vehicle: Theft, From Locked Vehicle, >$950", "theft"),
    ("Motor Vehicle Theft: Motor Vehicle Theft: Vehicle, Stolen, Auto", "vehicle-theft"),
    ("Burglary: Burglary - Residential: Burglary, Residence, Forcible Entry", "burglary"),
    ("Malicious Mischief: Vandalism: Malicious Mischief, Vandalism to Property", "vandalism"),
    ("Drug Offense: Drug Violation: Cocaine Offense", "drugs"),
    ("Weapons Carrying Etc: Weapons Offense: Firearm, Loaded, in Vehicle, Possession or Use", "weapons"),
    # Philadelphia's text_general_code.
    ("Thefts", "theft"),
    ("Theft from Vehicle", "theft"),
    ("Motor Vehicle Theft", "vehicle-theft"),
    ("Homicide - Criminal", "homicide"),
    ("Rape", "sex-offense"),
    ("Other Sex Offenses (Not Commercialized)", "sex-offense"),
    ("Prostitution and Commercialized Vice", "sex-offense"),
    ("Offenses Against Family and Children", "juvenile"),
    ("Aggravated Assault Firearm", "assault"),
    ("Robbery No Firearm", "robbery"),
    ("Burglary Residential", "burglary"),
    ("Vandalism/Criminal Mischief", "vandalism"),
    ("Narcotic / Drug Law Violations", "drugs"),
    ("Weapon Violations", "weapons"),
    ("DRIVING UNDER THE INFLUENCE", "traffic"),
    ("Fraud", "fraud"),
    ("All Other Offenses", "other"),
    # Chicago: primary type and description.
    ("THEFT: $500 AND UNDER", "theft"),
    ("BATTERY: DOMESTIC BATTERY SIMPLE", "domestic"),
    ("OTHER OFFENSE: VIOLATE ORDER OF PROTECTION", "domestic"),
    ("OFFENSE INVOLVING CHILDREN: CHILD ABUSE", "juvenile"),
    ("CRIMINAL SEXUAL ASSAULT: NON-AGGRAVATED", "sex-offense"),
    ("OFFENSE INVOLVING CHILDREN: AGG SEX ASSLT OF CHILD FAM MBR", "sex-offense"),
    ("HOMICIDE: FIRST DEGREE MURDER", "homicide"),
    ("DECEPTIVE PRACTICE: FINANCIAL IDENTITY THEFT OVER $ 300", "fraud"),
    ("CRIMINAL DAMAGE: TO VEHICLE", "vandalism"),
    ("MOTOR VEHICLE THEFT: AUTOMOBILE", "vehicle-theft"),
    ("NARCOTICS: POSSESS - CRACK", "drugs"),
    ("WEAPONS VIOLATION: UNLAWFUL POSSESSION - HANDGUN", "weapons"),
    ("CRIMINAL TRESPASS: TO LAND", "disorder"),
])
def test_categorize_real_offense_texts(offense, category):
    assert categorize(offense) == category


@pytest.mark.parametrize(("offense", "category"), [
    # "NO / MINOR INJURY" is about the injury, not a minor.
    ("BATTERY: AGGRAVATED P.O. - HANDS, FISTS, FEET, NO / MINOR INJURY", "assault"),
    ("ASSAULT: PROTECTED EMPLOYEE - HANDS, FISTS, FEET, NO / MINOR INJURY", "assault"),
    ("BATTERY: AGG: HANDS/FIST/FEET NO/MINOR INJURY", "assault"),
    ("DECEPTIVE PRACTICE: FINANCIAL EXPLOITATION OF AN ELDERLY OR DISABLED PERSON", "fraud"),
    ("Non-Criminal: Stay Away or Court Order, Non-DV Related", "other"),
    ("Missing Person: Missing Adult", "other"),
    ("OTHER OFFENSE: ANIMAL ABUSE / NEGLECT", "other"),
    ("Disorderly Conduct: Intimidation: Terrorist Threats", "assault"),
    ("STALKING: SIMPLE", "assault"),
    # Words are matched at their start only.
    ("Burglary: Essex Street storage unit", "burglary"),
    ("Fraud: minority-owned business grant", "fraud"),
    ("Theft: attempt begun at the bus stop", "theft"),
])
def test_texts_that_are_not_sensitive(offense, category):
    assert categorize(offense) == category
    assert category not in SENSITIVE


def test_every_category_has_a_public_name():
    assert set(NAMES) == set(SLUGS)
    assert SENSITIVE <= set(SLUGS)
    assert categorize("Something no rule knows") == "other"
