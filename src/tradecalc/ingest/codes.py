"""ISO 3166 alpha-3 codes to UN Comtrade's numeric reporter and partner codes, offline.

Comtrade's codes are ISO 3166 numeric (from `pycountry`) except where Comtrade's territory
differs from ISO's. Among current reporters exactly five differ (UN Comtrade, reference file
``Reporters.json``, https://comtradeapi.un.org/files/v1/app/reference/Reporters.json, and
``partnerAreas.json``, as published in June 2025): they are :data:`EXCEPTIONS`. Early years use
older codes (USA 841 to 1980, India 356 to 1974); :func:`iso3_of` knows them so that rows of
those years are read, but a request always uses the current code.
"""

from __future__ import annotations

EXCEPTIONS: dict[str, int] = {
    "FRA": 251,  # France with Monaco (ISO 250)
    "IND": 699,  # India (ISO 356)
    "NOR": 579,  # Norway with Svalbard and Jan Mayen (ISO 578)
    "CHE": 757,  # Switzerland with Liechtenstein (ISO 756)
    "USA": 842,  # USA with Puerto Rico and the US Virgin Islands (ISO 840)
}
"""Comtrade's codes that are not the ISO 3166 numeric code of the same alpha-3 code."""

EXCEPTIONS_SOURCE = (
    "UN Comtrade reference files Reporters.json and partnerAreas.json (June 2025), "
    "https://comtradeapi.un.org/files/v1/app/reference/Reporters.json"
)

_OLD_CODES: dict[int, str] = {841: "USA", 356: "IND"}
"""Codes of earlier years that the same economy reported under (Reporters.json)."""

WORLD_CODE = 0
"""Comtrade's partner code of the world (ISO3 ``W00``)."""


def comtrade_code(iso3: str) -> int | None:
    """Comtrade's numeric code of an ISO 3166 alpha-3 code, or None if it is not one.

    >>> comtrade_code("PAK"), comtrade_code("AZE"), comtrade_code("USA"), comtrade_code("XXX")
    (586, 31, 842, None)
    """
    if iso3 in EXCEPTIONS:
        return EXCEPTIONS[iso3]
    import pycountry

    country = pycountry.countries.get(alpha_3=iso3)
    return int(country.numeric) if country is not None else None


def iso3_of(code: int) -> str | None:
    """The ISO 3166 alpha-3 code of a Comtrade code (current or earlier), or None.

    >>> iso3_of(842), iso3_of(841), iso3_of(586), iso3_of(899)
    ('USA', 'USA', 'PAK', None)
    """
    for iso3, number in EXCEPTIONS.items():
        if number == code:
            return iso3
    if code in _OLD_CODES:
        return _OLD_CODES[code]
    import pycountry

    country = pycountry.countries.get(numeric=f"{code:03d}")
    if country is None or country.alpha_3 in EXCEPTIONS:  # ISO 840 is not Comtrade's USA
        return None
    return country.alpha_3
