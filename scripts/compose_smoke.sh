#!/usr/bin/env bash
# `make compose-smoke`: the real Dockerfile and docker-compose.yml, up and checked end to end.
#
# No container registry is needed: the base images are built here from Debian's packages
# (debootstrap from the mirror apt uses, then `docker import`), the project image from the real
# Dockerfile on that base (BASE build argument), and scripts/compose_smoke/docker-compose.smoke.yml
# swaps the registry images (postgres, redis, mailpit) for Debian's PostgreSQL, Redis and aiosmtpd.
# Installs docker.io, docker-compose and debootstrap when missing; starts its own Docker engine
# (data under var/compose-smoke/) when none answers. Published ports bind 127.0.0.1 only, the
# containers get no outside DNS and the engine it starts forwards nothing off the machine.
#
#   make compose-smoke                 # SMOKE_KEEP=1 leaves the stack up for a look
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
WORK=${SMOKE_DIR:-$ROOT/var/compose-smoke}
DEBIAN_IMAGE=tracker-smoke/debian:bookworm
PYTHON_IMAGE=tracker-smoke/python:3.11
export COMPOSE_PROJECT_NAME=tracker-smoke COMPOSE_HTTP_TIMEOUT=300 DOCKER_BUILDKIT=0
export PUBLISH_ADDRESS=127.0.0.1 SECRET_KEY=compose-smoke-only-$RANDOM$RANDOM$RANDOM
mkdir -p "$WORK"

START=$(date +%s.%N)
CHECKS=()
t() { python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):6.1f} s')" "$1" "$(date +%s.%N)"; }
ok() { CHECKS+=("$(t "$STEP")  $1"); echo "  ok  $1"; STEP=$(date +%s.%N); }
fail() { echo "FAILED: $1" >&2; compose logs --tail 60 >&2 || true; exit 1; }
STEP=$START

# Wait up to $1 seconds for the command after it to succeed.
until_ok() {
  local deadline=$(( $(date +%s) + $1 )); shift
  until "$@" >/dev/null 2>&1; do
    [ "$(date +%s)" -lt "$deadline" ] || return 1
    sleep 1
  done
}

free_port() { python3 -c "import socket; s=socket.socket(); s.bind(('127.0.0.1', 0)); print(s.getsockname()[1])"; }

install_tools() {
  local missing=()
  command -v dockerd >/dev/null || missing+=(docker.io)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  command -v debootstrap >/dev/null || missing+=(debootstrap)
  command -v iptables >/dev/null || missing+=(iptables)
  if [ ${#missing[@]} -gt 0 ]; then
    echo "installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    apt-get -o DPkg::Lock::Timeout=600 install -y -qq "${missing[@]}" >/dev/null
  fi
}

OWN_ENGINE=""
start_engine() {
  if docker info >/dev/null 2>&1; then return; fi
  export DOCKER_HOST="unix://$WORK/docker.sock"
  if docker info >/dev/null 2>&1; then return; fi
  echo "starting a Docker engine (data in $WORK/docker)"
  # No masquerading: a container's packet for an outside address has nowhere to go.
  dockerd --data-root "$WORK/docker" --exec-root "$WORK/run" --pidfile "$WORK/dockerd.pid" \
    -H "$DOCKER_HOST" --ip-masq=false >"$WORK/dockerd.log" 2>&1 &
  OWN_ENGINE=$!
  until_ok 60 docker info || { tail -30 "$WORK/dockerd.log" >&2; fail "dockerd did not start"; }
  # And the engine's forwarding stops at the machine's own interface.
  local out
  out=$(ip route show default | awk '{print $5; exit}')
  if [ -n "$out" ]; then iptables -I DOCKER-USER -o "$out" -j DROP; fi
}

stop_engine() {
  if [ -n "$OWN_ENGINE" ]; then
    local out
    out=$(ip route show default | awk '{print $5; exit}')
    [ -z "$out" ] || iptables -D DOCKER-USER -o "$out" -j DROP 2>/dev/null || true
    kill "$OWN_ENGINE" 2>/dev/null || true
    wait "$OWN_ENGINE" 2>/dev/null || true
    # What the engine mounted under its folders (network namespaces, the data root).
    awk -v work="$WORK/" 'index($2, work) == 1 {print $2}' /proc/mounts | sort -r | xargs -r -n1 umount -l
  fi
}

debian_mirror() {
  # The first Debian mirror apt is configured with (deb822 .sources or a sources.list line).
  local uri
  uri=$(awk '/^URIs:/ {print $2; exit}' /etc/apt/sources.list.d/debian.sources 2>/dev/null || true)
  [ -n "$uri" ] || uri=$(awk '$1 == "deb" && $2 !~ /^\[/ {print $2; exit}' /etc/apt/sources.list 2>/dev/null || true)
  echo "${uri:?no Debian mirror in the apt sources}"
}

build_base_images() {
  if ! docker image inspect "$DEBIAN_IMAGE" >/dev/null 2>&1; then
    local rootfs=$WORK/rootfs
    if [ ! -e "$rootfs/.complete" ]; then
      rm -rf "$rootfs"
      echo "debootstrap bookworm from $(debian_mirror) (a few minutes, once)"
      debootstrap --variant=minbase \
        --include=ca-certificates,python3,python3-venv,postgresql,redis-server,python3-aiosmtpd \
        bookworm "$rootfs" "$(debian_mirror)" >"$WORK/debootstrap.log" 2>&1 || { tail -20 "$WORK/debootstrap.log" >&2; fail "debootstrap"; }
      # The host's local certificate authorities (a proxy's, say), so pip in the build trusts what the host trusts.
      if compgen -G "/usr/local/share/ca-certificates/*.crt" >/dev/null; then
        cp /usr/local/share/ca-certificates/*.crt "$rootfs/usr/local/share/ca-certificates/"
        chroot "$rootfs" update-ca-certificates >/dev/null
      fi
      # No packaged cluster: the db service makes its own, and pg_isready/psql then default to 5432.
      rm -rf "$rootfs"/etc/postgresql/* "$rootfs"/var/lib/postgresql/*
      rm -rf "$rootfs"/var/lib/apt/lists/* "$rootfs"/var/cache/apt/archives/*.deb
      touch "$rootfs/.complete"
    fi
    tar -C "$rootfs" --exclude=./.complete -c . | docker import - "$DEBIAN_IMAGE" >/dev/null
  fi
  if ! docker image inspect "$PYTHON_IMAGE" >/dev/null 2>&1; then
    docker build -q -t "$PYTHON_IMAGE" --build-arg DEBIAN="$DEBIAN_IMAGE" -f scripts/compose_smoke/python.Dockerfile scripts/compose_smoke >/dev/null
  fi
}

compose() { docker-compose -f docker-compose.yml -f scripts/compose_smoke/docker-compose.smoke.yml "$@"; }
sql() { compose exec -T db psql -U tracker -d tracker -tAc "$1"; }
# GET $1 through the published port: 200, and $2 in the body.
http() {
  python3 -c 'import sys, urllib.request
response = urllib.request.urlopen(sys.argv[1], timeout=10)
body = response.read().decode()
assert response.status == 200 and sys.argv[2] in body, (response.status, body[:300])' "$@"
}

teardown() {
  local code=$?
  if [ -z "${SMOKE_KEEP:-}" ]; then
    compose down -v --remove-orphans >/dev/null 2>&1 || true
    stop_engine
  fi
  exit $code
}

install_tools
start_engine
trap teardown EXIT
ok "Docker engine answers ($(docker version -f '{{.Server.Version}}'))"
build_base_images
ok "base images $DEBIAN_IMAGE and $PYTHON_IMAGE built locally"
# The real Dockerfile on the local base; the build's own network is the host's (pip reaches PyPI).
docker build -q --network host --build-arg BASE="$PYTHON_IMAGE" -t commitments-tracker . >/dev/null || fail "docker build"
ok "project image built from the Dockerfile (BASE=$PYTHON_IMAGE, its own pip $(docker run --rm commitments-tracker pip --version | cut -d' ' -f2))"

export WEB_PORT MAIL_UI_PORT
WEB_PORT=$(free_port); MAIL_UI_PORT=$(free_port)
compose down -v --remove-orphans >/dev/null 2>&1 || true
compose up -d --no-build >"$WORK/up.log" 2>&1 || { cat "$WORK/up.log" >&2; fail "compose up"; }
until_ok 240 sh -c "[ \"\$(docker inspect -f '{{.State.Health.Status}}' \$(docker-compose -f docker-compose.yml -f scripts/compose_smoke/docker-compose.smoke.yml ps -q web))\" = healthy ]" \
  || fail "web never became healthy"
ok "stack up: db, redis, mail, web healthy (web on 127.0.0.1:$WEB_PORT)"

[ "$(compose exec -T web python manage.py showmigrations --plan | grep -c '^\[ \]')" = 0 ] || fail "unapplied migrations"
[ "$(sql "SELECT count(*) FROM django_migrations WHERE app = 'commitments'")" -gt 0 ] || fail "no migrations recorded"
ok "migrations applied ($(sql "SELECT count(*) FROM django_migrations") rows in django_migrations)"

http "http://127.0.0.1:$WEB_PORT/healthz/" '"ok"' || fail "/healthz/"
http "http://127.0.0.1:$WEB_PORT/" '<html' || fail "the home page"
http "http://127.0.0.1:$WEB_PORT/statements/" '<html' || fail "the statements page"
ok "/healthz/, / and /statements/ answer 200 through the published port"

until_ok 120 sh -c "docker-compose -f docker-compose.yml -f scripts/compose_smoke/docker-compose.smoke.yml logs beat | grep -q 'Sending due task source-checks-dispatch'" \
  || fail "beat never sent a task"
ok "beat ticks (sent source-checks-dispatch)"

# Evidence linking to the stack's own web service (by a dotted alias: a URL needs a domain): the next dispatch finds it due and the worker checks it.
compose exec -T web python manage.py shell -c "
from commitments.models import Evidence
Evidence.objects.create(url='http://web.compose.test:8000/healthz/', title='Compose smoke test')" >/dev/null
checked="SELECT c.status FROM commitments_urlcheck c JOIN commitments_monitoredurl m ON m.id = c.monitored_url_id
         WHERE m.url = 'http://web.compose.test:8000/healthz/'"
until_ok 120 sh -c "[ -n \"\$(docker-compose -f docker-compose.yml -f scripts/compose_smoke/docker-compose.smoke.yml \
  exec -T db psql -U tracker -d tracker -tAc \"$checked\")\" ]" || fail "the worker never checked the new link"
[ "$(sql "$checked")" = 200 ] || fail "the check of http://web.compose.test:8000/healthz/ did not record a 200: $(sql "$checked")"
# The log is read whole first: under pipefail, `logs | grep -q` fails when grep stops reading early (SIGPIPE).
compose logs --no-color worker >"$WORK/worker.log" 2>&1
grep -q 'commitments.tasks.checks.check_run\[.*\] succeeded' "$WORK/worker.log" || fail "no check_run task succeeded"
ok "the worker consumed a re-check run (check_run succeeded; http://web.compose.test:8000/healthz/ checked: 200)"

# A confirmed subscriber and last week's digest, queued as beat's hourly task queues it: the worker sends it.
week=$(compose exec -T web python manage.py shell -c "
from django.utils import timezone
from commitments.digests.periods import period_before
from commitments.models import Subscriber
from commitments.tasks.digests import digests_enqueue
Subscriber.objects.create(email='smoke@example.org', confirmed_at=timezone.now())
key = period_before(now=timezone.now()).key
digests_enqueue.delay(key)
print(key)" | tail -1)
until_ok 90 sh -c "docker-compose -f docker-compose.yml -f scripts/compose_smoke/docker-compose.smoke.yml exec -T mail sh -c 'grep -l smoke@example.org /mail/new/*'" \
  || fail "no digest e-mail reached the mail catcher"
subject=$(compose exec -T mail sh -c 'grep -h "^Subject:" /mail/new/* | head -1')
ok "a digest e-mail for $week reached the mail catcher ($subject)"

echo
echo "compose smoke passed in $(t "$START"):"
printf '  %s\n' "${CHECKS[@]}"
