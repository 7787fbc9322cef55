#!/usr/bin/env bash
# Installs, from Debian's packages, what Casework needs beyond Python. Both README commands call it:
#   scripts/system-packages.sh run    what `make run` needs: CJK fonts for pages and PDF notices (Noto CJK
#                                     for 宋/黑, AR PL UKai for 楷), the libraries WeasyPrint renders with
#                                     (Pango, HarfBuzz subset, fontconfig), python3-venv
#   scripts/system-packages.sh test   that, and what the tests need: PostgreSQL 15, Chromium with its driver,
#                                     poppler-utils (pdftoppm, pdffonts), gettext (tests/i18n compares the
#                                     catalogue with the sources; the compiled django.mo is committed), and
#                                     npm when there is none (scripts/test.sh installs axe-core with it for the
#                                     browser tests' accessibility checks; without it they skip)
# Only what is missing: a machine that has everything costs no apt call. As root it runs apt-get; otherwise
# with passwordless sudo; otherwise it stops at once and prints the one command to run.
set -euo pipefail
cd "$(dirname "$0")/.."

what=${1:-test}
run_packages=(fonts-noto-cjk fonts-arphic-ukai fontconfig libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0)
test_packages=(postgresql chromium chromium-driver poppler-utils gettext)
case "$what" in
  run) packages=("${run_packages[@]}") ;;
  test) packages=("${run_packages[@]}" "${test_packages[@]}") ;;
  *) echo "usage: $0 run|test" >&2; exit 2 ;;
esac

installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

if ! command -v dpkg-query >/dev/null 2>&1; then
  echo "system-packages.sh: not a Debian system (no dpkg-query); install by hand: ${packages[*]}" >&2
  exit 1
fi

missing=()
for p in "${packages[@]}"; do installed "$p" || missing+=("$p"); done
# `python3 -m venv` needs ensurepip, which Debian ships apart.
python3 -c 'import ensurepip, venv' 2>/dev/null || missing+=(python3-venv)
# By command, not by package: an npm that came with another Node.js (nodesource's nodejs bundles it) will do,
# and Debian's npm would conflict with it.
[ "$what" = test ] && ! command -v npm >/dev/null 2>&1 && missing+=(npm)

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
  else
    echo "Casework needs these Debian packages: ${missing[*]}" >&2
    echo "Run this once, then the make command again:" >&2
    echo "  sudo apt-get install -y --no-install-recommends ${missing[*]}" >&2
    exit 1
  fi
fi
mkdir -p var/log
log=$PWD/var/log/apt.log
echo "==> apt-get install ${missing[*]} (log: $log)"
# LANG=C.UTF-8: the cluster that the postgresql package creates then has UTF8 encoding.
if ! { "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update \
       && "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive LANG=C.UTF-8 LC_ALL=C.UTF-8 \
            apt-get install -y --no-install-recommends "${missing[@]}"; } >"$log" 2>&1; then
  echo "system-packages.sh: apt-get failed; last lines of $log:" >&2
  tail -n 30 "$log" >&2
  exit 1
fi
echo "==> installed ${missing[*]}"
