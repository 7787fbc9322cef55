#!/usr/bin/env bash
# Translations. The msgids are the Chinese wording of the sources; English lives in
# locale/en/LC_MESSAGES/django.po and is compiled to django.mo next to it. The .mo is
# committed, so that `make run` and the tests need no gettext; tests/i18n checks that
# it agrees with the .po and that the .po holds every string the sources mark.
#   scripts/messages.sh           extract (new msgids come with an empty msgstr to fill in), then compile
#   scripts/messages.sh compile   compile only
# Needs GNU gettext (Debian: apt-get install gettext).
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PY:-.venv/bin/python}
# Extraction needs settings, not secrets: the tests' settings module has a key of its own.
export DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-config.settings_test}

command -v msgfmt >/dev/null 2>&1 && command -v xgettext >/dev/null 2>&1 \
  || { echo "messages.sh: GNU gettext is missing (apt-get install gettext)" >&2; exit 1; }

if [ "${1:-}" != compile ]; then
  "$PY" manage.py makemessages --locale en --no-wrap --add-location file --no-obsolete \
    --ignore node_modules --ignore var --ignore bench --ignore benchlib --ignore tests --ignore docs \
    --ignore staticfiles --ignore test-artifacts --ignore '*.egg-info' --ignore scripts
fi
"$PY" manage.py compilemessages --locale en --ignore .venv --ignore node_modules
