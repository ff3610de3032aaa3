#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Run a command under Docker's default seccomp profile, as `docker run`
applies it: the rules whose conditions hold for Docker's default
capabilities, this architecture and this kernel, everything else EPERM.

    docker-defaults.py PROFILE.json COMMAND ARGS...

PROFILE is moby's profiles/seccomp/default.json (Debian ships it in
golang-github-docker-docker-dev, from the same source as docker.io). Run
it with Docker's default capability set already in place (tests/container.t
uses setpriv). The conditions are read as moby's seccomp_linux.go reads
them: includes.caps all held, excludes.caps none held, includes.arches and
excludes.arches against amd64, includes.minKernel against the running
kernel. A name this libseccomp does not know is skipped, as Docker does."""
import errno
import json
import os
import platform
import sys

import seccomp

# moby's oci/caps/defaults.go: the capabilities of a default container
DEFAULT_CAPS = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
    "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP",
    "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
    "CAP_AUDIT_WRITE",
}
ARCH = "amd64"
OPS = {
    "SCMP_CMP_NE": seccomp.NE, "SCMP_CMP_LT": seccomp.LT,
    "SCMP_CMP_LE": seccomp.LE, "SCMP_CMP_EQ": seccomp.EQ,
    "SCMP_CMP_GE": seccomp.GE, "SCMP_CMP_GT": seccomp.GT,
    "SCMP_CMP_MASKED_EQ": seccomp.MASKED_EQ,
}


def kernel_at_least(want):
    have = [int(x) for x in platform.release().split("-")[0].split(".")[:2]]
    return have >= [int(x) for x in want.split(".")[:2]]


def applies(rule):
    inc, exc = rule.get("includes") or {}, rule.get("excludes") or {}
    if not set(inc.get("caps") or []) <= DEFAULT_CAPS:
        return False
    if inc.get("arches") and ARCH not in inc["arches"]:
        return False
    if inc.get("minKernel") and not kernel_at_least(inc["minKernel"]):
        return False
    if set(exc.get("caps") or []) & DEFAULT_CAPS:
        return False
    if exc.get("arches") and ARCH in exc["arches"]:
        return False
    return True


def action(rule, default_errno):
    name = rule["action"]
    if name == "SCMP_ACT_ALLOW":
        return seccomp.ALLOW
    if name == "SCMP_ACT_ERRNO":
        return seccomp.ERRNO(rule.get("errnoRet") or default_errno)
    raise SystemExit(f"docker-defaults: action {name} not handled")


def main():
    if len(sys.argv) < 3:
        raise SystemExit("usage: docker-defaults.py PROFILE.json COMMAND ARGS...")
    with open(sys.argv[1]) as f:
        profile = json.load(f)
    default_errno = profile.get("defaultErrnoRet") or errno.EPERM
    if profile["defaultAction"] != "SCMP_ACT_ERRNO":
        raise SystemExit("docker-defaults: the default action is not ERRNO")
    filt = seccomp.SyscallFilter(defaction=seccomp.ERRNO(default_errno))
    rules = 0
    for rule in profile["syscalls"]:
        if not applies(rule):
            continue
        args = [seccomp.Arg(a["index"], OPS[a["op"]], a["value"], a.get("valueTwo", 0))
                for a in rule.get("args") or []]
        for name in rule["names"]:
            try:
                filt.add_rule(action(rule, default_errno), name, *args)
                rules += 1
            except (RuntimeError, ValueError):
                pass  # unknown to this libseccomp
    if rules < 300:
        raise SystemExit(f"docker-defaults: only {rules} rules: not Docker's profile")
    filt.load()
    os.execvp(sys.argv[2], sys.argv[2:])


main()
