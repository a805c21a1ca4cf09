#!/usr/bin/env bash
# Completes `next build`'s standalone server (.next/standalone) with what Next.js leaves to the deployer:
# the static assets and public/ (docs/deploying.md). The Dockerfile does the same with COPY.
set -euo pipefail
cd "$(dirname "$0")/.."
test -f .next/standalone/server.js || { echo "No .next/standalone/server.js: run npx next build first" >&2; exit 1; }
rm -rf .next/standalone/.next/static .next/standalone/public
mkdir -p .next/standalone/.next
cp -R .next/static .next/standalone/.next/static
cp -R public .next/standalone/public
