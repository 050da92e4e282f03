#!/usr/bin/env bash
# A one-node Slurm on this machine, for trying `gan sweep --executor slurm` and for its tests (.ci/run starts it).
#
#   scripts/slurm-local.sh start    install the Debian packages if missing, write the config, start munged,
#                                   slurmctld and slurmd (as root, no systemd), wait until the node is idle
#   scripts/slurm-local.sh stop     stop the daemons this script started
#   scripts/slurm-local.sh status   say what runs; exit 0 when the cluster takes jobs, 1 otherwise
#
# All three are idempotent. Config, state, logs and the job completion log live in GAN_SLURM_DIR (default
# /tmp/gan-slurm): a machine runs one Slurm (its daemons listen on fixed ports), so the folder is per machine, not
# per checkout. The config is also installed as /etc/slurm/slurm.conf - where Slurm's commands look by default - unless
# that file exists and was not written by this script (a real cluster's); then export SLURM_CONF=<dir>/slurm.conf.
# Recipe and caveats: the project's shared SLURM-NOTES.md (Debian 12, Slurm 22.05, munge 0.5).
set -euo pipefail

dir="${GAN_SLURM_DIR:-/tmp/gan-slurm}"
conf="$dir/slurm.conf"
etc_conf=/etc/slurm/slurm.conf
marker="# written by gan scripts/slurm-local.sh"
node="$(hostname -s)"

say() { echo "slurm-local: $*"; }

# Daemons run as root (SlurmUser=root keeps the config free of a slurm account and file ownership).
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then exec sudo -E "$0" "$@"; fi
  say "must run as root (the Slurm daemons do); run it with sudo" >&2
  exit 2
fi

alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

install_packages() {
  if command -v slurmctld >/dev/null && command -v slurmd >/dev/null && command -v sbatch >/dev/null \
     && command -v munged >/dev/null; then
    return
  fi
  say "installing slurmctld slurmd slurm-client munge (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends slurmctld slurmd slurm-client munge >/dev/null
}

write_config() {
  mkdir -p "$dir/state" "$dir/spool" "$dir/log"
  local cpus mem
  cpus="$(nproc)"
  mem="$(awk '/^MemTotal:/ { printf "%d", $2 / 1024 * 0.9 }' /proc/meminfo)"   # under the total, or slurmd drains
  cat > "$conf.tmp" <<EOF
$marker: a one-node cluster for gan's tests
ClusterName=gan-local
SlurmctldHost=$node
SlurmUser=root
AuthType=auth/munge
StateSaveLocation=$dir/state
SlurmdSpoolDir=$dir/spool
SlurmctldPidFile=$dir/slurmctld.pid
SlurmdPidFile=$dir/slurmd.pid
SlurmctldLogFile=$dir/log/slurmctld.log
SlurmdLogFile=$dir/log/slurmd.log
# no cgroups in containers and CI sandboxes
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
MpiDefault=none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# no slurmdbd: finished tasks are read from the job completion log and from scontrol while remembered
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$dir/jobcomp.txt
MinJobAge=3600
KillWait=30
ReturnToService=2
NodeName=$node NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
  mv -f "$conf.tmp" "$conf"
  if [ ! -e "$etc_conf" ] || grep -qF "$marker" "$etc_conf"; then
    mkdir -p "$(dirname "$etc_conf")"
    cp "$conf" "$etc_conf.tmp" && mv -f "$etc_conf.tmp" "$etc_conf"
  else
    say "$etc_conf belongs to another Slurm; use this one with: export SLURM_CONF=$conf"
  fi
}

start_munge() {
  if munge -n >/dev/null 2>&1; then return; fi
  [ -s /etc/munge/munge.key ] || mungekey --create --keyfile=/etc/munge/munge.key
  chown munge:munge /etc/munge/munge.key && chmod 0400 /etc/munge/munge.key
  install -d -o munge -g munge -m 0755 /run/munge   # no systemd: nobody else creates it
  runuser -u munge -- /usr/sbin/munged
  touch "$dir/munged.ours"
  for _ in $(seq 50); do munge -n >/dev/null 2>&1 && return; sleep 0.1; done
  say "munged did not start (see /var/log/munge/munged.log)" >&2
  exit 1
}

ready() { [ "$(SLURM_CONF=$conf sinfo -h -n "$node" -o %T 2>/dev/null)" = "idle" ]; }

start() {
  install_packages
  write_config
  start_munge
  export SLURM_CONF="$conf"
  # nohup + setsid: the daemons outlive this script and the terminal or CI step that ran it
  if ! alive "$dir/slurmctld.pid"; then
    setsid nohup slurmctld -D -i >>"$dir/log/slurmctld.out" 2>&1 < /dev/null &
    echo $! > "$dir/slurmctld.pid"
  fi
  if ! alive "$dir/slurmd.pid"; then
    setsid nohup slurmd -D >>"$dir/log/slurmd.out" 2>&1 < /dev/null &
    echo $! > "$dir/slurmd.pid"
  fi
  for _ in $(seq 300); do
    if ready; then say "up: node $node idle, partition debug, config $conf"; return; fi
    # a node left down or drained by an earlier run of the daemons comes back
    case "$(sinfo -h -n "$node" -o %T 2>/dev/null)" in
      down*|drain*) scontrol update NodeName="$node" State=RESUME >/dev/null 2>&1 || true ;;
    esac
    sleep 0.1
  done
  say "Slurm did not come up within 30 s; logs in $dir/log" >&2
  tail -n 5 "$dir/log/slurmctld.log" "$dir/log/slurmd.log" >&2 || true
  exit 1
}

stop_pid() {
  local file="$dir/$1.pid"
  if alive "$file"; then
    local pid
    pid="$(cat "$file")"
    kill "$pid"
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -0 "$pid" 2>/dev/null && kill -9 "$pid"
    say "stopped $1 ($pid)"
  fi
  rm -f "$file"
}

stop() {
  stop_pid slurmd
  stop_pid slurmctld
  # munged only if this script started it: other services may rely on it
  if [ -f "$dir/munged.ours" ] && [ -f /run/munge/munged.pid ]; then
    kill "$(cat /run/munge/munged.pid)" 2>/dev/null || true
    rm -f "$dir/munged.ours"
    say "stopped munged"
  fi
}

status() {
  local up=0
  for d in slurmctld slurmd; do
    if alive "$dir/$d.pid"; then say "$d running (pid $(cat "$dir/$d.pid"))"; else say "$d not running"; up=1; fi
  done
  if munge -n >/dev/null 2>&1; then say "munged running"; else say "munged not running"; up=1; fi
  if [ "$up" -eq 0 ] && SLURM_CONF=$conf sinfo >/dev/null 2>&1; then
    SLURM_CONF=$conf sinfo
    return 0
  fi
  say "not taking jobs; start it with: scripts/slurm-local.sh start"
  return 1
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
