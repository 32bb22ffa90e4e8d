#!/usr/bin/env bash
# Seeds the fuzz corpora (fuzz/corpus/<target>/) at run time from what the
# repository and the shared suite already hold; nothing here is committed
# (fuzz/.gitignore). Safe to re-run: files are named by content hash, so
# running it twice adds nothing, and what the fuzzer found stays.
#
#   scenario_toml  examples/scenarios/*.toml, and every TOML scenario written
#                  inline in the tests (r#"..."# strings holding [[pools]])
#   scenario_json  the same scenarios as JSON (python3's tomllib; skipped
#                  with a note when python3 >= 3.11 is absent)
#   mps            the shared suite's MPS files ($FLEETPLAN_LP_SUITE, else
#                  ../shared/lp) up to 128 KiB (bigger ones only slow the
#                  fuzzer down), and the MPS texts inline in the tests
#   sweep_spec     the sweep specs the tests and README use
#   structured     none (libFuzzer starts from empty arbitrary data)
set -euo pipefail
cd "$(dirname "$0")"
fuzz=$(pwd)
root=$(cd .. && pwd)
corpus="$fuzz/corpus"
suite="${FLEETPLAN_LP_SUITE:-$root/../shared/lp}"
mkdir -p "$corpus"/{scenario_toml,scenario_json,mps,sweep_spec,structured}

# put TARGET FILE: copies FILE into TARGET's corpus under its content hash.
put() {
  local h
  h=$(sha1sum "$2" | cut -c1-16)
  cp "$2" "$corpus/$1/seed-$h"
}

for f in "$root"/examples/scenarios/*.toml; do
  put scenario_toml "$f"
done

n_mps=0
if [ -d "$suite" ]; then
  while IFS= read -r -d '' f; do
    put mps "$f"
    n_mps=$((n_mps + 1))
  done < <(find "$suite" -name '*.mps' -size -129k -print0)
else
  echo "seed.sh: no shared LP suite at $suite; the mps corpus gets the tests' texts only" >&2
fi

# Inline texts of the tests, and the JSON forms of the scenarios.
if command -v python3 >/dev/null && python3 -c 'import tomllib' 2>/dev/null; then
  python3 - "$root" "$corpus" <<'PY'
import glob, hashlib, json, os, re, sys, tomllib
root, corpus = sys.argv[1], sys.argv[2]

def put(target, text):
    data = text.encode()
    h = hashlib.sha1(data).hexdigest()[:16]
    with open(os.path.join(corpus, target, "seed-" + h), "wb") as f:
        f.write(data)

scenarios = [open(p).read() for p in sorted(glob.glob(os.path.join(root, "examples/scenarios/*.toml")))]
for p in sorted(glob.glob(os.path.join(root, "tests/**/*.rs"), recursive=True)):
    src = open(p).read()
    for m in re.finditer(r'r#"(.*?)"#', src, re.S):
        t = m.group(1)
        if "[[pools]]" in t:
            put("scenario_toml", t)
            scenarios.append(t)
        elif "ROWS" in t and "COLUMNS" in t:
            put("mps", t)
    for m in re.finditer(r'"([A-Za-z_\[\]0-9.\-]+=[-0-9.e,:]+)"', src):
        put("sweep_spec", m.group(1))
for t in scenarios:
    try:
        v = tomllib.loads(t)
    except tomllib.TOMLDecodeError:
        continue  # a format! template; the TOML target still has it
    put("scenario_json", json.dumps(v, default=str, indent=1))
PY
else
  echo "seed.sh: python3 with tomllib (>= 3.11) not found; scenario_json and the tests' inline texts are not seeded" >&2
fi

# Sweep specs of every form the parser knows (README and tests/sweep.rs).
i=0
for s in \
  'pools[ascend-910c-buy].ownership.unit_price_usd=5000..60000:12' \
  'policy.rules[3].levy=0.5,1.5' \
  'budget.capex_usd=1e9..2e9:20' \
  'pools[h800].count=0..2048:9' \
  'phases[0].deadline_days=30,45,60' \
  'settings.time_limit_s=1'; do
  printf '%s' "$s" >"$corpus/sweep_spec/fixed-$i"
  i=$((i + 1))
done

for t in scenario_toml scenario_json mps sweep_spec structured; do
  echo "$t: $(find "$corpus/$t" -type f | wc -l) inputs"
done
