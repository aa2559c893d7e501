"""Cities to pick a time zone from, and the nearest one to a shared location.

A shared location is turned into a zone without any online service: the nearest city of
this list, by great-circle distance. Coarse near borders, so the person sees and can fix it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class City:
    name: str
    zone: str
    lat: float
    lon: float


CITIES: tuple[City, ...] = (
    City("London", "Europe/London", 51.51, -0.13),
    City("Lisbon", "Europe/Lisbon", 38.72, -9.14),
    City("Madrid", "Europe/Madrid", 40.42, -3.70),
    City("Paris", "Europe/Paris", 48.86, 2.35),
    City("Berlin", "Europe/Berlin", 52.52, 13.40),
    City("Rome", "Europe/Rome", 41.90, 12.50),
    City("Athens", "Europe/Athens", 37.98, 23.73),
    City("Helsinki", "Europe/Helsinki", 60.17, 24.94),
    City("Istanbul", "Europe/Istanbul", 41.01, 28.98),
    City("Moscow", "Europe/Moscow", 55.76, 37.62),
    City("Dubai", "Asia/Dubai", 25.20, 55.27),
    City("Karachi", "Asia/Karachi", 24.86, 67.01),
    City("Delhi", "Asia/Kolkata", 28.61, 77.21),
    City("Dhaka", "Asia/Dhaka", 23.81, 90.41),
    City("Bangkok", "Asia/Bangkok", 13.76, 100.50),
    City("Singapore", "Asia/Singapore", 1.35, 103.82),
    City("Shanghai", "Asia/Shanghai", 31.23, 121.47),
    City("Tokyo", "Asia/Tokyo", 35.68, 139.69),
    City("Seoul", "Asia/Seoul", 37.57, 126.98),
    City("Perth", "Australia/Perth", -31.95, 115.86),
    City("Adelaide", "Australia/Adelaide", -34.93, 138.60),
    City("Brisbane", "Australia/Brisbane", -27.47, 153.03),
    City("Sydney", "Australia/Sydney", -33.87, 151.21),
    City("Auckland", "Pacific/Auckland", -36.85, 174.76),
    City("Honolulu", "Pacific/Honolulu", 21.31, -157.86),
    City("Anchorage", "America/Anchorage", 61.22, -149.90),
    City("Los Angeles", "America/Los_Angeles", 34.05, -118.24),
    City("Phoenix", "America/Phoenix", 33.45, -112.07),
    City("Denver", "America/Denver", 39.74, -104.99),
    City("Chicago", "America/Chicago", 41.88, -87.63),
    City("Mexico City", "America/Mexico_City", 19.43, -99.13),
    City("New York", "America/New_York", 40.71, -74.01),
    City("Toronto", "America/Toronto", 43.65, -79.38),
    City("Halifax", "America/Halifax", 44.65, -63.57),
    City("Bogotá", "America/Bogota", 4.71, -74.07),
    City("Lima", "America/Lima", -12.05, -77.04),
    City("Santiago", "America/Santiago", -33.45, -70.67),
    City("Buenos Aires", "America/Argentina/Buenos_Aires", -34.60, -58.38),
    City("São Paulo", "America/Sao_Paulo", -23.55, -46.63),
    City("Lagos", "Africa/Lagos", 6.52, 3.38),
    City("Cairo", "Africa/Cairo", 30.04, 31.24),
    City("Nairobi", "Africa/Nairobi", -1.29, 36.82),
    City("Johannesburg", "Africa/Johannesburg", -26.20, 28.05),
)

# The handful offered as buttons; the rest are reached by location or by typing.
QUICK_PICKS: tuple[str, ...] = (
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "Asia/Kolkata",
    "Australia/Sydney",
    "UTC",
)


def _distance_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 6371.0 * 2 * math.asin(min(1.0, math.sqrt(a)))


def nearest_city(lat: float, lon: float) -> City | None:
    """The closest listed city, or None for coordinates that are not on Earth."""
    if not (-90 <= lat <= 90 and -180 <= lon <= 180) or math.isnan(lat) or math.isnan(lon):
        return None
    return min(CITIES, key=lambda c: _distance_km(lat, lon, c.lat, c.lon))
