#!/usr/bin/env bash
# Installs, from Debian's packages, what the tests need beyond Python: PostgreSQL 15,
# Chromium with its driver, CJK fonts (pages and PDFs in Chinese: Noto CJK for 宋/黑, AR PL
# UKai for 楷), the libraries WeasyPrint renders the notices with (Pango, HarfBuzz subset),
# poppler-utils (pdftoppm) and gettext (tests/i18n compares locale/en/.../django.po with the
# strings the sources mark; the compiled django.mo is committed, so running needs no gettext).
# Only what is missing; a machine that has everything costs no apt call.
# scripts/test.sh runs it when CI=true. Needs root (or sudo).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(postgresql chromium chromium-driver fonts-noto-cjk fonts-arphic-ukai poppler-utils
          libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig gettext)

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

missing=()
for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
# `python3 -m venv` needs ensurepip, which Debian ships apart.
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)

if [ ${#missing[@]} -eq 0 ]; then
  echo "==> system packages present: ${packages[*]}"
  exit 0
fi

sudo=()
[ "$(id -u)" -eq 0 ] || sudo=(sudo -n)
mkdir -p var/log
log=$PWD/var/log/ci-apt.log
echo "==> apt-get install ${missing[*]} (log: $log)"
# LANG=C.UTF-8: the cluster that the postgresql package creates then has UTF8 encoding.
if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update \
       && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 LC_ALL=C.UTF-8 \
            apt-get install -y --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  echo "ci-services.sh: apt-get failed; last lines of $log:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
echo "==> installed ${missing[*]}"
