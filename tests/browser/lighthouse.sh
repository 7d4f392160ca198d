#!/usr/bin/env bash
# Lighthouse 12.2.3 (mobile, its default form factor) on the public pages: prints the four
# category scores (performance, accessibility, best practices, SEO) of each page.
# Run on demand, not in CI:  tests/browser/lighthouse.sh
#
# With BASE_URL set (e.g. BASE_URL=http://127.0.0.1:8000 after `make run`) it audits that server.
# Without it, it builds its own demo world in /tmp (database and search index of its own, so the
# shared var/ is left alone), serves it with gunicorn on 127.0.0.1:$PORT (DEBUG off, static files
# from whitenoise as in production) and stops it at the end. Lighthouse comes from npm through
# npx the first time (network needed then); Chromium is Debian's, as for the browser tests.
# Reports (HTML and JSON) are kept in $OUT.
set -euo pipefail
cd "$(dirname "$0")/../.."

LIGHTHOUSE="lighthouse@12.2.3"
PY=.venv/bin/python
PORT="${PORT:-8765}"
OUT="${OUT:-/tmp/skillbridge-lighthouse}"
export CHROME_PATH="${CHROME_PATH:-/usr/bin/chromium}"
mkdir -p "$OUT"

if [ -z "${BASE_URL:-}" ]; then
  BASE_URL="http://127.0.0.1:$PORT"
  export DJANGO_SETTINGS_MODULE=backend.settings.local DJANGO_DEBUG=False LOG_LEVEL=WARNING
  export DATABASE_URL="${DATABASE_URL:-sqlite:///$OUT/demo.sqlite3}"
  export SEARCH_FTS5_PATH="${SEARCH_FTS5_PATH:-$OUT/demo-search.sqlite3}"
  rm -f "$OUT"/demo.sqlite3* "$OUT"/demo-search.sqlite3*
  echo "demo data into $DATABASE_URL ..."
  $PY manage.py migrate -v0
  $PY manage.py setup_demo >/dev/null
  $PY manage.py collectstatic --no-input -v0
  .venv/bin/gunicorn backend.wsgi --bind "127.0.0.1:$PORT" --workers 2 --log-level warning &
  SERVER=$!
  trap 'kill "$SERVER" 2>/dev/null || true' EXIT
  for _ in $(seq 60); do curl -fs -o /dev/null "$BASE_URL/healthz" && break; sleep 0.5; done
fi

# The first job and course the search page links to (ids differ between databases).
first_link() {  # $1: search query string, $2: /jobs/ or /courses/
  curl -fs "$BASE_URL/search/?$1" | grep -o "href=\"$2[0-9]*/\"" | head -1 | cut -d'"' -f2
}
JOB=$(first_link "kind=job" /jobs/)
COURSE=$(first_link "kind=training" /courses/)
PAGES=(/ "/search/?q=%E7%94%B5%E5%B7%A5" "$JOB" "$COURSE" /login/)
if curl -fs -o /dev/null "$BASE_URL/privacy/"; then PAGES+=(/privacy/); fi

printf "%-34s %5s %5s %5s %5s\n" page perf a11y best seo
for path in "${PAGES[@]}"; do
  [ -n "$path" ] || continue
  name=$(echo "$path" | tr -c 'A-Za-z0-9\n' '_' | sed 's/^_*$/home/')
  npx --yes "$LIGHTHOUSE" "$BASE_URL$path" --quiet --output=json --output=html \
    --output-path="$OUT/$name" --only-categories=performance,accessibility,best-practices,seo \
    --chrome-flags="--headless=new --no-sandbox --disable-dev-shm-usage" >/dev/null 2>"$OUT/$name.log" \
    || { echo "$path: lighthouse failed, see $OUT/$name.log"; continue; }
  $PY - "$OUT/$name.report.json" "$(printf '%b' "${path//%/\\x}")" <<'EOF'
import json, sys

report = json.load(open(sys.argv[1]))
scores = [report["categories"][c]["score"] for c in ("performance", "accessibility", "best-practices", "seo")]
print(f"{sys.argv[2]:<34}", *(f"{round(s * 100):>5}" if s is not None else "    -" for s in scores))
EOF
done
echo "reports in $OUT"
