"""Gather every benchmark's JSON (bench/<name>.json) into bench/results.json, by name."""

import json
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "results.json"

results = {}
for path in sorted(BENCH.glob("*.json")):
    if path != RESULTS:
        results[path.stem] = json.loads(path.read_text())
RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n")
print(f"Benchmark results gathered in {RESULTS.relative_to(BENCH.parent)}: {', '.join(results)}")
