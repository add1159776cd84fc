"""The Scrapy project: settings, the portal spider, CMS adapters, page extraction and middlewares."""
