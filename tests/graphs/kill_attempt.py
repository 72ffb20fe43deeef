"""One attempt of a kill test (kill_lib.sh): runs a command and signals it at a random moment.

    kill_attempt.py --seed S --attempt K --signal KILL|TERM --out DIR --total-bytes N
                    --delays LOW HIGH --run-seconds R [--preload SHIM]
                    --stdout FILE --stderr FILE -- COMMAND...

The moment depends only on the seed and the attempt number (so LOOM_KILL_SEED replays it); it is
one of three kinds, equally likely:
- progress: once the output files under DIR (temporary files included; stats.json and the
  resume manifest aside; only files this run wrote when it starts over) have grown by a random
  5-95% of what is left to write to reach N bytes. Output bytes measure how far a run got
  whatever the machine's speed, so these land in the middle of real work.
- time: after a random LOW..HIGH times R seconds, which also hits start-up and stages that write
  nothing yet.
- checkpoint: 0-30 ms after the run's 1st, 2nd or 3rd resume checkpoint, by the LD_PRELOAD SHIM
  (tests/faults/kill_at_rename.cpp); this hits graphs that write their output in one short burst
  after a whole-input stage, which the other two mostly miss. Without --preload, a progress kill.
  These are always SIGKILL.
Starting the command here, not in the shell, keeps the interpreter's start-up out of the delay.

Prints one line saying when it signalled (or that the command finished first) and exits with
the command's exit code (128 + the signal number if a signal ended it, as a shell reports it).
"""

import argparse
import os
import random
import signal
import subprocess
import time

POLL_SECONDS = 0.002


def output_bytes(folder: str, since: float = 0.0) -> int:
    """Bytes of the output files under `folder` last modified at or after `since`."""
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            if name == "stats.json" or ".resume.json" in name:
                continue
            try:
                info = os.stat(os.path.join(root, name))
            except FileNotFoundError:  # renamed or removed while we looked
                continue
            if info.st_mtime >= since:
                total += info.st_size
    return total


def has_manifest(folder: str) -> bool:
    return any(name.endswith(".resume.json") for _root, _dirs, files in os.walk(folder)
               for name in files)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--seed", required=True)
    parser.add_argument("--attempt", type=int, required=True)
    parser.add_argument("--signal", choices=("KILL", "TERM"), required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--total-bytes", type=int, required=True)
    parser.add_argument("--delays", type=float, nargs=2, required=True)
    parser.add_argument("--run-seconds", type=float, required=True)
    parser.add_argument("--preload", default="")
    parser.add_argument("--stdout", required=True)
    parser.add_argument("--stderr", required=True)
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command

    choice = random.Random(f"{args.seed}/attempt-{args.attempt}")
    want_bytes, want_seconds = 0, 0.0
    # A run that starts over rewrites every output: files an earlier run left are not progress.
    since = time.time() - 0.001 if not has_manifest(args.out) else 0.0
    kind = choice.randrange(3)
    environment = dict(os.environ)
    if kind == 0:
        want_seconds = round(choice.uniform(*args.delays) * args.run_seconds, 3)
        moment = f"after {want_seconds} s"
    elif kind == 1 and args.preload:
        checkpoint, delay_ms = choice.randint(1, 3), choice.randint(0, 30)
        environment.update(LD_PRELOAD=args.preload, LOOM_KILL_AFTER_CHECKPOINT=str(checkpoint),
                           LOOM_KILL_DELAY_MS=str(delay_ms))
        moment = f"{delay_ms} ms after checkpoint {checkpoint}"
        args.signal = "KILL"
    else:
        done = output_bytes(args.out, since)
        share = choice.uniform(0.05, 0.95)
        want_bytes = done + int(share * max(0, args.total_bytes - done)) + 1
        moment = f"at {want_bytes} output bytes ({share:.2f} of what was left)"

    started = time.monotonic()
    with open(args.stdout, "wb") as out, open(args.stderr, "wb") as err:
        process = subprocess.Popen(command, stdout=out, stderr=err, stdin=subprocess.DEVNULL,
                                   env=environment)
    what = "the run finished first"
    while process.poll() is None:
        elapsed = time.monotonic() - started
        size = output_bytes(args.out, since) if want_bytes else 0
        if (want_bytes and size >= want_bytes) or (want_seconds and elapsed >= want_seconds):
            process.send_signal(getattr(signal, "SIG" + args.signal))
            what = f"signalled at {size} bytes after {elapsed:.3f} s"
            break
        time.sleep(POLL_SECONDS)
    rc = process.wait()
    if kind == 1 and args.preload and rc == -signal.SIGKILL:
        what = "killed by the shim"
    print(f"SIG{args.signal} {moment}: {what}")
    return 128 - rc if rc < 0 else rc


if __name__ == "__main__":
    raise SystemExit(main())
