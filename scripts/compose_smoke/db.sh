#!/bin/sh
# PostgreSQL from Debian's packages, configured like the postgres image from POSTGRES_* variables.
set -e
BIN=$(ls -d /usr/lib/postgresql/*/bin | tail -1)
DATA=/var/lib/postgresql/data
mkdir -p "$DATA" /var/run/postgresql
chown -R postgres:postgres "$DATA" /var/run/postgresql
chmod 700 "$DATA"
if [ ! -e "$DATA/.initialised" ]; then
  rm -rf "${DATA:?}"/*
  echo "$POSTGRES_PASSWORD" > /tmp/pwfile && chown postgres /tmp/pwfile
  runuser -u postgres -- "$BIN/initdb" -D "$DATA" -U "$POSTGRES_USER" --pwfile=/tmp/pwfile --auth-local=trust --auth-host=scram-sha-256 -E UTF8 >/dev/null
  rm /tmp/pwfile
  echo "host all all 0.0.0.0/0 scram-sha-256" >> "$DATA/pg_hba.conf"
  runuser -u postgres -- "$BIN/pg_ctl" -D "$DATA" -o "-c listen_addresses=''" -w start >/dev/null
  runuser -u postgres -- psql -q -U "$POSTGRES_USER" -d postgres -c "CREATE DATABASE \"$POSTGRES_DB\""
  runuser -u postgres -- "$BIN/pg_ctl" -D "$DATA" -m fast -w stop >/dev/null
  touch "$DATA/.initialised"
fi
exec runuser -u postgres -- "$BIN/postgres" -D "$DATA" -c listen_addresses='*'
