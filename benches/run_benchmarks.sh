#!/usr/bin/env bash
# Reproduces the tables of BENCHMARKS.md: generates the scale corpora, indexes each corpus from
# scratch and again unchanged, runs `pubsearch bench` on it and the SQLite FTS5 baseline
# (benches/fts5_compare.py), times indexing with one thread and with all cores and against
# pdftotext alone, and times the CLI end to end with hyperfine.
#
# Usage: benches/run_benchmarks.sh [OUT_DIR] [SIZES...]   (default: target/bench-runs 1000 10000 100000)
# Needs a release build (cargo build --release), pdftotext, python3, hyperfine.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${PUBSEARCH_BIN:-${CARGO_TARGET_DIR:-target}/release/pubsearch}
OUT=${1:-target/bench-runs}
shift || true
SIZES=${*:-1000 10000 100000}
mkdir -p "$OUT"

run_corpus() { # name corpus_dir bench_runs
  local name=$1 corpus=$2 runs=$3 index="$OUT/index-$1"
  rm -rf "$index"
  /usr/bin/time -f '%e %U %S %M' -o "$OUT/$name.index-time" \
    "$BIN" index "$corpus" --index "$index" --json > "$OUT/$name.index.json"
  /usr/bin/time -f '%e %U %S %M' -o "$OUT/$name.reindex-time" \
    "$BIN" index "$corpus" --index "$index" --json > "$OUT/$name.reindex.json"
  du -sb "$index" | cut -f1 > "$OUT/$name.index-bytes"
  "$BIN" bench --index "$index" --runs "$runs" --warmup 3 --json > "$OUT/$name.bench.json"
  python3 benches/fts5_compare.py "$corpus" --runs "$runs" > "$OUT/$name.fts5.json"
  echo "$name done: $(cat "$OUT/$name.index-time")"
}

run_corpus real corpus 20
for n in $SIZES; do
  dir="$OUT/gen-$n"
  [ -f "$dir/manifest.json" ] || "$BIN" gen-corpus --pages "$n" --out "$dir" > "$OUT/gen-$n.gen.txt"
  runs=20; [ "$n" -ge 100000 ] && runs=5
  run_corpus "gen-$n" "$dir" "$runs"
done
# Indexing speed-up from one thread to all cores, on the 10k corpus (or the largest below it).
scale=$(for n in $SIZES; do if [ "$n" -le 10000 ]; then echo "$n"; fi; done | tail -1)
if [ -n "$scale" ]; then
  for t in 1 0; do
    /usr/bin/time -f '%e %U %S %M' -o "$OUT/gen-$scale.threads-$t.index-time" \
      "$BIN" index "$OUT/gen-$scale" --index "$OUT/index-threads-$t" --full --threads "$t" --json \
      > /dev/null
    rm -rf "$OUT/index-threads-$t"
  done
  # The same one-thread build held to one core: at --threads 1 the main thread (lexicon, spill
  # file) still runs beside the extraction thread, on the other core when there is one.
  if command -v taskset > /dev/null; then
    /usr/bin/time -f '%e %U %S %M' -o "$OUT/gen-$scale.threads-1-one-core.index-time" \
      taskset -c 0 "$BIN" index "$OUT/gen-$scale" --index "$OUT/index-threads-1" --full \
      --threads 1 --json > /dev/null
    rm -rf "$OUT/index-threads-1"
  fi
  # Indexing against pdftotext on one core, three interleaved rounds: pdftotext run once per
  # PDF (it takes one file), then a full one-thread build of the same files. Each line of a
  # .time file is wall, user and system seconds.
  for r in 1 2 3; do
    /usr/bin/time -f '%e %U %S' -o "$OUT/gen-$scale.pdftotext-$r.time" \
      sh -c 'for f in "$1"/*.pdf; do pdftotext "$f" /dev/null; done' sh "$OUT/gen-$scale"
    /usr/bin/time -f '%e %U %S' -o "$OUT/gen-$scale.index-one-thread-$r.time" \
      "$BIN" index "$OUT/gen-$scale" --index "$OUT/index-one-thread" --full --threads 1 --json \
      > /dev/null
    rm -rf "$OUT/index-one-thread"
  done
fi
hyperfine -N --warmup 3 --runs 50 --export-json "$OUT/cli.hyperfine.json" \
  "$BIN search 'handlingsplaner for forebyggelse' --index $OUT/index-real" \
  "$BIN search mentortræf --index $OUT/index-real" \
  "$BIN search 'radgivning af kommuner' --index $OUT/index-real --json" > "$OUT/cli.hyperfine.txt"
echo "all done"
