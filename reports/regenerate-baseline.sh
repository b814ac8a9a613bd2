#!/usr/bin/env bash
# Regenerates reports/baseline/ (report.json, results.jsonl, report.md): the default timeout
# matrix run on the embedded emulator with its default behaviour profile. `ecs-diag regress`
# gates later runs against it (see reports/README.md).
#
# Usage: reports/regenerate-baseline.sh            (from anywhere in the checkout)
#        ECS_DIAG="npx ecs-diag" reports/regenerate-baseline.sh   (use another ecs-diag)
set -euo pipefail
cd "$(dirname "$0")/.."

if [ -z "${ECS_DIAG:-}" ]; then
  npm run --silent build
  ECS_DIAG="node dist/src/cli/bin.js"
fi

out=reports/baseline
new="reports/.baseline-new-$$"
rm -rf "$new"
trap 'rm -rf "$new"' EXIT

# The default profile is the emulator's default: no --emulator-profile flag on purpose.
$ECS_DIAG run timeout-matrix --target local --out "$new"

# Refuse to install a run that does not load, is partial, or has no kill window.
$ECS_DIAG report "$new" --format json >"$new/.check.json"
node -e '
  const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8"));
  if (r.partial) { console.error("the run is partial: not installing it as the baseline"); process.exit(1); }
  if (r.target.figureKind !== "emulator-model") { console.error("not an emulator run"); process.exit(1); }
  if (!(r.killWindow.n > 0)) { console.error("no case was killed: not a usable baseline"); process.exit(1); }
  const errors = r.cases.filter((c) => c.outcome === "error");
  if (errors.length > 0) {
    console.error(`${errors.length} case(s) ended in an error (${errors.map((c) => c.caseId + " " + c.error.code).join(", ")}): not a usable baseline`);
    process.exit(1);
  }
  console.error(`kill window n=${r.killWindow.n} min=${r.killWindow.min} median=${r.killWindow.median} max=${r.killWindow.max}`);
' "$new/.check.json"
rm -f "$new/.check.json"

rm -rf "$out"
mkdir -p "$out"
for f in report.json results.jsonl report.md; do
  [ -f "$new/$f" ] && cp "$new/$f" "$out/$f"
done
echo "baseline written to $out; review the diff (git diff $out) and commit it"
