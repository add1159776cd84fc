"""zwgk: crawl, archive and audit the 政务公开 columns of Chinese county-government portals."""

__version__ = "0.1.0"
