#!/bin/bash
# guest-health.sh CONSOLE_LOG [--expect-continuous] [--since-line N] [--max-gap S] [--max-age S]
#                 [--min-heartbeats K] [--expect-boots K] — checks a test guest's serial console log: fails (exit 1) on a
# kernel oops/BUG/panic/Call Trace, and with --expect-continuous if HEARTBEAT goes backwards, jumps, the
# guest rebooted, or two heartbeats are more than --max-gap s apart (RTC = host time, default 5).
# --expect-boots K (a cold migration or resize: the guest is stopped and started elsewhere): exactly
# K boots after line N, each one counting HEARTBEAT from 1 without jumps or stalls. A disk the guest
# found CORRUPT fails in every mode. Only lines after --since-line N are judged. Prints the last
# heartbeat, the last boot mem_kib and the last disk check.
set -euo pipefail
usage() { echo "usage: guest-health.sh CONSOLE_LOG [--expect-continuous] [--since-line N] [--max-gap SECS] [--max-age SECS] [--min-heartbeats K] [--expect-boots K]" >&2; exit 2; }
[ $# -ge 1 ] || usage
LOG=$1; shift
CONT=0 SINCE=0 MAXGAP=5 MAXAGE="" MINHB=0 BOOTS=-1
while [ $# -gt 0 ]; do
  case $1 in
    --expect-continuous) CONT=1; shift;;
    --since-line) SINCE=$2; shift 2;;
    --max-gap) MAXGAP=$2; shift 2;;
    --max-age) MAXAGE=$2; shift 2;;
    --min-heartbeats) MINHB=$2; shift 2;;
    --expect-boots) BOOTS=$2; shift 2;;
    *) usage;;
  esac
done
[ "$CONT" = 1 ] && [ "$BOOTS" -ge 0 ] && { echo "--expect-continuous and --expect-boots exclude each other" >&2; exit 2; }
[ -f "$LOG" ] || { echo "FAIL: console log $LOG does not exist" >&2; exit 1; }
NOW=$(date +%s)
# tr: the console may contain \r and NULs (the guest writes raw serial output)
tr -d '\r\000' < "$LOG" | awk -v since="$SINCE" -v cont="$CONT" -v maxgap="$MAXGAP" -v maxage="$MAXAGE" \
    -v minhb="$MINHB" -v now="$NOW" -v logf="$LOG" -v eboots="$BOOTS" '
  function fail(msg) { fails[++nf] = msg }
  /FERRY-GUEST boot/ {
    if (match($0, /mem_kib=[0-9]+/)) mem = substr($0, RSTART + 8, RLENGTH - 8)
    if (NR > since) {
      boots++; if (cont && seen_hb_window) fail("line " NR ": guest booted again (restart/reboot)")
      if (eboots >= 0) { have_prev = 0; fresh = 1 }   # its counter starts again at 1
    }
  }
  /FERRY-GUEST disk / {
    if (NR > since) disk = $3
    if (NR > since && $3 == "CORRUPT") fail("line " NR ": the guest found its disk corrupt: " $0)
  }
  /Oops|BUG:|Kernel panic|Call Trace|general protection fault|rcu_sched.*stall|rcu: INFO|blocked for more than/ {
    if (NR > since && nk < 5) { nk++; fail("line " NR ": kernel error: " $0) }
  }
  /HEARTBEAT [0-9]+/ {
    match($0, /HEARTBEAT [0-9]+/); n = substr($0, RSTART + 10, RLENGTH - 10) + 0
    rtc = 0; if (match($0, /rtc=[0-9]+/)) rtc = substr($0, RSTART + 4, RLENGTH - 4) + 0
    if (NR > since) {
      hb++; seen_hb_window = 1
      if (fresh && n != 1) fail("line " NR ": first HEARTBEAT after a boot is " n ", not 1")
      fresh = 0
      if ((cont || eboots >= 0) && have_prev) {
        if (n <= prev) fail("line " NR ": HEARTBEAT went backwards " prev " -> " n)
        else if (n != prev + 1) fail("line " NR ": HEARTBEAT jumped " prev " -> " n)
        if (rtc > 0 && prev_rtc > 0 && rtc - prev_rtc > maxgap) fail("line " NR ": stall of " rtc - prev_rtc "s between HEARTBEAT " prev " and " n " (max " maxgap "s)")
      }
      if (rtc > 0 && prev_rtc > 0 && rtc - prev_rtc > worst) worst = rtc - prev_rtc
    }
    prev = n; prev_rtc = rtc; have_prev = 1; last = n; last_rtc = rtc
  }
  END {
    if (eboots >= 0 && boots != eboots) fail(boots + 0 " boots after line " since " (expected " eboots ")")
    if (hb < minhb) fail("only " hb + 0 " heartbeats after line " since " (wanted >= " minhb ")")
    if (maxage != "" && (last_rtc == 0 || now - last_rtc > maxage + 0))
      fail("last heartbeat is " (last_rtc ? now - last_rtc "s old" : "missing") " (max age " maxage "s)")
    printf "%s: last_heartbeat=%s boot_mem_kib=%s heartbeats_checked=%d boots_checked=%d max_gap_s=%d lines=%d since_line=%d disk=%s\n", \
      (nf ? "FAIL" : "OK"), (have_prev ? last : "none"), (mem != "" ? mem : "none"), hb, boots, worst, NR, since, (disk != "" ? disk : "none")
    for (i = 1; i <= nf; i++) print "FAIL: " logf ": " fails[i] > "/dev/stderr"
    exit (nf ? 1 : 0)
  }'
