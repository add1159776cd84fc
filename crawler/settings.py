"""Scrapy settings for zwgk: polite by default on real portals; ``zwgk`` overrides per run.

``crawler.runner.crawl_settings`` loosens politeness for loopback targets (the bundled replica)
and sets the database URL; everything here can be overridden with ``-s NAME=VALUE``.
"""

from __future__ import annotations

BOT_NAME = "zwgk"
SPIDER_MODULES = ["crawler.spiders"]
NEWSPIDER_MODULE = "crawler.spiders"

USER_AGENT = "zwgk/0.1 (government-disclosure archiver; +https://github.com/zwgk/zwgk)"
DEFAULT_REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    "Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5",
}

# Politeness on real portals: robots.txt, AutoThrottle, at most 2 concurrent requests per host.
ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 2
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 1.0
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0

# Scrapy spawns CONCURRENT_ITEMS tasks per response; our callbacks yield few records, and
# measured here the default of 100 costs a third of a fast crawl's time.
CONCURRENT_ITEMS = 4
TWISTED_REACTOR = "twisted.internet.epollreactor.EPollReactor"

DOWNLOAD_TIMEOUT = 30
DOWNLOAD_MAXSIZE = 20 * 1024 * 1024
DOWNLOAD_WARNSIZE = 5 * 1024 * 1024
REDIRECT_MAX_TIMES = 5
RETRY_ENABLED = True
RETRY_TIMES = 2
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
REMOTE_CONTROL_ENABLED = False
HTTPCACHE_ENABLED = False
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"
LOG_LEVEL = "INFO"
LOG_FORMATTER = "crawler.logformatter.QuietLogFormatter"

# Scrapy's middlewares cost time on every request and on every record a callback yields (each
# spider middleware wraps the callback's output in one more async generator): measured on the
# benchmark site, a crawl yielding three records a page spent twice the CPU with the default set.
# Kept: robots.txt, timeout, default headers, user agent, retry, meta refresh, compression, proxy.
# Left out: Offsite (ScopeMiddleware does it, at every redirect hop too), HttpAuth (no portal
# needs it), cookies (off), DownloaderStats (our own zwgk/* stats count what the run reports).
DOWNLOADER_MIDDLEWARES_BASE = {
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": 100,
    "scrapy.downloadermiddlewares.downloadtimeout.DownloadTimeoutMiddleware": 350,
    "scrapy.downloadermiddlewares.defaultheaders.DefaultHeadersMiddleware": 400,
    "scrapy.downloadermiddlewares.useragent.UserAgentMiddleware": 500,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": 550,
    "crawler.middlewares.KeepRefererMetaRefreshMiddleware": 580,
    "scrapy.downloadermiddlewares.httpcompression.HttpCompressionMiddleware": 590,
    "scrapy.downloadermiddlewares.httpproxy.HttpProxyMiddleware": 750,
}
# Spider middlewares: only the one that marks start requests. HttpError passes everything anyway
# (every request asks for every status), the spider sets Referer itself, ScopeMiddleware refuses
# over-long URLs, and walks are bounded by ZWGK_MAX_LIST_PAGES and discovery depth, not Depth.
SPIDER_MIDDLEWARES_BASE = {
    "scrapy.spidermiddlewares.start.StartSpiderMiddleware": 25,
}
# Scope before robots.txt (no robots fetch off-site); redirects followed by our own middleware,
# which checks scope at every hop even though the spider handles every HTTP status itself.
DOWNLOADER_MIDDLEWARES = {
    "crawler.middlewares.ScopeMiddleware": 50,
    "crawler.middlewares.ListPageCapMiddleware": 60,
    "scrapy.downloadermiddlewares.redirect.RedirectMiddleware": None,
    "crawler.middlewares.FollowRedirectMiddleware": 600,
}
# One page that keeps failing is recorded as an error, not logged as an ERROR that fails the run.
RETRY_GIVE_UP_LOG_LEVEL = "WARNING"
# A column's listing stops after this many pages (0: no cap): an endless pagination ends.
ZWGK_MAX_LIST_PAGES = 500
ZWGK_SCOPE_ENABLED = True

# One Scrapy pipeline running the stages below in order (pipelines/chain.py): Scrapy's per-stage
# machinery cost more than the stages' own work. ``-s ITEM_PIPELINES={}`` still turns all off.
ITEM_PIPELINES = {"pipelines.chain.PipelineChain": 100}
ZWGK_PIPELINES = {
    "pipelines.validate.ValidatePipeline": 100,
    "pipelines.normalise.NormalisePipeline": 200,
    "pipelines.classify.ClassifyPipeline": 300,
    "pipelines.hijack.IntegrityPipeline": 400,
    "pipelines.inspect.InspectPipeline": 450,
    "pipelines.archive.ArchivePipeline": 500,
    "pipelines.store.StorePipeline": 900,
}

# The inspector's checks in a crawl (attachments, personal data, wording, links seen); ``zwgk crawl
# --no-inspect`` turns them off. Budgets per site, unless the profile's politeness sets them.
ZWGK_INSPECT = True
ZWGK_ATTACHMENT_BUDGET = 500
ZWGK_ATTACHMENT_MAX_BYTES = 20 * 1024 * 1024

# Where the store pipeline writes; ``zwgk crawl`` sets it from --data / --db.
ZWGK_DB_URL = None
# Where the archive pipeline writes WARC files; ``zwgk crawl`` sets it to DATA/warc.
ZWGK_WARC_DIR = None
# Size at which a WARC file is closed and the next one begun.
ZWGK_WARC_MAX_BYTES = 100 * 2**20
# Monitors: a completely walked column listing fewer than this share of its best count in the
# last runs is flagged, once it has at least ZWGK_MONITOR_MIN_HISTORY earlier complete runs.
ZWGK_MONITOR_MIN_SHARE = 0.5
ZWGK_MONITOR_MIN_HISTORY = 2
# Worker processes reading detail pages (extraction + integrity scan, crawler/analysis.py) while
# this process fetches and stores; 0 reads them inline. One is enough for a 2-core machine.
ZWGK_ANALYSIS_PROCESSES = 1
# Seconds one page may take in a page-analysis worker; past it the worker is killed and replaced,
# the page recorded as an error saying so (crawler/analysis.py). 0: no limit.
ZWGK_ANALYSIS_DEADLINE = 60.0
# Records written per transaction by the store pipeline.
ZWGK_STORE_BATCH = 500
# Hub pages are followed this deep from the home page when discovering columns.
ZWGK_DISCOVERY_DEPTH = 3
# The crawl's clock (crawler/clock.py): None is the system clock; tests set a FixedClock.
ZWGK_CLOCK = None

# A crawl past one machine (crawler/cluster/): ``zwgk worker`` sets these for its run.
ZWGK_DISTRIBUTED = False
ZWGK_REDIS_URL = None
ZWGK_REDIS_PREFIX = "zwgk"
# Seconds a worker's leases outlive its last heartbeat (a thread, renewing every 0.5 s while the
# reactor turns); then any live worker puts them back in the queue (crawler/cluster/leases.py).
ZWGK_LEASE_TTL = 5.0
# Per-host politeness all workers hold together (crawler/cluster/politeness.py): a profile's
# download_delay and concurrent_per_host override the first two; loopback hosts get the last two.
ZWGK_HOST_DELAY = 0.5
ZWGK_HOST_CONCURRENCY = 2
ZWGK_LOOPBACK_DELAY = 0.0
ZWGK_LOOPBACK_CONCURRENCY = 32
# Seconds between progress reports of a crawl when the console is not a terminal (one log line
# each); a terminal shows a live line instead. A test sets it short: -s ZWGK_PROGRESS_INTERVAL=0.5.
ZWGK_PROGRESS_INTERVAL = 60.0
