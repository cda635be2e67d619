#!/usr/bin/env bash
# Soak run of the property-based hostile-input tests: many more examples than CI runs,
# fresh random ones each time, with hypothesis's statistics (inputs tried, outcomes).
# Usage: bench/reliability/fuzz.sh [EXAMPLES_PER_300_IN_CI]   (default 6000: 20x CI)
set -euo pipefail
cd "$(dirname "$0")/../.."
export SEARCHSVC_FUZZ_EXAMPLES="${1:-6000}"
exec .venv/bin/python -m pytest -q -p no:cacheprovider tests/test_hostile.py --hypothesis-show-statistics
