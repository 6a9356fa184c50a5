#!/usr/bin/env python3
"""Baseline for BENCHMARKS.md: the same queries through SQLite FTS5 over pdftotext pages.

Extracts every PDF under CORPUS with `pdftotext` (pages split at form feeds, all cores),
loads one FTS5 row per page (tokenizer unicode61, default: no stemming, no compound
splitting), then runs each query of the query file RUNS times, warm, in-process, on one
thread: `... WHERE pages MATCH ? ORDER BY bm25(pages) LIMIT 10`, once without and once with
`snippet()`. Query words are OR-ed (like pubsearch's "most words" fallback), phrases kept as
phrases, operators and filters dropped. Prints one JSON object.

Usage: python3 benches/fts5_compare.py CORPUS [--queries tests/fixtures/queries.tsv]
       [--runs 20] [--db /tmp/pages.sqlite]
"""

import argparse
import json
import os
import re
import sqlite3
import subprocess
import sys
import time
from concurrent.futures import ThreadPoolExecutor


def pdf_files(root):
    if os.path.isfile(root):
        return [root]
    found = []
    for folder, _, names in os.walk(root):
        found += [os.path.join(folder, n) for n in names if n.lower().endswith(".pdf")]
    return sorted(found)


def extract(path):
    out = subprocess.run(["pdftotext", "-enc", "UTF-8", path, "-"], capture_output=True, check=False)
    pages = out.stdout.decode("utf-8", "replace").split("\f")
    if pages and not pages[-1].strip():
        pages.pop()
    return path, pages


def read_queries(path):
    lines = [l for l in open(path, encoding="utf-8").read().splitlines() if l.strip()]
    header = lines[0].split("\t")
    if "query" in header:
        q = header.index("query")
        return [l.split("\t")[q] for l in lines[1:]]
    return [l.strip() for l in lines if not l.startswith("#")]


def to_fts(query):
    """pubsearch query syntax -> an FTS5 MATCH expression (OR of words and phrases)."""
    parts = []
    for phrase in re.findall(r'"([^"]*)"', query):
        words = re.findall(r"\w+", phrase)
        if words:
            parts.append('"' + " ".join(words) + '"')
    rest = re.sub(r'"[^"]*"', " ", query)
    rest = re.sub(r"\b\w+:\S+", " ", rest)  # filters
    for word in re.findall(r"\w+", rest):
        if word in ("AND", "OR", "NOT"):
            continue
        parts.append('"' + word + '"')
    return " OR ".join(parts)


def percentile(sorted_ms, p):
    if not sorted_ms:
        return 0.0
    import math
    rank = math.ceil(p / 100 * len(sorted_ms))
    return sorted_ms[max(rank - 1, 0)]


def stats(ms):
    ms = sorted(ms)
    return {
        "count": len(ms),
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "max_ms": ms[-1] if ms else 0.0,
    }


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("corpus")
    ap.add_argument("--queries", default="tests/fixtures/queries.tsv")
    ap.add_argument("--runs", type=int, default=20)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--db", default=None)
    ap.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    args = ap.parse_args()

    files = pdf_files(args.corpus)
    t0 = time.perf_counter()
    with ThreadPoolExecutor(max_workers=args.jobs) as pool:
        extracted = list(pool.map(extract, files))
    extract_s = time.perf_counter() - t0
    pages = sum(len(p) for _, p in extracted)

    db = args.db or "/tmp/pubsearch-fts5-%d.sqlite" % os.getpid()
    if os.path.exists(db):
        os.remove(db)
    t0 = time.perf_counter()
    con = sqlite3.connect(db)
    con.execute("CREATE VIRTUAL TABLE pages USING fts5(doc UNINDEXED, page UNINDEXED, text)")
    with con:
        for path, texts in extracted:
            doc = os.path.splitext(os.path.basename(path))[0]
            con.executemany(
                "INSERT INTO pages(doc, page, text) VALUES (?, ?, ?)",
                [(doc, i + 1, t) for i, t in enumerate(texts)],
            )
    con.execute("INSERT INTO pages(pages) VALUES ('optimize')")
    con.commit()
    load_s = time.perf_counter() - t0
    size = os.path.getsize(db)

    queries = [to_fts(q) for q in read_queries(args.queries)]
    queries = [q for q in queries if q]
    plain = "SELECT doc, page FROM pages WHERE pages MATCH ? ORDER BY bm25(pages) LIMIT 10"
    with_snippet = (
        "SELECT doc, page, snippet(pages, 2, '[', ']', '…', 32) FROM pages "
        "WHERE pages MATCH ? ORDER BY bm25(pages) LIMIT 10"
    )
    result = {
        "corpus": args.corpus,
        "files": len(files),
        "pages": pages,
        "pdftotext_seconds": extract_s,
        "pdftotext_pages_per_second": pages / extract_s if extract_s else 0,
        "pdftotext_jobs": args.jobs,
        "fts5_load_seconds": load_s,
        "fts5_bytes": size,
        "queries": len(queries),
        "runs": args.runs,
    }
    for name, sql in (("search", plain), ("snippets", with_snippet)):
        for _ in range(args.warmup):
            for q in queries:
                con.execute(sql, (q,)).fetchall()
        ms = []
        for _ in range(args.runs):
            for q in queries:
                t = time.perf_counter()
                con.execute(sql, (q,)).fetchall()
                ms.append((time.perf_counter() - t) * 1000)
        result[name] = stats(ms)
    con.close()
    if not args.db:
        os.remove(db)
    json.dump(result, sys.stdout, indent=2)
    print()


if __name__ == "__main__":
    main()
