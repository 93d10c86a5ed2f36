#!/usr/bin/env bash
# Registry load figures on the demo zone (45 enterprises, 62 grids): the live
# coverage rates, locate by GPS, a scoped grid list, and the public placard.
# Loopback only; every run is bounded by wrk's duration.
#   bash bench/registry.sh                      # SQLite in a temp folder
#   DATABASE_URL=postgres://… bash bench/registry.sh   (an empty database)
# Needs: wrk, a release build.
PORT=${PORT:-18080}
source "$(dirname "$0")/lib.sh"
serve --demo

officer=$(token_of zhengh)
leader=$(token_of wangyx)
placard=$(grep -o 'placards/[A-Za-z0-9_-]*' "$work/seed.txt" | head -n 1)

row "GET /stats/coverage (zone)" 64 "$DURATION" -H "Authorization: Bearer $officer" "$base/stats/coverage"
row "GET /grids/locate (zone)" 64 "$DURATION" -H "Authorization: Bearer $officer" "$base/grids/locate?lat=33.770&lng=114.520"
row "GET /grids (leader, scoped)" 64 "$DURATION" -H "Authorization: Bearer $leader" "$base/grids?limit=50"
row "GET /public/placards/{token}" 64 "$DURATION" "$base/public/$placard"
peak_memory
