from __future__ import annotations

import pytest

from dtks_desktop.services.core import settings as settings_service


@pytest.fixture
def office_db(db, admin):
    """A database whose office is Kabupaten Klaten (33.10)."""
    with db.transaction() as s:
        settings_service.set_office_kab(s, admin, "33.10")
    return db


def make_logo(path, fmt="PNG", size=(240, 300)):
    from PIL import Image, ImageDraw

    im = Image.new("RGB", size, (255, 255, 255))
    d = ImageDraw.Draw(im)
    if min(size) < 120:
        im.save(path, fmt)
        return path
    d.ellipse((10, 10, size[0] - 10, size[1] - 10), fill=(0, 102, 51), outline=(200, 160, 0), width=8)
    d.polygon([(size[0] // 2, 40), (size[0] - 50, size[1] - 60), (50, size[1] - 60)], fill=(230, 190, 20))
    im.save(path, fmt)
    return path
