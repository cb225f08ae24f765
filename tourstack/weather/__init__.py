"""Weather for a trip day: a forecast inside the provider's horizon, else climate normals.

`normals` ships published monthly normals with the source of every figure (and says where a
destination has none); `openweather` asks OpenWeather's One Call API, cached per place and
day; `service.day_weather` picks one and always says which kind it is; `advice` turns it into
warnings and a packing list.
"""

from tourstack.weather.service import DayWeather, day_weather

__all__ = ["DayWeather", "day_weather"]
