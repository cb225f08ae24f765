"""Sample trip documents for the demo: a few approved itineraries written under `var/itineraries/`.

Why approved ones with dates: they are what an agent would hand a customer, and dated days get
real weather (climate normals for the demo's dates, which lie beyond any forecast horizon).
Destinations with shipped climate normals come first so the samples show figures with their
source; the count is small because each PDF costs about a second. `--screenshot` also writes a
PNG of one day page (the docs' screenshot), rasterised from the PDF itself with pypdfium2.
"""

from __future__ import annotations

import argparse
import datetime as dt
from pathlib import Path

from sqlalchemy import select

from reports.itinerary.pdf import render_pdf
from tourstack.db.engine import make_engine, make_sessionmaker
from tourstack.db.models import Destination, Itinerary
from tourstack.itinerary.tripdoc import build_document
from tourstack.weather.normals import sourced_destinations


def write_samples(url: str, out_dir: Path, *, limit: int = 2, today: dt.date | None = None) -> list[Path]:
    out_dir.mkdir(parents=True, exist_ok=True)
    engine = make_engine(url)
    written: list[Path] = []
    try:
        with make_sessionmaker(engine)() as session:
            rows = session.execute(
                select(Itinerary, Destination.name).join(Destination, Destination.id == Itinerary.destination_id)
                .where(Itinerary.status == "approved", Itinerary.start_date.is_not(None),
                       Itinerary.deleted_at.is_(None)).order_by(Itinerary.id)).all()
            sourced = {d.casefold() for d in sourced_destinations()}
            rows.sort(key=lambda r: (r[1].casefold() not in sourced, r[0].id))
            seen: set[str] = set()
            for itinerary, destination in rows:
                if destination in seen:
                    continue
                seen.add(destination)
                doc = build_document(session, itinerary, today=today)
                path = out_dir / f"itinerary-{itinerary.id}-{destination.lower().replace(' ', '-')}.pdf"
                path.write_bytes(render_pdf(doc))
                written.append(path)
                if len(written) >= limit:
                    break
    finally:
        engine.dispose()
    return written


def screenshot(pdf: Path, png: Path, page: int = 2, scale: float = 1.5) -> Path:
    """PNG of one page (0-based; 2 is the first day page). Needs pypdfium2 (a dev dependency)."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    png.parent.mkdir(parents=True, exist_ok=True)
    document[min(page, len(document) - 1)].render(scale=scale).to_pil().save(png)
    return png


def main() -> None:
    from tourstack.settings import get_settings

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=2)
    parser.add_argument("--screenshot", type=Path, help="also write a PNG of the first sample's day 1 page")
    args = parser.parse_args()
    settings = get_settings()
    paths = write_samples(settings.operational_url, settings.home / "itineraries", limit=args.limit)
    for path in paths:
        print(path)
    if args.screenshot and paths:
        print(screenshot(paths[0], args.screenshot))


if __name__ == "__main__":
    main()
