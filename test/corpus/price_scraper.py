"""Collect competitor prices for the pricing agent.

Reads product URLs from urls.txt (one per line), fetches each page, extracts
the price and appends a row to prices.csv.  Started by the pricing agent for
every pricing task, so many copies may run at the same time.
"""
import csv
import hashlib
import re
import sys
import time
from urllib.parse import urlsplit
from urllib.request import urlopen

import requests

USER_AGENT = "openclaw-pricing/1.4 (+https://example.invalid/bot)"
HEADERS = {"User-Agent": USER_AGENT, "Accept-Language": "en"}
CURRENCY_RE = re.compile(r"(EUR|USD|GBP|€|\$|£)")

visited = []


def fetch(url):
    """GET a page, backing off on 429 Too Many Requests."""
    for attempt in range(3):
        resp = requests.get(url, headers=HEADERS)
        if resp.status_code != 429:
            resp.raise_for_status()
            return resp.text
        time.sleep(2 ** attempt)
    raise RuntimeError("rate limited: %s" % url)


def robots_txt(url):
    parts = urlsplit(url)
    with urlopen("%s://%s/robots.txt" % (parts.scheme, parts.netloc)) as resp:
        return resp.read().decode("utf-8", "replace")


def allowed(url):
    path = urlsplit(url).path
    for line in robots_txt(url).splitlines():
        if line.lower().startswith("disallow:"):
            rule = line.split(":", 1)[1].strip()
            if rule and path.startswith(rule):
                return False
    return True


def extract_price(page):
    price_re = re.compile(r'itemprop="price"\s+content="([\d.]+)"')
    m = price_re.search(page)
    if not m:
        return None
    currency = CURRENCY_RE.search(page)
    return float(m.group(1)), currency.group(1) if currency else "?"


def main(url_file="urls.txt", out_file="prices.csv"):
    with open(url_file, encoding="utf-8") as fh:
        urls = [line.strip() for line in fh if line.strip() and not line.startswith("#")]

    with open(out_file, "a", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        for url in urls:
            if url in visited:
                continue
            visited.append(url)
            if not allowed(url):
                continue
            page = fetch(url)
            price = extract_price(page)
            checksum = hashlib.sha1(page.encode("utf-8")).hexdigest()
            writer.writerow([url, price, checksum, int(time.time())])
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
