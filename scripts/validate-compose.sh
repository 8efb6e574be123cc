#!/usr/bin/env bash
# Validates every compose file of docker/ without a container engine: Debian's docker-compose (1.29) parses each
# variant (`config -q`: YAML, the Compose schema, interpolation, merged overrides) and every image it names must carry
# an exact version (x.y.z), so none drifts with `latest` or a major tag. The IOC's own image (built here) is exempt.
# Usage: scripts/validate-compose.sh [docker dir]  (npm run compose:check; .ci/run runs it before the tests)
set -euo pipefail
dir="${1:-$(dirname "$0")/../docker}"
cd "$dir"

command -v docker-compose >/dev/null 2>&1 || {
  echo "validate-compose: docker-compose not found: apt-get install docker-compose" >&2
  exit 2
}

# The required secrets, set to placeholders: only the files are checked, and an unset one would fail interpolation.
export POSTGRES_PASSWORD=check MQTT_PASSWORD=check MQTT_ADMIN_PASSWORD=check AUTH_JWT_SECRET=check
OWN_IMAGE=soc-trang-ioc

# Each variant: the files it combines. Every compose file here must be in one of them.
variants=('compose.yml' 'compose.yml compose.split-roles.yml')

failed=0
covered=()
for variant in "${variants[@]}"; do
  args=()
  for f in $variant; do
    args+=(-f "$f")
    covered+=("$f")
  done
  if ! out=$(docker-compose "${args[@]}" config 2>&1); then
    echo "validate-compose: [$variant] does not parse:" >&2
    echo "$out" >&2
    failed=1
    continue
  fi
  unpinned=0
  while read -r image; do
    [ "${image%%[:@]*}" = "$OWN_IMAGE" ] && continue
    if ! [[ "$image" =~ :[0-9]+\.[0-9]+\.[0-9]+[^@]*(@sha256:[0-9a-f]{64})?$ ]]; then
      echo "validate-compose: [$variant] image $image is not pinned to an exact version" >&2
      unpinned=1
    fi
  done < <(sed -n 's/^ *image: *//p' <<<"$out" | tr -d "'\"" | sort -u)
  if [ "$unpinned" = 1 ]; then
    failed=1
  else
    services=$(sed -n '/^services:/,/^[a-z]/p' <<<"$out" | grep -c '^  [a-z0-9-]*:$')
    echo "validate-compose: [$variant] ok ($services services)"
  fi
done

for f in compose*.yml; do
  if ! printf '%s\n' "${covered[@]}" | grep -qx "$f"; then
    echo "validate-compose: $f is in no variant: add it to scripts/validate-compose.sh" >&2
    failed=1
  fi
done
exit "$failed"
