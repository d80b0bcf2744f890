# Sourced by the container scripts: makes podman usable on a Debian machine without a Docker engine.
# Installs podman, buildah, runc and debootstrap when missing (as root, from Debian's packages), then
# points podman at a containers.conf that works without cgroup v2 or CAP_SYS_RESOURCE.

CONTAINER_TOOLS=(podman buildah runc debootstrap)

missing_tools=()
for tool in "${CONTAINER_TOOLS[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || missing_tools+=("$tool")
done

if ((${#missing_tools[@]})); then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "container tier: missing ${missing_tools[*]}." >&2
    echo "Install them (Debian: apt-get install ${CONTAINER_TOOLS[*]}) or run this as root on Debian to install them." >&2
    exit 1
  fi
  echo "container tier: installing ${missing_tools[*]} from Debian's packages"
  # Recommends stay on: they bring the network plugins that `podman run -p` needs.
  DEBIAN_FRONTEND=noninteractive apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${CONTAINER_TOOLS[@]}" >/dev/null
fi

# crun needs a unified cgroup hierarchy and the default ulimits need CAP_SYS_RESOURCE; neither is
# guaranteed in a CI sandbox, so runc and explicit ulimits are used instead.
# Its own folder, removed when the sourcing script exits, so a run leaves nothing in the temp dir.
CONTAINER_RUNTIME_DIR=$(mktemp -d "${TMPDIR:-/tmp}/switchyard-containers.XXXXXX")
trap 'rm -rf "$CONTAINER_RUNTIME_DIR"' EXIT
CONTAINERS_CONF="$CONTAINER_RUNTIME_DIR/containers.conf"
cat >"$CONTAINERS_CONF" <<'CONF'
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]

[engine]
runtime = "runc"
CONF
export CONTAINERS_CONF

if ! podman_info_error=$(podman info --format '{{.Host.OCIRuntime.Name}}' 2>&1 >/dev/null); then
  echo "container tier: podman is installed but cannot start: $podman_info_error" >&2
  exit 1
fi
