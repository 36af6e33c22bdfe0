"""Made-up panel files in the real formats, for the panel tests. None of these numbers is real
trade: they are invented, small enough to check by hand.

BACI's format (CEPII's BACI documentation; docs/panel.md): one CSV a year named
``BACI_HS92_Y{year}_V{release}.csv`` with the header ``t,i,j,k,v,q`` (value in US$ thousands
with three decimals, quantity in tonnes or ``NA``), and ``country_codes_V{release}.csv`` with
``country_code,country_name,country_iso2,country_iso3``. The codes used are BACI's own (Comtrade's):
251 France, 699 India, 842 USA, 757 Switzerland.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

CODES = """\
country_code,country_name,country_iso2,country_iso3
251,France,FR,FRA
699,India,IN,IND
757,Switzerland,CH,CHE
842,USA,US,USA
"""

YEARS = {
    2022: """\
t,i,j,k,v,q
2022,251,699,010121,1234.567,12.5
2022,251,699,870321,89.001,NA
2022,699,251,870321,0.5,
2022,842,757,300490,1000000.125,3.25
2022,757,842,300490,777.777,1
""",
    2023: """\
t,i,j,k,v,q
2023,251,699,010121,2000.001,10
2023,251,699,010129,0.999,NA
2023,699,251,870321,15.25,2
2023,842,757,300490,123.456,0.5
""",
}
"""Made-up yearly files of a release ``V202501``."""

TIDY_TOTALS = """\
exporter,importer,year,value_usd_m
FRA,IND,2022,1.323568
IND,FRA,2022,0.0005
USA,CHE,2022,1000.000125
CHE,USA,2022,0.777777
FRA,IND,2023,2.001
IND,FRA,2023,0.01525
USA,CHE,2023,0.123456
"""
"""The same flows summed over products by hand and divided by 1,000 (US$ thousands -> million):
FRA->IND 2022 = (1234.567 + 89.001) / 1000 = 1.323568; FRA->IND 2023 = (2000.001 + 0.999) / 1000
= 2.001; the others have one product each."""


def baci_zip(folder: Path, years: dict[int, str] = YEARS, release: str = "V202501",
             codes: str = CODES) -> Path:  # fmt: skip
    """A release zip as CEPII ships it: the yearly files and the country codes."""
    path = folder / f"BACI_HS92_{release}.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for year, text in years.items():
            archive.writestr(f"BACI_HS92_Y{year}_{release}.csv", text)
        archive.writestr(f"country_codes_{release}.csv", codes)
        archive.writestr(f"product_codes_HS92_{release}.csv", "code,description\n")
    return path


def baci_files(folder: Path, years: dict[int, str] = YEARS, release: str = "V202501") -> list[Path]:
    """The same release unpacked: yearly CSVs and the codes file side by side."""
    paths = []
    for year, text in years.items():
        path = folder / f"BACI_HS92_Y{year}_{release}.csv"
        path.write_text(text, encoding="utf-8")
        paths.append(path)
    (folder / f"country_codes_{release}.csv").write_text(CODES, encoding="utf-8")
    return paths


def tidy(folder: Path, text: str = TIDY_TOTALS, name: str = "totals.csv") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path
