"""Cold first dashboard view: a fresh browser profile (empty cache) logs in through the login form and
waits until every chart of the dashboard is drawn. Prints min/median/max over RUNS runs.

    .venv/bin/python bench/first_view.py URL USERNAME PASSWORD [--runs 5] [--mbit 10]

--mbit throttles the browser's network (download and upload, 20 ms latency) through Chrome's
DevTools protocol; without it the page loads over loopback.
"""

import argparse
import statistics
import time

from playwright.sync_api import sync_playwright

ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]


def one_run(browser, url, username, password, mbit):
    context = browser.new_context(viewport={"width": 1440, "height": 900}, locale="vi-VN")
    page = context.new_page()
    sizes = {}
    page.on("requestfinished", lambda r: sizes.__setitem__(r.url, r.sizes()["responseBodySize"]))
    if mbit:
        cdp = context.new_cdp_session(page)
        rate = mbit * 1_000_000 / 8
        cdp.send(
            "Network.emulateNetworkConditions",
            {
                "offline": False,
                "latency": 20,
                "downloadThroughput": rate,
                "uploadThroughput": rate,
            },
        )
    page.goto(url + "/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    started = time.perf_counter()
    page.press("#id_password", "Enter")
    page.wait_for_url(lambda u: "/accounts/login/" not in u)
    page.wait_for_function(
        "() => { const n = document.querySelectorAll('.chart-canvas').length;"
        " return n > 0 && document.querySelectorAll('.chart-canvas .main-svg').length >= n; }",
        polling="raf",
        timeout=60_000,
    )
    elapsed = time.perf_counter() - started
    script = sum(v for k, v in sizes.items() if "plotly" in k)
    total = sum(sizes.values())
    context.close()
    return elapsed, script, total


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("username")
    parser.add_argument("password")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--mbit", type=float, default=0)
    args = parser.parse_args()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        one_run(
            browser, args.url, args.username, args.password, args.mbit
        )  # warm the server, not the browser
        results = [
            one_run(browser, args.url, args.username, args.password, args.mbit) for _ in range(args.runs)
        ]
        browser.close()
    times = sorted(r[0] for r in results)
    print(
        f"{args.runs} runs, network {f'{args.mbit:g} Mbit/s' if args.mbit else 'loopback'}: "
        f"min {times[0]:.2f} s, median {statistics.median(times):.2f} s, max {times[-1]:.2f} s; "
        f"plotly bytes on the wire {results[0][1]:,}, all bytes {results[0][2]:,}"
    )


if __name__ == "__main__":
    main()
