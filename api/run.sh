#!/bin/sh
# Checks (or with --local, rewrites) the committed API reports of every package entry point:
# a change to the public face shows in review as a change to api/*.api.md.
set -e
cd "$(dirname "$0")/.."
for config in api/*.json; do
  case "$config" in *api-extractor.base.json) continue ;; esac
  npx api-extractor run "$@" -c "$config" >/dev/null || {
    echo "API report of $config is out of date: run 'npm run api:report' and commit api/*.api.md" >&2
    exit 1
  }
done
echo "API reports up to date"
