#!/bin/sh
# make run: the settings of a developer's machine, which config/settings.py reads when the
# environment sets no SECRET_KEY (never in production). Written once; edit it at will.
set -e
dir="${PES21_VAR_DIR:-var}"
mkdir -p "$dir"
if [ ! -f "$dir/local.env" ]; then
    printf '%s\n' "# Réglages de cette machine de développement (make run), jamais lus en production." \
        "DEBUG=1" > "$dir/local.env"
    echo "Réglages locaux écrits dans $dir/local.env (DEBUG=1)."
fi
